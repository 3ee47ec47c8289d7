//! One table: two seats playing games and rematches, the turn clock, results,
//! scores, and who leaves when others are waiting.
//!
//! The table is a state machine with time passed in. It is told what a seat
//! did ([`Table::handle`]) or that time has passed ([`Table::tick`]), and
//! answers with what to say to each seat. It never sleeps, reads a clock,
//! or touches a socket, and it knows nothing of who sits in a seat (a
//! player's client, a person in `nc`, a program) nor of how a [`Say`] is
//! spelled on the wire. So every rule is unit-tested below with `now`
//! driven by hand.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use ttt_protocol::{Cell, Mark};
//! use ttt_rules::{Event, Say, Seat, Table, TableSettings};
//!
//! let now = Instant::now();
//! let settings = TableSettings { turn_timeout: Some(Duration::from_secs(120)) };
//! let names = ["ann".parse().unwrap(), "bob".parse().unwrap()];
//! let (mut table, opening) = Table::open(names, Seat::First, settings, now);
//! assert!(matches!(opening[0], (Seat::First, Say::Start { mark: Mark::X, .. })));
//!
//! // ann (X) takes the centre: both seats are sent the new board.
//! let said = table.handle(Seat::First, Event::Move(Cell::new(5).unwrap()), now).unwrap();
//! assert_eq!(said.len(), 2);
//! // bob may not move twice, and a refused event changes nothing.
//! assert!(table.handle(Seat::First, Event::Move(Cell::new(1).unwrap()), now).is_err());
//! // The clock: bob is warned 30 s before his 120 s run out.
//! assert_eq!(table.next_deadline(), Some(now + Duration::from_secs(90)));
//! ```

use std::time::{Duration, Instant};

use ttt_protocol::{Board, Cell, Departure, Ending, Forfeit, Mark, Name, Outcome, Score};

use crate::game::{Game, MoveError, Progress};

/// Turn-clock warnings: the mover is told when this much time is left, for
/// each value below the turn timeout. Largest first.
pub const CLOCK_WARNINGS: [Duration; 2] = [Duration::from_secs(30), Duration::from_secs(10)];

/// One of the two seats.
///
/// [`Seat::First`] is the player who has been at the table longer: the one
/// who waited for an opponent, or the one who stayed on after the last table.
/// It matters once: after a tie, while others wait, the first seat makes way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Seat {
    /// The player who has been at the table longer.
    First,
    /// The player who joined them.
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

/// How a table is timed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSettings {
    /// Time for each move, and to answer a rematch offer; `None`: no limit.
    pub turn_timeout: Option<Duration>,
}

/// What a seat did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Put my mark on this cell.
    Move(Cell),
    /// My answer to the rematch offer.
    Rematch(bool),
    /// I am leaving: forfeits a running game, declines a rematch.
    Quit,
    /// The seat is gone without saying so.
    Left(Gone),
}

/// How a seat went without quitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gone {
    /// The connection closed or failed.
    Disconnected,
    /// The server cut the connection for breaking the protocol.
    CutOff,
}

/// What the table says to a seat. How it is spelled on the wire (or on a
/// screen) is for the caller: see `ttt-server`'s `wire` and `prose` encoders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Say {
    /// A game begins; you play `mark` against `opponent`.
    Start {
        /// Your mark in this game.
        mark: Mark,
        /// The opponent's name.
        opponent: Name,
        /// The time each move may take; `None`: no clock.
        limit: Option<Duration>,
    },
    /// The board, and who moves next (`None`: the game is over).
    Board {
        /// The board.
        board: Board,
        /// Who moves next.
        turn: Option<Mark>,
        /// The move just played; `None` on a fresh board, and on the final
        /// board of a forfeit.
        last: Option<Cell>,
        /// The mover's time for the turn starting now; `None` when there is
        /// no clock or the game is over.
        left: Option<Duration>,
    },
    /// The mover's clock has `left` before they forfeit. Said to both
    /// seats, so each can show it; `yours` tells the mover.
    Clock {
        /// Time left, one of [`CLOCK_WARNINGS`].
        left: Duration,
        /// Whose clock it is.
        mover: Mark,
        /// Whether the seat told is the mover.
        yours: bool,
    },
    /// How the game ended, for you.
    Result(Outcome),
    /// The running score at this table, from your side.
    Score(Score),
    /// Play again, marks swapped? No answer within `limit` is no.
    Rematch {
        /// The time to answer; `None`: no limit.
        limit: Option<Duration>,
    },
    /// Your yes to the rematch is taken; the other's answer is awaited.
    /// (The protocol has no message for it: a program knows what it sent.)
    Accepted,
    /// You are leaving the table, and why.
    Bye(Farewell),
}

/// Why a seat leaves the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Farewell {
    /// You left: quit, or were cut off. Nothing more to explain.
    Goodbye,
    /// You declined the rematch offer (`NO`, or `QUIT` at it).
    Declined,
    /// Your answer to the rematch offer did not come in time.
    TooLate,
    /// Your turn clock ran out: you lost, and you leave the table.
    OutOfTime,
    /// Your opponent left the table, and how.
    Partner {
        /// Who left.
        name: Name,
        /// How.
        how: Departure,
    },
    /// Others are waiting, so you make way for the next in line, while the
    /// other player stays on ("winner stays on").
    MakeWay {
        /// Who stays.
        stays: Name,
        /// The game was a tie: you make way as the longer seated.
        after_tie: bool,
    },
    /// Others are waiting, and the seat that would stay on is the
    /// computer's, which never does: the table goes to the next in line.
    NextInLine,
}

/// Why an event was refused. Nothing at the table changes after a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A move when it is the other mark's turn.
    NotYourTurn {
        /// Whose turn it is.
        turn: Mark,
    },
    /// A move on a cell that already holds a mark.
    Occupied {
        /// The cell asked for.
        cell: Cell,
        /// The mark it holds.
        by: Mark,
    },
    /// A rematch answer while a game is running.
    GameRunning,
    /// A move after the game ended.
    GameOver,
    /// A second `YES` to the same rematch offer.
    AlreadyAccepted,
}

/// Messages for the seats, in the order they must be sent.
pub type Said = Vec<(Seat, Say)>;

/// What the table is doing, for whoever drives or displays it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// A game runs, and this seat is to move.
    Playing {
        /// The seat to move.
        mover: Seat,
    },
    /// The rematch is offered; waiting for answers.
    Rematch,
    /// The table is done. The seat that stays on, if any, plays the next in
    /// line at a new table; every other seat leaves.
    Over {
        /// The seat that stays on.
        stays: Option<Seat>,
    },
}

/// Two seats at one table.
#[derive(Debug, Clone)]
pub struct Table {
    names: [Name; 2],
    settings: TableSettings,
    /// The score from each seat's side.
    scores: [Score; 2],
    /// The seat playing X in the current (or last) game.
    x: Seat,
    /// Whether others are waiting for the table (see [`Table::set_contested`]).
    contested: bool,
    /// Whether each seat may stay on for the next in line (the computer's
    /// may not: see [`Table::seat_computer`]).
    may_stay: [bool; 2],
    /// The board of the current (or last) game, and its last move, for
    /// [`Table::recap`].
    board: Board,
    last: Option<Cell>,
    state: State,
}

#[derive(Debug, Clone)]
enum State {
    Playing {
        game: Game,
        clock: TurnClock,
    },
    Offered {
        answers: [Option<bool>; 2],
        deadline: Option<Instant>,
        /// How the last game ended, for the first seat: who stays on if
        /// the offer is withdrawn.
        last: Outcome,
    },
    Over {
        stays: Option<Seat>,
    },
}

impl Table {
    /// Seats `names` (first seat, second seat) and starts the first game,
    /// with `x` moving first. Returns the table and its opening messages.
    pub fn open(names: [Name; 2], x: Seat, settings: TableSettings, now: Instant) -> (Table, Said) {
        let mut table = Table {
            names,
            settings,
            scores: [Score::default(); 2],
            x,
            contested: false,
            may_stay: [true; 2],
            board: Board::new(),
            last: None,
            state: State::Over { stays: None },
        };
        let mut said = Said::new();
        table.start_game(now, &mut said);
        (table, said)
    }

    /// Tells the table whether others are waiting for it. When a game ends
    /// by a line or a tie while they are, there is no rematch: the loser
    /// makes way and the winner stays on (after a tie, the [`Seat::First`]
    /// makes way). After a forfeit there is never a rematch, waiting or not:
    /// the forfeiter leaves and the other stays on.
    pub fn set_contested(&mut self, contested: bool) {
        self.contested = contested;
    }

    /// Marks `seat` as the computer's. It plays like anyone, but never
    /// stays on for the next in line: when others are waiting and it would
    /// (it won, or after a tie), the table goes to the next in line, and
    /// the person who played it is told so. (After a forfeit the lobby
    /// retires it: the forfeiter cannot be the computer.)
    pub fn seat_computer(&mut self, seat: Seat) {
        self.may_stay[seat.index()] = false;
    }

    /// What `seat` did, at `now`. Returns what to say to each seat, or why
    /// the event is refused (and then nothing has changed).
    pub fn handle(&mut self, seat: Seat, event: Event, now: Instant) -> Result<Said, Refusal> {
        let mut said = Said::new();
        match event {
            Event::Move(cell) => self.play(seat, cell, now, &mut said)?,
            Event::Rematch(yes) => match &mut self.state {
                State::Playing { .. } => return Err(Refusal::GameRunning),
                State::Offered { answers, .. } if yes => {
                    if answers[seat.index()] == Some(true) {
                        return Err(Refusal::AlreadyAccepted);
                    }
                    answers[seat.index()] = Some(true);
                    if answers.iter().all(|a| *a == Some(true)) {
                        self.x = self.x.other();
                        self.start_game(now, &mut said);
                    } else {
                        said.push((seat, Say::Accepted));
                    }
                }
                State::Offered { .. } => self.part(seat, Departure::Declined, &mut said),
                State::Over { .. } => {}
            },
            Event::Quit => match self.state {
                State::Playing { .. } => self.forfeit(seat, Forfeit::Quit, now, &mut said),
                State::Offered { .. } => self.part(seat, Departure::Declined, &mut said),
                State::Over { .. } => {}
            },
            Event::Left(gone) => match (&self.state, gone) {
                (State::Playing { .. }, Gone::Disconnected) => {
                    self.forfeit(seat, Forfeit::Disconnect, now, &mut said)
                }
                (State::Playing { .. }, Gone::CutOff) => {
                    self.forfeit(seat, Forfeit::Abuse, now, &mut said)
                }
                (State::Offered { .. }, Gone::Disconnected) => {
                    self.part(seat, Departure::Disconnect, &mut said)
                }
                (State::Offered { .. }, Gone::CutOff) => {
                    self.part(seat, Departure::Abuse, &mut said)
                }
                (State::Over { .. }, _) => {}
            },
        }
        Ok(said)
    }

    /// Lets time pass: gives the clock warnings and applies the deadlines
    /// due at `now`. Call it when `now` reaches [`Table::next_deadline`];
    /// calling it earlier does nothing.
    pub fn tick(&mut self, now: Instant) -> Said {
        let mut said = Said::new();
        while let Some(due) = self.next_deadline() {
            if due > now {
                break;
            }
            match &mut self.state {
                State::Playing { game, clock } => {
                    let Some(turn) = game.turn() else { break };
                    let warning = clock.ring();
                    let mover = self.seat_of(turn);
                    match warning {
                        Some(left) => {
                            for seat in Seat::BOTH {
                                let yours = seat == mover;
                                said.push((
                                    seat,
                                    Say::Clock {
                                        left,
                                        mover: turn,
                                        yours,
                                    },
                                ));
                            }
                        }
                        None => self.forfeit(mover, Forfeit::Timeout, now, &mut said),
                    }
                }
                State::Offered { answers, .. } => {
                    let answers = *answers;
                    self.expire_offer(answers, &mut said);
                }
                State::Over { .. } => break,
            }
        }
        said
    }

    /// The next instant at which [`Table::tick`] has something to do: a
    /// clock warning, a turn's end, the rematch answer's end.
    pub fn next_deadline(&self) -> Option<Instant> {
        match &self.state {
            State::Playing { clock, .. } => clock.next_wake(),
            State::Offered { deadline, .. } => *deadline,
            State::Over { .. } => None,
        }
    }

    /// What the table is doing.
    pub fn phase(&self) -> Phase {
        match &self.state {
            State::Playing { game, .. } => Phase::Playing {
                mover: self.seat_of(game.turn().unwrap_or(Mark::X)),
            },
            State::Offered { .. } => Phase::Rematch,
            State::Over { stays } => Phase::Over { stays: *stays },
        }
    }

    /// What `seat` needs to be told to pick the table up where it is, at
    /// `now`, as if it had just sat down: its game's start (its mark, the
    /// opponent, the limit), the running score, the board as it stands
    /// (with the mover's time left now), and the rematch offer if it is
    /// open (with the time left to answer; `Accepted` if `seat` said yes
    /// already). Nothing when the table is over. The table does not care
    /// why it is asked: a player coming back, someone watching.
    pub fn recap(&self, seat: Seat, now: Instant) -> Said {
        let mut said = Said::new();
        let left_of =
            |deadline: Option<Instant>| deadline.map(|d| d.saturating_duration_since(now));
        let (turn, left) = match &self.state {
            State::Playing { game, clock } => (game.turn(), left_of(clock.deadline)),
            State::Offered { .. } => (None, None),
            State::Over { .. } => return said,
        };
        said.push((seat, self.start_for(seat)));
        said.push((seat, Say::Score(self.score(seat))));
        said.push((
            seat,
            Say::Board {
                board: self.board,
                turn,
                last: self.last,
                left,
            },
        ));
        if let State::Offered {
            answers, deadline, ..
        } = &self.state
        {
            let say = match answers[seat.index()] {
                Some(true) => Say::Accepted,
                _ => Say::Rematch {
                    limit: left_of(*deadline),
                },
            };
            said.push((seat, say));
        }
        said
    }

    /// `seat`'s answer to the rematch offer so far, while it is open.
    pub fn rematch_answer(&self, seat: Seat) -> Option<bool> {
        match &self.state {
            State::Offered { answers, .. } => answers[seat.index()],
            State::Playing { .. } | State::Over { .. } => None,
        }
    }

    /// The name at `seat`.
    pub fn name(&self, seat: Seat) -> &Name {
        &self.names[seat.index()]
    }

    /// The mark `seat` plays in the current (or last) game.
    pub fn mark(&self, seat: Seat) -> Mark {
        if seat == self.x { Mark::X } else { Mark::O }
    }

    /// The score from `seat`'s side.
    pub fn score(&self, seat: Seat) -> Score {
        self.scores[seat.index()]
    }

    fn seat_of(&self, mark: Mark) -> Seat {
        if mark == Mark::X {
            self.x
        } else {
            self.x.other()
        }
    }

    fn broadcast(&self, say: Say, said: &mut Said) {
        said.push((Seat::First, say.clone()));
        said.push((Seat::Second, say));
    }

    /// `START` for `seat`: its mark, the opponent, the clock.
    fn start_for(&self, seat: Seat) -> Say {
        Say::Start {
            mark: self.mark(seat),
            opponent: self.name(seat.other()).clone(),
            limit: self.settings.turn_timeout,
        }
    }

    /// Starts a game with the current marks: `START` to each, then the
    /// empty board to both.
    fn start_game(&mut self, now: Instant, said: &mut Said) {
        for seat in Seat::BOTH {
            said.push((seat, self.start_for(seat)));
        }
        let game = Game::new();
        self.board = *game.board();
        self.last = None;
        self.broadcast(
            Say::Board {
                board: *game.board(),
                turn: game.turn(),
                last: None,
                left: self.settings.turn_timeout,
            },
            said,
        );
        self.state = State::Playing {
            game,
            clock: TurnClock::start(self.settings.turn_timeout, now),
        };
    }

    /// Plays `seat`'s move on `cell`, if it is legal now.
    fn play(
        &mut self,
        seat: Seat,
        cell: Cell,
        now: Instant,
        said: &mut Said,
    ) -> Result<(), Refusal> {
        let mark = self.mark(seat);
        let State::Playing { game, clock } = &mut self.state else {
            return Err(Refusal::GameOver);
        };
        let progress = game.play(mark, cell).map_err(|e| match e {
            MoveError::NotYourTurn => Refusal::NotYourTurn { turn: mark.other() },
            MoveError::Occupied(by) => Refusal::Occupied { cell, by },
            MoveError::Over => Refusal::GameOver,
        })?;
        let next = matches!(progress, Progress::Next(_));
        self.board = *game.board();
        self.last = Some(cell);
        let board = Say::Board {
            board: *game.board(),
            turn: game.turn(),
            last: Some(cell),
            left: self.settings.turn_timeout.filter(|_| next),
        };
        if next {
            *clock = TurnClock::start(self.settings.turn_timeout, now);
        }
        self.broadcast(board, said);
        match progress {
            Progress::Next(_) => {}
            Progress::Won(mark, line) => {
                let outcome = Outcome::Win(Ending::Line(line)).for_seat(self.seat_of(mark));
                self.end_game(outcome, None, now, said);
            }
            Progress::Tie => self.end_game(Outcome::Tie, None, now, said),
        }
        Ok(())
    }

    /// Ends the running game with `loser` forfeiting. Every ending shows
    /// the final board first, so a client has one way to see a game end.
    fn forfeit(&mut self, loser: Seat, reason: Forfeit, now: Instant, said: &mut Said) {
        if let State::Playing { game, .. } = &self.state {
            let board = *game.board();
            let last_board = Say::Board {
                board,
                turn: None,
                last: None,
                left: None,
            };
            self.broadcast(last_board, said);
            self.last = None;
        }
        let outcome = Outcome::Lose(Ending::Forfeit(reason)).for_seat(loser);
        self.end_game(outcome, Some((loser, reason)), now, said);
    }

    /// Reports a finished game (`first` is the outcome for the first seat)
    /// and decides what comes next: the rematch offer, or who leaves.
    fn end_game(
        &mut self,
        first: Outcome,
        forfeit: Option<(Seat, Forfeit)>,
        now: Instant,
        said: &mut Said,
    ) {
        for seat in Seat::BOTH {
            let outcome = if seat == Seat::First {
                first
            } else {
                first.opposite()
            };
            self.scores[seat.index()].record(outcome);
            said.push((seat, Say::Result(outcome)));
            said.push((seat, Say::Score(self.scores[seat.index()])));
        }
        if let Some((loser, reason)) = forfeit {
            // No rematch after a forfeit: the player who forfeited leaves
            // (a vanished or frozen one could not answer anyway), and the
            // other stays on, to play the next in line or to wait for one.
            // Whoever is left never waits a second turn clock for nothing.
            let farewell = match reason {
                Forfeit::Timeout => Farewell::OutOfTime,
                Forfeit::Quit | Forfeit::Disconnect | Forfeit::Abuse => Farewell::Goodbye,
            };
            said.push((loser, Say::Bye(farewell)));
            self.state = State::Over {
                stays: Some(loser.other()),
            };
        } else if self.contested {
            self.winner_stays_on(first, said);
        } else {
            let limit = self.settings.turn_timeout;
            self.broadcast(Say::Rematch { limit }, said);
            self.state = State::Offered {
                answers: [None, None],
                deadline: self.settings.turn_timeout.map(|t| now + t),
                last: first,
            };
        }
    }

    /// Others are waiting after a game that ended `first` (for the first
    /// seat): the loser makes way (after a tie, the first seat), and the
    /// other stays on, unless it is the computer's seat.
    fn winner_stays_on(&mut self, first: Outcome, said: &mut Said) {
        let (leaves, after_tie) = match first {
            Outcome::Win(_) => (Seat::Second, false),
            Outcome::Lose(_) => (Seat::First, false),
            Outcome::Tie => (Seat::First, true),
        };
        let stays = leaves.other();
        if self.may_stay[stays.index()] {
            said.push((
                leaves,
                Say::Bye(Farewell::MakeWay {
                    stays: self.name(stays).clone(),
                    after_tie,
                }),
            ));
            self.state = State::Over { stays: Some(stays) };
        } else {
            said.push((leaves, Say::Bye(Farewell::NextInLine)));
            self.state = State::Over { stays: None };
        }
    }

    /// Someone started waiting for the table while the rematch is offered:
    /// the offer is withdrawn, since while anyone waits a pair cannot keep
    /// the table by rematching. Winner stays on, as if the wait had begun
    /// before the game ended, whatever the answers so far. Says nothing
    /// unless an offer is open.
    pub fn contest(&mut self) -> Said {
        let mut said = Said::new();
        self.contested = true;
        if let State::Offered { last, .. } = self.state {
            self.winner_stays_on(last, &mut said);
        }
        said
    }

    /// `seat` leaves during the rematch offer. Their opponent stays on if
    /// others are waiting and they had said yes; otherwise both leave.
    fn part(&mut self, seat: Seat, how: Departure, said: &mut Said) {
        let State::Offered { answers, .. } = &self.state else {
            return;
        };
        let keen = answers[seat.other().index()] == Some(true);
        let farewell = match how {
            Departure::Declined => Farewell::Declined,
            Departure::Abuse | Departure::Disconnect | Departure::NoAnswer => Farewell::Goodbye,
        };
        said.push((seat, Say::Bye(farewell)));
        self.leave_other(seat, how, self.contested && keen, said);
    }

    /// After `seat` left, the other seat either stays on or is told why the
    /// table is closing.
    fn leave_other(&mut self, seat: Seat, how: Departure, stays: bool, said: &mut Said) {
        let other = seat.other();
        if stays {
            self.state = State::Over { stays: Some(other) };
        } else {
            said.push((
                other,
                Say::Bye(Farewell::Partner {
                    name: self.name(seat).clone(),
                    how,
                }),
            ));
            self.state = State::Over { stays: None };
        }
    }

    /// The rematch offer ran out: no answer counts as no.
    fn expire_offer(&mut self, answers: [Option<bool>; 2], said: &mut Said) {
        let late: Vec<Seat> = Seat::BOTH
            .into_iter()
            .filter(|s| answers[s.index()].is_none())
            .collect();
        match late.as_slice() {
            [seat] => {
                said.push((*seat, Say::Bye(Farewell::TooLate)));
                self.leave_other(*seat, Departure::NoAnswer, self.contested, said);
            }
            _ => {
                for seat in Seat::BOTH {
                    said.push((seat, Say::Bye(Farewell::TooLate)));
                }
                self.state = State::Over { stays: None };
            }
        }
    }
}

/// An outcome given for one seat, as the first seat sees it.
trait ForSeat {
    fn for_seat(self, seat: Seat) -> Outcome;
}

impl ForSeat for Outcome {
    fn for_seat(self, seat: Seat) -> Outcome {
        match seat {
            Seat::First => self,
            Seat::Second => self.opposite(),
        }
    }
}

/// The clock of one turn: its deadline and the warnings still to give.
#[derive(Debug, Clone, Copy)]
struct TurnClock {
    deadline: Option<Instant>,
    /// Warnings not yet given (a tail of [`CLOCK_WARNINGS`]), largest first.
    warnings: &'static [Duration],
}

impl TurnClock {
    fn start(timeout: Option<Duration>, now: Instant) -> TurnClock {
        let warnings = match timeout {
            Some(timeout) => {
                let first_below = CLOCK_WARNINGS
                    .iter()
                    .position(|&w| w < timeout)
                    .unwrap_or(CLOCK_WARNINGS.len());
                &CLOCK_WARNINGS[first_below..]
            }
            None => &[],
        };
        TurnClock {
            deadline: timeout.map(|t| now + t),
            warnings,
        }
    }

    /// The next warning's instant, else the deadline.
    fn next_wake(&self) -> Option<Instant> {
        let deadline = self.deadline?;
        Some(match self.warnings.first() {
            Some(&left) => deadline - left,
            None => deadline,
        })
    }

    /// Called at [`TurnClock::next_wake`]: the warning to give, or `None`
    /// when the time is up.
    fn ring(&mut self) -> Option<Duration> {
        let (&left, rest) = self.warnings.split_first()?;
        self.warnings = rest;
        Some(left)
    }
}

#[cfg(test)]
mod tests;
