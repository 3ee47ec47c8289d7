//! Telling the operator about a flood once, not once per connection.
//!
//! While the limits bite (greeting connections closed to make room, closes
//! that could not linger, the descriptor budget full), every connection of
//! a flood would otherwise be a log line: thousands a second, and writing
//! them to a slow terminal would itself slow the server. So [`Pressure`]
//! says when a burst begins, keeps count while it lasts, and sums it up
//! when it has been calm for [`CALM`]; per-connection lines are left out
//! meanwhile ([`Pressure::is_on`]). It is a pure value with time passed in;
//! the driver logs what it returns.

use std::time::{Duration, Instant};

/// How long without any limit biting before a burst counts as over.
pub const CALM: Duration = Duration::from_secs(5);

/// The limits that bit, and how often since the last report. One
/// connection may show in more than one count: pushed out of the greeting
/// slots because the descriptor budget was full, its close then cut short.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bites {
    /// Connections that had not said hello, closed to make room.
    pub evicted: usize,
    /// Closes cut short (a reset, no lingering): past the linger caps, or
    /// for a flooding machine's evicted connections.
    pub cut_short: usize,
    /// Times the descriptor budget was full before an `accept`.
    pub budget_full: usize,
}

impl Bites {
    fn any(&self) -> bool {
        self.evicted + self.cut_short + self.budget_full > 0
    }

    fn add(&mut self, more: Bites) {
        self.evicted += more.evicted;
        self.cut_short += more.cut_short;
        self.budget_full += more.budget_full;
    }
}

/// A burst of connections, from its first bite until [`CALM`] after its
/// last.
#[derive(Debug, Default)]
pub struct Pressure {
    burst: Option<Burst>,
}

#[derive(Debug)]
struct Burst {
    began: Instant,
    last: Instant,
    total: Bites,
}

impl Pressure {
    /// No burst.
    pub fn new() -> Pressure {
        Pressure::default()
    }

    /// Whether a burst is on: per-connection log lines are left out.
    pub fn is_on(&self) -> bool {
        self.burst.is_some()
    }

    /// Counts what bit at `now`; returns the line to log if this begins a
    /// burst.
    pub fn note(&mut self, bites: Bites, now: Instant) -> Option<String> {
        if !bites.any() {
            return None;
        }
        match &mut self.burst {
            Some(burst) => {
                burst.last = now;
                burst.total.add(bites);
                None
            }
            None => {
                self.burst = Some(Burst {
                    began: now,
                    last: now,
                    total: bites,
                });
                Some(format!(
                    "a burst of connections: {}; making room (per-connection lines are left \
                     out until it has been calm for {} s)",
                    what(bites),
                    CALM.as_secs()
                ))
            }
        }
    }

    /// When [`Pressure::tick`] has something to say.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.burst.as_ref().map(|b| b.last + CALM)
    }

    /// Lets time pass; returns the summary to log when a burst is over.
    pub fn tick(&mut self, now: Instant) -> Option<String> {
        let burst = self.burst.as_ref()?;
        if now < burst.last + CALM {
            return None;
        }
        let summary = format!(
            "the burst of connections is over after {:.1} s: {}",
            (burst.last - burst.began).as_secs_f64(),
            what(burst.total)
        );
        self.burst = None;
        Some(summary)
    }
}

/// "12 connection(s) that had not said hello closed to make room, 3
/// close(s) cut short".
fn what(bites: Bites) -> String {
    let mut parts = Vec::new();
    if bites.evicted > 0 {
        parts.push(format!(
            "{} connection(s) that had not said hello closed to make room",
            bites.evicted
        ));
    }
    if bites.cut_short > 0 {
        parts.push(format!(
            "{} close(s) cut short (a reset, no lingering)",
            bites.cut_short
        ));
    }
    if bites.budget_full > 0 {
        parts.push(format!(
            "the file-descriptor budget full {} time(s)",
            bites.budget_full
        ));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: Bites = Bites {
        evicted: 1,
        cut_short: 0,
        budget_full: 0,
    };

    #[test]
    fn a_burst_is_told_once_and_summed_up_when_calm() {
        let t = Instant::now();
        let mut p = Pressure::new();
        assert_eq!(p.note(Bites::default(), t), None, "nothing bit");
        assert!(!p.is_on());
        let first = p.note(ONE, t).expect("the burst begins");
        assert_eq!(
            first,
            "a burst of connections: 1 connection(s) that had not said hello closed to make \
             room; making room (per-connection lines are left out until it has been calm for \
             5 s)"
        );
        assert!(p.is_on());
        for i in 1..1000 {
            let now = t + Duration::from_millis(i);
            assert_eq!(p.note(ONE, now), None, "told twice");
        }
        let later = Bites {
            evicted: 0,
            cut_short: 7,
            budget_full: 2,
        };
        let last = t + Duration::from_secs(2);
        assert_eq!(p.note(later, last), None);
        assert_eq!(p.next_deadline(), Some(last + CALM));
        assert_eq!(p.tick(last + CALM - Duration::from_millis(1)), None);
        assert_eq!(
            p.tick(last + CALM).as_deref(),
            Some(
                "the burst of connections is over after 2.0 s: 1000 connection(s) that had not \
                 said hello closed to make room, 7 close(s) cut short (a reset, no lingering), \
                 the file-descriptor budget full 2 time(s)"
            )
        );
        assert!(!p.is_on());
        assert_eq!(p.next_deadline(), None);
        // The next burst is told again.
        assert!(p.note(ONE, last + CALM * 2).is_some());
    }
}
