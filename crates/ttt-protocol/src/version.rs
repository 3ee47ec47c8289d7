//! Protocol versions: the ones this crate speaks, and any other a peer may
//! write.
//!
//! On the wire a version is a decimal number of any length. Leading zeros
//! are allowed and mean nothing (`02` is 2), so that no spelling of a
//! version is a parse error: a number the server does not speak, however
//! large (`HELLO 4294967296 ann`), is answered like any other it does not
//! speak (`ERR NOPROTO`), never as a malformed line.

use std::fmt;
use std::str::FromStr;

use crate::error::{ParseError, excerpt};

/// A protocol version this crate speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    /// Version 1: frozen, its grammar and its flows. Every server speaks
    /// it, and announces it in `WELCOME`.
    V1,
    /// Version 2: version 1 plus appended fields and the messages of the
    /// features a client asks for (see `docs/PROTOCOL.md`).
    V2,
}

impl Version {
    /// Every version spoken, oldest first.
    pub const ALL: [Version; 2] = [Version::V1, Version::V2];

    /// The newest version spoken.
    pub const LATEST: Version = Version::V2;

    /// The version's number.
    pub fn number(self) -> u32 {
        match self {
            Version::V1 => 1,
            Version::V2 => 2,
        }
    }

    /// Whether this version has version 2's fields and messages.
    pub fn has_v2(self) -> bool {
        match self {
            Version::V1 => false,
            Version::V2 => true,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.number())
    }
}

/// A version number as a peer wrote it: one this crate speaks, or another.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum VersionNumber {
    /// A version spoken here.
    Known(Version),
    /// Any other number, as its digits without leading zeros (shortened if
    /// very long, so that it fits in a reply).
    Other(String),
}

impl VersionNumber {
    /// The version, if this crate speaks it.
    pub fn known(&self) -> Option<Version> {
        match self {
            VersionNumber::Known(version) => Some(*version),
            VersionNumber::Other(_) => None,
        }
    }
}

impl From<Version> for VersionNumber {
    fn from(version: Version) -> VersionNumber {
        VersionNumber::Known(version)
    }
}

impl fmt::Display for VersionNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionNumber::Known(version) => write!(f, "{version}"),
            VersionNumber::Other(digits) => f.write_str(digits),
        }
    }
}

impl FromStr for VersionNumber {
    type Err = ParseError;

    /// Digits only, any number of them.
    fn from_str(word: &str) -> Result<VersionNumber, ParseError> {
        if word.is_empty() || !word.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseError::InvalidNumber(excerpt(word)));
        }
        let digits = word.trim_start_matches('0');
        let digits = if digits.is_empty() { "0" } else { digits };
        Ok(
            match Version::ALL
                .into_iter()
                .find(|v| v.number().to_string() == digits)
            {
                Some(version) => VersionNumber::Known(version),
                None => VersionNumber::Other(excerpt(digits)),
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<VersionNumber, ParseError> {
        s.parse()
    }

    #[test]
    fn any_number_of_digits_is_a_version() {
        assert_eq!(parse("1"), Ok(VersionNumber::Known(Version::V1)));
        assert_eq!(parse("2"), Ok(VersionNumber::Known(Version::V2)));
        assert_eq!(parse("02"), Ok(VersionNumber::Known(Version::V2)));
        assert_eq!(parse("3"), Ok(VersionNumber::Other("3".into())));
        assert_eq!(parse("0"), Ok(VersionNumber::Other("0".into())));
        assert_eq!(parse("000"), Ok(VersionNumber::Other("0".into())));
        assert_eq!(
            parse("4294967296"),
            Ok(VersionNumber::Other("4294967296".into()))
        );
        let huge = "9".repeat(400);
        let Ok(VersionNumber::Other(shown)) = parse(&huge) else {
            panic!("a long number is a version");
        };
        assert!(shown.chars().count() < 40, "{shown}");
        for bad in ["", "+2", "-1", "2.0", "two", "1e3", " 1"] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn versions_know_their_numbers_and_fields() {
        assert_eq!(Version::LATEST, Version::V2);
        assert_eq!(Version::V1.to_string(), "1");
        assert!(!Version::V1.has_v2() && Version::V2.has_v2());
        assert_eq!(VersionNumber::from(Version::V2).known(), Some(Version::V2));
        assert_eq!(VersionNumber::Other("7".into()).known(), None);
        assert_eq!(VersionNumber::Other("7".into()).to_string(), "7");
    }
}
