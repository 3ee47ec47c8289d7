//! The protocol encoder: a [`Tell`] as a protocol line of version 1 or 2.
//!
//! This module alone spells the wire: the `ERR` codes, the free text of
//! `ERR` and `BYE` that people read, and which fields a version gets.
//! Version 2 only adds fields and messages, so a version 1 connection gets
//! the same message with them left out, and nothing at all where version 1
//! has no word. The messages of feature `stay` go only to connections that
//! were granted it; to the others, what they stand for is said as in
//! version 1 (a `BYE`). It depends on the vocabulary ([`crate::tell`]) and
//! on nothing else of the server's.

use std::time::Duration;

use ttt_protocol::{
    BoardV2, Departure, ErrorCode, Limit, ServerMsg, Text, Version, VersionNumber, Watched,
};
use ttt_rules::{Farewell, Refusal, Say};

use crate::policy::{Cut, MAX_BLANK_LINES, MAX_STRIKES, NOISE_BURST, NOISE_PER_SECOND};
use crate::tell::{Broken, Closing, Players, Refused, Secret, Sight, Tell};

/// How a protocol connection is spoken to: its version, and the features
/// it was granted whose messages it may be sent: `stay` (then the server
/// keeps it in the game rather than sending it away: `LEFT`, `REJOIN`,
/// `LINE`), `watch` (`WATCHING`, `VIEW`, `ENDED`, `TALLY`, and `LINE`,
/// `AWAY`, `BACK` about the watched table) and `resume` (`TOKEN`, `AWAY`,
/// `BACK`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wire {
    /// The protocol version agreed.
    pub version: Version,
    /// Feature `stay` was granted.
    pub stay: bool,
    /// Feature `watch` was granted.
    pub watch: bool,
    /// Feature `resume` was granted.
    pub resume: bool,
}

impl Wire {
    /// Version 1, as every connection starts.
    pub const V1: Wire = Wire {
        version: Version::V1,
        stay: false,
        watch: false,
        resume: false,
    };

    /// Version 2, no features.
    pub const V2: Wire = Wire {
        version: Version::V2,
        ..Wire::V1
    };

    /// `tell` as a message, or `None` if this connection has nothing to be
    /// told about it.
    pub fn message(self, tell: &Tell) -> Option<ServerMsg> {
        let v2 = self.version.has_v2();
        Some(match tell {
            Tell::Welcome => welcome(),
            // Version 1 has no server HELLO.
            Tell::Hello { .. } if !v2 => return None,
            Tell::Hello { name, features, .. } => ServerMsg::Hello {
                version: self.version,
                name: name.clone(),
                features: features.clone(),
            },
            Tell::Wait { place, .. } => ServerMsg::Wait(v2.then_some(*place)),
            Tell::Say(say) => return self.say(say),
            Tell::Line { waiting, next } if self.stay => ServerMsg::Line {
                waiting: *waiting,
                next: next.clone(),
            },
            Tell::Rejoin { limit } if self.stay => ServerMsg::Rejoin(Limit::from_duration(*limit)),
            Tell::Refused(refused) => self::refused(refused),
            Tell::Closing(why) => closing(why),
            Tell::Comeback {
                secret: Secret::Token(token),
                grace,
            } if self.resume => ServerMsg::Token {
                token: token.clone(),
                grace: whole_seconds(*grace),
            },
            Tell::Away { name, left } if self.resume || self.watch => ServerMsg::Away {
                name: name.clone(),
                seconds: whole_seconds(*left),
            },
            Tell::Back { name } if self.resume || self.watch => ServerMsg::Back(name.clone()),
            Tell::Sight(sight) if self.watch => self::sight(sight),
            // For people only, or for features not granted: a program is
            // never told these.
            Tell::Line { .. }
            | Tell::Rejoin { .. }
            | Tell::Help
            | Tell::ConfirmLeave { .. }
            | Tell::PlayingOn
            | Tell::Comeback { .. }
            | Tell::Away { .. }
            | Tell::Back { .. }
            | Tell::Sight(_)
            | Tell::Unwatched
            | Tell::Resumed => return None,
        })
    }

    /// What the table says; version 2 adds the limits, the last move, and
    /// the opponent's clock.
    fn say(self, say: &Say) -> Option<ServerMsg> {
        let v2 = self.version.has_v2();
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
                    seconds: whole_seconds(*left),
                    mover: v2.then_some(*mover),
                }
            }
            Say::Result(outcome) => ServerMsg::Result(*outcome),
            Say::Score(score) => ServerMsg::Score(*score),
            Say::Rematch { limit } => ServerMsg::Rematch(v2.then(|| Limit::from_duration(*limit))),
            // No message in either version: the client knows it said yes.
            Say::Accepted => return None,
            Say::Bye(Farewell::Partner { name, how }) if self.stay => ServerMsg::Left {
                name: name.clone(),
                how: *how,
            },
            // With `stay`, the lobby asks instead (`REJOIN`).
            Say::Bye(Farewell::MakeWay { .. } | Farewell::NextInLine) if self.stay => return None,
            Say::Bye(farewell) => bye(&farewell_text(farewell)),
        })
    }
}

/// What a watcher sees, as feature `watch` spells it.
fn sight(sight: &Sight) -> ServerMsg {
    match sight {
        Sight::Table(None) => ServerMsg::Watching(None),
        Sight::Table(Some(Players { x, o, limit })) => ServerMsg::Watching(Some(Watched {
            x: x.clone(),
            o: o.clone(),
            limit: Limit::from_duration(*limit),
        })),
        Sight::Board {
            board,
            turn,
            last,
            left,
        } => ServerMsg::View {
            board: *board,
            turn: *turn,
            v2: BoardV2 {
                last: *last,
                left: Limit::from_duration(*left),
            },
        },
        Sight::Clock { left, mover } => ServerMsg::Clock {
            seconds: whole_seconds(*left),
            mover: Some(*mover),
        },
        Sight::Ended(verdict) => ServerMsg::Ended(*verdict),
        Sight::Tally { x, o, ties } => ServerMsg::Tally {
            x: *x,
            o: *o,
            ties: *ties,
        },
        Sight::Line { waiting, next } => ServerMsg::Line {
            waiting: *waiting,
            next: next.clone(),
        },
    }
}

/// The greeting, sent as soon as a connection is accepted: version 1, and
/// the handshake a person types (the one a program sends is in the
/// protocol). It fits in 80 columns, as a person in `nc` reads it.
fn welcome() -> ServerMsg {
    ServerMsg::Welcome {
        version: VersionNumber::Known(Version::V1),
        text: Text::new("ttt-server; to play, type: play <your-name>   (or: help)"),
    }
}

/// Seconds on the wire: whole ones (the server's limits are whole seconds;
/// a clock warning is exactly 30 or 10).
fn whole_seconds(d: Duration) -> u32 {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    u32::try_from(secs).unwrap_or(u32::MAX)
}

/// The `ERR` for a refused message.
fn refused(refused: &Refused) -> ServerMsg {
    let (code, text) = match refused {
        Refused::NotGreeted => (
            ErrorCode::State,
            "say HELLO 1 <your-name> first (people: play <your-name>)".to_owned(),
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
        Refused::MixedScripts(name) => (
            ErrorCode::Name,
            format!(
                "{:?} mixes letters of different scripts, or look-alike forms of letters; \
                 use letters of one script",
                name.as_str()
            ),
        ),
        Refused::ReservedName(name) => (
            ErrorCode::Name,
            format!(
                "{:?} is kept for the server's computer opponent; choose another name",
                name.as_str()
            ),
        ),
        Refused::NothingAsked => (
            ErrorCode::State,
            "nothing to answer: no question is open".to_owned(),
        ),
        Refused::Typed => (
            ErrorCode::Malformed,
            "not a message; to play, type: play <your-name>".to_owned(),
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
        Refused::NoSuchSeat => (
            ErrorCode::Token,
            "that token holds no seat or place (wrong, used already, or too late)".to_owned(),
        ),
        Refused::TooManyTries => (
            ErrorCode::Token,
            "too many tries to come back lately; wait a minute".to_owned(),
        ),
        Refused::WatchFull { cap } => (
            ErrorCode::Full,
            format!("{cap} are watching already, as many as may"),
        ),
        Refused::OnlyWatching => (
            ErrorCode::State,
            "you are only watching; QUIT leaves".to_owned(),
        ),
        Refused::WatchSeated => (
            ErrorCode::State,
            "you are at the table; WATCH ONLY is for those not playing".to_owned(),
        ),
    };
    error(code, &text)
}

/// The last message before the server closes the connection.
fn closing(closing: &Closing) -> ServerMsg {
    let (code, text) = match closing {
        Closing::NoProto { client } => (
            ErrorCode::NoProto,
            format!("client speaks protocol {client}, server speaks 1 and 2"),
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
        Closing::Broken(Broken::TooLong) => (
            ErrorCode::TooLong,
            ttt_protocol::FrameError::TooLong.to_string(),
        ),
        Closing::Broken(Broken::Utf8) => (
            ErrorCode::Utf8,
            ttt_protocol::FrameError::InvalidUtf8.to_string(),
        ),
        Closing::Abuse(cut) => (ErrorCode::Abuse, cut_text(*cut)),
        Closing::QueueFull { waiting } => {
            return bye(&format!(
                "the queue is full ({waiting} players waiting); try again later"
            ));
        }
        Closing::MachineQueueFull { from, waiting } => {
            return bye(&format!(
                "{waiting} players from {from} are already waiting; try again later"
            ));
        }
        Closing::Goodbye | Closing::NoRejoin { late: false } => return bye("goodbye"),
        Closing::NoRejoin { late: true } => return bye("you did not answer in time; goodbye"),
        Closing::ShuttingDown => return bye("server shutting down"),
    };
    error(code, &text)
}

/// The text of `ERR ABUSE`.
fn cut_text(cut: Cut) -> String {
    match cut {
        Cut::Refusals => format!("{MAX_STRIKES} refused messages in a row; closing"),
        Cut::BlankLines => format!("{MAX_BLANK_LINES} blank lines in a row; closing"),
        Cut::Noise => format!(
            "over {NOISE_BURST} bytes that made no message, faster than {NOISE_PER_SECOND} a \
             second; closing"
        ),
    }
}

fn farewell_text(farewell: &Farewell) -> String {
    match farewell {
        Farewell::Goodbye => "goodbye".to_owned(),
        Farewell::Declined => "you declined the rematch; goodbye".to_owned(),
        Farewell::TooLate => "you did not answer the rematch offer in time; goodbye".to_owned(),
        Farewell::OutOfTime => "your time ran out; goodbye".to_owned(),
        Farewell::Partner { name, how } => {
            let what = match how {
                Departure::Abuse => "was disconnected for protocol errors",
                Departure::Declined => "declined the rematch",
                Departure::Disconnect => "left",
                Departure::NoAnswer => "did not answer the rematch offer in time",
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

    const V2: Wire = Wire::V2;
    const STAY: Wire = Wire {
        stay: true,
        ..Wire::V2
    };

    fn line(wire: Wire, tell: &Tell) -> String {
        wire.message(tell)
            .map(|m| m.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn the_wording_a_v1_client_has_seen_is_kept() {
        assert_eq!(
            line(
                Wire::V1,
                &Tell::Closing(Closing::NoProto { client: "3".into() })
            ),
            "ERR NOPROTO client speaks protocol 3, server speaks 1 and 2"
        );
        assert_eq!(
            line(
                Wire::V1,
                &Tell::Refused(Refused::NotStarted {
                    ahead: 0,
                    table_busy: false
                })
            ),
            "ERR STATE the game has not started; waiting for an opponent"
        );
        let partner = Tell::Say(Say::Bye(Farewell::Partner {
            name: "bob".parse().expect("name"),
            how: Departure::Declined,
        }));
        assert_eq!(
            line(Wire::V1, &partner),
            "BYE bob declined the rematch; thanks for playing"
        );
        assert_eq!(line(V2, &partner), line(Wire::V1, &partner));
        assert_eq!(
            line(Wire::V1, &Tell::Closing(Closing::Abuse(Cut::Refusals))),
            "ERR ABUSE 10 refused messages in a row; closing"
        );
        // The greeting names the handshake a person types, stays version
        // 1, and fits in 80 columns.
        let welcome = line(Wire::V1, &Tell::Welcome);
        assert!(welcome.starts_with("WELCOME 1 "), "{welcome}");
        assert!(welcome.contains("play <your-name>"), "{welcome}");
        assert!(welcome.len() <= 80, "{} columns", welcome.len());
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
            .into_iter()
            .map(|say| {
                let tell = Tell::Say(say);
                (line(Wire::V1, &tell), line(V2, &tell))
            })
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
        let wait = Tell::Wait {
            place: Place {
                place: 2,
                game_on: true,
            },
            computer: true,
        };
        assert_eq!(line(Wire::V1, &wait), "WAIT");
        assert_eq!(line(V2, &wait), "WAIT 2 GAME");
        let hello = Tell::Hello {
            name: name.clone(),
            asked: None,
            features: vec![],
        };
        assert_eq!(line(V2, &hello), "HELLO 2 bob");
        // A yes taken is news only for a person: no protocol message.
        assert_eq!(Wire::V1.message(&Tell::Say(Say::Accepted)), None);
        assert_eq!(V2.message(&Tell::Say(Say::Accepted)), None);
    }

    /// Feature `stay`'s messages go only to connections granted it; the
    /// others are sent away as before.
    #[test]
    fn stay_messages_only_with_the_feature() {
        let bob: Name = "bob".parse().expect("name");
        let partner = Tell::Say(Say::Bye(Farewell::Partner {
            name: bob.clone(),
            how: Departure::Disconnect,
        }));
        assert_eq!(line(STAY, &partner), "LEFT bob DISCONNECT");
        let make_way = Tell::Say(Say::Bye(Farewell::MakeWay {
            stays: bob.clone(),
            after_tie: false,
        }));
        assert_eq!(STAY.message(&make_way), None, "REJOIN says it");
        assert!(line(V2, &make_way).starts_with("BYE winner stays on"));
        let rejoin = Tell::Rejoin {
            limit: Some(Duration::from_secs(120)),
        };
        assert_eq!(line(STAY, &rejoin), "REJOIN 120");
        let queue = Tell::Line {
            waiting: 1,
            next: Some(bob),
        };
        assert_eq!(line(STAY, &queue), "LINE 1 bob");
        for wire in [Wire::V1, V2] {
            assert_eq!(wire.message(&rejoin), None);
            assert_eq!(wire.message(&queue), None);
        }
    }

    /// Every message fits a line, even with the longest names and numbers,
    /// and reads back as itself.
    #[test]
    fn every_message_fits_in_a_line() {
        let long: Name = "n".repeat(24).parse().expect("name");
        let ip: std::net::IpAddr = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
            .parse()
            .expect("ip");
        let machine = crate::machine::Machine::of(ip);
        let mut tells = vec![
            Tell::Welcome,
            Tell::Closing(Closing::NoProto {
                client: "9".repeat(30),
            }),
            Tell::Closing(Closing::TimedOut {
                limit: Duration::from_secs_f64(86_399.999),
            }),
            Tell::Closing(Closing::Evicted {
                from: machine,
                theirs: usize::MAX,
                pending: Some(usize::MAX),
            }),
            Tell::Closing(Closing::MachineQueueFull {
                from: machine,
                waiting: usize::MAX,
            }),
            Tell::Refused(Refused::NotStarted {
                ahead: usize::MAX,
                table_busy: true,
            }),
            Tell::Refused(Refused::ReservedName(long.clone())),
            Tell::Wait {
                place: Place {
                    place: u32::MAX,
                    game_on: true,
                },
                computer: false,
            },
            Tell::Line {
                waiting: u32::MAX,
                next: Some(long.clone()),
            },
        ];
        tells.push(Tell::Say(Say::Bye(Farewell::MakeWay {
            stays: long.clone(),
            after_tie: true,
        })));
        tells.push(Tell::Say(Say::Bye(Farewell::Partner {
            name: long,
            how: Departure::NoAnswer,
        })));
        for tell in &tells {
            for wire in [Wire::V1, V2, STAY] {
                let Some(msg) = wire.message(tell) else {
                    continue;
                };
                let text = msg.to_string();
                assert!(text.len() < MAX_LINE_LEN, "{text}");
                assert_eq!(text.parse::<ServerMsg>(), Ok(msg));
            }
        }
    }
}
