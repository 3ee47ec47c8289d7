//! A seated player: a name, the writing half of a connection, and a reader
//! thread that turns the reading half into events on the table's channel.
//!
//! Why a thread per player: the server must hear from both players at once
//! (an opponent may leave while the server waits for the mover) using only
//! blocking reads. Each reader thread blocks on its own socket and forwards
//! every line, tagged with its [`Seat`], to one channel; the game loop blocks
//! on that single channel with `recv_timeout`, which also gives it the turn
//! clock. Only the game loop writes to sockets.

use std::io;
use std::sync::mpsc::SyncSender;
use std::thread::{self, JoinHandle};

use ttt_protocol::{ClientMsg, Name, ServerMsg};

use crate::connection::{Connection, Inbound, Incoming};
use crate::doorbell::Doorbell;

/// Which of the two players at the table: the first to arrive or the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seat {
    /// The player who arrived first (X in the first game).
    First,
    /// The player who arrived second.
    Second,
}

impl Seat {
    /// Both seats, first then second.
    pub const BOTH: [Seat; 2] = [Seat::First, Seat::Second];

    /// The other seat.
    pub fn other(self) -> Seat {
        match self {
            Seat::First => Seat::Second,
            Seat::Second => Seat::First,
        }
    }

    /// 0 or 1, to index per-seat arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One event from a player's reader thread, tagged with the player's seat.
pub type SeatEvent = (Seat, Incoming);

/// A connection that completed the handshake and has a name.
pub struct Greeted {
    /// The name from `HELLO`.
    pub name: Name,
    /// The writing half.
    pub conn: Connection,
    /// The reading half, possibly holding lines the client sent right after
    /// `HELLO`; they must not be lost, so it moves whole into the reader thread.
    pub inbound: Inbound,
}

/// A player with a running reader thread.
///
/// Dropping a `Player` shuts the socket down, which wakes its reader thread
/// out of its blocking read, and joins that thread: when a game is over,
/// nothing of its players is left behind, neither file descriptor nor thread.
pub struct Player {
    name: Name,
    conn: Connection,
    reader: Option<JoinHandle<()>>,
}

impl Player {
    /// Seats a greeted connection and starts its reader thread, which sends
    /// each event to `events` until the connection ends or nobody listens.
    /// The queue is bounded: when it is full the thread waits, and so, by TCP
    /// flow control, does a flooding client.
    ///
    /// A waiting player's `doorbell` is rung when they leave (`QUIT` or the
    /// end of the stream), to wake the lobby out of `accept`.
    pub fn seat(
        greeted: Greeted,
        seat: Seat,
        events: SyncSender<SeatEvent>,
        doorbell: Option<Doorbell>,
    ) -> io::Result<Player> {
        let Greeted {
            name,
            conn,
            mut inbound,
        } = greeted;
        let reader = thread::Builder::new()
            .name(format!("reader {}", conn.peer()))
            .spawn(move || {
                loop {
                    let event = inbound.read_incoming();
                    let last = event.is_final();
                    let leaving = last || matches!(event, Incoming::Msg(ClientMsg::Quit));
                    let delivered = events.send((seat, event)).is_ok();
                    // After the event is queued, so the woken lobby finds it.
                    if leaving && let Some(doorbell) = &doorbell {
                        doorbell.ring();
                    }
                    if !delivered || last {
                        break;
                    }
                }
            })?;
        Ok(Player {
            name,
            conn,
            reader: Some(reader),
        })
    }

    /// The player's name.
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// Sends one message; a failure surfaces later as [`Incoming::Closed`].
    pub fn send(&self, msg: &ServerMsg) {
        let _ = self.conn.send(msg);
    }

    /// The peer address, for logs.
    pub fn peer(&self) -> std::net::SocketAddr {
        self.conn.peer()
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        self.conn.shutdown();
        if let Some(reader) = self.reader.take() {
            // The shutdown above ends the thread's read; a panic in it would
            // already have been printed, and there is nothing more to clean.
            let _ = reader.join();
        }
    }
}
