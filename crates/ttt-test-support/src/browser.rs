//! A real headless Chromium, driven over WebDriver (`chromedriver`), for
//! the tests of the page the server serves on its web port.
//!
//! The WebDriver wire is HTTP with JSON bodies; the few calls needed here
//! are written by hand on a loopback socket, so the tests need no HTTP or
//! JSON crate. Elements are found by what a person (or a screen reader)
//! knows them by: a button's accessible name, the `role="status"` region.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a page has to show what a test waits for.
pub const PAGE_TIMEOUT: Duration = Duration::from_secs(10);

/// A `chromedriver` process, stopped when dropped.
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    /// Starts `chromedriver` on a free loopback port; `None` if it is not
    /// installed (the caller decides whether that may skip the test).
    pub fn start() -> Option<Driver> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .ok()?
            .port();
        let mut child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let stdout = child.stdout.take()?;
        let mut lines = BufReader::new(stdout).lines();
        // "ChromeDriver was started successfully on port N."
        let started = lines.any(|l| l.is_ok_and(|l| l.contains("started successfully")));
        if !started {
            let _ = child.kill();
            return None;
        }
        // Kept read, so that its later lines never find a closed pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Some(Driver { child, port })
    }

    /// A new headless browser window that is a phone held upright: a
    /// viewport 360 CSS px wide (headless windows are at least 500 px wide,
    /// so the phone is emulated, as DevTools' device mode does), touch, and
    /// a mobile user agent's layout rules.
    pub fn page(&self) -> Page {
        let body = r#"{"capabilities":{"alwaysMatch":{"goog:chromeOptions":{"args":["--headless=new","--no-sandbox","--disable-gpu","--disable-dev-shm-usage"],"mobileEmulation":{"deviceMetrics":{"width":360,"height":740,"pixelRatio":2,"touch":true,"mobile":true}}}}}}"#;
        let reply = call(self.port, "POST", "/session", body);
        let session =
            string_after(&reply, "\"sessionId\":").unwrap_or_else(|| panic!("no session: {reply}"));
        Page {
            port: self.port,
            session,
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser window.
pub struct Page {
    port: u16,
    session: String,
}

impl Page {
    fn call(&self, method: &str, path: &str, body: &str) -> String {
        let path = format!("/session/{}{path}", self.session);
        call(self.port, method, &path, body)
    }

    /// Opens `url`.
    pub fn open(&self, url: &str) {
        self.call("POST", "/url", &format!("{{\"url\":{}}}", json(url)));
    }

    /// The element an XPath finds, if any.
    fn find(&self, xpath: &str) -> Option<String> {
        let body = format!("{{\"using\":\"xpath\",\"value\":{}}}", json(xpath));
        let reply = self.call("POST", "/element", &body);
        string_after(&reply, "\"element-6066-11e4-a52e-4f735466cecf\":")
    }

    /// Waits for the element an XPath finds.
    fn wait_for(&self, xpath: &str) -> String {
        let deadline = Instant::now() + PAGE_TIMEOUT;
        loop {
            if let Some(element) = self.find(xpath) {
                return element;
            }
            assert!(Instant::now() < deadline, "nothing on the page at {xpath}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Clicks the visible button whose accessible name is `name`, once it
    /// is there.
    pub fn press(&self, name: &str) {
        let xpath = format!(
            "//button[(@aria-label={0} or normalize-space()={0}) and not(ancestor-or-self::*[@hidden])]",
            xpath_string(name)
        );
        let element = self.wait_for(&xpath);
        self.call("POST", &format!("/element/{element}/click"), "{}");
    }

    /// Types `text` into the field labelled `label`, in place of what it held.
    pub fn type_into(&self, label: &str, text: &str) {
        let xpath = format!(
            "//input[@id=//label[normalize-space()={}]/@for]",
            xpath_string(label)
        );
        let element = self.wait_for(&xpath);
        self.call("POST", &format!("/element/{element}/clear"), "{}");
        let body = format!("{{\"text\":{}}}", json(text));
        self.call("POST", &format!("/element/{element}/value"), &body);
    }

    /// The accessible name WebDriver computes for the button at `xpath`.
    pub fn label_of_cell(&self, cell: u8) -> String {
        let element = self.wait_for(&format!("//*[@id='board']/button[{cell}]"));
        let reply = self.call("GET", &format!("/element/{element}/computedlabel"), "");
        string_after(&reply, "\"value\":").unwrap_or_default()
    }

    /// What the `role="status"` region says now.
    pub fn status(&self) -> String {
        let element = self.wait_for("//*[@role='status']");
        let reply = self.call("GET", &format!("/element/{element}/text"), "");
        string_after(&reply, "\"value\":").unwrap_or_default()
    }

    /// Waits until the status region says something containing `text`;
    /// returns all it said.
    pub fn wait_status(&self, text: &str) -> String {
        let deadline = Instant::now() + PAGE_TIMEOUT;
        loop {
            let now = self.status();
            if now.contains(text) {
                return now;
            }
            assert!(
                Instant::now() < deadline,
                "the page never said {text:?}; it says {now:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// What `script` (a function body, run in the page) returns, as text:
    /// it should return a string.
    pub fn run(&self, script: &str) -> String {
        let body = format!("{{\"script\":{},\"args\":[]}}", json(script));
        let reply = self.call("POST", "/execute/sync", &body);
        string_after(&reply, "\"value\":").unwrap_or_else(|| panic!("no string: {reply}"))
    }

    /// A PNG of the window, as base64 (WebDriver's form).
    pub fn screenshot_base64(&self) -> String {
        string_after(&self.call("GET", "/screenshot", ""), "\"value\":").unwrap_or_default()
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        call(
            self.port,
            "DELETE",
            &format!("/session/{}", self.session),
            "",
        );
    }
}

/// One WebDriver call; the reply's body.
fn call(port: u16, method: &str, path: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to chromedriver");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("write to chromedriver");
    // chromedriver keeps the connection open: the body is as long as its
    // Content-Length says.
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader
            .read_line(&mut line)
            .expect("read chromedriver's reply");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; length];
    reader
        .read_exact(&mut body)
        .expect("read chromedriver's reply");
    String::from_utf8_lossy(&body).into_owned()
}

/// `text` as a JSON string.
fn json(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` as an XPath string literal (none of ours holds both quotes).
fn xpath_string(text: &str) -> String {
    if text.contains('\'') {
        format!("\"{text}\"")
    } else {
        format!("'{text}'")
    }
}

/// The JSON string that follows `key` in `reply`, unescaped (enough for
/// WebDriver's ids, labels and texts).
fn string_after(reply: &str, key: &str) -> Option<String> {
    let rest = reply[reply.find(key)? + key.len()..].trim_start();
    let mut chars = rest.strip_prefix('"')?.chars();
    let mut out = String::new();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}
