//! Saying goodbye when the server is stopped (Ctrl-C, `kill`).
//!
//! Every player connection is registered here, weakly, while it is open. On
//! a stop signal each gets `BYE server shutting down` before the process
//! exits, so players see why the game ended instead of a lost connection.
//! The registry holds `Weak` references: it never keeps a socket open.

use std::net::TcpStream;
use std::sync::{Arc, Mutex, Weak};

use ttt_protocol::{ServerMsg, Text, write_message};

/// The open player connections.
static OPEN: Mutex<Vec<Weak<TcpStream>>> = Mutex::new(Vec::new());

/// Registers an open connection; forgets connections already closed.
pub fn register(stream: &Arc<TcpStream>) {
    let mut open = OPEN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    open.retain(|weak| weak.strong_count() > 0);
    open.push(Arc::downgrade(stream));
}

/// Sends `BYE server shutting down` to every open connection; returns how
/// many were told. Runs on the signal-handling thread while the game loop may
/// be writing too: each message is one short `write_all`, which the kernel
/// takes whole, so lines do not interleave in practice.
pub fn say_goodbye() -> usize {
    let open = OPEN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let bye = ServerMsg::Bye(Text::new("server shutting down"));
    open.iter()
        .filter_map(Weak::upgrade)
        .filter(|stream| write_message(&mut &**stream, &bye).is_ok())
        .count()
}
