//! Everything the server says, as protocol version 1 messages.
//!
//! The table ([`ttt_rules`]) and the lobby decide *what* to tell a player as
//! plain data ([`Say`], [`Refused`], [`Closing`]); this module alone decides
//! how that is spelled on the wire: the `ERR` codes, and the free text of
//! `ERR` and `BYE` that people read. A newer protocol version gets an
//! encoder beside this one, and nothing upstream changes.

use std::net::IpAddr;
use std::time::Duration;

use ttt_protocol::{ErrorCode, PROTOCOL_VERSION, ParseError, ServerMsg, Text};
use ttt_rules::{Farewell, Parting, Refusal, Say};

use crate::policy::Cut;

/// Why a message was refused (a non-fatal `ERR`; nothing changes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Anything but `HELLO` or `QUIT` before `HELLO`.
    NotGreeted,
    /// A second `HELLO`.
    AlreadyGreeted,
    /// A game message while waiting to play.
    NotStarted {
        /// Players ahead in the queue.
        ahead: usize,
        /// A game is being played meanwhile.
        table_busy: bool,
    },
    /// A line that is not a message.
    Parse(ParseError),
    /// The table refused it.
    Table(Refusal),
}

/// Why the server closes a connection: the last thing it is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closing {
    /// `HELLO` with a protocol version the server does not speak.
    NoProto {
        /// The client's version.
        client: u32,
    },
    /// No `HELLO` within the handshake timeout.
    TimedOut {
        /// The timeout.
        limit: Duration,
    },
    /// No `HELLO` yet, and a newer connection needed the slot (see
    /// `lobby::MAX_PENDING`).
    Evicted {
        /// The address whose slots were full, or `None` for the server's.
        from: Option<IpAddr>,
        /// How many connections were waiting to say hello.
        pending: usize,
    },
    /// A line over the maximum length.
    TooLong,
    /// A line that is not UTF-8.
    Utf8,
    /// Cut off by the connection policy.
    Abuse(Cut),
    /// The queue of players has no room.
    QueueFull {
        /// Players waiting.
        waiting: usize,
    },
    /// Too many players from one address are already waiting.
    AddrQueueFull {
        /// The address.
        from: IpAddr,
        /// Its players waiting.
        waiting: usize,
    },
    /// The player left (`QUIT` before playing).
    Goodbye,
    /// The server is stopping.
    ShuttingDown,
}

/// The greeting, sent as soon as a connection is accepted.
pub fn welcome() -> ServerMsg {
    ServerMsg::Welcome {
        version: PROTOCOL_VERSION,
        text: Text::new(&format!(
            "ttt-server; reply HELLO {PROTOCOL_VERSION} <your-name>"
        )),
    }
}

/// "You are in; wait for an opponent (or for the table)."
pub fn wait() -> ServerMsg {
    ServerMsg::Wait
}

/// What the table says.
pub fn say(say: &Say) -> ServerMsg {
    match say {
        Say::Start { mark, opponent } => ServerMsg::Start {
            mark: *mark,
            opponent: opponent.clone(),
        },
        Say::Board { board, turn } => ServerMsg::Board {
            board: *board,
            turn: *turn,
        },
        Say::Clock { left } => ServerMsg::Clock {
            seconds: u32::try_from(left.as_secs()).unwrap_or(u32::MAX),
        },
        Say::Result(outcome) => ServerMsg::Result(*outcome),
        Say::Score(score) => ServerMsg::Score(*score),
        Say::Rematch => ServerMsg::Rematch,
        Say::Bye(farewell) => ServerMsg::Bye(Text::new(&farewell_text(farewell))),
    }
}

/// The `ERR` for a refused message.
pub fn refused(refused: &Refused) -> ServerMsg {
    let (code, text) = match refused {
        Refused::NotGreeted => (
            ErrorCode::State,
            format!("say HELLO {PROTOCOL_VERSION} <your-name> first"),
        ),
        Refused::AlreadyGreeted => (ErrorCode::State, "already said hello".to_owned()),
        Refused::NotStarted {
            table_busy: false, ..
        } => (
            ErrorCode::State,
            "the game has not started; waiting for an opponent".to_owned(),
        ),
        Refused::NotStarted {
            ahead,
            table_busy: true,
        } => (
            ErrorCode::State,
            format!(
                "the game has not started; another game is being played, and {} ahead of you",
                match ahead {
                    0 => "nobody is".to_owned(),
                    1 => "1 player is".to_owned(),
                    n => format!("{n} players are"),
                }
            ),
        ),
        Refused::Parse(e) => (ErrorCode::for_parse_error(e), e.to_string()),
        Refused::Table(Refusal::NotYourTurn { turn }) => (
            ErrorCode::Turn,
            format!("not your turn; it is {turn}'s turn"),
        ),
        Refused::Table(Refusal::Occupied { cell, by }) => {
            (ErrorCode::Occupied, format!("cell {cell} is taken by {by}"))
        }
        Refused::Table(Refusal::GameRunning) => (
            ErrorCode::State,
            "a game is running; send MOVE <1-9>".to_owned(),
        ),
        Refused::Table(Refusal::GameOver) => (
            ErrorCode::State,
            "the game is over; answer YES or NO".to_owned(),
        ),
        Refused::Table(Refusal::AlreadyAccepted) => (
            ErrorCode::State,
            "you already accepted; waiting for your opponent".to_owned(),
        ),
    };
    error(code, &text)
}

/// The last message before the server closes a connection.
pub fn closing(closing: &Closing) -> ServerMsg {
    let (code, text) = match closing {
        Closing::NoProto { client } => (
            ErrorCode::NoProto,
            format!("client speaks protocol {client}, server speaks {PROTOCOL_VERSION}"),
        ),
        Closing::TimedOut { limit } => (
            ErrorCode::Timeout,
            format!("no HELLO within {} s", limit.as_secs_f64()),
        ),
        Closing::Evicted {
            from: Some(ip),
            pending,
        } => (
            ErrorCode::Timeout,
            format!(
                "no HELLO in time: {pending} connections from {ip} were waiting to say hello, \
                 and this was the oldest"
            ),
        ),
        Closing::Evicted {
            from: None,
            pending,
        } => (
            ErrorCode::Timeout,
            format!(
                "no HELLO in time: {pending} connections were waiting to say hello, \
                 and this was the oldest"
            ),
        ),
        Closing::TooLong => (
            ErrorCode::TooLong,
            ttt_protocol::FrameError::TooLong.to_string(),
        ),
        Closing::Utf8 => (
            ErrorCode::Utf8,
            ttt_protocol::FrameError::InvalidUtf8.to_string(),
        ),
        Closing::Abuse(cut) => (ErrorCode::Abuse, cut.to_string()),
        Closing::QueueFull { waiting } => {
            return bye(&format!(
                "the queue is full ({waiting} players waiting); try again later"
            ));
        }
        Closing::AddrQueueFull { from, waiting } => {
            return bye(&format!(
                "{waiting} players from {from} are already waiting; try again later"
            ));
        }
        Closing::Goodbye => return bye("goodbye"),
        Closing::ShuttingDown => return bye("server shutting down"),
    };
    error(code, &text)
}

fn farewell_text(farewell: &Farewell) -> String {
    match farewell {
        Farewell::Goodbye => "goodbye".to_owned(),
        Farewell::TooLate => "you did not answer the rematch offer in time; goodbye".to_owned(),
        Farewell::OutOfTime => "your time ran out; goodbye".to_owned(),
        Farewell::Partner { name, parting } => {
            let what = match parting {
                Parting::CutOff => "was disconnected for protocol errors",
                Parting::Declined => "declined the rematch",
                Parting::Left => "left",
                Parting::NoAnswer => "did not answer the rematch offer in time",
            };
            format!("{name} {what}; thanks for playing")
        }
        Farewell::MakeWay {
            stays,
            after_tie: false,
        } => format!(
            "winner stays on: others are waiting, so {stays} plays the next in line; \
             thanks for playing"
        ),
        Farewell::MakeWay {
            stays,
            after_tie: true,
        } => format!(
            "after a tie the longer-seated player makes way: others are waiting, so {stays} \
             plays the next in line; thanks for playing"
        ),
    }
}

fn error(code: ErrorCode, text: &str) -> ServerMsg {
    ServerMsg::Error {
        code,
        text: Text::new(text),
    }
}

fn bye(text: &str) -> ServerMsg {
    ServerMsg::Bye(Text::new(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ttt_protocol::{MAX_LINE_LEN, Mark};

    /// Every message fits a line, even with the longest names and numbers.
    #[test]
    fn every_message_fits_in_a_line() {
        let long: ttt_protocol::Name = "n".repeat(24).parse().expect("name");
        let ip: IpAddr = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
            .parse()
            .expect("ip");
        let mut msgs = vec![welcome(), wait()];
        for closing in [
            Closing::NoProto { client: u32::MAX },
            Closing::TimedOut {
                limit: Duration::from_secs_f64(86_399.999),
            },
            Closing::Evicted {
                from: Some(ip),
                pending: usize::MAX,
            },
            Closing::Evicted {
                from: None,
                pending: usize::MAX,
            },
            Closing::TooLong,
            Closing::Utf8,
            Closing::Abuse(Cut::BlankLines),
            Closing::QueueFull {
                waiting: usize::MAX,
            },
            Closing::AddrQueueFull {
                from: ip,
                waiting: usize::MAX,
            },
            Closing::Goodbye,
            Closing::ShuttingDown,
        ] {
            msgs.push(super::closing(&closing));
        }
        for farewell in [
            Farewell::MakeWay {
                stays: long.clone(),
                after_tie: true,
            },
            Farewell::Partner {
                name: long.clone(),
                parting: Parting::NoAnswer,
            },
        ] {
            msgs.push(say(&Say::Bye(farewell)));
        }
        msgs.push(refused(&Refused::NotStarted {
            ahead: usize::MAX,
            table_busy: true,
        }));
        msgs.push(refused(&Refused::Table(Refusal::NotYourTurn {
            turn: Mark::O,
        })));
        for msg in msgs {
            let line = msg.to_string();
            assert!(line.len() < MAX_LINE_LEN, "{line}");
            // And it reads back as itself: a client can parse every one.
            assert_eq!(line.parse::<ServerMsg>(), Ok(msg));
        }
    }

    #[test]
    fn the_wording_a_v1_client_has_seen_is_kept() {
        assert_eq!(
            welcome().to_string(),
            "WELCOME 1 ttt-server; reply HELLO 1 <your-name>"
        );
        assert_eq!(
            closing(&Closing::NoProto { client: 2 }).to_string(),
            "ERR NOPROTO client speaks protocol 2, server speaks 1"
        );
        assert_eq!(
            refused(&Refused::NotStarted {
                ahead: 0,
                table_busy: false
            })
            .to_string(),
            "ERR STATE the game has not started; waiting for an opponent"
        );
        assert_eq!(
            say(&Say::Bye(Farewell::Partner {
                name: "bob".parse().expect("name"),
                parting: Parting::Declined
            }))
            .to_string(),
            "BYE bob declined the rematch; thanks for playing"
        );
        assert_eq!(
            closing(&Closing::Abuse(Cut::Refusals)).to_string(),
            "ERR ABUSE 10 refused messages in a row; closing"
        );
    }
}
