//! Coming back after a lost connection, while the server holds the seat:
//! when to try again, and when to give up. A machine with time passed in
//! (no socket, no clock of its own), so its timing is unit-tested; the
//! binary's loop connects, waits for input and shows what it says.
//!
//! It waits before the first try (the server may not have seen the loss
//! yet), then tries with a growing pause ([`RETRY_PAUSES`]) until the
//! grace the server gave is over.

use std::time::{Duration, Instant};

/// The pauses before each try, then the last one again: quick at first (a
/// Wi-Fi roam is over in a moment), then patient.
pub const RETRY_PAUSES: [Duration; 5] = [
    Duration::from_millis(200),
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(3),
];

/// The least time a try is given to connect, even at the end of the grace.
pub const MIN_TRY: Duration = Duration::from_millis(100);

/// What to do next ([`Reconnect::next`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Wait until then; the player may still leave meanwhile.
    Wait(Instant),
    /// Try to connect now, giving up on this try after `timeout`: try
    /// number `attempt`, with `left` of the grace to go.
    Try {
        /// Which try this is, from 1.
        attempt: u32,
        /// What is left of the grace.
        left: Duration,
        /// How long this try may take to connect.
        timeout: Duration,
    },
    /// The grace is over: the seat is lost.
    GiveUp,
}

/// Coming back within a grace.
#[derive(Debug, Clone)]
pub struct Reconnect {
    /// The end of the grace.
    until: Instant,
    /// The number of the next try.
    attempt: u32,
    /// When the next try is due, if one is; `None` while a try is under
    /// way (between [`Next::Try`] and [`Reconnect::failed`]).
    due: Option<Instant>,
    /// How long a try may take to connect, at most.
    connect_timeout: Duration,
}

impl Reconnect {
    /// The connection was lost at `now`; the server holds the seat for
    /// `grace`; a try may take `connect_timeout`.
    pub fn new(now: Instant, grace: Duration, connect_timeout: Duration) -> Reconnect {
        let until = now + grace;
        Reconnect {
            until,
            attempt: 1,
            due: Some(now + RETRY_PAUSES[0].min(grace)),
            connect_timeout,
        }
    }

    /// What to do at `now`.
    pub fn next(&mut self, now: Instant) -> Next {
        let Some(due) = self.due else {
            // A try is under way: nothing new until it has failed.
            return Next::Wait(now);
        };
        if now < due {
            return Next::Wait(due);
        }
        let left = self.until.saturating_duration_since(now);
        self.due = None;
        Next::Try {
            attempt: self.attempt,
            left,
            timeout: self.connect_timeout.min(left).max(MIN_TRY),
        }
    }

    /// The try failed at `now`: the next one waits its pause, or there is
    /// none if the grace is over.
    pub fn failed(&mut self, now: Instant) -> Next {
        let left = self.until.saturating_duration_since(now);
        if left.is_zero() {
            return Next::GiveUp;
        }
        self.attempt += 1;
        let pause = RETRY_PAUSES[(self.attempt as usize - 1).min(RETRY_PAUSES.len() - 1)];
        let due = now + pause.min(left);
        self.due = Some(due);
        Next::Wait(due)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// With every try failing at once, the tries come after 0.2, 0.5, 1, 2,
    /// then every 3 s, each told the time left, until the grace is over.
    #[test]
    fn tries_come_with_growing_pauses_until_the_grace_is_over() {
        let start = Instant::now();
        let mut again = Reconnect::new(start, Duration::from_secs(10), Duration::from_secs(5));
        let mut now = start;
        let mut tries = Vec::new();
        for _ in 0..20 {
            match again.next(now) {
                Next::Wait(due) => {
                    assert!(due > now, "waits for nothing");
                    now = due;
                }
                Next::Try {
                    attempt,
                    left,
                    timeout,
                } => {
                    tries.push((attempt, (now - start).as_millis(), left.as_millis()));
                    assert_eq!(timeout, Duration::from_secs(5).min(left).max(MIN_TRY));
                    if again.failed(now) == Next::GiveUp {
                        break;
                    }
                }
                Next::GiveUp => break,
            }
        }
        assert_eq!(
            tries,
            [
                (1, 200, 9800),
                (2, 700, 9300),
                (3, 1700, 8300),
                (4, 3700, 6300),
                (5, 6700, 3300),
                (6, 9700, 300),
                // The last pause is cut to the end of the grace, and that
                // moment still gets a try.
                (7, 10_000, 0),
            ]
        );
    }

    /// A try's own time counts: one that takes long leaves less grace,
    /// and a try never gets less than [`MIN_TRY`] to connect.
    #[test]
    fn slow_tries_use_up_the_grace() {
        let start = Instant::now();
        let mut again = Reconnect::new(start, ms(1000), ms(400));
        assert_eq!(again.next(start), Next::Wait(start + ms(200)));
        let first = again.next(start + ms(200));
        assert_eq!(
            first,
            Next::Try {
                attempt: 1,
                left: ms(800),
                timeout: ms(400)
            }
        );
        // While a try is under way, nothing else is asked.
        assert_eq!(again.next(start + ms(300)), Next::Wait(start + ms(300)));
        // It timed out after 400 ms; the next waits 500 ms.
        assert_eq!(again.failed(start + ms(600)), Next::Wait(start + ms(1000)));
        let last = again.next(start + ms(1000));
        assert_eq!(
            last,
            Next::Try {
                attempt: 2,
                left: Duration::ZERO,
                timeout: MIN_TRY
            }
        );
        assert_eq!(again.failed(start + ms(1100)), Next::GiveUp);
    }

    /// A grace shorter than the first pause still gets one try, at its end.
    #[test]
    fn a_short_grace_gets_one_try() {
        let start = Instant::now();
        let mut again = Reconnect::new(start, ms(50), Duration::from_secs(5));
        assert_eq!(again.next(start), Next::Wait(start + ms(50)));
        assert!(matches!(
            again.next(start + ms(50)),
            Next::Try { attempt: 1, .. }
        ));
        assert_eq!(again.failed(start + ms(150)), Next::GiveUp);
    }
}
