//! The two things the client waits on, the server and the player, each read
//! by a blocking thread that forwards what it reads to one channel of
//! [`Incoming`] values.
//!
//! With one channel the play loop blocks in one place and reacts to whichever
//! comes first: an opponent who leaves is reported at once, even while the
//! prompt waits for the player to type. The keyboard of the full-screen
//! board has its own reader, in [`crate::keys`].

use std::fmt;
use std::io::{self, BufRead, Read};
use std::net::TcpStream;
use std::sync::mpsc::SyncSender;
use std::thread;

use ttt_protocol::text::printable;
use ttt_protocol::{FrameError, LineReader, MAX_LINE_LEN, ServerMsg};

use crate::input::{Act, Input};

/// The longest line read from stdin; the rest of a longer line is skipped.
/// A move is one character: this only bounds memory against a pasted novel.
pub const MAX_INPUT_LINE: u64 = 1024;

/// What comes down the channel: something for the session, or the
/// player's input for the front end to make sense of first.
#[derive(Debug)]
pub enum Incoming {
    /// For the session.
    Event(Event),
    /// For the front end (which turns it into an [`Act`], or uses it
    /// itself: an arrow key moves the selection).
    Input(Input),
}

/// Something the session reacts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A message from the server.
    Server(ServerMsg),
    /// A line from the server that is not a message this client knows.
    /// Both strings are printable (see `ttt_protocol::text::printable`):
    /// they came from the network.
    ServerJunk {
        /// The line the server sent.
        line: String,
        /// Why it is not a message.
        error: String,
    },
    /// The connection to the server ended, and why.
    ServerGone(Lost),
    /// Something the player did.
    Act(Act),
    /// Stdin ended (the end of a piped script), or Ctrl-D at a terminal,
    /// where reading goes on after it.
    InputEnd,
    /// The player pressed Ctrl-C.
    Interrupt,
}

/// Why the connection to the server ended. `Display` says it for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lost {
    /// The server closed the connection.
    Closed,
    /// The server's machine stopped answering (asleep, unplugged, out of
    /// reach): the kernel's keepalive or retransmissions gave up.
    Unreachable,
    /// The server sent a line longer than the protocol allows.
    TooLong,
    /// The server sent a line that is not UTF-8.
    NotUtf8,
    /// The connection failed some other way.
    Failed(String),
}

impl fmt::Display for Lost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lost::Closed => f.write_str("the server closed the connection"),
            Lost::Unreachable => f.write_str("the server's machine stopped answering"),
            Lost::TooLong => write!(f, "the server sent a line longer than {MAX_LINE_LEN} bytes"),
            Lost::NotUtf8 => f.write_str("the server sent a line that is not UTF-8"),
            Lost::Failed(why) => f.write_str(why),
        }
    }
}

/// Reads server lines until the connection ends. Its last event is always
/// one [`Event::ServerGone`]; join the handle to know it was sent.
pub fn spawn_server_reader(
    stream: TcpStream,
    events: SyncSender<Incoming>,
) -> io::Result<thread::JoinHandle<()>> {
    thread::Builder::new()
        .name("server reader".into())
        .spawn(move || {
            let mut lines = LineReader::new(stream);
            loop {
                let event = match lines.read_line() {
                    Ok(Some(line)) => match line.parse() {
                        Ok(msg) => Event::Server(msg),
                        Err(e) => Event::ServerJunk {
                            line: printable(line),
                            error: printable(&e.to_string()),
                        },
                    },
                    Ok(None) | Err(FrameError::UnexpectedEof) => Event::ServerGone(Lost::Closed),
                    Err(FrameError::TooLong) => Event::ServerGone(Lost::TooLong),
                    Err(FrameError::InvalidUtf8) => Event::ServerGone(Lost::NotUtf8),
                    Err(FrameError::Io(e)) => Event::ServerGone(match e.kind() {
                        io::ErrorKind::TimedOut => Lost::Unreachable,
                        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => {
                            Lost::Failed("the server reset the connection".to_owned())
                        }
                        _ => Lost::Failed(e.to_string()),
                    }),
                };
                let last = matches!(event, Event::ServerGone(_));
                if events.send(Incoming::Event(event)).is_err() || last {
                    return;
                }
            }
        })
}

/// Reads stdin lines until it ends. At a terminal (`keyboard`), Ctrl-D on
/// an empty line is one end of input, not the last: the terminal goes on
/// reading after it, so a player who pressed it and then answered "no" to
/// "leave this game?" can still play.
pub fn spawn_stdin_reader(events: SyncSender<Incoming>, keyboard: bool) -> io::Result<()> {
    thread::Builder::new()
        .name("stdin reader".into())
        .spawn(move || {
            let stdin = io::stdin();
            let mut stdin = stdin.lock();
            let mut buf = Vec::new();
            loop {
                buf.clear();
                let incoming = match (&mut stdin)
                    .take(MAX_INPUT_LINE)
                    .read_until(b'\n', &mut buf)
                {
                    Ok(0) | Err(_) => Incoming::Event(Event::InputEnd),
                    Ok(_) => {
                        if !buf.ends_with(b"\n") && buf.len() as u64 == MAX_INPUT_LINE {
                            // Too long to be a move: drop the rest of the line.
                            let _ = stdin.skip_until(b'\n');
                        }
                        Incoming::Input(Input::Line(
                            String::from_utf8_lossy(&buf).trim().to_owned(),
                        ))
                    }
                };
                let last = matches!(incoming, Incoming::Event(Event::InputEnd)) && !keyboard;
                if events.send(incoming).is_err() || last {
                    return;
                }
            }
        })?;
    Ok(())
}
