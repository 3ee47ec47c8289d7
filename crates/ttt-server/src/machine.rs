//! Who is who on the network: the caps count machines, not addresses.
//!
//! - [`Machine`]: the part of a peer's address that names its machine: the
//!   IPv4 address, or the IPv6 /64 (one machine holds many addresses in
//!   its /64: privacy addresses come and go, so per address would not be
//!   per machine);
//! - [`Crowd`]: connections grouped by machine, in the order they joined,
//!   and the one rule for making room among them: take from the machine
//!   that holds the most, oldest first within it; between machines holding
//!   equally many, from the one that connected most often lately
//!   ([`Arrivals`]), then the oldest. A player from a machine with one
//!   connection is pushed out only when every other machine holds one too,
//!   has connected no more often, and was there first: an attacker cannot
//!   aim at anyone, and one that spreads a flood over many addresses is
//!   still told apart by how often each of them connects.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr};
use std::time::{Duration, Instant};

/// A machine, as the caps count them: an IPv4 address (an IPv4-mapped IPv6
/// address counts as the IPv4 one), or an IPv6 address's /64 prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Machine(IpAddr);

impl Machine {
    /// The machine behind `ip`.
    pub fn of(ip: IpAddr) -> Machine {
        match ip {
            IpAddr::V4(v4) => Machine(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Machine(IpAddr::V4(v4)),
                None => {
                    let prefix = u128::from(v6) & !u128::from(u64::MAX);
                    Machine(IpAddr::V6(Ipv6Addr::from(prefix)))
                }
            },
        }
    }
}

impl fmt::Display for Machine {
    /// `10.0.0.7`, or `fd00:1:2:3::/64`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            IpAddr::V4(v4) => write!(f, "{v4}"),
            IpAddr::V6(v6) => write!(f, "{v6}/64"),
        }
    }
}

/// Members (connections) grouped by machine, each group in the order its
/// members joined.
#[derive(Debug)]
pub struct Crowd<K> {
    /// Each machine's members, oldest first, with the sequence number at
    /// which each joined (to compare ages across machines).
    by_machine: HashMap<Machine, VecDeque<(u64, K)>>,
    joined: u64,
    len: usize,
}

impl<K> Default for Crowd<K> {
    fn default() -> Crowd<K> {
        Crowd {
            by_machine: HashMap::new(),
            joined: 0,
            len: 0,
        }
    }
}

impl<K: Copy + Eq> Crowd<K> {
    /// An empty crowd.
    pub fn new() -> Crowd<K> {
        Crowd::default()
    }

    /// How many members, from all machines.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many members `machine` has.
    pub fn count(&self, machine: Machine) -> usize {
        self.by_machine.get(&machine).map_or(0, VecDeque::len)
    }

    /// Adds `member` from `machine`, as the newest.
    pub fn join(&mut self, machine: Machine, member: K) {
        self.joined += 1;
        self.by_machine
            .entry(machine)
            .or_default()
            .push_back((self.joined, member));
        self.len += 1;
    }

    /// Removes `member` from `machine`'s group; false if it was not there.
    pub fn leave(&mut self, machine: Machine, member: K) -> bool {
        let Some(group) = self.by_machine.get_mut(&machine) else {
            return false;
        };
        let Some(at) = group.iter().position(|&(_, m)| m == member) else {
            return false;
        };
        group.remove(at);
        if group.is_empty() {
            self.by_machine.remove(&machine);
        }
        self.len -= 1;
        true
    }

    /// The oldest member from `machine`.
    pub fn oldest_of(&self, machine: Machine) -> Option<K> {
        Some(self.by_machine.get(&machine)?.front()?.1)
    }

    /// Who makes room when room must be made: the oldest member of the
    /// machine with the most members; between machines with equally many,
    /// the one whose oldest member is the oldest. `None` if empty.
    pub fn to_evict(&self) -> Option<(Machine, K)> {
        self.to_evict_by(|_| 0)
    }

    /// As [`Crowd::to_evict`], but between machines with equally many
    /// members, the one with the highest `busy` goes first (then the one
    /// whose oldest member is the oldest).
    ///
    /// Linear in the number of machines, which the callers' caps bound
    /// (a few hundred at most).
    pub fn to_evict_by(&self, busy: impl Fn(Machine) -> u32) -> Option<(Machine, K)> {
        self.by_machine
            .iter()
            .filter_map(|(&machine, group)| {
                let &(since, member) = group.front()?;
                let rank = (group.len(), busy(machine), std::cmp::Reverse(since));
                Some((rank, machine, member))
            })
            .max_by_key(|&(rank, _, _)| rank)
            .map(|(_, machine, member)| (machine, member))
    }
}

/// How often each machine has connected lately: the connections it opened
/// in the current and the previous [`Arrivals::PERIOD`]. A player connects
/// once a game; a flood connects from each of its addresses many times a
/// second, however many addresses it spreads over.
///
/// Memory is bounded: machines not seen for two periods are forgotten, and
/// past [`Arrivals::MAX_TRACKED`] machines seen within two periods, new
/// ones are not counted (they look like players, as machines seen once do).
#[derive(Debug)]
pub struct Arrivals {
    epoch: Instant,
    /// Per machine: the period of its last arrival, and its counts in that
    /// period and the one before it.
    seen: HashMap<Machine, (u64, u32, u32)>,
    /// How many entries the map may hold before it is pruned next.
    prune_at: usize,
    /// The period of the last pruning: at most one a period.
    pruned: Option<u64>,
}

impl Arrivals {
    /// The length of one counting period.
    pub const PERIOD: Duration = Duration::from_secs(1);

    /// The most machines counted at once.
    pub const MAX_TRACKED: usize = 4096;

    /// Nobody seen yet; periods are counted from `now`.
    pub fn new(now: Instant) -> Arrivals {
        Arrivals {
            epoch: now,
            seen: HashMap::new(),
            prune_at: 64,
            pruned: None,
        }
    }

    fn period(&self, now: Instant) -> u64 {
        let elapsed = now.saturating_duration_since(self.epoch);
        (elapsed.as_millis() / Self::PERIOD.as_millis()) as u64
    }

    /// `machine` connected at `now`.
    pub fn arrived(&mut self, machine: Machine, now: Instant) {
        let period = self.period(now);
        if self.seen.len() >= self.prune_at && self.pruned != Some(period) {
            self.seen.retain(|_, &mut (last, _, _)| last + 1 >= period);
            self.pruned = Some(period);
            self.prune_at = (self.seen.len() * 2).clamp(64, Self::MAX_TRACKED);
        }
        if self.seen.len() >= Self::MAX_TRACKED && !self.seen.contains_key(&machine) {
            return;
        }
        let entry = self.seen.entry(machine).or_insert((period, 0, 0));
        *entry = match *entry {
            (last, current, previous) if last == period => {
                (period, current.saturating_add(1), previous)
            }
            (last, current, _) if last + 1 == period => (period, 1, current),
            _ => (period, 1, 0),
        };
    }

    /// How many times `machine` connected in this period and the last.
    pub fn recent(&self, machine: Machine, now: Instant) -> u32 {
        let period = self.period(now);
        match self.seen.get(&machine) {
            Some(&(last, current, previous)) if last == period => current.saturating_add(previous),
            Some(&(last, current, _)) if last + 1 == period => current,
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("test address")
    }

    #[test]
    fn a_machine_is_an_ipv4_address_or_an_ipv6_slash_64() {
        assert_eq!(Machine::of(ip("10.0.0.7")).to_string(), "10.0.0.7");
        assert_eq!(
            Machine::of(ip("::ffff:10.0.0.7")),
            Machine::of(ip("10.0.0.7"))
        );
        // Privacy addresses of one machine share its /64.
        let a = Machine::of(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        let b = Machine::of(ip("2001:db8:1:2::1234"));
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "2001:db8:1:2::/64");
        assert_ne!(a, Machine::of(ip("2001:db8:1:3::1")));
        assert_ne!(Machine::of(ip("10.0.0.7")), Machine::of(ip("10.0.0.8")));
    }

    #[test]
    fn members_join_count_and_leave() {
        let (m, n) = (Machine::of(ip("10.0.0.1")), Machine::of(ip("10.0.0.2")));
        let mut crowd = Crowd::new();
        assert!(crowd.is_empty());
        assert_eq!(crowd.to_evict(), None);
        crowd.join(m, 1);
        crowd.join(n, 2);
        crowd.join(m, 3);
        assert_eq!((crowd.len(), crowd.count(m), crowd.count(n)), (3, 2, 1));
        assert_eq!(crowd.oldest_of(m), Some(1));
        assert!(crowd.leave(m, 1));
        assert!(!crowd.leave(m, 1), "left twice");
        assert!(!crowd.leave(n, 3), "not from that machine");
        assert_eq!(crowd.oldest_of(m), Some(3));
        assert!(crowd.leave(m, 3));
        assert_eq!((crowd.len(), crowd.count(m)), (1, 0));
        assert_eq!(crowd.oldest_of(m), None);
    }

    /// Room is taken from the machine holding the most, oldest first
    /// within it, whatever the ages elsewhere.
    #[test]
    fn room_is_made_by_the_machine_holding_the_most() {
        let honest = Machine::of(ip("10.0.0.1"));
        let busy = Machine::of(ip("10.0.0.2"));
        let mut crowd = Crowd::new();
        crowd.join(honest, 0);
        for i in 1..=3 {
            crowd.join(busy, i);
        }
        assert_eq!(crowd.to_evict(), Some((busy, 1)));
        // Many machines with one each, all older than the honest player's
        // second connection: still the busy one.
        for i in 10..20 {
            crowd.join(Machine::of(ip(&format!("10.0.1.{i}"))), i);
        }
        crowd.join(honest, 99);
        assert_eq!(crowd.to_evict(), Some((busy, 1)));
    }

    /// Between machines holding equally many, the oldest member goes: a
    /// newcomer is pushed out only after everyone older.
    #[test]
    fn between_equals_the_oldest_makes_room() {
        let mut crowd = Crowd::new();
        for i in 0..64u32 {
            crowd.join(Machine::of(ip(&format!("10.0.{}.{}", i / 200, i % 200))), i);
        }
        let mut evicted = Vec::new();
        while let Some((machine, member)) = crowd.to_evict() {
            assert!(crowd.leave(machine, member));
            evicted.push(member);
        }
        assert_eq!(evicted, (0..64).collect::<Vec<_>>());
    }

    /// Between machines holding equally many, the busiest goes first: a
    /// flood spread over many addresses, one connection each, still makes
    /// room before a player who connected once.
    #[test]
    fn between_equals_the_busiest_makes_room() {
        let t = Instant::now();
        let mut arrivals = Arrivals::new(t);
        let mut crowd = Crowd::new();
        let player = Machine::of(ip("10.0.9.1"));
        arrivals.arrived(player, t);
        crowd.join(player, 0);
        for i in 1..=64u32 {
            let m = Machine::of(ip(&format!("10.0.8.{i}")));
            // Each attacking address has connected before, and its older
            // connections were pushed out already.
            for _ in 0..3 {
                arrivals.arrived(m, t);
            }
            crowd.join(m, i);
        }
        let busy = |m| arrivals.recent(m, t);
        let (_, first) = crowd.to_evict_by(busy).expect("someone");
        assert_eq!(first, 1, "the player was chosen");
        // Without the arrivals, the oldest: the player.
        assert_eq!(crowd.to_evict().map(|(_, k)| k), Some(0));
    }

    #[test]
    fn arrivals_count_two_periods_and_forget() {
        let t = Instant::now();
        let p = Arrivals::PERIOD;
        let m = Machine::of(ip("10.0.0.1"));
        let mut a = Arrivals::new(t);
        assert_eq!(a.recent(m, t), 0);
        a.arrived(m, t);
        a.arrived(m, t + p / 2);
        assert_eq!(a.recent(m, t + p / 2), 2);
        a.arrived(m, t + p);
        assert_eq!(a.recent(m, t + p), 3, "this period and the last");
        assert_eq!(a.recent(m, t + p * 2), 1, "the last period only");
        assert_eq!(a.recent(m, t + p * 3), 0, "forgotten");
        a.arrived(m, t + p * 5);
        assert_eq!(a.recent(m, t + p * 5), 1);
    }

    /// However many machines connect, the count of those remembered stays
    /// bounded.
    #[test]
    fn arrivals_memory_is_bounded() {
        let t = Instant::now();
        let mut a = Arrivals::new(t);
        for i in 0..100_000u32 {
            let m = Machine::of(IpAddr::from(std::net::Ipv4Addr::from(i)));
            a.arrived(m, t);
        }
        assert!(a.seen.len() <= Arrivals::MAX_TRACKED);
        // Two periods later, the old ones are pruned as new ones come.
        for i in 0..100u32 {
            let m = Machine::of(IpAddr::from(std::net::Ipv4Addr::from(i + 1_000_000)));
            a.arrived(m, t + Arrivals::PERIOD * 3);
        }
        assert!(a.seen.len() <= 200, "{}", a.seen.len());
    }

    /// Across IPv6 privacy addresses, one machine is one group.
    #[test]
    fn an_ipv6_machine_with_many_addresses_is_one_group() {
        let mut crowd = Crowd::new();
        let honest = Machine::of(ip("2001:db8:9::1"));
        crowd.join(honest, 0);
        for i in 1..=8 {
            let addr = ip(&format!("2001:db8:1:1:{i:x}::{i:x}"));
            crowd.join(Machine::of(addr), i);
        }
        assert_eq!(crowd.count(Machine::of(ip("2001:db8:1:1::"))), 8);
        let (machine, member) = crowd.to_evict().expect("someone");
        assert_eq!(
            (machine.to_string().as_str(), member),
            ("2001:db8:1:1::/64", 1)
        );
    }
}
