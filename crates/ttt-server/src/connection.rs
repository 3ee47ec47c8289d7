//! One player's TCP connection: the only code that touches a socket's bytes.
//!
//! A [`Connection`] is split in two halves over clones of one `TcpStream`:
//! the writing half stays with the game loop ([`Connection::send`]), and the
//! reading half ([`Inbound`]) turns lines into [`Incoming`] events, first
//! during the handshake and then on a reader thread of its own.

use std::io::{self, Read};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ttt_protocol::{
    ClientMsg, ErrorCode, FrameError, LineReader, ParseError, ServerMsg, write_message,
};

/// How long a write may block on a peer that does not read before the peer is
/// treated as gone. Without it, a client that never reads would fill its
/// receive window and stall the server forever on one `write`.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// The writing half of a player's connection.
#[derive(Debug)]
pub struct Connection {
    /// Shared only weakly, with [`crate::shutdown`], to say goodbye on a stop.
    stream: Arc<TcpStream>,
    peer: SocketAddr,
}

impl Connection {
    /// Prepares an accepted stream: `TCP_NODELAY` (each message is one small
    /// write that must leave at once; Nagle's algorithm would hold it back
    /// about 40 ms waiting for an ACK) and a bounded write time.
    pub fn new(stream: TcpStream, peer: SocketAddr) -> io::Result<Connection> {
        stream.set_nodelay(true)?;
        stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
        let stream = Arc::new(stream);
        crate::shutdown::register(&stream);
        Ok(Connection { stream, peer })
    }

    /// The peer's address, for logs.
    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// Sends one message as one write.
    ///
    /// A failed write (peer gone, or not reading for [`WRITE_TIMEOUT`]) shuts
    /// the socket down, so that this player's reader sees the end of the
    /// stream and reports [`Incoming::Closed`]: a failed write and a closed
    /// connection then take the same path through the game loop, and callers
    /// may ignore the returned flag (true if the kernel took the message).
    pub fn send(&self, msg: &ServerMsg) -> bool {
        match write_message(&mut &*self.stream, msg) {
            Ok(()) => true,
            Err(e) => {
                log::debug!("{}: write failed ({e}); closing", self.peer);
                self.shutdown();
                false
            }
        }
    }

    /// Closes both directions; a reader blocked on this socket wakes up.
    pub fn shutdown(&self) {
        // Fails only if already shut down or reset: either way it is closed.
        let _ = self.stream.shutdown(Shutdown::Both);
    }

    /// A reading half over a clone of the same socket.
    pub fn inbound(&self) -> io::Result<Inbound> {
        Ok(Inbound {
            lines: LineReader::new(DeadlineStream {
                stream: self.stream.try_clone()?,
                deadline: None,
                timeout_set: false,
            }),
        })
    }
}

/// What a player's reading half produced: one event per line or ending.
#[derive(Debug)]
pub enum Incoming {
    /// A well-formed message.
    Msg(ClientMsg),
    /// A line that is not a message; the connection goes on.
    Invalid(ParseError),
    /// The stream broke the framing (too long, not UTF-8); the server answers
    /// with this code and closes the connection.
    Broken(ErrorCode, FrameError),
    /// The deadline passed with no complete line.
    TimedOut,
    /// The peer closed the connection or it failed.
    Closed,
}

impl Incoming {
    /// Whether the connection is finished after this event.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Incoming::Broken(..) | Incoming::TimedOut | Incoming::Closed
        )
    }
}

/// The reading half of a player's connection.
pub struct Inbound {
    lines: LineReader<DeadlineStream>,
}

impl Inbound {
    /// Sets a deadline for all reads to come (the handshake's), or removes it.
    pub fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.lines.get_mut().deadline = deadline;
    }

    /// Reads the next event. Blank lines are skipped: they are what a person
    /// pressing Enter in `nc` sends, not a protocol error.
    pub fn read_incoming(&mut self) -> Incoming {
        loop {
            return match self.lines.read_line() {
                Ok(Some(line)) if line.trim().is_empty() => continue,
                Ok(Some(line)) => match line.parse() {
                    Ok(msg) => Incoming::Msg(msg),
                    Err(e) => Incoming::Invalid(e),
                },
                Ok(None) | Err(FrameError::UnexpectedEof) => Incoming::Closed,
                Err(e @ FrameError::TooLong) => Incoming::Broken(ErrorCode::TooLong, e),
                Err(e @ FrameError::InvalidUtf8) => Incoming::Broken(ErrorCode::Utf8, e),
                Err(FrameError::Io(e))
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    Incoming::TimedOut
                }
                Err(FrameError::Io(_)) => Incoming::Closed,
            };
        }
    }
}

/// A stream whose reads all end by one deadline.
///
/// A per-read timeout is not enough for the handshake: a peer sending one
/// byte every second would reset it forever (slowloris). Before each read the
/// socket's timeout is set to the time left until the deadline.
struct DeadlineStream {
    stream: TcpStream,
    deadline: Option<Instant>,
    /// Whether the socket has a read timeout now; saves a system call per
    /// read once the deadline is lifted.
    timeout_set: bool,
}

impl Read for DeadlineStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.deadline {
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(io::ErrorKind::TimedOut.into());
                }
                self.stream.set_read_timeout(Some(left))?;
                self.timeout_set = true;
            }
            None if self.timeout_set => {
                self.stream.set_read_timeout(None)?;
                self.timeout_set = false;
            }
            None => {}
        }
        self.stream.read(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;

    /// A peer that never reads cannot block the server: once the socket
    /// buffers are full, a write gives up after [`WRITE_TIMEOUT`] and the
    /// connection is shut down (the peer, reading at last, finds its end).
    #[test]
    fn a_peer_that_never_reads_is_cut_off_after_the_write_timeout() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let peer = TcpStream::connect(addr).expect("connect");
        let (stream, from) = listener.accept().expect("accept");
        let conn = Connection::new(stream, from).expect("set up");
        let msg = ServerMsg::Bye(ttt_protocol::Text::new(&"x".repeat(400)));
        // Loopback buffers hold a few MiB at most; 100k messages is 40 MB.
        let mut sent = 0;
        let mut slowest = Duration::ZERO;
        let last = loop {
            let before = Instant::now();
            let ok = conn.send(&msg);
            let took = before.elapsed();
            if !ok || sent == 100_000 {
                break took;
            }
            slowest = slowest.max(took);
            sent += 1;
        };
        assert!(sent < 100_000, "never blocked");
        // The failing send waited the whole timeout, no less. (Sends before it
        // may also block for a while and then succeed, as the kernel grows
        // loopback buffers: that is progress, not a stuck peer.)
        assert!(
            last >= WRITE_TIMEOUT - Duration::from_millis(50),
            "gave up early: {last:?}"
        );
        // A send that makes partial progress restarts the timeout; a 400-byte
        // message can do that only once or twice.
        assert!(
            slowest < WRITE_TIMEOUT * 3,
            "one send blocked for {slowest:?}"
        );
        // The blocked write failed and shut the connection: writing fails now.
        let after = (&*conn.stream).write(b"x");
        assert!(after.is_err(), "connection still open: {after:?}");
        // The peer finally reads: everything queued, then the end of the stream.
        peer.set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        let mut sink = Vec::new();
        let read = (&peer).read_to_end(&mut sink);
        assert!(
            read.is_ok() || sink.len() > 1_000_000,
            "{read:?} after {} bytes",
            sink.len()
        );
    }
}
