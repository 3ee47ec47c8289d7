//! The play loop: the one place that owns the connection and the clock.
//!
//! It waits on the event channel (server lines, typed lines, Ctrl-C) until
//! the session's next deadline, hands each event or tick to the
//! [`Session`], and sends what the session asks. Everything the player sees
//! is decided in [`crate::session`], which knows nothing of sockets.

use std::io::Write;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ttt_protocol::write_message;

use crate::events::{Event, Lost};
use crate::session::{Exit, Session};

/// Runs `session` over `conn` until it exits, taking the events `held`
/// (typed while an earlier connection was closed) before the channel's.
/// Returns how it ended, and what the player had typed that the session
/// did not use yet (for the next connection, if there is one).
pub fn run<W: Write, C: Write>(
    mut session: Session<W>,
    mut conn: C,
    events: &Receiver<Event>,
    held: Vec<Event>,
) -> (Exit, Vec<Event>) {
    let mut held = held.into_iter();
    loop {
        let received = match (held.next(), session.next_deadline()) {
            (Some(event), _) => Ok(event),
            (None, Some(at)) => events.recv_timeout(at.saturating_duration_since(Instant::now())),
            (None, None) => events.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        let step = match received {
            Ok(event) => session.handle(event, Instant::now()),
            Err(RecvTimeoutError::Timeout) => session.tick(Instant::now()),
            Err(RecvTimeoutError::Disconnected) => return (Exit::Lost(Lost::Closed), Vec::new()),
        };
        for msg in &step.send {
            // A failed write means the connection is gone; the server
            // reader reports that, and the session ends there with the
            // right message.
            let _ = write_message(&mut conn, msg);
        }
        if let Some(exit) = step.exit {
            return (exit, session.unused_input());
        }
    }
}

/// After a connection was given up (`conn` shut, `reader` its server
/// reader): the events that came meanwhile, in order, without that
/// connection's own. Its reader ends with one [`Event::ServerGone`]; the
/// channel is drained while it finishes, so a full channel cannot hold it.
pub fn set_aside(reader: &JoinHandle<()>, events: &Receiver<Event>) -> Vec<Event> {
    let mut held = Vec::new();
    let mut gone_seen = false;
    loop {
        let finished = reader.is_finished();
        while let Ok(event) = events.try_recv() {
            match event {
                Event::ServerGone(_) if !gone_seen => gone_seen = true,
                Event::Server(_) | Event::ServerJunk { .. } => {}
                event => held.push(event),
            }
        }
        if finished {
            return held;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}
