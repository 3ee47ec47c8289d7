//! The two things the client waits on, the server and the keyboard, each read
//! by a blocking thread that forwards what it reads to one channel.
//!
//! With one channel the play loop blocks in one place and reacts to whichever
//! comes first: an opponent who leaves is reported at once, even while the
//! prompt waits for the player to type.

use std::io::{self, BufRead, Read};
use std::net::TcpStream;
use std::sync::mpsc::SyncSender;
use std::thread;

use ttt_protocol::{FrameError, LineReader, ServerMsg};

/// The longest line read from stdin; the rest of a longer line is skipped.
/// A move is one character: this only bounds memory against a pasted novel.
pub const MAX_INPUT_LINE: u64 = 1024;

/// Something the play loop must react to.
#[derive(Debug)]
pub enum Event {
    /// A message from the server.
    Server(ServerMsg),
    /// A line from the server that is not a message this client knows.
    ServerJunk(String),
    /// The server closed the connection, or it failed (with why).
    ServerGone(Option<String>),
    /// A line typed (or piped) on stdin, trimmed.
    Input(String),
    /// Stdin ended (Ctrl-D, or the end of a piped script).
    InputEnd,
}

/// Reads server lines until the connection ends.
pub fn spawn_server_reader(stream: TcpStream, events: SyncSender<Event>) -> io::Result<()> {
    thread::Builder::new()
        .name("server reader".into())
        .spawn(move || {
            let mut lines = LineReader::new(stream);
            loop {
                let event = match lines.read_line() {
                    Ok(Some(line)) => match line.parse() {
                        Ok(msg) => Event::Server(msg),
                        Err(e) => Event::ServerJunk(format!("{e} in {line:?}")),
                    },
                    Ok(None) => Event::ServerGone(None),
                    Err(FrameError::Io(e)) => Event::ServerGone(Some(e.to_string())),
                    Err(e) => Event::ServerGone(Some(e.to_string())),
                };
                let last = matches!(event, Event::ServerGone(_));
                if events.send(event).is_err() || last {
                    return;
                }
            }
        })?;
    Ok(())
}

/// Reads stdin lines until it ends.
pub fn spawn_stdin_reader(events: SyncSender<Event>) -> io::Result<()> {
    thread::Builder::new()
        .name("stdin reader".into())
        .spawn(move || {
            let stdin = io::stdin();
            let mut stdin = stdin.lock();
            let mut buf = Vec::new();
            loop {
                buf.clear();
                let event = match (&mut stdin)
                    .take(MAX_INPUT_LINE)
                    .read_until(b'\n', &mut buf)
                {
                    Ok(0) | Err(_) => Event::InputEnd,
                    Ok(_) => {
                        if !buf.ends_with(b"\n") && buf.len() as u64 == MAX_INPUT_LINE {
                            // Too long to be a move: drop the rest of the line.
                            let _ = stdin.skip_until(b'\n');
                        }
                        Event::Input(String::from_utf8_lossy(&buf).trim().to_owned())
                    }
                };
                let last = matches!(event, Event::InputEnd);
                if events.send(event).is_err() || last {
                    return;
                }
            }
        })?;
    Ok(())
}
