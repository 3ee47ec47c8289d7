//! How much a connection may get wrong before it is cut off: one policy,
//! carried by each connection from accept to close.
//!
//! The same count runs through the handshake, the queue and the game, so a
//! client cannot reset it by moving from one to the next. Two rules:
//!
//! - **refused messages in a row**: every line answered with a non-fatal
//!   `ERR` is a strike; an accepted message clears them; the
//!   [`MAX_STRIKES`]th in a row cuts the connection;
//! - **blank lines in a row**: free for a person pressing Enter in `nc`, but
//!   a flood of them must not cost the server a core, so the
//!   [`MAX_BLANK_LINES`]th blank line since the last non-blank one cuts the
//!   connection too.
//!
//! Every line that is not blank either is accepted (and the game moved on:
//! there is no message that is accepted without changing anything) or is a
//! strike, so a connection can send at most about
//! `MAX_STRIKES * MAX_BLANK_LINES` lines without making progress.

/// Refused messages in a row before the connection is closed with
/// `ERR ABUSE`. Room for typos in `nc`; none for a client stuck in a loop.
pub const MAX_STRIKES: u32 = 10;

/// Blank lines in a row (with nothing else between them) before the
/// connection is closed with `ERR ABUSE`. Far more than a person presses
/// Enter; a flood reaches it within one read.
pub const MAX_BLANK_LINES: u32 = 64;

/// One connection's record of conduct.
#[derive(Debug, Default, Clone)]
pub struct Policy {
    strikes: u32,
    blanks: u32,
}

/// Why a connection is cut off (worded by the encoders: `ERR ABUSE` for a
/// program, a sentence for a person).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// [`MAX_STRIKES`] refused messages in a row.
    Refusals,
    /// [`MAX_BLANK_LINES`] blank lines in a row.
    BlankLines,
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
