//! The person's encoder: a [`Tell`] as sentences and a drawn grid, for
//! someone typing into `nc` or telnet.
//!
//! After `play <name>`, a connection is told everything a program would be
//! told, as plain sentences (from [`ttt_protocol::words`], the ones the
//! console client uses too) in lines that fit 80 columns. It is an encoder
//! beside `wire.rs`, not a second game: it keeps only what it needs to
//! word things (the names and marks, and what the person is being asked
//! now, so that a refusal or `help` says what can be typed instead). It
//! depends on the vocabulary ([`crate::tell`]) and on nothing else of the
//! server's.

use std::time::Duration;

use ttt_protocol::words::{self, Leaving, WIDTH};
use ttt_protocol::{Board, Cell, Mark, Name};
use ttt_rules::{Farewell, Refusal, Say};

use crate::policy::{Cut, MAX_BLANK_LINES, MAX_STRIKES};
use crate::tell::{Broken, Closing, Players, Refused, Secret, Sight, Tell};

/// What the person is asked now: what a line they type means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asked {
    /// Not in yet: `play <name>`.
    Name,
    /// In line for the table; `computer` plays the computer if offered.
    InLine { computer: bool },
    /// Your move.
    Move,
    /// The opponent's move.
    TheirMove,
    /// Play again? (`said`: you said yes already.)
    Rematch { said: bool },
    /// Join the back of the line?
    Rejoin,
    /// Between a game's end and what comes next, or leaving.
    Nothing,
}

/// What the front end remembers about one person's game.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prose {
    me: Option<Name>,
    game: Option<(Mark, Name)>,
    /// The players at the table watched (X, O), while watching.
    watched: Option<(Name, Name)>,
    asked: Asked,
    /// "Leave this game?" is open.
    confirming: bool,
}

impl Prose {
    /// The front end for a person who has not said their name yet.
    pub fn new() -> Prose {
        Prose {
            me: None,
            game: None,
            watched: None,
            asked: Asked::Name,
            confirming: false,
        }
    }

    /// The lines (without line endings, each at most 80 columns) that
    /// tell `tell`.
    pub fn speak(&mut self, tell: &Tell) -> Vec<String> {
        let sentences = self.sentences(tell);
        sentences
            .iter()
            .flat_map(|s| match s.strip_prefix(GRID_INDENT) {
                // A grid row is laid out already.
                Some(_) => vec![s.clone()],
                None => words::wrap(s, WIDTH),
            })
            .collect()
    }

    fn sentences(&mut self, tell: &Tell) -> Vec<String> {
        match tell {
            Tell::Welcome => vec![],
            Tell::Hello { name, asked, .. } => {
                self.me = Some(name.clone());
                self.asked = Asked::InLine { computer: false };
                let mut lines = vec![format!(
                    "Hi {name}! Type help at any time to see what you can type, q to leave."
                )];
                if let Some(asked) = asked {
                    lines.push(words::renamed(asked.as_str(), name.as_str()));
                }
                lines
            }
            Tell::Wait { place, computer } => {
                self.asked = Asked::InLine {
                    computer: *computer,
                };
                self.confirming = false;
                vec![words::place(*place), in_line_hint(*computer).to_owned()]
            }
            Tell::Say(say) => self.say(say),
            Tell::Line { waiting, next } => {
                vec![words::line(*waiting, next.as_ref().map(Name::as_str))]
            }
            Tell::Rejoin { limit } => {
                self.asked = Asked::Rejoin;
                vec![format!("{} Type y or n.", words::rejoin_offer(*limit))]
            }
            Tell::Refused(refused) => vec![self.refusal(refused)],
            Tell::Help => vec![self.help()],
            Tell::ConfirmLeave { opponent } => {
                self.confirming = true;
                vec![format!(
                    "{} Type y to leave, n to play on.",
                    words::leave_question(opponent.as_str())
                )]
            }
            Tell::PlayingOn => {
                self.confirming = false;
                vec![words::playing_on().to_owned()]
            }
            Tell::Closing(closing) => {
                self.asked = Asked::Nothing;
                vec![self.closing(closing)]
            }
            Tell::Comeback {
                secret: Secret::Code { name, code },
                grace,
            } => vec![
                words::come_back(*grace),
                format!("{GRID_INDENT}play {name} {}", code.reveal()),
            ],
            // A program's token: nothing a person could type.
            Tell::Comeback {
                secret: Secret::Token(_),
                ..
            } => vec![],
            Tell::Away { name, left } => vec![words::away(name.as_str(), *left)],
            Tell::Back { name } => vec![words::back(name.as_str())],
            Tell::Sight(sight) => self.sight(sight),
            Tell::Unwatched => {
                self.watched = None;
                vec![words::unwatched().to_owned()]
            }
            Tell::Resumed => vec![words::you_are_back().to_owned()],
        }
    }

    /// What happens at the table watched.
    fn sight(&mut self, sight: &Sight) -> Vec<String> {
        let name = |watched: &Option<(Name, Name)>, mark: Mark| {
            watched.as_ref().map_or_else(
                || mark.to_string(),
                |(x, o)| if mark == Mark::X { x } else { o }.to_string(),
            )
        };
        match sight {
            Sight::Table(Some(Players { x, o, limit })) => {
                self.watched = Some((x.clone(), o.clone()));
                vec![
                    String::new(),
                    format!(
                        "{} Type unwatch to stop.",
                        words::watching(x.as_str(), o.as_str(), *limit)
                    ),
                ]
            }
            Sight::Table(None) => vec![words::no_game_on().to_owned()],
            Sight::Board {
                board,
                turn,
                last,
                left,
            } => {
                let mut lines = vec![String::new()];
                if let Some(cell) = last
                    && let Some(mark) = board.cell(*cell)
                {
                    lines.push(words::watched_move(&name(&self.watched, mark), mark, *cell));
                }
                lines.extend(
                    words::grid(board, *last)
                        .into_iter()
                        .map(|row| format!("{GRID_INDENT}{row}")),
                );
                if let Some(mark) = turn {
                    lines.push(words::watched_turn(
                        &name(&self.watched, *mark),
                        *mark,
                        *left,
                    ));
                }
                lines
            }
            Sight::Clock { left, mover } => {
                vec![words::their_clock(&name(&self.watched, *mover), *left)]
            }
            Sight::Ended(verdict) => vec![words::verdict(
                *verdict,
                &name(&self.watched, Mark::X),
                &name(&self.watched, Mark::O),
            )],
            Sight::Tally { x, o, ties } => vec![words::tally(
                &name(&self.watched, Mark::X),
                *x,
                &name(&self.watched, Mark::O),
                *o,
                *ties,
            )],
            Sight::Line { waiting, next } => {
                vec![words::line(*waiting, next.as_ref().map(Name::as_str))]
            }
        }
    }

    fn opponent(&self) -> &str {
        self.game
            .as_ref()
            .map_or("your opponent", |(_, n)| n.as_str())
    }

    fn thanks(&self) -> String {
        words::thanks(self.me.as_ref().map_or("", Name::as_str))
    }

    fn say(&mut self, say: &Say) -> Vec<String> {
        match say {
            Say::Start {
                mark,
                opponent,
                limit,
            } => {
                self.game = Some((*mark, opponent.clone()));
                self.confirming = false;
                vec![
                    String::new(),
                    words::start(*mark, opponent.as_str(), *limit),
                ]
            }
            Say::Board {
                board,
                turn,
                last,
                left,
            } => self.board(board, *turn, *last, *left),
            Say::Clock { left, yours, .. } => vec![if *yours {
                words::hurry(*left)
            } else {
                words::their_clock(self.opponent(), *left)
            }],
            Say::Result(outcome) => {
                self.confirming = false;
                vec![words::outcome(*outcome, self.opponent())]
            }
            Say::Score(score) => vec![words::score(*score, self.opponent())],
            Say::Rematch { limit } => {
                self.asked = Asked::Rematch { said: false };
                vec![format!("{} Type y or n.", words::rematch_offer(*limit))]
            }
            Say::Accepted => {
                self.asked = Asked::Rematch { said: true };
                vec![words::awaiting_answer(self.opponent())]
            }
            Say::Bye(farewell) => {
                self.asked = Asked::Nothing;
                vec![self.farewell(farewell)]
            }
        }
    }

    fn board(
        &mut self,
        board: &Board,
        turn: Option<Mark>,
        last: Option<Cell>,
        left: Option<Duration>,
    ) -> Vec<String> {
        let mut lines = vec![String::new()];
        let mine = self.game.as_ref().map(|(mark, _)| *mark);
        if let Some(cell) = last {
            let by_me = board.cell(cell).is_some() && board.cell(cell) == mine;
            lines.push(words::moved(cell, by_me, self.opponent()));
        }
        lines.extend(
            words::grid(board, last)
                .into_iter()
                .map(|row| format!("{GRID_INDENT}{row}")),
        );
        match turn {
            Some(mark) if Some(mark) == mine => {
                self.asked = Asked::Move;
                lines.push(format!("{} Type a cell 1-9.", words::your_turn(mark, left)));
            }
            Some(mark) => {
                self.asked = Asked::TheirMove;
                lines.push(words::their_turn(self.opponent(), mark, left));
            }
            None => self.asked = Asked::Nothing,
        }
        lines
    }

    /// Why you leave the table, or what follows: with a person, the server
    /// keeps them in the game (back in line, or asked to join it) unless
    /// they left themselves.
    fn farewell(&self, farewell: &Farewell) -> String {
        match farewell {
            Farewell::Goodbye => format!("{} {}", words::you_leave(Leaving::Quit), self.thanks()),
            Farewell::Declined => {
                format!("{} {}", words::you_leave(Leaving::Declined), self.thanks())
            }
            Farewell::TooLate => {
                format!("{} {}", words::you_leave(Leaving::TooLate), self.thanks())
            }
            Farewell::OutOfTime => {
                format!("{} {}", words::you_leave(Leaving::OutOfTime), self.thanks())
            }
            Farewell::Partner { name, how } => words::partner_left(name.as_str(), *how),
            Farewell::MakeWay { stays, after_tie } => words::make_way(stays.as_str(), *after_tie),
            Farewell::NextInLine => words::next_in_line(),
        }
    }

    /// A refusal, worded for what is asked now.
    fn refusal(&self, refused: &Refused) -> String {
        match refused {
            Refused::NotGreeted => "Type play <your-name> to start.".to_owned(),
            Refused::Typed => "To play, type: play <your-name> (or: help)".to_owned(),
            Refused::AlreadyGreeted => "You are already in.".to_owned(),
            Refused::NotStarted { .. } => {
                "The game has not started yet; you will be told when it does.".to_owned()
            }
            Refused::NoComputer => {
                "This server has no computer opponent; wait for a person to join.".to_owned()
            }
            Refused::MixedScripts(name) => format!(
                "The name {name} mixes letters of different alphabets, or letters that only \
                 look like others; pick a name in one alphabet: play <your-name>."
            ),
            Refused::ReservedName(name) => format!(
                "The name {name} is kept for the server's computer; pick another: \
                 play <your-name>."
            ),
            Refused::NothingAsked | Refused::Parse(_) => self.what_to_type(),
            Refused::NoSuchSeat => "That name and code hold no place here (a wrong code, or \
                 too late). To play anew, type: play <your-name>."
                .to_owned(),
            Refused::TooManyTries => {
                "Too many tries to come back lately; wait a minute and try again.".to_owned()
            }
            Refused::WatchFull { cap } => {
                format!("{cap} are watching already, as many as may; try again later.")
            }
            Refused::OnlyWatching => {
                "You are only watching; type unwatch to stop, q to leave.".to_owned()
            }
            Refused::WatchSeated => "You are playing: watch the board in front of you.".to_owned(),
            Refused::Table(Refusal::NotYourTurn { .. }) => {
                format!("Not your turn yet: wait for {}'s move.", self.opponent())
            }
            Refused::Table(Refusal::Occupied { cell, by }) => {
                format!("Cell {cell} is taken by {by}; pick an empty cell.")
            }
            Refused::Table(Refusal::GameRunning) => {
                "The game is still on: type a cell 1-9, or q to leave.".to_owned()
            }
            Refused::Table(Refusal::GameOver) => "The game is over.".to_owned(),
            Refused::Table(Refusal::AlreadyAccepted) => words::awaiting_answer(self.opponent()),
        }
    }

    /// "Sorry, ...": what can be typed now, in one sentence.
    fn what_to_type(&self) -> String {
        if self.confirming {
            return "Type y to leave the game, n to play on.".to_owned();
        }
        match self.asked {
            Asked::Name => "To play, type: play <your-name> (or: help)".to_owned(),
            Asked::InLine { computer } => {
                format!("Sorry, I did not get that. {}", in_line_hint(computer))
            }
            Asked::Move => {
                "Type the number of an empty cell, 1 to 9, or q to leave (help for more)."
                    .to_owned()
            }
            Asked::TheirMove => format!(
                "It is {}'s move: wait for it, or type q to leave.",
                self.opponent()
            ),
            Asked::Rematch { said: false } | Asked::Rejoin => "Type y or n.".to_owned(),
            Asked::Rematch { said: true } => words::awaiting_answer(self.opponent()),
            Asked::Nothing => "Nothing to answer now; q leaves.".to_owned(),
        }
    }

    /// `help`: everything that can be typed now.
    fn help(&self) -> String {
        if self.confirming {
            return format!(
                "You asked to leave: type y to leave ({} wins by forfeit), n to play on.",
                self.opponent()
            );
        }
        match self.asked {
            Asked::Name => "To play, type play and your name, e.g. play ann (up to 24 letters, \
                            digits, - _ or .). Programs say HELLO instead: see the protocol."
                .to_owned(),
            Asked::InLine { computer: true } => "You are in line for the table. Type computer \
                 to play the computer now (or computer easy, fair or perfect), watch to watch \
                 the game being played (unwatch to stop), q to leave."
                .to_owned(),
            Asked::InLine { computer: false } => {
                "You are in line for the table; you will be told when your game starts. \
                 Type watch to watch the game being played (unwatch to stop), q to leave."
                    .to_owned()
            }
            Asked::Move => "Your move: type the number of a free cell (the grid shows them), \
                            1 to 9. q leaves the game (you are asked first)."
                .to_owned(),
            Asked::TheirMove => format!(
                "It is {}'s move; you will see it. q leaves the game (you are asked first).",
                self.opponent()
            ),
            Asked::Rematch { said: false } => {
                "Type y to play again with the marks swapped, n to leave.".to_owned()
            }
            Asked::Rematch { said: true } => {
                format!("You said yes; waiting for {}. q leaves.", self.opponent())
            }
            Asked::Rejoin => "Type y to join the back of the line, n to leave.".to_owned(),
            Asked::Nothing => "Nothing to answer now; q leaves.".to_owned(),
        }
    }

    fn closing(&self, closing: &Closing) -> String {
        match closing {
            Closing::Goodbye => format!("Goodbye! {}", self.thanks()),
            Closing::NoRejoin { late: false } => format!("Goodbye! {}", self.thanks()),
            Closing::NoRejoin { late: true } => {
                format!("No answer in time; goodbye! {}", self.thanks())
            }
            Closing::ShuttingDown => format!("{} Goodbye!", words::shutting_down()),
            Closing::TimedOut { limit } => {
                format!("No name within {}; goodbye.", words::seconds(*limit))
            }
            Closing::QueueFull { .. } | Closing::MachineQueueFull { .. } => {
                "Too many players are waiting; please try again later.".to_owned()
            }
            Closing::Abuse(Cut::Refusals) => format!(
                "That was {MAX_STRIKES} lines in a row I could not use, so I am closing the \
                 connection. Goodbye!"
            ),
            Closing::Abuse(Cut::BlankLines) => format!(
                "That was {MAX_BLANK_LINES} empty lines in a row, so I am closing the \
                 connection. Goodbye!"
            ),
            Closing::Abuse(Cut::Noise) => "That was a stream of keys or codes that made no \
                 line, so I am closing the connection. Goodbye!"
                .to_owned(),
            Closing::Broken(Broken::TooLong) => {
                "That line was too long, so I am closing the connection. Goodbye!".to_owned()
            }
            Closing::Broken(Broken::Utf8) => {
                "That was not text (UTF-8), so I am closing the connection. Goodbye!".to_owned()
            }
            Closing::NoProto { .. } => "Closing the connection.".to_owned(),
            Closing::Evicted { .. } => {
                "Too many connections are waiting to start; closing this one. Try again.".to_owned()
            }
        }
    }
}

impl Default for Prose {
    fn default() -> Prose {
        Prose::new()
    }
}

/// Grid rows are indented, so they stand out from the sentences.
const GRID_INDENT: &str = "   ";

/// What a person in line can type.
fn in_line_hint(computer: bool) -> &'static str {
    if computer {
        "Type computer to play the computer (or computer easy/fair/perfect), q to leave."
    } else {
        "Type q to leave."
    }
}

#[cfg(test)]
mod tests;
