//! How each connection is spoken to: the one place that picks an encoder.
//!
//! The lobby and the table decide *what* to tell a connection ([`Tell`]);
//! the connection's [`Dialect`], settled by its handshake, decides how that
//! is written: protocol lines ([`Wire`], `wire.rs`), or sentences and a
//! grid for a person ([`Prose`], `prose.rs`). Before the handshake a
//! connection is unsettled: the greeting and refusals are protocol lines,
//! as a program expects, but what a person would type (`help`, a word that
//! is no message) is answered in sentences. Only the driver holds dialects;
//! the encoders know nothing of each other.

use std::fmt;

use ttt_protocol::ServerMsg;

use crate::prose::Prose;
use crate::tell::{Refused, Tell};
use crate::who::Who;
use crate::wire::Wire;

/// What to write on one connection: a protocol line, or a person's lines.
/// A protocol message stays a message until the connection writes it into
/// its outbox, so a move costs no text built in between.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Speech {
    /// One protocol line (written with `\n`).
    Line(ServerMsg),
    /// Lines for a person, each ending in `\r\n`.
    Text(String),
}

impl fmt::Display for Speech {
    /// The text as written, without the last line ending.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Speech::Line(msg) => write!(f, "{msg}"),
            Speech::Text(text) => f.write_str(text.strip_suffix("\r\n").unwrap_or(text)),
        }
    }
}

/// How a connection is spoken to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialect {
    /// Before the handshake: protocol lines, and sentences for what only a
    /// person types. Once a person has been answered, everything is
    /// sentences.
    Unsettled {
        /// The sentences so far.
        prose: Box<Prose>,
        /// A line only a person types has been answered.
        person: bool,
    },
    /// Protocol lines.
    Wire(Wire),
    /// Sentences and a grid.
    Person(Box<Prose>),
}

impl Default for Dialect {
    fn default() -> Dialect {
        Dialect::Unsettled {
            prose: Box::default(),
            person: false,
        }
    }
}

impl Dialect {
    /// The dialect for who the handshake found. A person's sentences
    /// carry on from those said before the handshake; an unsettled
    /// connection keeps the dialect it has.
    pub fn settle(&mut self, who: Who) {
        *self = match (who, std::mem::take(self)) {
            (Who::Unsettled, dialect) => dialect,
            (Who::Program(wire), _) => Dialect::Wire(wire),
            (Who::Person, Dialect::Unsettled { prose, .. } | Dialect::Person(prose)) => {
                Dialect::Person(prose)
            }
            (Who::Person, Dialect::Wire(_)) => Dialect::Person(Box::default()),
        };
    }

    /// Whether what arrives is typed by a person, and so edited as a
    /// terminal would (backspace, telnet commands): until a program says
    /// hello, and for a person.
    pub fn edits_typing(&self) -> bool {
        !matches!(self, Dialect::Wire(_))
    }

    /// Whether this is a person's connection, who is closed with a reset
    /// once the goodbye had time to arrive (`nc` leaves only then).
    pub fn is_person(&self) -> bool {
        match self {
            Dialect::Person(_) => true,
            Dialect::Unsettled { person, .. } => *person,
            Dialect::Wire(_) => false,
        }
    }

    /// What to write for `tell`, or `None` when this dialect has nothing
    /// to say about it (version 1 has no word for the opponent's clock, for
    /// one).
    pub fn speak(&mut self, tell: &Tell) -> Option<Speech> {
        match self {
            Dialect::Wire(wire) => wire.message(tell).map(Speech::Line),
            Dialect::Person(prose) => text(prose.speak(tell)),
            Dialect::Unsettled { prose, person } => {
                let persons_only = matches!(tell, Tell::Help | Tell::Refused(Refused::Typed));
                *person |= persons_only;
                if *person && !matches!(tell, Tell::Welcome) {
                    text(prose.speak(tell))
                } else {
                    Wire::V1.message(tell).map(Speech::Line)
                }
            }
        }
    }
}

/// A person's lines, each ended with `\r\n` as telnet expects.
fn text(lines: Vec<String>) -> Option<Speech> {
    (!lines.is_empty()).then(|| {
        Speech::Text(
            lines
                .iter()
                .map(|line| format!("{line}\r\n"))
                .collect::<String>(),
        )
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::time::Duration;

    use super::*;
    use crate::machine::Machine;
    use crate::policy::Cut;
    use crate::tell::{Broken, Closing, Players, Refused, Secret, Sight};
    use ttt_protocol::{
        Cell, ClientMsg, Code, Departure, Ending, Feature, Forfeit, MAX_LINE_LEN, Mark, Name,
        Outcome, Place, Score, Token, Verdict, words,
    };
    use ttt_rules::{Farewell, Refusal, Say};

    fn name(s: &str) -> Name {
        s.parse().expect("test name")
    }

    /// Which kind of tell, for the coverage check: adding a variant to
    /// `Tell`, `Say`, `Closing` or `Refused` breaks the build here until
    /// it is named, and then the test until a sample of it is below.
    fn kind(tell: &Tell) -> String {
        match tell {
            Tell::Welcome => "welcome".into(),
            Tell::Hello { .. } => "hello".into(),
            Tell::Wait { .. } => "wait".into(),
            Tell::Say(say) => format!(
                "say {}",
                match say {
                    Say::Start { .. } => "start",
                    Say::Board { .. } => "board",
                    Say::Clock { .. } => "clock",
                    Say::Result(_) => "result",
                    Say::Score(_) => "score",
                    Say::Rematch { .. } => "rematch",
                    Say::Accepted => "accepted",
                    Say::Bye(farewell) => match farewell {
                        Farewell::Goodbye => "bye goodbye",
                        Farewell::Declined => "bye declined",
                        Farewell::TooLate => "bye too late",
                        Farewell::OutOfTime => "bye out of time",
                        Farewell::Partner { .. } => "bye partner",
                        Farewell::MakeWay { .. } => "bye make way",
                        Farewell::NextInLine => "bye next in line",
                    },
                }
            ),
            Tell::Line { .. } => "line".into(),
            Tell::Rejoin { .. } => "rejoin".into(),
            Tell::Refused(refused) => format!(
                "refused {}",
                match refused {
                    Refused::NotGreeted => "not greeted",
                    Refused::AlreadyGreeted => "already greeted",
                    Refused::NotStarted { .. } => "not started",
                    Refused::Parse(_) => "parse",
                    Refused::Table(_) => "table",
                    Refused::NoComputer => "no computer",
                    Refused::ReservedName(_) => "reserved name",
                    Refused::MixedScripts(_) => "mixed scripts",
                    Refused::NothingAsked => "nothing asked",
                    Refused::Typed => "typed",
                    Refused::NoSuchSeat => "no such seat",
                    Refused::TooManyTries => "too many tries",
                    Refused::WatchFull { .. } => "watch full",
                    Refused::WatchSeated => "watch seated",
                    Refused::OnlyWatching => "only watching",
                }
            ),
            Tell::Comeback {
                secret: Secret::Token(_),
                ..
            } => "comeback token".into(),
            Tell::Comeback {
                secret: Secret::Code { .. },
                ..
            } => "comeback code".into(),
            Tell::Away { .. } => "away".into(),
            Tell::Back { .. } => "back".into(),
            Tell::Unwatched => "unwatched".into(),
            Tell::Resumed => "resumed".into(),
            Tell::Sight(sight) => format!(
                "sight {}",
                match sight {
                    Sight::Table(Some(_)) => "table",
                    Sight::Table(None) => "no table",
                    Sight::Board { .. } => "board",
                    Sight::Clock { .. } => "clock",
                    Sight::Ended(Verdict::Tie) => "tie",
                    Sight::Ended(Verdict::Won(..)) => "won",
                    Sight::Tally { .. } => "tally",
                    Sight::Line { .. } => "line",
                }
            ),
            Tell::Help => "help".into(),
            Tell::ConfirmLeave { .. } => "confirm leave".into(),
            Tell::PlayingOn => "playing on".into(),
            Tell::Closing(closing) => format!(
                "closing {}",
                match closing {
                    Closing::NoProto { .. } => "noproto",
                    Closing::TimedOut { .. } => "timed out",
                    Closing::Evicted { .. } => "evicted",
                    Closing::Broken(_) => "broken",
                    Closing::Abuse(_) => "abuse",
                    Closing::QueueFull { .. } => "queue full",
                    Closing::MachineQueueFull { .. } => "machine queue full",
                    Closing::Goodbye => "goodbye",
                    Closing::NoRejoin { .. } => "no rejoin",
                    Closing::ShuttingDown => "shutting down",
                }
            ),
        }
    }

    /// One of every kind of tell, with the longest names and numbers
    /// where they matter.
    fn every_tell() -> Vec<Tell> {
        every_tell_with(name(&"n".repeat(Name::MAX_CHARS)))
    }

    /// As [`every_tell`], with `long` for every name.
    fn every_tell_with(long: Name) -> Vec<Tell> {
        let limit = Some(Duration::from_secs(86_400));
        let machine = Machine::of("ffff:ffff:ffff:ffff::1".parse().expect("ip"));
        let board = "XO.XO.X..".parse().expect("board");
        let junk = "jump 1 2 3".parse::<ClientMsg>().expect_err("junk");
        let says = vec![
            Say::Start {
                mark: Mark::O,
                opponent: long.clone(),
                limit,
            },
            Say::Board {
                board,
                turn: Some(Mark::O),
                last: Cell::new(7),
                left: limit,
            },
            Say::Board {
                board,
                turn: None,
                last: None,
                left: None,
            },
            Say::Clock {
                left: Duration::from_secs(10),
                mover: Mark::O,
                yours: false,
            },
            Say::Result(Outcome::Lose(Ending::Forfeit(Forfeit::Abuse))),
            Say::Score(Score {
                wins: u32::MAX,
                losses: u32::MAX,
                ties: u32::MAX,
            }),
            Say::Rematch { limit },
            Say::Accepted,
            Say::Bye(Farewell::Goodbye),
            Say::Bye(Farewell::Declined),
            Say::Bye(Farewell::TooLate),
            Say::Bye(Farewell::OutOfTime),
            Say::Bye(Farewell::Partner {
                name: long.clone(),
                how: Departure::NoAnswer,
            }),
            Say::Bye(Farewell::MakeWay {
                stays: long.clone(),
                after_tie: true,
            }),
            Say::Bye(Farewell::NextInLine),
        ];
        let mut tells = vec![
            Tell::Welcome,
            Tell::Hello {
                name: long.clone(),
                asked: Some(long.clone()),
                features: vec![Feature::computer(), Feature::stay()],
            },
            Tell::Wait {
                place: Place {
                    place: u32::MAX,
                    game_on: true,
                },
                computer: true,
            },
            Tell::Line {
                waiting: u32::MAX,
                next: Some(long.clone()),
            },
            Tell::Rejoin { limit },
            Tell::Help,
            Tell::ConfirmLeave {
                opponent: long.clone(),
            },
            Tell::PlayingOn,
            Tell::Comeback {
                secret: Secret::Token(Token::from_bytes([0xff; 16])),
                grace: Duration::from_secs(86_400),
            },
            Tell::Comeback {
                secret: Secret::Code {
                    name: long.clone(),
                    code: Code::from_bytes([31; 6]),
                },
                grace: Duration::from_secs(86_400),
            },
            Tell::Away {
                name: long.clone(),
                left: Duration::from_secs(86_400),
            },
            Tell::Back { name: long.clone() },
            Tell::Unwatched,
            Tell::Resumed,
        ];
        for sight in [
            Sight::Table(Some(Players {
                x: long.clone(),
                o: long.clone(),
                limit,
            })),
            Sight::Table(None),
            Sight::Board {
                board,
                turn: Some(Mark::X),
                last: Cell::new(9),
                left: limit,
            },
            Sight::Clock {
                left: Duration::from_secs(10),
                mover: Mark::O,
            },
            Sight::Ended(Verdict::Won(Mark::O, Ending::Forfeit(Forfeit::Timeout))),
            Sight::Ended(Verdict::Tie),
            Sight::Tally {
                x: u32::MAX,
                o: u32::MAX,
                ties: u32::MAX,
            },
            Sight::Line {
                waiting: u32::MAX,
                next: Some(long.clone()),
            },
        ] {
            tells.push(Tell::Sight(sight));
        }
        tells.extend(says.into_iter().map(Tell::Say));
        for refused in [
            Refused::NotGreeted,
            Refused::AlreadyGreeted,
            Refused::NotStarted {
                ahead: usize::MAX,
                table_busy: true,
            },
            Refused::Parse(junk),
            Refused::Table(Refusal::Occupied {
                cell: Cell::ALL[8],
                by: Mark::O,
            }),
            Refused::NoComputer,
            Refused::ReservedName(long.clone()),
            Refused::MixedScripts(long.clone()),
            Refused::NothingAsked,
            Refused::Typed,
            Refused::NoSuchSeat,
            Refused::TooManyTries,
            Refused::WatchFull { cap: usize::MAX },
            Refused::WatchSeated,
            Refused::OnlyWatching,
        ] {
            tells.push(Tell::Refused(refused));
        }
        for closing in [
            Closing::NoProto {
                client: "9".repeat(40),
            },
            Closing::TimedOut {
                limit: Duration::from_secs(86_400),
            },
            Closing::Evicted {
                from: machine,
                theirs: usize::MAX,
                pending: Some(usize::MAX),
            },
            Closing::Broken(Broken::TooLong),
            Closing::Abuse(Cut::Refusals),
            Closing::QueueFull {
                waiting: usize::MAX,
            },
            Closing::MachineQueueFull {
                from: machine,
                waiting: usize::MAX,
            },
            Closing::Goodbye,
            Closing::NoRejoin { late: true },
            Closing::ShuttingDown,
        ] {
            tells.push(Tell::Closing(closing));
        }
        tells
    }

    /// Every kind of tell is in the sample: a new kind without a sample
    /// fails here.
    #[test]
    fn the_sample_has_every_kind_of_tell() {
        let kinds: BTreeSet<String> = every_tell().iter().map(kind).collect();
        assert_eq!(kinds.len(), 61, "{kinds:#?}");
    }

    /// Every kind of tell through every dialect: a protocol line that fits
    /// and parses back, never a version 2 word for version 1; and for a
    /// person, plain lines of at most 80 columns with no control byte,
    /// names of the widest letters included (24 CJK letters: 48 columns).
    #[test]
    fn every_tell_through_every_dialect() {
        let dialects = || {
            let mut person = Dialect::default();
            person.settle(Who::Person);
            [
                ("unsettled", Dialect::default()),
                ("v1", Dialect::Wire(Wire::V1)),
                ("v2", Dialect::Wire(Wire::V2)),
                (
                    "v2 stay watch resume",
                    Dialect::Wire(Wire {
                        stay: true,
                        watch: true,
                        resume: true,
                        ..Wire::V2
                    }),
                ),
                ("person", person),
            ]
        };
        let wide = name(&"名".repeat(Name::MAX_CHARS));
        for tell in every_tell().into_iter().chain(every_tell_with(wide)) {
            for (label, mut dialect) in dialects() {
                let spoken = dialect.speak(&tell);
                match spoken {
                    Some(Speech::Line(msg)) => {
                        let line = msg.to_string();
                        assert!(line.len() < MAX_LINE_LEN, "{label}: {line}");
                        assert_eq!(line.parse::<ServerMsg>(), Ok(msg.clone()), "{label}");
                        if label == "v1" || label == "unsettled" {
                            let keyword = line.split(' ').next().unwrap_or_default();
                            assert!(
                                ![
                                    "HELLO", "LEFT", "REJOIN", "LINE", "TOKEN", "AWAY", "BACK",
                                    "WATCHING", "VIEW", "ENDED", "TALLY"
                                ]
                                .contains(&keyword),
                                "{label} got a version 2 message: {line}"
                            );
                        }
                    }
                    Some(Speech::Text(text)) => {
                        assert!(text.ends_with("\r\n"), "{label}: {text:?}");
                        for line in text.split("\r\n") {
                            assert!(
                                words::columns(line) <= words::WIDTH,
                                "{label}: {} columns: {line}",
                                words::columns(line)
                            );
                            assert!(
                                !line.chars().any(char::is_control),
                                "{label}: a control character in {line:?}"
                            );
                        }
                    }
                    None => {
                        // Nothing said: only where the dialect has no word.
                        let silent_ok = match label {
                            "person" => matches!(
                                tell,
                                Tell::Welcome
                                    | Tell::Comeback {
                                        secret: Secret::Token(_),
                                        ..
                                    }
                            ),
                            // A program's token is not for a person, nor a
                            // person's code for a program.
                            _ if matches!(
                                tell,
                                Tell::Comeback {
                                    secret: Secret::Code { .. },
                                    ..
                                } | Tell::Unwatched
                                    | Tell::Resumed
                            ) =>
                            {
                                true
                            }
                            "v1" | "unsettled" | "v2"
                                if matches!(
                                    tell,
                                    Tell::Comeback { .. }
                                        | Tell::Away { .. }
                                        | Tell::Back { .. }
                                        | Tell::Sight(_)
                                ) =>
                            {
                                true
                            }
                            "v1" | "unsettled" if matches!(tell, Tell::Hello { .. }) => true,
                            "v1" | "unsettled" if matches!(tell, Tell::Say(Say::Clock { .. })) => {
                                true
                            }
                            _ => matches!(
                                tell,
                                Tell::Help
                                    | Tell::ConfirmLeave { .. }
                                    | Tell::PlayingOn
                                    | Tell::Line { .. }
                                    | Tell::Rejoin { .. }
                                    | Tell::Say(Say::Accepted)
                                    | Tell::Say(Say::Bye(
                                        Farewell::MakeWay { .. } | Farewell::NextInLine
                                    ))
                            ),
                        };
                        assert!(silent_ok, "{label} said nothing for {tell:?}");
                    }
                }
            }
        }
    }
}
