//! A raw protocol client: sends lines, reads lines, with every wait bounded.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use socket2::{Domain, Socket, Type};

/// How long any single expected line may take. Generous for a loaded CI
/// machine; a missing line fails the test instead of hanging it.
pub const LINE_TIMEOUT: Duration = Duration::from_secs(5);

/// A raw protocol client.
pub struct Peer {
    reader: BufReader<TcpStream>,
    stream: TcpStream,
}

impl Peer {
    /// Connects to `127.0.0.1:port`.
    pub fn connect(port: u16) -> Peer {
        Peer::from_stream(TcpStream::connect(("127.0.0.1", port)).expect("connect to server"))
    }

    /// Connects to `127.0.0.1:port` from the loopback address `ip` (any
    /// `127.x.y.z` works on Linux without set-up), so that the server sees
    /// a different remote address per simulated machine.
    pub fn connect_from(ip: Ipv4Addr, port: u16) -> Peer {
        Peer::from_stream(connect_from(ip, port).expect("connect from a loopback address"))
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

    /// Reads the next line, without its ending; `None` at the end of the
    /// stream. Panics (failing the test) after [`LINE_TIMEOUT`].
    pub fn line(&mut self) -> Option<String> {
        let mut buf = String::new();
        match self.reader.read_line(&mut buf) {
            Ok(0) => None,
            Ok(_) => Some(buf.trim_end_matches(['\r', '\n']).to_owned()),
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => None,
            Err(e) => panic!("no line within {LINE_TIMEOUT:?}: {e}"),
        }
    }

    /// Reads a line and checks it is exactly `want`.
    #[track_caller]
    pub fn expect(&mut self, want: &str) {
        let got = self.line();
        assert_eq!(got.as_deref(), Some(want));
    }

    /// Reads a line and checks it starts with `prefix`; returns it.
    #[track_caller]
    pub fn expect_prefix(&mut self, prefix: &str) -> String {
        let got = self.line().unwrap_or_default();
        assert!(
            got.starts_with(prefix),
            "expected {prefix:?}..., got {got:?}"
        );
        got
    }

    /// Reads lines until one contains `needle`; returns them all, that one
    /// last. Fails the test if the connection ends first.
    #[track_caller]
    pub fn read_until(&mut self, needle: &str) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            let Some(line) = self.line() else {
                panic!("the connection ended before {needle:?}; read {lines:#?}");
            };
            let found = line.contains(needle);
            lines.push(line);
            if found {
                return lines;
            }
        }
    }

    /// Checks the server closes this connection (after any lines given).
    #[track_caller]
    pub fn expect_closed(&mut self) {
        let got = self.line();
        assert_eq!(got, None, "expected the connection to close");
    }

    /// Checks nothing arrives for `wait`.
    #[track_caller]
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
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
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

/// A TCP connection to `127.0.0.1:port` whose local end is bound to `ip`.
pub fn connect_from(ip: Ipv4Addr, port: u16) -> io::Result<TcpStream> {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    socket.bind(&SocketAddr::from((ip, 0)).into())?;
    socket.connect(&SocketAddr::from((Ipv4Addr::LOCALHOST, port)).into())?;
    Ok(socket.into())
}
