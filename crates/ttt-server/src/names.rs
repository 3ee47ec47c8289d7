//! What a name looks like, as the people who read it see it.
//!
//! The protocol accepts any letters (`ttt_protocol::Name`); the lobby shows
//! names to opponents, to the line and to watchers, who tell players apart
//! by how their names look. So names are compared by their look, not their
//! code points:
//!
//! - [`look`]: a name's confusable skeleton (Unicode's UTS #39, through
//!   the `unicode-security` crate), case and the separators `-` `_` `.`
//!   folded: `cοmputer-perfect` (a Greek omicron), `ｃｏｍｐｕｔｅｒ-perfect`
//!   and `Computer_Perfect` all look like `computer-perfect`, and Cyrillic
//!   `аnn` like `ann`. Two names that look alike are one name: the second
//!   is renamed as an exact duplicate is (`ann-2`);
//! - [`passes_for_computer`]: no person's name may look like the computer
//!   opponent's (`computer-…`);
//! - [`one_script`]: a name's letters are of one script, or of the mixes
//!   that real names use (Latin with Han, kana or Hangul: UTS #39's
//!   "highly restrictive" level); letters of two alphabets (Latin and
//!   Cyrillic), and the look-alike forms of letters (fullwidth, mathematical
//!   bold, Roman numerals, superscripts) are refused.

use unicode_security::{RestrictionLevel, RestrictionLevelDetection, skeleton};

/// The prefix of the computer opponent's names (`computer-perfect`): kept
/// for it, so that nobody can pass for it.
pub const COMPUTER_PREFIX: &str = "computer-";

/// What `name` looks like: two names with the same look could be taken
/// for one another. The skeleton is taken twice, around folding the case,
/// so that a capital look-alike (Greek `Α`) and a small one (`α`) both
/// come to `a`.
pub fn look(name: &str) -> String {
    let folded = skeleton(name).collect::<String>().to_lowercase();
    skeleton(&folded)
        .map(|c| if matches!(c, '_' | '.') { '-' } else { c })
        .collect()
}

/// Whether `name` looks like the computer opponent's (`computer-…`).
pub fn passes_for_computer(name: &str) -> bool {
    look(name).starts_with(&look(COMPUTER_PREFIX))
}

/// Whether `name`'s letters are of one script, or of a mix real names use
/// (see the module doc). Separators and digits belong to every script.
pub fn one_script(name: &str) -> bool {
    let letters: String = name
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .collect();
    letters
        .as_str()
        .check_restriction_level(RestrictionLevel::HighlyRestrictive)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The look-alikes of issue 29 look like the names they imitate.
    #[test]
    fn look_alikes_look_alike() {
        for (a, b) in [
            ("cοmputer-perfect", "computer-perfect"),
            ("ｃｏｍｐｕｔｅｒ-perfect", "computer-perfect"),
            ("computer_perfect", "computer-perfect"),
            ("Computer.Perfect", "computer-perfect"),
            ("аnn", "ann"),
            ("ΑΝΝ", "ann"),
            ("Ann", "ann"),
            ("bob1", "bobl"),
        ] {
            assert_eq!(look(a), look(b), "{a} and {b}");
        }
        for (a, b) in [
            ("ann", "anna"),
            ("bob", "rob"),
            ("zoë", "zoe"),
            ("太郎", "次郎"),
        ] {
            assert_ne!(look(a), look(b), "{a} and {b}");
        }
    }

    #[test]
    fn nobody_passes_for_the_computer() {
        for name in [
            "computer-perfect",
            "COMPUTER-easy",
            "cοmputer-perfect",
            "ｃｏｍｐｕｔｅｒ-perfect",
            "computer_perfect",
            "computer.fair",
            "cornputer-fair",
        ] {
            assert!(passes_for_computer(name), "{name}");
        }
        for name in ["computer", "computers", "my-computer-x", "ann"] {
            assert!(!passes_for_computer(name), "{name}");
        }
    }

    /// Names in any one script pass, and the mixes real names use; two
    /// alphabets in one name, or look-alike forms of letters, do not.
    #[test]
    fn letters_of_one_script() {
        for name in [
            "ann",
            "Zoë_2",
            "太郎",
            "たろう太郎",
            "john李",
            "Иван",
            "Ελένη",
            "محمد",
            "नमस्ते",
            "김민수",
            "mañana",
            "ß",
            "ann-2.b",
            "007",
        ] {
            assert!(one_script(name), "{name}");
        }
        for name in [
            "аnn",
            "Ивaн",
            "cοmputer",
            "ｃｏｍｐｕｔｅｒ",
            "𝐚nn",
            "Ⅻ",
            "x²",
        ] {
            assert!(!one_script(name), "{name}");
        }
    }
}
