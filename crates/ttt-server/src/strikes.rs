//! Counting refused messages, and the error that ends a connection for them.
//!
//! Every refused message (malformed, out of turn, in the wrong state) is a
//! strike; a valid move clears them. Too many in a row closes the connection
//! with `ERR ABUSE`, in the handshake, while waiting, and in a game alike.

use ttt_protocol::{ErrorCode, ServerMsg, Text};

/// How many refused messages in a row a connection may send before the server
/// closes it. Generous for a person mistyping in `nc`; a client stuck in a
/// loop of bad messages, or flooding, is cut off quickly.
pub const MAX_STRIKES: u32 = 10;

/// Refused messages in a row on one connection.
#[derive(Debug, Default, Clone, Copy)]
pub struct Strikes(u32);

impl Strikes {
    /// Counts one refused message; true when that was one too many and the
    /// connection must be closed (after sending [`abuse_error`]).
    pub fn hit(&mut self) -> bool {
        self.0 += 1;
        self.0 >= MAX_STRIKES
    }

    /// Clears the count after an accepted message.
    pub fn clear(&mut self) {
        self.0 = 0;
    }
}

/// The `ERR ABUSE` sent before closing a connection for refused messages.
pub fn abuse_error() -> ServerMsg {
    ServerMsg::Error {
        code: ErrorCode::Abuse,
        text: Text::new(&format!("{MAX_STRIKES} refused messages in a row; closing")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tenth_strike_in_a_row_is_out() {
        let mut strikes = Strikes::default();
        for _ in 1..MAX_STRIKES {
            assert!(!strikes.hit());
        }
        strikes.clear();
        assert!(!strikes.hit());
        for _ in 2..MAX_STRIKES {
            assert!(!strikes.hit());
        }
        assert!(strikes.hit());
    }
}
