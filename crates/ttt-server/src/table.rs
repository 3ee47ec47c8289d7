//! Two seated players playing games and rematches until one declines or leaves.
//!
//! The table owns both players and the one channel their reader threads feed
//! (see [`crate::player`]). It applies the rules from [`crate::game`], runs the
//! turn clock with `recv_timeout`, and tells each player the result from their
//! own side. When [`Table::run`] returns, both players are dropped: their
//! sockets close and their reader threads are joined.

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use ttt_protocol::{
    Cell, ClientMsg, Ending, ErrorCode, Forfeit, Mark, Outcome, Score, ServerMsg, Text,
};

use crate::config::Settings;
use crate::connection::Incoming;
use crate::game::{Game, MoveError, Progress};
use crate::player::{Player, Seat, SeatEvent};
use crate::strikes::{MAX_STRIKES, Strikes, abuse_error};

/// Turn-clock warnings: the mover is sent `CLOCK <s>` when this much time is
/// left, for each value below the turn timeout.
pub const CLOCK_WARNINGS: [Duration; 2] = [Duration::from_secs(30), Duration::from_secs(10)];

/// Two players at one table.
pub struct Table {
    /// Declared before `players` so that it is dropped first: a reader
    /// thread blocked on a full queue then ends, and `Player`'s drop can
    /// join it.
    events: Receiver<SeatEvent>,
    players: [Player; 2],
    turn_timeout: Option<Duration>,
    /// The score from each seat's side.
    scores: [Score; 2],
    /// Refused messages in a row, per seat.
    strikes: [Strikes; 2],
    /// For logs: the number of the table since the server started.
    number: u64,
}

/// How a game ended.
struct GameEnd {
    /// The outcome for the first seat (the second sees the opposite).
    first: Outcome,
    /// A player who left or was cut off: no rematch is possible.
    gone: Option<(Seat, Forfeit)>,
}

/// What the table was woken by.
enum Wake {
    Event(Seat, Incoming),
    Deadline,
}

impl Table {
    /// Seats two players whose reader threads send to `events`.
    pub fn new(
        players: [Player; 2],
        events: Receiver<SeatEvent>,
        settings: &Settings,
        number: u64,
    ) -> Table {
        Table {
            players,
            events,
            turn_timeout: settings.turn_timeout,
            scores: [Score::default(); 2],
            strikes: [Strikes::default(); 2],
            number,
        }
    }

    fn player(&self, seat: Seat) -> &Player {
        &self.players[seat.index()]
    }

    fn send(&self, seat: Seat, msg: &ServerMsg) {
        self.player(seat).send(msg);
    }

    /// Plays games, offering a rematch after each, until a player declines or leaves.
    pub fn run(mut self) {
        let mut x_seat = Seat::First;
        loop {
            let end = self.play_game(x_seat);
            self.report(&end);
            if let Some((seat, reason)) = end.gone {
                self.part(seat, reason);
                return;
            }
            if !self.rematch() {
                return;
            }
            x_seat = x_seat.other();
        }
    }

    /// Plays one game with `x_seat` as X and returns how it ended.
    fn play_game(&mut self, x_seat: Seat) -> GameEnd {
        let mark_of = |seat: Seat| if seat == x_seat { Mark::X } else { Mark::O };
        let seat_of = |mark: Mark| {
            if mark == Mark::X {
                x_seat
            } else {
                x_seat.other()
            }
        };
        log::info!(
            "table {}: {} (X) vs {} (O)",
            self.number,
            self.player(x_seat).name(),
            self.player(x_seat.other()).name()
        );
        for seat in Seat::BOTH {
            let opponent = self.player(seat.other()).name().clone();
            self.send(
                seat,
                &ServerMsg::Start {
                    mark: mark_of(seat),
                    opponent,
                },
            );
        }
        let mut game = Game::new();
        self.broadcast(&ServerMsg::Board {
            board: *game.board(),
            turn: game.turn(),
        });
        let mut turn = Mark::X;
        loop {
            let mover = seat_of(turn);
            let mut clock = TurnClock::start(self.turn_timeout);
            // Wait for the mover's legal move, answering anything else on the way.
            let progress = loop {
                let (seat, incoming) = match self.wait(clock.next_wake()) {
                    Wake::Deadline => match clock.ring() {
                        Some(left) => {
                            self.send(
                                mover,
                                &ServerMsg::Clock {
                                    seconds: whole_seconds(left),
                                },
                            );
                            continue;
                        }
                        None => return self.forfeit(mover, Forfeit::Timeout),
                    },
                    Wake::Event(seat, incoming) => (seat, incoming),
                };
                let cell = match incoming {
                    Incoming::Msg(ClientMsg::Move(cell)) => cell,
                    other => match self.handle_off_script(
                        seat,
                        other,
                        "a game is running; send MOVE <1-9>",
                    ) {
                        Some(reason) => return self.forfeit(seat, reason),
                        None => continue,
                    },
                };
                match game.play(mark_of(seat), cell) {
                    Ok(progress) => {
                        self.strikes[seat.index()].clear();
                        log::debug!(
                            "table {}: {} ({}) plays {cell}",
                            self.number,
                            self.player(seat).name(),
                            mark_of(seat)
                        );
                        break progress;
                    }
                    Err(refusal) => {
                        let (code, text) = move_refusal(refusal, cell, game.turn());
                        if self.refuse(seat, code, &text) {
                            return self.forfeit(seat, Forfeit::Abuse);
                        }
                    }
                }
            };
            self.broadcast(&ServerMsg::Board {
                board: *game.board(),
                turn: game.turn(),
            });
            match progress {
                Progress::Next(next) => turn = next,
                Progress::Won(mark, line) => {
                    let winner = seat_of(mark);
                    let first = if winner == Seat::First {
                        Outcome::Win(Ending::Line(line))
                    } else {
                        Outcome::Lose(Ending::Line(line))
                    };
                    log::info!(
                        "table {}: {} wins on line {line}",
                        self.number,
                        self.player(winner).name()
                    );
                    return GameEnd { first, gone: None };
                }
                Progress::Tie => {
                    log::info!("table {}: tie", self.number);
                    return GameEnd {
                        first: Outcome::Tie,
                        gone: None,
                    };
                }
            }
        }
    }

    /// Ends the game with `loser` forfeiting for `reason`.
    fn forfeit(&mut self, loser: Seat, reason: Forfeit) -> GameEnd {
        log::info!(
            "table {}: {} forfeits ({}); {} wins",
            self.number,
            self.player(loser).name(),
            reason.as_str().to_lowercase(),
            self.player(loser.other()).name()
        );
        let lost = Outcome::Lose(Ending::Forfeit(reason));
        let first = if loser == Seat::First {
            lost
        } else {
            lost.opposite()
        };
        // A player who timed out is still connected and may want a rematch.
        let gone = (reason != Forfeit::Timeout).then_some((loser, reason));
        GameEnd { first, gone }
    }

    /// Tells each player their result and the running score.
    fn report(&mut self, end: &GameEnd) {
        for seat in Seat::BOTH {
            let outcome = if seat == Seat::First {
                end.first
            } else {
                end.first.opposite()
            };
            self.scores[seat.index()].record(outcome);
            self.send(seat, &ServerMsg::Result(outcome));
            self.send(seat, &ServerMsg::Score(self.scores[seat.index()]));
        }
    }

    /// Says goodbye after `seat` left the table for `reason`.
    fn part(&self, seat: Seat, reason: Forfeit) {
        let name = self.player(seat).name();
        let why = match reason {
            Forfeit::Quit => format!("{name} quit"),
            Forfeit::Disconnect => format!("{name} disconnected"),
            Forfeit::Timeout => format!("{name} ran out of time"),
            Forfeit::Abuse => format!("{name} was disconnected for protocol errors"),
        };
        self.send(
            seat.other(),
            &ServerMsg::Bye(Text::new(&format!("{why}; thanks for playing"))),
        );
        self.send(seat, &ServerMsg::Bye(Text::new("goodbye")));
    }

    /// Offers a rematch to both; true if both accept.
    fn rematch(&mut self) -> bool {
        self.broadcast(&ServerMsg::Rematch);
        let deadline = self.turn_timeout.map(|t| Instant::now() + t);
        let mut answers: [Option<bool>; 2] = [None, None];
        let declined = loop {
            if answers == [Some(true), Some(true)] {
                log::info!("table {}: rematch", self.number);
                return true;
            }
            let (seat, incoming) = match self.wait(deadline) {
                Wake::Deadline => {
                    let late = Seat::BOTH
                        .into_iter()
                        .find(|s| answers[s.index()].is_none())
                        .unwrap_or(Seat::First);
                    break (late, "did not answer the rematch offer in time");
                }
                Wake::Event(seat, incoming) => (seat, incoming),
            };
            match incoming {
                Incoming::Msg(ClientMsg::Rematch(true)) if answers[seat.index()].is_none() => {
                    answers[seat.index()] = Some(true);
                    self.strikes[seat.index()].clear();
                }
                Incoming::Msg(ClientMsg::Rematch(false) | ClientMsg::Quit) => {
                    break (seat, "declined the rematch");
                }
                Incoming::Msg(ClientMsg::Rematch(true)) => {
                    if self.refuse(
                        seat,
                        ErrorCode::State,
                        "you already accepted; waiting for your opponent",
                    ) {
                        break (seat, "was disconnected for protocol errors");
                    }
                }
                other => {
                    if let Some(reason) =
                        self.handle_off_script(seat, other, "the game is over; answer YES or NO")
                    {
                        break (
                            seat,
                            match reason {
                                Forfeit::Abuse => "was disconnected for protocol errors",
                                _ => "left",
                            },
                        );
                    }
                }
            }
        };
        let (seat, why) = declined;
        log::info!(
            "table {}: {} {why}; closing",
            self.number,
            self.player(seat).name()
        );
        let name = self.player(seat).name();
        self.send(
            seat.other(),
            &ServerMsg::Bye(Text::new(&format!("{name} {why}; thanks for playing"))),
        );
        self.send(seat, &ServerMsg::Bye(Text::new("goodbye")));
        false
    }

    /// Handles anything but the message the table is waiting for. Returns
    /// the reason the player must leave, if they must.
    fn handle_off_script(&mut self, seat: Seat, incoming: Incoming, hint: &str) -> Option<Forfeit> {
        match incoming {
            Incoming::Msg(ClientMsg::Quit) => Some(Forfeit::Quit),
            Incoming::Msg(ClientMsg::Hello { .. }) => self
                .refuse(seat, ErrorCode::State, "already said hello")
                .then_some(Forfeit::Abuse),
            Incoming::Msg(_) => self
                .refuse(seat, ErrorCode::State, hint)
                .then_some(Forfeit::Abuse),
            Incoming::Invalid(e) => {
                let code = ErrorCode::for_parse_error(&e);
                self.refuse(seat, code, &e.to_string())
                    .then_some(Forfeit::Abuse)
            }
            Incoming::Broken(code, e) => {
                log::info!("{}: {e}; closing", self.player(seat).peer());
                self.send(
                    seat,
                    &ServerMsg::Error {
                        code,
                        text: Text::new(&e.to_string()),
                    },
                );
                Some(Forfeit::Abuse)
            }
            Incoming::Closed | Incoming::TimedOut => Some(Forfeit::Disconnect),
        }
    }

    /// Answers a refused message; true if that was one too many in a row and
    /// the player has been told they are being disconnected.
    fn refuse(&mut self, seat: Seat, code: ErrorCode, text: &str) -> bool {
        self.send(
            seat,
            &ServerMsg::Error {
                code,
                text: Text::new(text),
            },
        );
        if !self.strikes[seat.index()].hit() {
            return false;
        }
        log::info!(
            "{}: {MAX_STRIKES} refused messages in a row; closing",
            self.player(seat).peer()
        );
        self.send(seat, &abuse_error());
        true
    }

    fn broadcast(&self, msg: &ServerMsg) {
        for seat in Seat::BOTH {
            self.send(seat, msg);
        }
    }

    /// Blocks until a player's event arrives or `deadline` passes.
    fn wait(&self, deadline: Option<Instant>) -> Wake {
        let received = match deadline {
            None => self
                .events
                .recv()
                .map_err(|_| RecvTimeoutError::Disconnected),
            Some(deadline) => self
                .events
                .recv_timeout(deadline.saturating_duration_since(Instant::now())),
        };
        match received {
            Ok((seat, incoming)) => Wake::Event(seat, incoming),
            Err(RecvTimeoutError::Timeout) => Wake::Deadline,
            // Both reader threads have ended, and each sent its final event
            // first; should that ever be missed, treat the table as deserted.
            Err(RecvTimeoutError::Disconnected) => Wake::Event(Seat::First, Incoming::Closed),
        }
    }
}

/// The turn clock of one move: a deadline and the warnings before it.
struct TurnClock {
    deadline: Option<Instant>,
    /// Warnings not yet given, as time left, largest first.
    warnings: Vec<Duration>,
}

impl TurnClock {
    fn start(timeout: Option<Duration>) -> TurnClock {
        let warnings = match timeout {
            Some(timeout) => CLOCK_WARNINGS
                .into_iter()
                .filter(|&w| w < timeout)
                .collect(),
            None => Vec::new(),
        };
        TurnClock {
            deadline: timeout.map(|t| Instant::now() + t),
            warnings,
        }
    }

    /// When to wake next: the next warning, else the deadline.
    fn next_wake(&self) -> Option<Instant> {
        let deadline = self.deadline?;
        Some(match self.warnings.first() {
            Some(&left) => deadline - left,
            None => deadline,
        })
    }

    /// Called at [`TurnClock::next_wake`]: the time left to warn about, or
    /// `None` when the time is up.
    fn ring(&mut self) -> Option<Duration> {
        if self.warnings.is_empty() {
            None
        } else {
            Some(self.warnings.remove(0))
        }
    }
}

fn whole_seconds(d: Duration) -> u32 {
    u32::try_from(d.as_secs()).unwrap_or(u32::MAX)
}

/// The `ERR` code and text for a refused move.
fn move_refusal(refusal: MoveError, cell: Cell, turn: Option<Mark>) -> (ErrorCode, String) {
    match refusal {
        MoveError::NotYourTurn => {
            let whose = turn.map_or_else(|| "nobody's".to_owned(), |m| format!("{m}'s"));
            (
                ErrorCode::Turn,
                format!("not your turn; it is {whose} turn"),
            )
        }
        MoveError::Occupied(mark) => (
            ErrorCode::Occupied,
            format!("cell {cell} is taken by {mark}"),
        ),
        MoveError::Over => (ErrorCode::State, "the game is over".to_owned()),
    }
}
