//! The accept loop: accept, greet, pair two players, play, repeat.
//!
//! One table at a time, on purpose: while a game runs, nobody calls
//! `accept`, so newcomers wait in the kernel's listen backlog (their TCP
//! connection is established, but no `WELCOME` arrives) until the table
//! empties. That is the blocking-I/O lesson this project grew from.
//!
//! While the first player waits for an opponent, the lobby blocks in
//! `accept`; the waiter's reader thread wakes it with the
//! [`Doorbell`] if they leave.

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use thiserror::Error;
use ttt_protocol::{ClientMsg, ErrorCode, FrameError, PROTOCOL_VERSION, ServerMsg, Text};

use crate::config::Settings;
use crate::connection::{Connection, Incoming};
use crate::doorbell::Doorbell;
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
/// A first player who leaves while waiting rings the [`Doorbell`], which
/// wakes `accept`; the lobby then closes their socket and seats the next
/// arrival first, instead of pairing them with a ghost. The check is made
/// after every `accept` and again after the second player's handshake, which
/// can take a while. (A waiter who leaves in the very instant the newcomer
/// says hello, before its reader thread has reported it, is seen one step
/// later: the game starts and ends at once with a forfeit by disconnect.)
fn seat_two_players(
    listener: &TcpListener,
    settings: &Settings,
) -> ([Player; 2], Receiver<SeatEvent>) {
    let bound = listener.local_addr().ok();
    let mut candidate = accept_greeted(listener, settings);
    'seating: loop {
        let (events_tx, events) = mpsc::sync_channel(EVENT_QUEUE);
        candidate.conn.send(&ServerMsg::Wait);
        log::info!(
            "{}: {} waits for an opponent",
            candidate.conn.peer(),
            candidate.name
        );
        let doorbell = bound.map(Doorbell::new);
        let first = match Player::seat(candidate, Seat::First, events_tx.clone(), doorbell.clone())
        {
            Ok(player) => player,
            Err(e) => {
                log::error!("cannot start a reader thread: {e}");
                candidate = accept_greeted(listener, settings);
                continue;
            }
        };
        loop {
            let (stream, peer) = accept(listener);
            if waiting_player_left(&first, &events) {
                release(first, events);
                // The connection just accepted (often the doorbell itself) may
                // be the next player.
                candidate = match greet_logged(stream, peer, settings) {
                    Some(greeted) => greeted,
                    None => accept_greeted(listener, settings),
                };
                continue 'seating;
            }
            let Some(second) = greet_logged(stream, peer, settings) else {
                continue;
            };
            // The first may have left during the newcomer's handshake.
            if waiting_player_left(&first, &events) {
                release(first, events);
                candidate = second;
                continue 'seating;
            }
            if let Some(doorbell) = &doorbell {
                doorbell.disarm();
            }
            match Player::seat(second, Seat::Second, events_tx, None) {
                Ok(second) => return ([first, second], events),
                Err(e) => {
                    log::error!("cannot start a reader thread: {e}; starting the lobby over");
                    // In this order, for the reason given in `release`.
                    drop(events);
                    drop(first);
                    candidate = accept_greeted(listener, settings);
                    continue 'seating;
                }
            }
        }
    }
}

/// Lets a waiting player go: closes their socket and joins their reader.
fn release(first: Player, events: Receiver<SeatEvent>) {
    log::info!("{}: {} left while waiting", first.peer(), first.name());
    // The receiver goes first: a reader blocked on a full queue then fails
    // its send and ends, so dropping `first` can join it.
    drop(events);
    drop(first);
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
        let (stream, peer) = accept(listener);
        if let Some(greeted) = greet_logged(stream, peer, settings) {
            return greeted;
        }
    }
}

/// Accepts one connection, retrying after errors.
fn accept(listener: &TcpListener) -> (TcpStream, SocketAddr) {
    loop {
        match listener.accept() {
            Ok((stream, peer)) => {
                log::info!("{peer}: connected");
                return (stream, peer);
            }
            Err(e) => {
                // Typically out of file descriptors: back off rather than spin.
                log::warn!("accept failed: {e}");
                thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

/// Greets a connection, logging the outcome.
fn greet_logged(stream: TcpStream, peer: SocketAddr, settings: &Settings) -> Option<Greeted> {
    match greet(stream, peer, settings) {
        Ok(greeted) => {
            log::info!("{peer}: hello from {}", greeted.name);
            Some(greeted)
        }
        Err(e) => {
            log::info!("{peer}: dropped; {e}");
            None
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
