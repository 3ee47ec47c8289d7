//! The game in sentences, for a person typing into `nc` or telnet.
//!
//! After `PLAY <name>`, a connection is told everything a program would be
//! told, but as a drawn grid and plain sentences: whose move it is, which
//! cell the opponent took, how much time is left. What the person types is
//! read exactly as a program's lines are (a cell number, `y`, `n`, `q`), so
//! this is an encoder beside [`crate::wording`], not a second game: it
//! keeps only what it needs to word things (the names and marks).

use std::time::Duration;

use ttt_protocol::{Board, Cell, Mark, Name, Place, words};
use ttt_rules::{Farewell, Parting, Refusal, Say};

use crate::speech::Tell;
use crate::wording::{Closing, Refused};

/// What the front end remembers about one person's game.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prose {
    me: Name,
    game: Option<(Mark, Name)>,
}

impl Prose {
    /// The front end for a person who said `PLAY <me>`.
    pub fn new(me: Name) -> Prose {
        Prose { me, game: None }
    }

    /// The lines (without line endings) that tell `tell`.
    pub fn speak(&mut self, tell: &Tell<'_>) -> Vec<String> {
        match tell {
            Tell::Welcome => vec![],
            Tell::Hello { name, .. } => {
                self.me = (*name).clone();
                vec![format!("Hi {name}! Type q at any time to leave.")]
            }
            Tell::Wait { place, computer } => vec![wait(*place, *computer)],
            Tell::Say(say) => self.say(say),
            Tell::Refused(refused) => vec![refusal(refused)],
            Tell::Closing(closing) => vec![farewell_for_closing(closing)],
        }
    }

    fn opponent(&self) -> &str {
        self.game
            .as_ref()
            .map_or("your opponent", |(_, n)| n.as_str())
    }

    fn say(&mut self, say: &Say) -> Vec<String> {
        match say {
            Say::Start {
                mark,
                opponent,
                limit,
            } => {
                self.game = Some((*mark, opponent.clone()));
                let first = if *mark == Mark::X {
                    "you move first"
                } else {
                    "they move first"
                };
                let clock = match limit {
                    Some(limit) => format!(" Each move has {}.", seconds(*limit)),
                    None => String::new(),
                };
                vec![
                    String::new(),
                    format!(
                        "Game on: you are {mark}, {opponent} is {}; {first}.{clock}",
                        mark.other()
                    ),
                ]
            }
            Say::Board {
                board,
                turn,
                last,
                left,
            } => self.board(board, *turn, *last, *left),
            Say::Clock { left, yours, .. } => vec![if *yours {
                format!("Hurry: {} left for your move!", seconds(*left))
            } else {
                format!("{} has {} left to move.", self.opponent(), seconds(*left))
            }],
            Say::Result(outcome) => vec![words::outcome(*outcome, self.opponent())],
            Say::Score(score) => vec![words::score(*score, self.opponent())],
            Say::Rematch { limit } => vec![format!(
                "Play again, marks swapped? Type y or n{}.",
                limit.map_or(String::new(), |l| format!(" (within {})", seconds(l)))
            )],
            Say::Accepted => vec![format!("Waiting for {}'s answer...", self.opponent())],
            Say::Bye(farewell) => vec![self.farewell(farewell)],
        }
    }

    fn board(
        &self,
        board: &Board,
        turn: Option<Mark>,
        last: Option<Cell>,
        left: Option<Duration>,
    ) -> Vec<String> {
        let mut lines = vec![String::new()];
        let mine = self.game.as_ref().map(|(mark, _)| *mark);
        if let Some(cell) = last {
            let by = board.cell(cell);
            lines.push(if by.is_some() && by == mine {
                format!("You took {cell}.")
            } else {
                format!("{} took {cell}.", self.opponent())
            });
        }
        lines.extend(grid(board, last));
        let time = left.map_or(String::new(), |l| format!("; {} left", seconds(l)));
        match turn {
            Some(mark) if Some(mark) == mine => {
                lines.push(format!("Your move ({mark}): type a cell 1-9{time}."));
            }
            Some(mark) => lines.push(format!(
                "Waiting for {} ({mark}) to move{time}.",
                self.opponent()
            )),
            None => {}
        }
        lines
    }

    fn farewell(&self, farewell: &Farewell) -> String {
        let text = match farewell {
            Farewell::Goodbye => "Goodbye".to_owned(),
            Farewell::Declined => "You declined the rematch".to_owned(),
            Farewell::TooLate => "You did not answer the rematch offer in time".to_owned(),
            Farewell::OutOfTime => "You ran out of time".to_owned(),
            Farewell::Partner { name, parting } => format!(
                "{name} {}",
                match parting {
                    Parting::CutOff => "was cut off for protocol errors",
                    Parting::Declined => "declined the rematch",
                    Parting::Left => "left",
                    Parting::NoAnswer => "did not answer the rematch offer in time",
                }
            ),
            Farewell::NextInLine => {
                "Others are waiting, so the table goes to the next in line".to_owned()
            }
            Farewell::MakeWay { stays, after_tie } => format!(
                "Others are waiting, so {stays} stays on and plays the next in line{}",
                if *after_tie {
                    " (after a tie, the longer-seated player makes way)"
                } else {
                    ""
                }
            ),
        };
        format!("{text}. Thanks for playing, {}!", self.me)
    }
}

/// The board as a grid; empty cells show the number to type, and the last
/// move is bracketed (`[X]`), since `nc` shows no colours.
fn grid(board: &Board, last: Option<Cell>) -> Vec<String> {
    let cell = |c: Cell| match (board.cell(c), Some(c) == last) {
        (Some(mark), true) => format!("[{mark}]"),
        (Some(mark), false) => format!(" {mark} "),
        (None, _) => format!(" {c} "),
    };
    let rows: Vec<String> = Cell::ALL
        .chunks(3)
        .map(|row| format!("   {}|{}|{}", cell(row[0]), cell(row[1]), cell(row[2])))
        .collect();
    vec![
        rows[0].clone(),
        "   ---+---+---".to_owned(),
        rows[1].clone(),
        "   ---+---+---".to_owned(),
        rows[2].clone(),
    ]
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    format!("{s} s")
}

fn wait(Place { place, game_on }: Place, computer: bool) -> String {
    match (game_on, place) {
        (false, _) if computer => "Waiting for an opponent to connect... (type computer \
                                    to play the computer, or computer easy / fair / perfect; \
                                    q to leave)"
            .to_owned(),
        (false, _) => "Waiting for an opponent to connect... (q to leave)".to_owned(),
        (true, 1) => "A game is being played; you play next. Waiting for it to end... (q to leave)"
            .to_owned(),
        (true, n) => format!(
            "A game is being played; you are number {n} in line, {} ahead of you. (q to leave)",
            match n - 1 {
                1 => "1 player".to_owned(),
                more => format!("{more} players"),
            }
        ),
    }
}

fn refusal(refused: &Refused) -> String {
    match refused {
        Refused::NotGreeted => "Type play <your-name> to start.".to_owned(),
        Refused::AlreadyGreeted => "You are already in.".to_owned(),
        Refused::NotStarted { .. } => {
            "The game has not started yet; you will be told when it does.".to_owned()
        }
        Refused::NoComputer => {
            "This server has no computer opponent; wait for a person to join.".to_owned()
        }
        Refused::Parse(e) => {
            format!("Sorry, I did not get that ({e}). Type a cell 1-9, y or n, or q to leave.")
        }
        Refused::Table(Refusal::NotYourTurn { .. }) => {
            "Not your turn yet: wait for your opponent's move.".to_owned()
        }
        Refused::Table(Refusal::Occupied { cell, by }) => {
            format!("Cell {cell} is taken by {by}; pick an empty cell.")
        }
        Refused::Table(Refusal::GameRunning) => {
            "The game is still on: type a cell 1-9, or q to leave.".to_owned()
        }
        Refused::Table(Refusal::GameOver) => "The game is over: type y or n.".to_owned(),
        Refused::Table(Refusal::AlreadyAccepted) => {
            "You already said yes; waiting for your opponent.".to_owned()
        }
    }
}

fn farewell_for_closing(closing: &Closing) -> String {
    match closing {
        Closing::Goodbye => "Goodbye!".to_owned(),
        Closing::ShuttingDown => "The server is shutting down. Goodbye!".to_owned(),
        Closing::TimedOut { limit } => {
            format!("No name within {}; goodbye.", seconds(*limit))
        }
        Closing::QueueFull { .. } | Closing::AddrQueueFull { .. } => {
            "Too many players are waiting; please try again later.".to_owned()
        }
        Closing::Abuse(cut) => format!("Closing: {cut}."),
        Closing::TooLong => "That line was too long; closing.".to_owned(),
        Closing::Utf8 => "That was not text (UTF-8); closing.".to_owned(),
        Closing::NoProto { .. } | Closing::Evicted { .. } => "Closing.".to_owned(),
    }
}

#[cfg(test)]
mod tests;
