//! What lets a player come back after a dropped connection (feature
//! `resume`): a [`Token`] for programs, a short [`Code`] for a person to
//! type. Pure: both are made from random bytes the caller draws (the server
//! from the operating system), and parsed and printed here.
//!
//! Neither implements `Display` in a way that could end up in a log by
//! accident: `Debug` hides the secret, and the wire form is only
//! [`Token::reveal`] / [`Code::reveal`].

use std::fmt;
use std::str::FromStr;

use crate::error::{ParseError, excerpt};

/// 128 random bits, on the wire as 32 lowercase hex digits: unguessable,
/// so whoever presents it is the player it was given to.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Token([u8; 16]);

impl Token {
    /// A token from 16 random bytes.
    pub fn from_bytes(bytes: [u8; 16]) -> Token {
        Token(bytes)
    }

    /// The wire form: 32 lowercase hex digits.
    pub fn reveal(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Whether `other` is this token, in time that does not depend on
    /// where they first differ.
    pub fn matches(&self, other: &Token) -> bool {
        self.0
            .iter()
            .zip(other.0.iter())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(..)")
    }
}

impl FromStr for Token {
    type Err = ParseError;

    fn from_str(word: &str) -> Result<Token, ParseError> {
        let invalid = || ParseError::InvalidWord {
            field: "token (32 hex digits)",
            value: excerpt(word),
        };
        if word.len() != 32 || !word.is_ascii() {
            return Err(invalid());
        }
        let mut bytes = [0u8; 16];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&word[i * 2..i * 2 + 2], 16).map_err(|_| invalid())?;
        }
        Ok(Token(bytes))
    }
}

/// A person's way back: six characters from an alphabet without look-alikes
/// (no `0`/`O`, `1`/`I`), typed after the name: `play ann K7XQ2M`. 30 bits:
/// guessable only with tries, which the server bounds.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Code([u8; Code::LEN]);

impl Code {
    /// Characters in a code.
    pub const LEN: usize = 6;

    /// The characters a code is made of.
    pub const ALPHABET: &'static [u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// A code from random bytes (each picks one of 32 characters, so every
    /// code is equally likely).
    pub fn from_bytes(bytes: [u8; Code::LEN]) -> Code {
        Code(bytes.map(|b| Code::ALPHABET[usize::from(b % 32)]))
    }

    /// The code as typed: six capitals and digits.
    pub fn reveal(&self) -> String {
        self.0.iter().map(|&b| char::from(b)).collect()
    }

    /// Whether `other` is this code, in time that does not depend on where
    /// they first differ.
    pub fn matches(&self, other: &Code) -> bool {
        self.0
            .iter()
            .zip(other.0.iter())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Code(..)")
    }
}

impl FromStr for Code {
    type Err = ParseError;

    /// Any case; the look-alikes a person may type for each other (`0` for
    /// `O`, `1` or `l` for `I`) are not in the alphabet, so they simply do
    /// not match.
    fn from_str(word: &str) -> Result<Code, ParseError> {
        let upper = word.to_ascii_uppercase();
        let valid = upper.len() == Code::LEN && upper.bytes().all(|b| Code::ALPHABET.contains(&b));
        if !valid {
            return Err(ParseError::InvalidWord {
                field: "code (6 letters and digits)",
                value: excerpt(word),
            });
        }
        let mut code = [0u8; Code::LEN];
        code.copy_from_slice(upper.as_bytes());
        Ok(Code(code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_hide_in_debug() {
        let token = Token::from_bytes([0xab; 16]);
        assert_eq!(token.reveal(), "ab".repeat(16));
        assert_eq!(token.reveal().parse::<Token>(), Ok(token.clone()));
        assert_eq!("AB".repeat(16).parse::<Token>(), Ok(token.clone()));
        assert_eq!(format!("{token:?}"), "Token(..)");
        for bad in [
            "",
            "ab",
            &"ab".repeat(17),
            &"zz".repeat(16),
            &"é".repeat(16),
        ] {
            assert!(bad.parse::<Token>().is_err(), "{bad}");
        }
        assert!(token.matches(&token.clone()));
        assert!(!token.matches(&Token::from_bytes([0xac; 16])));
    }

    #[test]
    fn codes_use_an_alphabet_without_look_alikes() {
        let code = Code::from_bytes([0, 1, 31, 32, 255, 8]);
        assert_eq!(code.reveal(), "AB9A9J");
        assert_eq!("ab9a9j".parse::<Code>(), Ok(code.clone()));
        assert_eq!(format!("{code:?}"), "Code(..)");
        for bad in ["AB99A", "AB99AJK", "AB99A0", "AB99AI", "AB99 J"] {
            assert!(bad.parse::<Code>().is_err(), "{bad}");
        }
        assert!(!code.matches(&Code::from_bytes([0, 1, 31, 32, 255, 9])));
        assert!(!Code::ALPHABET.contains(&b'0') && !Code::ALPHABET.contains(&b'O'));
        assert!(!Code::ALPHABET.contains(&b'1') && !Code::ALPHABET.contains(&b'I'));
    }
}
