//! How much a connection may get wrong before it is cut off: one policy,
//! carried by each connection from accept to close.
//!
//! The same count runs through the handshake, the queue and the game, so a
//! client cannot reset it by moving from one to the next. Three rules:
//!
//! - **refused messages in a row**: every line answered with a non-fatal
//!   `ERR` is a strike; an accepted message clears them; the
//!   [`MAX_STRIKES`]th in a row cuts the connection;
//! - **blank lines in a row**: free for a person pressing Enter in `nc`, but
//!   a flood of them must not cost the server a core, so the
//!   [`MAX_BLANK_LINES`]th blank line since the last non-blank one cuts the
//!   connection too;
//! - **noise**: bytes that make no line (editing keys and what they erase,
//!   telnet commands, WebSocket pings, pongs and empty fragments) cost the
//!   server work as lines do, so they are charged too, against an
//!   allowance of [`NOISE_BURST`] bytes that refills at
//!   [`NOISE_PER_SECOND`]: a person's corrections, a telnet client's
//!   negotiation and a browser's pongs never come near it; a connection
//!   that sends a stream of them is cut within a few turns of the loop.
//!
//! Every line that is not blank either is accepted (and the game moved on:
//! there is no message that is accepted without changing anything) or is a
//! strike, so a connection can send at most about
//! `MAX_STRIKES * MAX_BLANK_LINES` lines without making progress.

use std::time::Instant;

/// Refused messages in a row before the connection is closed with
/// `ERR ABUSE`. Room for typos in `nc`; none for a client stuck in a loop.
pub const MAX_STRIKES: u32 = 10;

/// Blank lines in a row (with nothing else between them) before the
/// connection is closed with `ERR ABUSE`. Far more than a person presses
/// Enter; a flood reaches it within one read.
pub const MAX_BLANK_LINES: u32 = 64;

/// Bytes that make no line a connection may send at once (see the module
/// doc). A person who types and erases a whole line of 24 letters sends 48;
/// a telnet client's opening negotiation is under 100; a browser answers
/// each of our pings with a 6-byte pong. Enough for any of those many times
/// over, and four turns of a flood's reading ([`crate::net::connection::READ_PER_TURN`]).
pub const NOISE_BURST: u64 = 16 * 1024;

/// How fast the noise allowance refills, in bytes a second: far above what
/// a person or a browser makes, far below what costs the server anything.
pub const NOISE_PER_SECOND: u64 = 1024;

/// One connection's record of conduct.
#[derive(Debug, Clone)]
pub struct Policy {
    strikes: u32,
    blanks: u32,
    /// Noise that may still be sent, as of `refilled`.
    quiet: u64,
    /// When `quiet` was last brought up to date; `None` before any noise.
    refilled: Option<Instant>,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            strikes: 0,
            blanks: 0,
            quiet: NOISE_BURST,
            refilled: None,
        }
    }
}

/// Why a connection is cut off (worded by the encoders: `ERR ABUSE` for a
/// program, a sentence for a person).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// [`MAX_STRIKES`] refused messages in a row.
    Refusals,
    /// [`MAX_BLANK_LINES`] blank lines in a row.
    BlankLines,
    /// More than [`NOISE_BURST`] bytes that made no line, faster than
    /// [`NOISE_PER_SECOND`].
    Noise,
}

impl Policy {
    /// A blank line arrived.
    pub fn blank(&mut self) -> Result<(), Cut> {
        self.blanks += 1;
        if self.blanks >= MAX_BLANK_LINES {
            return Err(Cut::BlankLines);
        }
        Ok(())
    }

    /// A message was refused with a non-fatal error.
    pub fn refused(&mut self) -> Result<(), Cut> {
        self.blanks = 0;
        self.strikes += 1;
        if self.strikes >= MAX_STRIKES {
            return Err(Cut::Refusals);
        }
        Ok(())
    }

    /// A message was accepted.
    pub fn accepted(&mut self) {
        self.blanks = 0;
        self.strikes = 0;
    }

    /// `bytes` arrived at `now` that made no line.
    pub fn noise(&mut self, bytes: u64, now: Instant) -> Result<(), Cut> {
        if let Some(then) = self.refilled {
            let millis = now.saturating_duration_since(then).as_millis();
            let refill = u64::try_from(millis).unwrap_or(u64::MAX) * NOISE_PER_SECOND / 1000;
            self.quiet = self.quiet.saturating_add(refill).min(NOISE_BURST);
        }
        self.refilled = Some(now);
        match self.quiet.checked_sub(bytes) {
            Some(left) => {
                self.quiet = left;
                Ok(())
            }
            None => {
                self.quiet = 0;
                Err(Cut::Noise)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A flood of noise is cut as soon as it passes the burst, whatever
    /// its pieces.
    #[test]
    fn noise_past_the_burst_is_out() {
        let now = Instant::now();
        let mut policy = Policy::default();
        assert_eq!(policy.noise(NOISE_BURST - 1, now), Ok(()));
        assert_eq!(policy.noise(1, now), Ok(()));
        assert_eq!(policy.noise(1, now), Err(Cut::Noise));
        let mut policy = Policy::default();
        for _ in 0..NOISE_BURST / 6 {
            assert_eq!(policy.noise(6, now), Ok(()));
        }
        assert_eq!(policy.noise(6, now), Err(Cut::Noise));
    }

    /// Noise at the refill rate never runs out: a browser's pongs, a
    /// person's corrections, for hours.
    #[test]
    fn noise_within_the_rate_is_free_for_ever() {
        let start = Instant::now();
        let mut policy = Policy::default();
        for second in 0..10_000u64 {
            let now = start + Duration::from_secs(second);
            assert_eq!(policy.noise(NOISE_PER_SECOND, now), Ok(()), "{second}");
        }
        // And the allowance comes back after a burst, at the rate.
        let mut policy = Policy::default();
        assert_eq!(policy.noise(NOISE_BURST, start), Ok(()));
        assert_eq!(policy.noise(1, start), Err(Cut::Noise));
        let mut policy = Policy::default();
        assert_eq!(policy.noise(NOISE_BURST, start), Ok(()));
        let later = start + Duration::from_millis(500);
        assert_eq!(policy.noise(NOISE_PER_SECOND / 2, later), Ok(()));
        assert_eq!(policy.noise(1, later), Err(Cut::Noise));
    }

    /// Accepted lines do not buy noise: the allowance is a rate, not a
    /// count that a message resets.
    #[test]
    fn accepted_messages_do_not_refill_the_noise_allowance() {
        let now = Instant::now();
        let mut policy = Policy::default();
        assert_eq!(policy.noise(NOISE_BURST, now), Ok(()));
        policy.accepted();
        assert_eq!(policy.noise(1, now), Err(Cut::Noise));
    }

    #[test]
    fn the_tenth_refusal_in_a_row_is_out() {
        let mut policy = Policy::default();
        for _ in 1..MAX_STRIKES {
            assert_eq!(policy.refused(), Ok(()));
        }
        assert_eq!(policy.refused(), Err(Cut::Refusals));
    }

    #[test]
    fn an_accepted_message_clears_the_refusals() {
        let mut policy = Policy::default();
        for _ in 1..MAX_STRIKES {
            assert_eq!(policy.refused(), Ok(()));
        }
        policy.accepted();
        for _ in 1..MAX_STRIKES {
            assert_eq!(policy.refused(), Ok(()));
        }
        assert_eq!(policy.refused(), Err(Cut::Refusals));
    }

    #[test]
    fn blank_lines_are_free_until_a_flood() {
        let mut policy = Policy::default();
        for _ in 1..MAX_BLANK_LINES {
            assert_eq!(policy.blank(), Ok(()));
        }
        assert_eq!(policy.blank(), Err(Cut::BlankLines));
    }

    #[test]
    fn any_other_line_resets_the_blank_count_but_blanks_do_not_clear_strikes() {
        let mut policy = Policy::default();
        for round in 0..5 {
            for _ in 1..MAX_BLANK_LINES {
                assert_eq!(policy.blank(), Ok(()), "round {round}");
            }
            assert_eq!(policy.refused(), Ok(()));
        }
        for _ in 1..MAX_BLANK_LINES {
            assert_eq!(policy.blank(), Ok(()));
        }
        policy.accepted();
        for _ in 1..MAX_BLANK_LINES {
            assert_eq!(policy.blank(), Ok(()));
        }
        // Blank lines between refusals do not clear them.
        let mut policy = Policy::default();
        for _ in 1..MAX_STRIKES {
            policy.refused().expect("under the limit");
            policy.blank().expect("under the limit");
        }
        assert_eq!(policy.refused(), Err(Cut::Refusals));
    }
}
