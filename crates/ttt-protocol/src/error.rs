//! Why a line did not parse as a message.

use thiserror::Error;

/// The longest excerpt of offending input an error carries, in characters.
///
/// Errors are echoed back to the peer inside an `ERR` line, which must itself
/// fit in [`MAX_LINE_LEN`](crate::MAX_LINE_LEN); a short excerpt keeps it so
/// whatever the peer sent.
pub const EXCERPT_CHARS: usize = 24;

/// A short, printable excerpt of `s` for an error message.
pub(crate) fn excerpt(s: &str) -> String {
    let mut out: String = s
        .chars()
        .take(EXCERPT_CHARS)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if s.chars().nth(EXCERPT_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// A line that is not a valid message. Parsing never panics; every way a line
/// can be wrong is one of these.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    /// Occurs when the line is empty or only whitespace.
    #[error("empty message")]
    Empty,
    /// Occurs when the first word is not a keyword of this protocol.
    #[error("unknown message {0:?}")]
    UnknownKeyword(String),
    /// Occurs when a message lacks a required field.
    #[error("{keyword} needs {expected}")]
    MissingField {
        /// The message's keyword.
        keyword: &'static str,
        /// What was expected, e.g. `a cell number`.
        expected: &'static str,
    },
    /// Occurs when a message has more fields than it takes.
    #[error("{keyword} takes no more fields; unexpected {extra:?}")]
    UnexpectedField {
        /// The message's keyword.
        keyword: &'static str,
        /// The start of what followed.
        extra: String,
    },
    /// Occurs when a cell is not a number.
    #[error("invalid cell {0:?}; expected a number from 1 to 9")]
    InvalidCell(String),
    /// Occurs when a cell is a number outside 1..=9.
    #[error("cell {0} is out of range; expected 1 to 9")]
    CellOutOfRange(String),
    /// Occurs when a mark is not `X` or `O`.
    #[error("invalid mark {0:?}; expected X or O")]
    InvalidMark(String),
    /// Occurs when a board is not nine characters of `X`, `O` and `.`.
    #[error("invalid board {0:?}; expected 9 characters of X, O and .")]
    InvalidBoard(String),
    /// Occurs when three cells do not form a row, column or diagonal.
    #[error("invalid line {0:?}; expected a row, column or diagonal such as 1 5 9")]
    InvalidLine(String),
    /// Occurs when a number (a version, a score, seconds) is not a decimal
    /// number that fits in 32 bits.
    #[error("invalid number {0:?}")]
    InvalidNumber(String),
    /// Occurs when a player name breaks the naming rule.
    #[error(
        "invalid name {0:?}; use 1 to {max} letters, digits, '-', '_' or '.'",
        max = crate::Name::MAX_CHARS
    )]
    InvalidName(String),
    /// Occurs when a field holds a word that is not one of its allowed values
    /// (a result, a forfeit reason, an error code).
    #[error("invalid {field} {value:?}")]
    InvalidWord {
        /// Which field, e.g. `result`.
        field: &'static str,
        /// The start of what was found.
        value: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_is_short_and_printable() {
        assert_eq!(excerpt("abc"), "abc");
        assert_eq!(excerpt("a\0b"), "a?b");
        let long = "x".repeat(1000);
        assert_eq!(excerpt(&long).chars().count(), EXCERPT_CHARS + 1);
    }
}
