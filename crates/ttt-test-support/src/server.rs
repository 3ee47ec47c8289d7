//! The real `ttt-server` binary, on `127.0.0.1` port 0.

use std::io::{BufRead, BufReader};
use std::net::Ipv4Addr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::peer::{LINE_TIMEOUT, Peer};

/// A running server process, killed when dropped.
pub struct Server {
    child: Child,
    /// The port it listens on, read from its first line.
    pub port: u16,
    /// With `--web`: the web port, read from its second line.
    pub web_port: Option<u16>,
    /// What it logged (its stderr), line by line, as it came.
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts the server on 127.0.0.1:0 (quiet) with extra flags, and reads
    /// the real port from the first line it prints. Its stdout is closed
    /// after that line, which the server must survive.
    pub fn start(extra: &[&str]) -> Server {
        Server::start_with(&["--bind", "127.0.0.1", "--port", "0", "-q"], extra)
    }

    /// Starts the server with exactly `base` and `extra` as its flags.
    pub fn start_with(base: &[&str], extra: &[&str]) -> Server {
        Server::spawn(
            Command::new(crate::binary("ttt-server", "ttt-server")),
            base,
            extra,
        )
    }

    /// Starts the server (on 127.0.0.1:0, quiet) allowed at most `limit`
    /// open file descriptors, through `sh -c 'ulimit -n ...; exec ...'` (the
    /// shell is replaced, so the process id is the server's).
    pub fn start_with_fd_limit(limit: u32, extra: &[&str]) -> Server {
        let mut sh = Command::new("sh");
        sh.arg("-c")
            .arg(format!("ulimit -n {limit} && exec \"$0\" \"$@\""))
            .arg(crate::binary("ttt-server", "ttt-server"));
        Server::spawn(sh, &["--bind", "127.0.0.1", "--port", "0", "-q"], extra)
    }

    fn spawn(mut command: Command, base: &[&str], extra: &[&str]) -> Server {
        let mut child = command
            .args(base)
            .args(extra)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start ttt-server");
        // Its log is kept for the test to read, and passed on as it comes
        // (captured with the test's output, shown if the test fails).
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().expect("piped stderr");
        let kept = Arc::clone(&log);
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                eprintln!("{line}");
                if let Ok(mut kept) = kept.lock() {
                    kept.push(line);
                }
            }
        });
        let stdout = child.stdout.take().expect("piped stdout");
        let mut stdout = BufReader::new(stdout);
        let mut first = String::new();
        stdout.read_line(&mut first).expect("read start-up line");
        let web_port = (base.contains(&"--web") || extra.contains(&"--web")).then(|| {
            let mut second = String::new();
            stdout
                .read_line(&mut second)
                .expect("read the web port's line");
            second
                .trim()
                .rsplit(' ')
                .next()
                .and_then(|p| p.parse().ok())
                .unwrap_or_else(|| panic!("no web port in {second:?}"))
        });
        let port = first
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in start-up line {first:?}"));
        Server {
            child,
            port,
            web_port,
            log,
        }
    }

    /// What the server has logged so far (its stderr), one line each.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Connects a raw client (no handshake yet).
    pub fn connect(&self) -> Peer {
        Peer::connect(self.port)
    }

    /// Connects a raw client from another loopback address (`127.0.0.x`),
    /// as a player on another machine would.
    pub fn connect_from(&self, ip: Ipv4Addr) -> Peer {
        Peer::connect_from(ip, self.port)
    }

    /// Connects and reads the greeting (`WELCOME 1 ...`).
    pub fn welcomed(&self) -> Peer {
        let mut peer = self.connect();
        peer.expect_prefix("WELCOME 1");
        peer
    }

    /// Connects and completes the handshake as `name` (the reply is unread).
    pub fn join(&self, name: &str) -> Peer {
        let mut peer = self.welcomed();
        peer.send(&format!("HELLO 1 {name}"));
        peer
    }

    /// Seats two players: `x` (first, X) and `o` (second, O), with the
    /// opening lines read.
    pub fn pair(&self, x: &str, o: &str) -> (Peer, Peer) {
        let mut px = self.join(x);
        px.expect("WAIT");
        let mut po = self.join(o);
        px.expect(&format!("START X {o}"));
        px.expect("BOARD ......... X");
        po.expect(&format!("START O {x}"));
        po.expect("BOARD ......... X");
        (px, po)
    }

    /// The process id, for `/proc` readings.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal (`INT`, `TERM`) with `kill`, and waits up to
    /// [`LINE_TIMEOUT`] for the process to exit; returns its exit code.
    pub fn signal(&mut self, signal: &str) -> Option<i32> {
        let sent = Command::new("kill")
            .args([format!("-{signal}"), self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -{signal} failed");
        let deadline = Instant::now() + LINE_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
