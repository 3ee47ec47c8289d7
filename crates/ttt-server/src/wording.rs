//! Everything the server says, as protocol lines of version 1 or 2.
//!
//! The table ([`ttt_rules`]) and the lobby decide *what* to tell a player as
//! plain data ([`crate::speech::Tell`]); this module alone decides how that
//! is spelled on the wire: the `ERR` codes, the free text of `ERR` and `BYE`
//! that people read, and which fields a version gets. Version 2 only adds
//! fields and messages, so a version 1 connection gets the same message
//! with them left out, and nothing at all where version 1 has no word.

use std::time::Duration;

use ttt_protocol::{
    BoardV2, ErrorCode, LATEST_VERSION, Limit, PROTOCOL_VERSION, ParseError, ServerMsg, Text,
};
use ttt_rules::{Farewell, Parting, Refusal, Say};

use crate::machine::Machine;
use crate::policy::Cut;
use crate::speech::Tell;

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
    /// `COMPUTER` on a server without a computer opponent.
    NoComputer,
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
    /// `lobby::MAX_PENDING`): this was the oldest from the machine that
    /// holds the most.
    Evicted {
        /// The machine it came from.
        from: Machine,
        /// How many connections that machine had waiting to say hello.
        theirs: usize,
        /// How many were waiting from all machines, when the server's cap
        /// was reached; `None` when it was the machine's own cap.
        pending: Option<usize>,
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
    /// Too many players from one machine are already waiting.
    AddrQueueFull {
        /// The machine.
        from: Machine,
        /// Its players waiting.
        waiting: usize,
    },
    /// The player left (`QUIT` before playing).
    Goodbye,
    /// The server is stopping.
    ShuttingDown,
}

/// `tell` as a message of protocol `version`, or `None` if that version
/// has nothing to say about it.
pub fn wire(tell: &Tell<'_>, version: u32) -> Option<ServerMsg> {
    let v2 = version >= 2;
    Some(match tell {
        Tell::Welcome => welcome(),
        Tell::Hello { name, features } => ServerMsg::Hello {
            version,
            name: (*name).clone(),
            features: features.to_vec(),
        },
        Tell::Wait { place, .. } => ServerMsg::Wait(v2.then_some(*place)),
        Tell::Say(say) => return self::say(say, v2),
        Tell::Refused(refusal) => refused(refusal),
        Tell::Closing(why) => closing(why),
    })
}

/// The greeting, sent as soon as a connection is accepted. It names both
/// handshakes: the line a person types, and the one a program sends.
fn welcome() -> ServerMsg {
    ServerMsg::Welcome {
        version: PROTOCOL_VERSION,
        text: Text::new(&format!(
            "ttt-server; to play, type: play <your-name>   \
             (programs: HELLO {PROTOCOL_VERSION} <name>, or HELLO {LATEST_VERSION} <name>)"
        )),
    }
}

/// What the table says; `v2` adds the limits, the last move, and the
/// opponent's clock.
fn say(say: &Say, v2: bool) -> Option<ServerMsg> {
    Some(match say {
        Say::Start {
            mark,
            opponent,
            limit,
        } => ServerMsg::Start {
            mark: *mark,
            opponent: opponent.clone(),
            limit: v2.then(|| Limit::from_duration(*limit)),
        },
        Say::Board {
            board,
            turn,
            last,
            left,
        } => ServerMsg::Board {
            board: *board,
            turn: *turn,
            v2: v2.then(|| BoardV2 {
                last: *last,
                left: Limit::from_duration(*left),
            }),
        },
        Say::Clock { left, mover, yours } => {
            if !v2 && !yours {
                return None;
            }
            ServerMsg::Clock {
                seconds: u32::try_from(left.as_secs()).unwrap_or(u32::MAX),
                mover: v2.then_some(*mover),
            }
        }
        Say::Result(outcome) => ServerMsg::Result(*outcome),
        Say::Score(score) => ServerMsg::Score(*score),
        Say::Rematch { limit } => ServerMsg::Rematch(v2.then(|| Limit::from_duration(*limit))),
        // No message in either version: the client knows it said yes.
        Say::Accepted => return None,
        Say::Bye(farewell) => ServerMsg::Bye(Text::new(&farewell_text(farewell))),
    })
}

/// The `ERR` for a refused message.
fn refused(refused: &Refused) -> ServerMsg {
    let (code, text) = match refused {
        Refused::NotGreeted => (
            ErrorCode::State,
            format!("say HELLO {PROTOCOL_VERSION} <your-name> first (people: play <your-name>)"),
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
        Refused::NoComputer => (
            ErrorCode::State,
            "this server has no computer opponent".to_owned(),
        ),
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
fn closing(closing: &Closing) -> ServerMsg {
    let (code, text) = match closing {
        Closing::NoProto { client } => (
            ErrorCode::NoProto,
            format!(
                "client speaks protocol {client}, server speaks {PROTOCOL_VERSION} and \
                 {LATEST_VERSION}"
            ),
        ),
        Closing::TimedOut { limit } => (
            ErrorCode::Timeout,
            format!("no HELLO within {} s", limit.as_secs_f64()),
        ),
        Closing::Evicted {
            from,
            theirs,
            pending: None,
        } => (
            ErrorCode::Timeout,
            format!(
                "no HELLO in time: {theirs} connections from {from} were waiting to say hello, \
                 and this was the oldest"
            ),
        ),
        Closing::Evicted {
            theirs: 1,
            pending: Some(pending),
            ..
        } => (
            ErrorCode::Timeout,
            format!(
                "no HELLO in time: {pending} connections were waiting to say hello, \
                 and this was the oldest"
            ),
        ),
        Closing::Evicted {
            from,
            theirs,
            pending: Some(pending),
        } => (
            ErrorCode::Timeout,
            format!(
                "no HELLO in time: {pending} connections were waiting to say hello, \
                 {theirs} of them from {from}, and this was the oldest of those"
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
        Farewell::Declined => "you declined the rematch; goodbye".to_owned(),
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
        Farewell::NextInLine => {
            "others are waiting, so the table goes to the next in line; thanks for playing"
                .to_owned()
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
    use ttt_protocol::{Cell, MAX_LINE_LEN, Mark, Name, Place};

    fn v1(tell: &Tell<'_>) -> String {
        wire(tell, 1).map(|m| m.to_string()).unwrap_or_default()
    }

    fn v2(tell: &Tell<'_>) -> String {
        wire(tell, 2).map(|m| m.to_string()).unwrap_or_default()
    }

    /// Every message fits a line, even with the longest names and numbers.
    #[test]
    fn every_message_fits_in_a_line() {
        let long: Name = "n".repeat(24).parse().expect("name");
        let ip: std::net::IpAddr = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
            .parse()
            .expect("ip");
        let mut msgs = vec![welcome()];
        for closing in [
            Closing::NoProto { client: u32::MAX },
            Closing::TimedOut {
                limit: Duration::from_secs_f64(86_399.999),
            },
            Closing::Evicted {
                from: Machine::of(ip),
                theirs: usize::MAX,
                pending: None,
            },
            Closing::Evicted {
                from: Machine::of(ip),
                theirs: 1,
                pending: Some(usize::MAX),
            },
            Closing::Evicted {
                from: Machine::of(ip),
                theirs: usize::MAX,
                pending: Some(usize::MAX),
            },
            Closing::TooLong,
            Closing::Utf8,
            Closing::Abuse(Cut::BlankLines),
            Closing::QueueFull {
                waiting: usize::MAX,
            },
            Closing::AddrQueueFull {
                from: Machine::of(ip),
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
            msgs.extend(say(&Say::Bye(farewell), true));
        }
        msgs.push(refused(&Refused::NotStarted {
            ahead: usize::MAX,
            table_busy: true,
        }));
        msgs.push(refused(&Refused::Table(Refusal::NotYourTurn {
            turn: Mark::O,
        })));
        msgs.extend(wire(
            &Tell::Wait {
                place: Place {
                    place: u32::MAX,
                    game_on: true,
                },
                computer: false,
            },
            2,
        ));
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
            v1(&Tell::Closing(&Closing::NoProto { client: 3 })),
            "ERR NOPROTO client speaks protocol 3, server speaks 1 and 2"
        );
        assert_eq!(
            v1(&Tell::Refused(&Refused::NotStarted {
                ahead: 0,
                table_busy: false
            })),
            "ERR STATE the game has not started; waiting for an opponent"
        );
        assert_eq!(
            v1(&Tell::Say(&Say::Bye(Farewell::Partner {
                name: "bob".parse().expect("name"),
                parting: Parting::Declined
            }))),
            "BYE bob declined the rematch; thanks for playing"
        );
        assert_eq!(
            v1(&Tell::Closing(&Closing::Abuse(Cut::Refusals))),
            "ERR ABUSE 10 refused messages in a row; closing"
        );
        // The greeting names both handshakes, and stays version 1.
        let welcome = v1(&Tell::Welcome);
        assert!(welcome.starts_with("WELCOME 1 "), "{welcome}");
        assert!(welcome.contains("play <your-name>"), "{welcome}");
        assert!(welcome.contains("HELLO 1 <name>"), "{welcome}");
    }

    /// Version 2's fields go to version 2 only; version 1 gets the same
    /// message without them, and nothing where it has no word.
    #[test]
    fn version_1_never_sees_a_field_of_version_2() {
        let limit = Some(Duration::from_secs(120));
        let name: Name = "bob".parse().expect("name");
        let board: ttt_protocol::Board = "....X....".parse().expect("board");
        let says = [
            Say::Start {
                mark: Mark::O,
                opponent: name.clone(),
                limit,
            },
            Say::Board {
                board,
                turn: Some(Mark::O),
                last: Cell::new(5),
                left: limit,
            },
            Say::Clock {
                left: Duration::from_secs(30),
                mover: Mark::O,
                yours: true,
            },
            Say::Clock {
                left: Duration::from_secs(30),
                mover: Mark::X,
                yours: false,
            },
            Say::Rematch { limit: None },
        ];
        let both: Vec<(String, String)> = says
            .iter()
            .map(|say| (v1(&Tell::Say(say)), v2(&Tell::Say(say))))
            .collect();
        assert_eq!(
            both,
            [
                ("START O bob".into(), "START O bob 120".into()),
                ("BOARD ....X.... O".into(), "BOARD ....X.... O 5 120".into()),
                ("CLOCK 30".into(), "CLOCK 30 O".into()),
                (String::new(), "CLOCK 30 X".into()),
                ("REMATCH".into(), "REMATCH -".into()),
            ]
        );
        let place = Place {
            place: 2,
            game_on: true,
        };
        let wait = Tell::Wait {
            place,
            computer: true,
        };
        assert_eq!(v1(&wait), "WAIT");
        assert_eq!(v2(&wait), "WAIT 2 GAME");
        let hello = Tell::Hello {
            name: &name,
            features: &[],
        };
        assert_eq!(v2(&hello), "HELLO 2 bob");
        // A yes taken is news only for a person: no protocol message.
        assert_eq!(wire(&Tell::Say(&Say::Accepted), 1), None);
        assert_eq!(wire(&Tell::Say(&Say::Accepted), 2), None);
    }
}
