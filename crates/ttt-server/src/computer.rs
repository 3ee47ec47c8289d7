//! The computer in its seat: it hears what the table says to that seat,
//! like any player, and answers through the same events, after a short
//! pause so a person sees it happen. The choice of move is the engine's
//! ([`ttt_rules::Engine`]); this is only the seat's side of it: when to act.

use std::time::{Duration, Instant};

use ttt_protocol::{Level, Mark, Name};
use ttt_rules::{Engine, Event, Say};

/// How the computer opponent is set up on this server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComputerSettings {
    /// How long it waits before each move (and before saying yes to a
    /// rematch), so a person sees the move happen; zero in tests.
    pub pause: Duration,
    /// Seeds each computer game's engine (the game number is added).
    pub seed: u64,
}

/// The computer at one table.
#[derive(Debug, Clone)]
pub struct Computer {
    engine: Engine,
    pause: Duration,
    /// Its mark in the current game.
    mark: Option<Mark>,
    /// What it will do, and when.
    next: Option<(Instant, Event)>,
}

impl Computer {
    /// A computer at `level`, pausing `pause` before it acts (but never so
    /// long that its turn clock, `turn_limit`, runs out).
    pub fn new(level: Level, seed: u64, pause: Duration, turn_limit: Option<Duration>) -> Computer {
        let pause = match turn_limit {
            Some(limit) => pause.min(limit / 2),
            None => pause,
        };
        Computer {
            engine: Engine::new(level, seed),
            pause,
            mark: None,
            next: None,
        }
    }

    /// Its name at the table: `computer-perfect`.
    pub fn name(&self) -> Name {
        format!("computer-{}", self.engine.level())
            .parse()
            .expect("'computer-' and a level make a valid name")
    }

    /// Hears what the table says to its seat, at `now`.
    pub fn hear(&mut self, say: &Say, now: Instant) {
        match say {
            Say::Start { mark, .. } => self.mark = Some(*mark),
            Say::Board {
                board,
                turn: Some(turn),
                ..
            } if Some(*turn) == self.mark => {
                if let Some(cell) = self.engine.choose(board, *turn) {
                    self.next = Some((now + self.pause, Event::Move(cell)));
                }
            }
            Say::Rematch { .. } => {
                // Always happy to play again.
                self.next = Some((now + self.pause, Event::Rematch(true)));
            }
            Say::Board { .. }
            | Say::Accepted
            | Say::Clock { .. }
            | Say::Result(_)
            | Say::Score(_)
            | Say::Bye(_) => {}
        }
    }

    /// When it will act next.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.next.as_ref().map(|(at, _)| *at)
    }

    /// What it does at `now`, if its time has come.
    pub fn act(&mut self, now: Instant) -> Option<Event> {
        match self.next.take() {
            Some((at, event)) if at <= now => Some(event),
            pending => {
                self.next = pending;
                None
            }
        }
    }
}
