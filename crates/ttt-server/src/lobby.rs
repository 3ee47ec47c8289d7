//! The accept loop: accept, greet, pair two players, play, repeat.
//!
//! One table at a time, on purpose: while a game runs, nobody calls
//! `accept`, so newcomers wait in the kernel's listen backlog (their TCP
//! connection is established, but no `WELCOME` arrives) until the table
//! empties. That is the blocking-I/O lesson this project grew from.

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use thiserror::Error;
use ttt_protocol::{ClientMsg, ErrorCode, FrameError, PROTOCOL_VERSION, ServerMsg, Text};

use crate::config::Settings;
use crate::connection::{Connection, Incoming};
use crate::player::{Greeted, Player, Seat, SeatEvent};
use crate::strikes::{MAX_STRIKES, Strikes, abuse_error};
use crate::table::Table;

/// How many events a table's queue holds before the reader threads wait.
///
/// Bounded so that a player who floods lines while the lobby is blocked in
/// `accept` (nobody consuming) is held back by TCP flow control instead of
/// growing the queue without limit. A game never comes near it.
pub const EVENT_QUEUE: usize = 64;

/// Serves tables forever, one at a time, on an already bound listener.
///
/// Taking a bound listener (rather than an address) lets the caller report the
/// real port when port 0 was asked for.
pub fn serve(listener: &TcpListener, settings: &Settings) {
    for number in 1.. {
        let (players, events) = seat_two_players(listener, settings);
        Table::new(players, events, settings, number).run();
        log::info!("table {number}: closed; accepting again");
    }
}

/// Accepts until two players are seated, the first told to `WAIT`.
///
/// A first player who leaves while waiting is noticed when the next player
/// has said hello (a blocked `accept` cannot be interrupted), and is dropped
/// then: the newcomer takes the first seat instead of being paired with a ghost.
/// (A waiter who leaves in the very instant the newcomer says hello, before
/// its reader thread has reported it, is seen one step later: the game starts
/// and ends at once with a forfeit by disconnect.)
fn seat_two_players(
    listener: &TcpListener,
    settings: &Settings,
) -> ([Player; 2], Receiver<SeatEvent>) {
    let mut candidate = accept_greeted(listener, settings);
    loop {
        let (events_tx, events) = mpsc::sync_channel(EVENT_QUEUE);
        candidate.conn.send(&ServerMsg::Wait);
        log::info!(
            "{}: {} waits for an opponent",
            candidate.conn.peer(),
            candidate.name
        );
        let first = match Player::seat(candidate, Seat::First, events_tx.clone()) {
            Ok(player) => player,
            Err(e) => {
                log::error!("cannot start a reader thread: {e}");
                candidate = accept_greeted(listener, settings);
                continue;
            }
        };
        let second = accept_greeted(listener, settings);
        if waiting_player_left(&first, &events) {
            log::info!("{}: {} left while waiting", first.peer(), first.name());
            // The receiver goes first: a reader blocked on a full queue then
            // fails its send and ends, so dropping `first` can join it.
            drop(events);
            drop(first);
            candidate = second;
            continue;
        }
        match Player::seat(second, Seat::Second, events_tx) {
            Ok(second) => return ([first, second], events),
            Err(e) => {
                log::error!("cannot start a reader thread: {e}; starting the lobby over");
                drop(events);
                drop(first);
                candidate = accept_greeted(listener, settings);
            }
        }
    }
}

/// Drains what the waiting player sent; true if they quit, disconnected, or
/// sent more refused messages than [`MAX_STRIKES`] (closed for abuse).
/// Anything else they sent while waiting is refused now, before the game.
fn waiting_player_left(first: &Player, events: &Receiver<SeatEvent>) -> bool {
    let mut strikes = Strikes::default();
    while let Ok((_, incoming)) = events.try_recv() {
        let (code, text) = match incoming {
            Incoming::Msg(ClientMsg::Quit) | Incoming::Closed | Incoming::TimedOut => return true,
            Incoming::Broken(code, e) => {
                first.send(&ServerMsg::Error {
                    code,
                    text: Text::new(&e.to_string()),
                });
                return true;
            }
            Incoming::Msg(_) => (
                ErrorCode::State,
                "the game has not started; waiting for an opponent".to_owned(),
            ),
            Incoming::Invalid(e) => (ErrorCode::for_parse_error(&e), e.to_string()),
        };
        first.send(&ServerMsg::Error {
            code,
            text: Text::new(&text),
        });
        if strikes.hit() {
            // A flood: without this, a client that keeps sending would keep
            // this loop (and the lobby) busy forever.
            first.send(&abuse_error());
            return true;
        }
    }
    false
}

/// Accepts connections until one completes the handshake.
fn accept_greeted(listener: &TcpListener, settings: &Settings) -> Greeted {
    loop {
        let (stream, peer) = match listener.accept() {
            Ok(accepted) => accepted,
            Err(e) => {
                // Typically out of file descriptors: back off rather than spin.
                log::warn!("accept failed: {e}");
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        log::info!("{peer}: connected");
        match greet(stream, peer, settings) {
            Ok(greeted) => {
                log::info!("{peer}: hello from {}", greeted.name);
                return greeted;
            }
            Err(e) => log::info!("{peer}: dropped; {e}"),
        }
    }
}

/// Why a connection did not complete the handshake.
#[derive(Debug, Error)]
pub enum HandshakeError {
    /// Occurs when the socket cannot be set up.
    #[error("socket setup failed: {0}")]
    Io(#[from] io::Error),
    /// Occurs when the peer closes before `HELLO`.
    #[error("closed before hello")]
    Closed,
    /// Occurs when the peer sends `QUIT` before `HELLO`.
    #[error("quit before hello")]
    Quit,
    /// Occurs when the peer speaks another protocol version.
    #[error("client speaks protocol {client}, server speaks {PROTOCOL_VERSION}")]
    Version {
        /// The version in the client's `HELLO`.
        client: u32,
    },
    /// Occurs when no `HELLO` arrives in time.
    #[error("no hello within {0:?}")]
    TimedOut(Duration),
    /// Occurs when the peer breaks the framing (too long, not UTF-8).
    #[error("{0}")]
    Broken(FrameError),
    /// Occurs after too many refused messages.
    #[error("{MAX_STRIKES} refused messages in a row")]
    Abuse,
}

/// Sends `WELCOME` and waits, until the handshake timeout, for a valid `HELLO`.
fn greet(
    stream: TcpStream,
    peer: SocketAddr,
    settings: &Settings,
) -> Result<Greeted, HandshakeError> {
    let conn = Connection::new(stream, peer)?;
    let mut inbound = conn.inbound()?;
    conn.send(&ServerMsg::Welcome {
        version: PROTOCOL_VERSION,
        text: Text::new(&format!(
            "ttt-server; reply HELLO {PROTOCOL_VERSION} <your-name>"
        )),
    });
    let limit = settings.handshake_timeout;
    inbound.set_deadline(limit.map(|limit| Instant::now() + limit));
    let error = |code: ErrorCode, text: &str| {
        conn.send(&ServerMsg::Error {
            code,
            text: Text::new(text),
        })
    };
    let mut strikes = Strikes::default();
    loop {
        // Every arm that does not return refused the line: one strike.
        match inbound.read_incoming() {
            Incoming::Msg(ClientMsg::Hello { version, name }) if version == PROTOCOL_VERSION => {
                inbound.set_deadline(None);
                return Ok(Greeted {
                    name,
                    conn,
                    inbound,
                });
            }
            Incoming::Msg(ClientMsg::Hello { version, .. }) => {
                let e = HandshakeError::Version { client: version };
                error(ErrorCode::NoProto, &e.to_string());
                return Err(e);
            }
            Incoming::Msg(ClientMsg::Quit) => {
                conn.send(&ServerMsg::Bye(Text::new("goodbye")));
                return Err(HandshakeError::Quit);
            }
            Incoming::Msg(_) => {
                error(
                    ErrorCode::State,
                    &format!("say HELLO {PROTOCOL_VERSION} <your-name> first"),
                );
            }
            Incoming::Invalid(e) => {
                error(ErrorCode::for_parse_error(&e), &e.to_string());
            }
            Incoming::Broken(code, e) => {
                error(code, &e.to_string());
                return Err(HandshakeError::Broken(e));
            }
            Incoming::TimedOut => {
                let limit = limit.unwrap_or_default();
                error(
                    ErrorCode::Timeout,
                    &format!("no HELLO within {} s", limit.as_secs_f64()),
                );
                return Err(HandshakeError::TimedOut(limit));
            }
            Incoming::Closed => return Err(HandshakeError::Closed),
        };
        if strikes.hit() {
            conn.send(&abuse_error());
            return Err(HandshakeError::Abuse);
        }
    }
}
