//! The web port: what an HTTP request gets, decided without any I/O.
//!
//! `ttt-server --web` listens on a second port for browsers. A request
//! there gets one of three things: the page (`/`), an upgrade to a
//! WebSocket (`/ws`), over which the page speaks protocol version 2, one
//! line per text message; or a refusal (`404` for any other path, `400` for
//! what is not a well-formed request, `403` for an upgrade asked by a page
//! from elsewhere: see [`same_origin`]). Nothing is ever read from disk: the
//! page is compiled into the binary. Reading the bytes and writing the
//! answer is the connection's business (`connection.rs`); the WebSocket
//! framing after the upgrade is `tungstenite`'s.

use std::sync::OnceLock;
use std::time::Duration;

use ttt_protocol::words::templates;

/// The page as written, with its style and script: one file, embedded.
const PAGE_SOURCE: &str = include_str!("../../page/index.html");

/// Where the page's script takes its sentences: replaced by the templates
/// of `ttt_protocol::words` when the page is first served.
const WORDS_MARK: &str = "/*words*/null";

/// The page as served: its source with the sentences put in, as a
/// JavaScript object of templates, so that the page says exactly what the
/// console client says. Built once.
fn page_html() -> &'static str {
    static PAGE: OnceLock<String> = OnceLock::new();
    PAGE.get_or_init(|| PAGE_SOURCE.replacen(WORDS_MARK, &words_object(), 1))
}

/// The templates as a JSON object, which is JavaScript too:
/// `{"moved_theirs":"{name} took {cell}.",...}`. `<` is escaped, so that
/// no sentence could ever end the script.
fn words_object() -> String {
    let entries: Vec<String> = templates::all()
        .iter()
        .map(|(key, text)| format!("{}:{}", json_string(key), json_string(text)))
        .collect();
    format!("{{{}}}", entries.join(","))
}

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("\\u003c"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The longest request read. A browser's upgrade request is under 1 KiB;
/// past this the connection is closed unanswered.
pub const MAX_REQUEST: usize = 8 * 1024;

/// How long a browser has to send its whole request (a slow upgrade is
/// closed then, whatever it has sent), or less if the handshake timeout
/// is shorter. The lobby's own handshake timeout starts once the upgrade
/// is done.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Requests waiting to be read in full from one machine, and from all:
/// past them, the oldest (of the machine holding the most) is closed.
pub const MAX_REQUESTING_PER_MACHINE: usize = 8;
/// See [`MAX_REQUESTING_PER_MACHINE`].
pub const MAX_REQUESTING: usize = 64;

/// The path the page opens its WebSocket on.
pub const SOCKET_PATH: &str = "/ws";

/// The most headers a request may have (a browser sends about 15).
const MAX_HEADERS: usize = 32;

/// What the bytes read so far ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The request is not complete yet: read on.
    Incomplete,
    /// Send this response, then close: the page, or a refusal.
    Respond(Vec<u8>),
    /// Send this response (101), and the connection is a WebSocket.
    Upgrade(Vec<u8>),
}

/// What the request read so far (`buf`, at most [`MAX_REQUEST`] bytes)
/// gets. A request followed by more bytes is refused: a browser waits for
/// the answer before it says more.
pub fn answer(buf: &[u8]) -> Answer {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    let end = match request.parse(buf) {
        Ok(httparse::Status::Complete(end)) => end,
        Ok(httparse::Status::Partial) if buf.len() < MAX_REQUEST => return Answer::Incomplete,
        Ok(httparse::Status::Partial) => {
            return Answer::Respond(refusal(431, "Request Header Fields Too Large"));
        }
        Err(_) => return Answer::Respond(refusal(400, "Bad Request")),
    };
    if end != buf.len() {
        return Answer::Respond(refusal(400, "Bad Request"));
    }
    let path = request.path.unwrap_or("");
    let path = path.split('?').next().unwrap_or(path);
    if request.method != Some("GET") {
        return Answer::Respond(refusal(405, "Method Not Allowed"));
    }
    match path {
        "/" | "/index.html" => Answer::Respond(page()),
        SOCKET_PATH => upgrade(request.headers),
        _ => Answer::Respond(refusal(404, "Not Found")),
    }
}

/// The 101 answer to a well-formed WebSocket upgrade (RFC 6455 §4.2), or
/// 400 (426 if it is no upgrade at all).
fn upgrade(headers: &[httparse::Header<'_>]) -> Answer {
    let value = |name: &str| {
        headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .and_then(|h| std::str::from_utf8(h.value).ok())
            .map(str::trim)
    };
    let has_token = |name: &str, token: &str| {
        value(name).is_some_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    };
    if !has_token("upgrade", "websocket") || !has_token("connection", "upgrade") {
        return Answer::Respond(refusal(426, "Upgrade Required"));
    }
    let Some(key) = value("sec-websocket-key").filter(|k| k.len() == 24) else {
        return Answer::Respond(refusal(400, "Bad Request"));
    };
    if value("sec-websocket-version") != Some("13") {
        return Answer::Respond(refusal(400, "Bad Request"));
    }
    if let Some(origin) = value("origin")
        && !same_origin(origin, value("host"))
    {
        return Answer::Respond(refusal(403, "Forbidden"));
    }
    let accept = tungstenite::handshake::derive_accept_key(key.as_bytes());
    Answer::Upgrade(
        format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Accept: {accept}\r\n\r\n"
        )
        .into_bytes(),
    )
}

/// Whether a browser's `Origin` is the page's own: the page was loaded
/// from this very server, by the address the browser now connects to
/// (`Host`). A browser always says where the page that opens a WebSocket
/// came from, so any other site a player visits, which could otherwise
/// open game connections from their browser, is refused (403); a program
/// sends no `Origin` and is not asked for one.
///
/// A site can make its own name point at this server (DNS rebinding),
/// and then `Origin` and `Host` agree: so the address must also be one a
/// LAN uses: an IP address, `localhost`, a name of one label (a machine's
/// name), or a name under one of [`LAN_SUFFIXES`].
fn same_origin(origin: &str, host: Option<&str>) -> bool {
    let Some(host) = host else {
        return false;
    };
    let Some(authority) = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
    else {
        return false;
    };
    authority.eq_ignore_ascii_case(host) && lan_host(host)
}

/// The domains only a LAN's own names are under: mDNS, the names home
/// routers give (`laptop.fritz.box`, `laptop.home`, `laptop.lan`), and the
/// ones set aside for private use.
const LAN_SUFFIXES: [&str; 7] = [
    ".local",
    ".lan",
    ".home",
    ".home.arpa",
    ".internal",
    ".localdomain",
    ".fritz.box",
];

/// Whether `host` (a `Host` header: a name or address, maybe a port) is
/// an address or a name only a LAN would use (see [`same_origin`]).
fn lan_host(host: &str) -> bool {
    if host.parse::<std::net::SocketAddr>().is_ok() || host.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    if name.starts_with('[') && name.ends_with(']') {
        return name[1..name.len() - 1]
            .parse::<std::net::Ipv6Addr>()
            .is_ok();
    }
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name.parse::<std::net::Ipv4Addr>().is_ok()
        || !name.contains('.')
        || LAN_SUFFIXES.iter().any(|suffix| name.ends_with(suffix))
}

/// The page, with headers that keep it to itself: no caching of an old
/// version, and a content policy that allows no request to anywhere but
/// this server.
fn page() -> Vec<u8> {
    let mut response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nCache-Control: no-store\r\n\
         Content-Security-Policy: default-src 'none'; script-src 'unsafe-inline'; \
         style-src 'unsafe-inline'; connect-src 'self'; img-src data:\r\n\
         X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        page_html().len()
    )
    .into_bytes();
    response.extend_from_slice(page_html().as_bytes());
    response
}

/// A refusal, said in its status line and in one line of text.
fn refusal(code: u16, reason: &str) -> Vec<u8> {
    let body = format!("{code} {reason}\n");
    format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(answer: &Answer) -> String {
        let bytes = match answer {
            Answer::Incomplete => return "incomplete".to_owned(),
            Answer::Respond(b) | Answer::Upgrade(b) => b,
        };
        let text = String::from_utf8_lossy(bytes);
        text.lines().next().unwrap_or("").to_owned()
    }

    const UPGRADE: &str = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\
        Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
        Sec-WebSocket-Version: 13\r\n\r\n";

    /// The page is served with the sentences of `ttt_protocol::words` put
    /// in, and every sentence its script asks for by name is there.
    #[test]
    fn the_page_says_the_sentences_of_the_words_module() {
        let page = page_html();
        assert!(!page.contains(WORDS_MARK));
        assert!(page.contains(r#""moved_theirs":"{name} took {cell}.""#));
        let keys: Vec<&str> = templates::all().iter().map(|(key, _)| *key).collect();
        let asked: Vec<&str> = PAGE_SOURCE
            .split("say(\"")
            .skip(1)
            .filter_map(|rest| {
                // A whole name (`say("waiting")`), not the start of one
                // built in the script (`say("start_" + mark ...)`).
                let (key, after) = rest.split_once('"')?;
                after.starts_with([')', ',']).then_some(key)
            })
            .collect();
        assert!(asked.len() > 10, "{asked:?}");
        for key in asked {
            assert!(
                keys.contains(&key),
                "the page asks for {key:?}, which is not a sentence"
            );
        }
        assert_eq!(
            json_string("a \"b\" </script>"),
            r#""a \"b\" \u003c/script>""#
        );
    }

    #[test]
    fn the_page_is_served_at_the_root_only() {
        let page = answer(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assert_eq!(status(&page), "HTTP/1.1 200 OK");
        let Answer::Respond(bytes) = page else {
            panic!("not a response");
        };
        assert!(bytes.ends_with(page_html().as_bytes()));
        assert_eq!(
            status(&answer(b"GET /?x=1 HTTP/1.1\r\n\r\n")),
            "HTTP/1.1 200 OK"
        );
        for path in ["/etc/passwd", "/../Cargo.toml", "/favicon.ico", "/ws/"] {
            let request = format!("GET {path} HTTP/1.1\r\n\r\n");
            assert_eq!(
                status(&answer(request.as_bytes())),
                "HTTP/1.1 404 Not Found",
                "{path}"
            );
        }
        assert_eq!(
            status(&answer(b"POST / HTTP/1.1\r\n\r\n")),
            "HTTP/1.1 405 Method Not Allowed"
        );
    }

    #[test]
    fn an_upgrade_gets_the_accept_key_of_rfc_6455() {
        let answer = answer(UPGRADE.as_bytes());
        let Answer::Upgrade(bytes) = &answer else {
            panic!("not upgraded: {answer:?}");
        };
        let text = String::from_utf8_lossy(bytes);
        // The example in RFC 6455, section 1.3.
        assert!(text.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
        assert!(text.starts_with("HTTP/1.1 101 "));
    }

    /// A browser whose page came from elsewhere is refused; the page's
    /// own, and a program that sends no `Origin`, are not.
    #[test]
    fn only_the_pages_own_origin_may_open_the_socket() {
        let with = |host: &str, origin: &str| {
            let request = UPGRADE.replace("Host: x\r\n", &format!("Host: {host}\r\n{origin}"));
            status(&answer(request.as_bytes()))
        };
        let upgraded = "HTTP/1.1 101 Switching Protocols";
        let forbidden = "HTTP/1.1 403 Forbidden";
        assert_eq!(with("x", ""), upgraded, "a program sends no Origin");
        for (host, origin) in [
            ("192.168.1.20:8080", "http://192.168.1.20:8080"),
            ("127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("[fd00::1]:8080", "http://[fd00::1]:8080"),
            ("laptop:8080", "http://laptop:8080"),
            ("Laptop.local:8080", "http://laptop.local:8080"),
            ("laptop.fritz.box:8080", "http://laptop.fritz.box:8080"),
            ("laptop.home", "http://laptop.home"),
            ("localhost:8080", "http://localhost:8080"),
            ("10.0.0.2", "https://10.0.0.2"),
        ] {
            assert_eq!(
                with(host, &format!("Origin: {origin}\r\n")),
                upgraded,
                "{origin}"
            );
        }
        for (host, origin) in [
            ("192.168.1.20:8080", "http://evil.example"),
            ("192.168.1.20:8080", "http://192.168.1.20:8081"),
            ("192.168.1.20:8080", "null"),
            ("192.168.1.20:8080", "file://"),
            // DNS rebinding: a site's own name, pointed at this server.
            ("evil.example:8080", "http://evil.example:8080"),
        ] {
            assert_eq!(
                with(host, &format!("Origin: {origin}\r\n")),
                forbidden,
                "{origin}"
            );
        }
        let no_host = UPGRADE.replace("Host: x\r\n", "Origin: http://x\r\n");
        assert_eq!(status(&answer(no_host.as_bytes())), forbidden);
    }

    #[test]
    fn broken_requests_are_refused_and_partial_ones_wait() {
        assert_eq!(status(&answer(b"GET / HTTP/1.1\r\nHost")), "incomplete");
        assert_eq!(status(&answer(b"")), "incomplete");
        assert_eq!(
            status(&answer(b"\x16\x03\x01 hello\r\n\r\n")),
            "HTTP/1.1 400 Bad Request"
        );
        let long = format!("GET / HTTP/1.1\r\nX: {}", "a".repeat(MAX_REQUEST));
        assert_eq!(
            status(&answer(long.as_bytes())),
            "HTTP/1.1 431 Request Header Fields Too Large"
        );
        let pipelined = format!("{UPGRADE}\u{1}\u{5}");
        assert_eq!(
            status(&answer(pipelined.as_bytes())),
            "HTTP/1.1 400 Bad Request"
        );
        let no_key = UPGRADE.replace("dGhlIHNhbXBsZSBub25jZQ==", "short");
        assert_eq!(
            status(&answer(no_key.as_bytes())),
            "HTTP/1.1 400 Bad Request"
        );
        let old = UPGRADE.replace("Version: 13", "Version: 8");
        assert_eq!(status(&answer(old.as_bytes())), "HTTP/1.1 400 Bad Request");
        assert_eq!(
            status(&answer(b"GET /ws HTTP/1.1\r\n\r\n")),
            "HTTP/1.1 426 Upgrade Required"
        );
    }
}
