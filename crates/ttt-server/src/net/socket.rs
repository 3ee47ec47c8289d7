//! The socket as the readers see it: non-blocking, read within this
//! turn's share ([`READ_PER_TURN`]) and counted, and written without ever
//! waiting. Both transports read through it: the line reader of the game
//! port and tungstenite on the web port.

use std::io::{self, Read, Write};

use mio::net::TcpStream;
use ttt_protocol::MAX_LINE_LEN;

/// The most bytes read from one connection in one turn of the driver's
/// loop: its fair share. Eight of the longest lines, or hundreds of moves;
/// reading, editing and framing this much takes microseconds, so a peer that
/// sends without pause (bytes that never make a line included) costs the
/// others at most that per turn.
pub const READ_PER_TURN: usize = 8 * MAX_LINE_LEN;

/// The readable side of the socket, as `ttt_protocol::LineReader` and tungstenite see
/// it: within this turn's share ([`READ_PER_TURN`]), counted.
///
/// Readiness is edge-triggered: after an event, reading must go on until
/// the socket has nothing left, or the next event may never come. A read
/// that returns less than asked for has emptied the socket's receive
/// queue, so the next read would only fail with `WouldBlock`; saying so
/// here saves that system call on every move. (Any data arriving after that
/// read raises a new event.) On Windows readiness is emulated differently,
/// and the short-read rule does not hold, so there every read is made.
pub struct Socket {
    /// The stream itself.
    pub stream: TcpStream,
    /// The last read emptied the socket's receive queue.
    pub drained: bool,
    /// What this turn may still read; at zero, reads say `WouldBlock`
    /// until the next turn.
    pub allowance: usize,
    /// Bytes read since the connection began.
    pub read: u64,
}

impl Socket {
    /// A socket with a whole share to read.
    pub fn new(stream: TcpStream) -> Socket {
        Socket {
            stream,
            drained: false,
            allowance: READ_PER_TURN,
            read: 0,
        }
    }
}

impl Read for Socket {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.drained || self.allowance == 0 {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let want = buf.len().min(self.allowance);
        let n = (&self.stream).read(&mut buf[..want])?;
        self.allowance -= n;
        self.read += n as u64;
        if 0 < n && n < want && cfg!(not(windows)) {
            self.drained = true;
        }
        Ok(n)
    }
}

/// The writable side, for tungstenite's frames on the web port.
impl Write for Socket {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&self.stream).write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// How far [`write_raw`] got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Everything: the buffer is empty.
    All,
    /// The kernel takes no more for now: the rest stays in the buffer.
    Blocked,
    /// The connection failed.
    Failed,
}

/// Writes what the kernel takes of `out` to `stream`, draining what went.
pub fn write_raw(mut stream: &TcpStream, out: &mut Vec<u8>) -> Written {
    while !out.is_empty() {
        match stream.write(out) {
            Ok(0) => return Written::Failed,
            Ok(n) => {
                out.drain(..n);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Written::Blocked,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return Written::Failed,
        }
    }
    Written::All
}
