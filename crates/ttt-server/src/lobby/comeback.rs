//! Coming back after a dropped connection (feature `resume`, and people):
//! the way back each player holds, and the failed tries the lobby
//! remembers. Only their owner may come back: a machine is limited by its
//! own failures, and a person's code by the wrong guesses from other
//! machines (docs/RELIABILITY.md has the arithmetic).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::machine::Machine;
use crate::tell::Secret;

/// Tries to come back (`RESUME`, or a person's name and code) that failed,
/// allowed per machine within [`TRIES_WINDOW`]; beyond, every try from
/// that machine is refused unchecked until the window moves on. Other
/// machines' failures never count against a machine: whoever holds the
/// real token or code gets the seat back whatever others try.
pub const TRIES_PER_MACHINE: usize = 5;

/// Failed tries remembered at once, from all machines: a bound on memory,
/// not a limit on anyone (past it the oldest is forgotten).
pub const TRIES_KEPT: usize = 4096;

/// The window the failed tries are counted in.
pub const TRIES_WINDOW: Duration = Duration::from_secs(60);

/// Wrong codes for one person's held place, from machines other than the
/// one that person was on, within [`TRIES_WINDOW`]; beyond, codes for that
/// name are checked only from that machine until the window moves on. So
/// many machines together guess no more than one: with 32^6 codes, at
/// most this many (plus [`TRIES_PER_MACHINE`] from their own machine) in a
/// billion a minute (docs/RELIABILITY.md has the arithmetic).
pub const CODE_TRIES: usize = 10;

/// A player's way back, and when it was lately guessed wrong from
/// another machine (at most [`CODE_TRIES`], within [`TRIES_WINDOW`]).
#[derive(Debug, Clone)]
pub struct Comeback {
    /// The token or code.
    pub secret: Secret,
    /// When it was lately guessed wrong from another machine.
    pub wrong: VecDeque<Instant>,
}

impl Comeback {
    /// Whether others have guessed this code wrong [`CODE_TRIES`] times
    /// within the window; forgets older guesses.
    pub fn guessed_out(&mut self, now: Instant) -> bool {
        while self
            .wrong
            .front()
            .is_some_and(|&at| at + TRIES_WINDOW <= now)
        {
            self.wrong.pop_front();
        }
        self.wrong.len() >= CODE_TRIES
    }
}

/// The failed tries to come back lately, and from where: at most
/// [`TRIES_KEPT`], the oldest forgotten first.
#[derive(Debug, Default)]
pub struct Tries {
    failed: VecDeque<(Instant, Machine)>,
}

impl Tries {
    /// Whether this machine has failed to come back too often lately
    /// (others' failures do not count); forgets tries older than the
    /// window.
    pub fn too_many(&mut self, machine: Machine, now: Instant) -> bool {
        while self
            .failed
            .front()
            .is_some_and(|&(at, _)| at + TRIES_WINDOW <= now)
        {
            self.failed.pop_front();
        }
        let theirs = self.failed.iter().filter(|(_, m)| *m == machine).count();
        theirs >= TRIES_PER_MACHINE
    }

    /// Remembers a failed try from `machine`, within [`TRIES_KEPT`].
    pub fn record(&mut self, machine: Machine, now: Instant) {
        if self.failed.len() >= TRIES_KEPT {
            self.failed.pop_front();
        }
        self.failed.push_back((now, machine));
    }

    /// How many failed tries are remembered.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.failed.len()
    }
}
