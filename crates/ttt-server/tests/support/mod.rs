//! Test support: the real `ttt-server` binary on 127.0.0.1 port 0, and raw
//! protocol clients that speak to it line by line with bounded waits.

#![allow(dead_code)] // each test file uses a different subset

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long any single expected line may take. Generous for a loaded CI
/// machine; a missing line fails the test instead of hanging it.
pub const LINE_TIMEOUT: Duration = Duration::from_secs(5);

/// The `ttt-server` binary. Cargo names it for the server's own tests; other
/// crates' tests (the client's) build it and find it beside themselves.
pub fn server_binary() -> PathBuf {
    match option_env!("CARGO_BIN_EXE_ttt-server") {
        Some(path) => path.into(),
        None => built("ttt-server", "--bin", "ttt-server"),
    }
}

/// An example program, e.g. `built_example("ttt-server", "echo-server")`.
/// `cargo test` builds examples but does not tell tests where they are.
pub fn built_example(package: &str, name: &str) -> PathBuf {
    built(package, "--example", name)
}

/// Builds one target of `package` once per test process (a no-op when it is
/// up to date) and returns its path in this test's target directory.
fn built(package: &str, kind: &str, name: &str) -> PathBuf {
    static LOCK: Mutex<()> = Mutex::new(());
    let _one_build_at_a_time = LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "-p", package, kind, name])
        .status()
        .expect("run cargo build");
    assert!(
        status.success(),
        "cargo build -p {package} {kind} {name} failed"
    );
    // This test runs from target/<profile>/deps/; binaries are in target/<profile>/.
    let exe = std::env::current_exe().expect("test executable path");
    let mut dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target profile dir")
        .to_path_buf();
    if kind == "--example" {
        dir.push("examples");
    }
    dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// A running server process, killed when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Server {
    /// Starts the server on 127.0.0.1:0 with extra flags, and reads the real
    /// port from the first line it prints.
    pub fn start(extra: &[&str]) -> Server {
        let mut child = Command::new(server_binary())
            .args(["--bind", "127.0.0.1", "--port", "0", "-q"])
            .args(extra)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start ttt-server");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut first = String::new();
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("read start-up line");
        let port = first
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in start-up line {first:?}"));
        Server { child, port }
    }

    /// Connects a raw client (no handshake yet).
    pub fn connect(&self) -> Peer {
        Peer::connect(self.port)
    }

    /// Connects and reads the greeting (`WELCOME 1 ...`).
    pub fn welcomed(&self) -> Peer {
        let mut peer = self.connect();
        peer.expect_prefix("WELCOME 1");
        peer
    }

    /// Connects and completes the handshake as `name`.
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

    /// The process id, for /proc inspection.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal (`INT`, `TERM`) with `kill`, and waits up to 5 s for the
    /// process to exit; returns its exit code.
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

/// A raw protocol client.
pub struct Peer {
    reader: BufReader<TcpStream>,
    stream: TcpStream,
}

impl Peer {
    pub fn connect(port: u16) -> Peer {
        Peer::from_stream(TcpStream::connect(("127.0.0.1", port)).expect("connect to server"))
    }

    /// Wraps a connected stream, with [`LINE_TIMEOUT`] on reads.
    pub fn from_stream(stream: TcpStream) -> Peer {
        stream
            .set_read_timeout(Some(LINE_TIMEOUT))
            .expect("set timeout");
        stream.set_nodelay(true).expect("nodelay");
        let reader = BufReader::new(stream.try_clone().expect("clone"));
        Peer { reader, stream }
    }

    /// Sends one line (a newline is added).
    pub fn send(&mut self, line: &str) {
        self.send_raw(format!("{line}\n").as_bytes());
    }

    /// Sends bytes as they are. Errors are ignored: the server may already
    /// have closed, which the test then observes on the read side.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let _ = self.stream.write_all(bytes);
    }

    /// Reads the next line, without its ending; `None` at end of stream.
    /// Panics (failing the test) after [`LINE_TIMEOUT`].
    pub fn line(&mut self) -> Option<String> {
        let mut buf = String::new();
        match self.reader.read_line(&mut buf) {
            Ok(0) => None,
            Ok(_) => Some(buf.trim_end_matches(['\r', '\n']).to_owned()),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::ConnectionReset) => None,
            Err(e) => panic!("no line within {LINE_TIMEOUT:?}: {e}"),
        }
    }

    /// Reads a line and checks it is exactly `want`.
    pub fn expect(&mut self, want: &str) {
        let got = self.line();
        assert_eq!(got.as_deref(), Some(want));
    }

    /// Reads a line and checks it starts with `prefix`; returns it.
    pub fn expect_prefix(&mut self, prefix: &str) -> String {
        let got = self.line().unwrap_or_default();
        assert!(
            got.starts_with(prefix),
            "expected {prefix:?}..., got {got:?}"
        );
        got
    }

    /// Checks the server closes this connection (after any lines given).
    pub fn expect_closed(&mut self) {
        let got = self.line();
        assert_eq!(got, None, "expected the connection to close");
    }

    /// Checks nothing arrives for `wait`.
    pub fn expect_silence(&mut self, wait: Duration) {
        self.stream
            .set_read_timeout(Some(wait))
            .expect("set timeout");
        let mut buf = String::new();
        let got = self.reader.read_line(&mut buf);
        self.stream
            .set_read_timeout(Some(LINE_TIMEOUT))
            .expect("set timeout");
        match got {
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            other => panic!("expected silence, got {other:?} {buf:?}"),
        }
    }

    /// A second handle on the socket, e.g. to write from another thread.
    pub fn try_clone_stream(&self) -> TcpStream {
        self.stream.try_clone().expect("clone stream")
    }

    /// Half-closes: no more sending, still reading.
    pub fn shutdown_write(&self) {
        let _ = self.stream.shutdown(Shutdown::Write);
    }

    /// Reads everything until the server closes, bounded by [`LINE_TIMEOUT`].
    pub fn drain(&mut self) -> String {
        let deadline = Instant::now() + LINE_TIMEOUT;
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        while Instant::now() < deadline {
            match self.reader.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// Plays `moves` alternately starting with `first_mover`, checking that
/// both players see each board, and returns the final board line.
pub fn play(mover: &mut Peer, other: &mut Peer, moves: &[u8]) -> String {
    let mut players = [mover, other];
    let mut last = String::new();
    for &cell in moves {
        players[0].send(&cell.to_string());
        let a = players[0].expect_prefix("BOARD ");
        let b = players[1].expect_prefix("BOARD ");
        assert_eq!(a, b, "both players see the same board");
        last = a;
        players.swap(0, 1);
    }
    last
}

/// A `/proc/<pid>/status` field in KiB (or a plain count, like `Threads:`).
pub fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// How many file descriptors process `pid` has open.
pub fn fd_count(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|dir| dir.count())
        .unwrap_or(0)
}

/// Polls `condition` every 10 ms for up to [`LINE_TIMEOUT`]; true once it holds.
pub fn wait_until(mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + LINE_TIMEOUT;
    while Instant::now() < deadline {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    condition()
}

/// `n` pseudo-random bytes (xorshift), the same for the same seed.
pub fn random_bytes(seed: u64, n: usize) -> Vec<u8> {
    let mut state = seed | 1;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}
