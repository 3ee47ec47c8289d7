//! The connections still greeting (no `HELLO` yet): in the order they came
//! (so also by handshake deadline), and by machine, with the one rule for
//! making room among them ([`crate::machine::Crowd::to_evict_by`], the
//! busiest machine by [`Arrivals`] going first between equals).

use std::collections::VecDeque;
use std::time::Instant;

use super::ConnId;
use crate::machine::{Arrivals, Crowd, Machine};

/// The greeting connections.
#[derive(Debug)]
pub struct Greeting {
    /// Oldest first (so also by deadline). May hold ids the lobby has
    /// forgotten since, skipped when met.
    order: VecDeque<ConnId>,
    /// The same connections, by machine: who makes room when a cap is hit.
    by_machine: Crowd<ConnId>,
    /// How often each machine connected lately: between machines holding
    /// equally many greeting slots, the busiest makes room.
    arrivals: Arrivals,
    /// Greeting connections closed to make room, since last asked.
    evicted: usize,
}

impl Greeting {
    /// Nobody greeting; arrivals counted from `now`.
    pub fn new(now: Instant) -> Greeting {
        Greeting {
            order: VecDeque::new(),
            by_machine: Crowd::new(),
            arrivals: Arrivals::new(now),
            evicted: 0,
        }
    }

    /// `machine` connected at `now` (whether or not it stays to greet).
    pub fn arrived(&mut self, machine: Machine, now: Instant) {
        self.arrivals.arrived(machine, now);
    }

    /// `id`, from `machine`, starts greeting.
    pub fn join(&mut self, id: ConnId, machine: Machine) {
        self.order.push_back(id);
        self.by_machine.join(machine, id);
    }

    /// `id`, from `machine`, greets no more (it said hello, left, or was
    /// closed).
    pub fn leave(&mut self, id: ConnId, machine: Machine) {
        self.order.retain(|&g| g != id);
        self.by_machine.leave(machine, id);
    }

    /// How many greet, from all machines.
    pub fn len(&self) -> usize {
        self.by_machine.len()
    }

    /// Whether nobody greets.
    pub fn is_empty(&self) -> bool {
        self.by_machine.is_empty()
    }

    /// How many greet from `machine`.
    pub fn count(&self, machine: Machine) -> usize {
        self.by_machine.count(machine)
    }

    /// The oldest greeting from `machine`.
    pub fn oldest_of(&self, machine: Machine) -> Option<ConnId> {
        self.by_machine.oldest_of(machine)
    }

    /// Who makes room at `now`: the oldest of the machine greeting the
    /// most; between equals, of the one that connected most often lately.
    pub fn to_evict(&self, now: Instant) -> Option<(Machine, ConnId)> {
        let arrivals = &self.arrivals;
        self.by_machine
            .to_evict_by(|machine| arrivals.recent(machine, now))
    }

    /// The oldest in the order they came (perhaps one since forgotten).
    pub fn oldest(&self) -> Option<ConnId> {
        self.order.front().copied()
    }

    /// Drops the oldest in the order they came (one the lobby forgot).
    pub fn pop_oldest(&mut self) {
        self.order.pop_front();
    }

    /// One was closed to make room.
    pub fn evicted(&mut self) {
        self.evicted += 1;
    }

    /// How many were closed to make room since the last call.
    pub fn take_evicted(&mut self) -> usize {
        std::mem::take(&mut self.evicted)
    }

    /// Nobody greets any more (the server stops).
    pub fn clear(&mut self) {
        self.order.clear();
        self.by_machine = Crowd::new();
    }
}
