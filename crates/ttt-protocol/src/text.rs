//! Player names and free human-readable text: the only strings on the wire.
//!
//! Both are validated at construction, so any message holding them encodes to
//! a single line that fits in [`MAX_LINE_LEN`](crate::MAX_LINE_LEN).

use std::fmt;
use std::str::FromStr;

use crate::error::{ParseError, excerpt};

/// A player's name: 1 to [`Name::MAX_CHARS`] letters, digits, `-`, `_` or `.`,
/// at least one of them a letter or a digit.
///
/// One word with no spaces, so it can sit in the middle of a message, and no
/// control characters, so it cannot smuggle escape codes to the other player's
/// terminal. Never `-` alone, nor any name of dots and dashes only: `-`
/// stands for "none" in several messages (`WATCHING -`, `LINE 2 -`).
///
/// ```
/// use ttt_protocol::Name;
/// assert!("alice".parse::<Name>().is_ok());
/// assert!("Zoë_2".parse::<Name>().is_ok());
/// assert!("two words".parse::<Name>().is_err());
/// assert!("".parse::<Name>().is_err());
/// assert!("-".parse::<Name>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name(String);

impl Name {
    /// The longest name, in characters. Long enough for a login name, short
    /// enough to fit a board line on a narrow terminal.
    pub const MAX_CHARS: usize = 24;

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Makes a valid name out of any text: drops disallowed characters and
    /// truncates. `None` if nothing usable is left. Used by the client to turn
    /// a login name such as `Jane Doe` into `JaneDoe`.
    pub fn sanitize(raw: &str) -> Option<Name> {
        let name: String = raw
            .chars()
            .filter(|&c| is_name_char(c))
            .take(Name::MAX_CHARS)
            .collect();
        name.chars()
            .any(char::is_alphanumeric)
            .then_some(Name(name))
    }
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.')
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Name {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Name, ParseError> {
        let count = s.chars().count();
        if (1..=Name::MAX_CHARS).contains(&count)
            && s.chars().all(is_name_char)
            && s.chars().any(char::is_alphanumeric)
        {
            Ok(Name(s.to_owned()))
        } else {
            Err(ParseError::InvalidName(excerpt(s)))
        }
    }
}

/// `raw` made safe to print on a terminal: C0 and C1 control characters
/// (escape sequences start with one) and the bidirectional formatting
/// characters (which can make text read backwards: CVE-2021-42574) are
/// dropped. Everything from the network passes through here before a
/// person sees it: names, free texts, and what a LAN announces.
///
/// ```
/// use ttt_protocol::text::printable;
/// assert_eq!(printable("den\u{1b}[2J\u{202e}gnp.exe"), "den[2Jgnp.exe");
/// ```
pub fn printable(raw: &str) -> String {
    raw.chars().filter(|&c| !unprintable(c)).collect()
}

/// Control characters, and the bidirectional embeddings, overrides,
/// isolates and marks.
fn unprintable(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Free text for people, carried at the end of a message (`WELCOME`, `ERR`, `BYE`).
///
/// Always printable (control characters become spaces), without leading or
/// trailing whitespace, and at most [`Text::MAX_BYTES`] bytes, so it never
/// breaks the line framing. Programs must not depend on its wording.
///
/// ```
/// use ttt_protocol::Text;
/// assert_eq!(Text::new("  two\nlines ").as_str(), "two lines");
/// assert!(Text::new(&"x".repeat(1000)).as_str().len() <= Text::MAX_BYTES);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Text(String);

impl Text {
    /// The longest text in bytes: leaves room in a 512-byte line for the
    /// keyword and fields before it.
    pub const MAX_BYTES: usize = 400;

    /// Makes text out of anything, replacing and trimming what would not fit.
    pub fn new(raw: &str) -> Text {
        let mut out = String::with_capacity(raw.len().min(Text::MAX_BYTES));
        for c in raw.chars() {
            let c = if unprintable(c) { ' ' } else { c };
            if out.len() + c.len_utf8() > Text::MAX_BYTES {
                break;
            }
            out.push(c);
        }
        Text(out.trim().to_owned())
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether there is no text.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::new(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::new(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_length_limits() {
        let max = "a".repeat(Name::MAX_CHARS);
        assert!(max.parse::<Name>().is_ok());
        let over = "a".repeat(Name::MAX_CHARS + 1);
        assert!(matches!(
            over.parse::<Name>(),
            Err(ParseError::InvalidName(_))
        ));
        assert!("a\u{1b}[31m".parse::<Name>().is_err());
        // `-` is "none" on the wire: no name is made of dashes and dots only
        // (found by properties::server_messages_round_trip: WATCHING - - -).
        for s in ["-", "--", ".", "_-.", "-_"] {
            assert!(s.parse::<Name>().is_err(), "{s}");
        }
        assert!("-a".parse::<Name>().is_ok());
    }

    #[test]
    fn sanitize_keeps_what_it_can() {
        assert_eq!(
            Name::sanitize("Jane Doe").map(|n| n.0),
            Some("JaneDoe".into())
        );
        assert_eq!(Name::sanitize("  !!  "), None);
        assert_eq!(Name::sanitize("- -"), None);
        let long = "b".repeat(100);
        assert_eq!(
            Name::sanitize(&long).map(|n| n.0.len()),
            Some(Name::MAX_CHARS)
        );
    }

    #[test]
    fn nothing_unprintable_survives() {
        for c in [
            '\0', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9b}', '\u{202e}', '\u{2066}',
        ] {
            assert_eq!(printable(&format!("a{c}b")), "ab", "{:?}", c);
            assert_eq!(Text::new(&format!("a{c}b")).as_str(), "a b", "{:?}", c);
        }
        assert_eq!(printable("Zoë 4 | [X]"), "Zoë 4 | [X]");
    }

    #[test]
    fn text_truncates_on_a_char_boundary() {
        let t = Text::new(&"é".repeat(300));
        assert!(t.as_str().len() <= Text::MAX_BYTES);
        assert!(t.as_str().chars().all(|c| c == 'é'));
    }
}
