//! What a person types, in the game's one grammar: the console client's
//! transcript and the server's front end for `nc` read a typed line the
//! same way ([`Typed::parse`]). Case does not matter, nor extra spaces.
//!
//! | typed | means |
//! |---|---|
//! | `5`, `move 5` | play cell 5 |
//! | `y`, `yes` / `n`, `no` | yes / no to the question asked |
//! | `q`, `quit` | leave (in a game, asked first) |
//! | `c`, `computer`, `c perfect`, `computer easy` | play the computer |
//! | `watch`, `watch only`, `unwatch` (or `watch off`) | watch the table |
//! | `play ann`, `play ann K7XQ2M` | join as ann, or come back with a code |
//! | `help`, `?` | what can be typed now |
//!
//! The words a program sends are the protocol's (`ClientMsg`), which
//! accepts the same short forms (`Y`, `N`, `Q`, a bare cell number) as
//! version 1 always has; a person's grammar adds `help`, `c` and
//! `unwatch`, and the client's adds nothing.

use crate::board::Cell;
use crate::message::{Level, WatchMode};
use crate::secret::Code;
use crate::text::Name;

/// A typed line, as a person means it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typed {
    /// An empty line.
    Nothing,
    /// `help` or `?`.
    Help,
    /// A cell to play.
    Cell(Cell),
    /// Yes.
    Yes,
    /// No.
    No,
    /// Leave.
    Leave,
    /// Play the computer, at this level (`None`: the server's default).
    Computer(Option<Level>),
    /// Watch the table, stop, or only watch.
    Watch(WatchMode),
    /// Join as `name`, or come back with `code`.
    Play {
        /// The name.
        name: Name,
        /// The code shown when the player joined, to come back with.
        code: Option<Code>,
    },
    /// Anything else: not a person's word (maybe a program's message).
    Other,
}

impl Typed {
    /// What `line` means, typed by a person.
    ///
    /// ```
    /// use ttt_protocol::typed::Typed;
    /// use ttt_protocol::{Cell, Level};
    /// assert_eq!(Typed::parse(" Move 5 "), Typed::Cell(Cell::new(5).unwrap()));
    /// assert_eq!(Typed::parse("c perfect"), Typed::Computer(Some(Level::Perfect)));
    /// assert_eq!(Typed::parse("yes please"), Typed::Other);
    /// ```
    pub fn parse(line: &str) -> Typed {
        let lower = line.trim().to_lowercase();
        let words: Vec<&str> = lower.split_whitespace().collect();
        // A name and a code keep the case they were typed in.
        let original: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [] => Typed::Nothing,
            ["help" | "?"] => Typed::Help,
            ["y" | "yes"] => Typed::Yes,
            ["n" | "no"] => Typed::No,
            ["q" | "quit"] => Typed::Leave,
            ["c" | "computer"] => Typed::Computer(None),
            ["c" | "computer", level] => level
                .parse()
                .map_or(Typed::Other, |level| Typed::Computer(Some(level))),
            ["watch"] => Typed::Watch(WatchMode::On),
            ["watch", "only"] => Typed::Watch(WatchMode::Only),
            ["watch", "off"] | ["unwatch"] => Typed::Watch(WatchMode::Off),
            ["move", cell] | [cell] if cell.bytes().all(|b| b.is_ascii_digit()) => {
                cell.parse().map_or(Typed::Other, Typed::Cell)
            }
            ["play", _] | ["play", _, _] => {
                let Ok(name) = original[1].parse::<Name>() else {
                    return Typed::Other;
                };
                let code = match original.get(2) {
                    Some(code) => match code.parse::<Code>() {
                        Ok(code) => Some(code),
                        Err(_) => return Typed::Other,
                    },
                    None => None,
                };
                Typed::Play { name, code }
            }
            _ => Typed::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(n: u8) -> Typed {
        Typed::Cell(Cell::new(n).expect("cell"))
    }

    #[test]
    fn a_persons_words() {
        assert_eq!(Typed::parse("5"), cell(5));
        assert_eq!(Typed::parse("05"), cell(5));
        assert_eq!(Typed::parse("move 9"), cell(9));
        assert_eq!(Typed::parse("MOVE\t1"), cell(1));
        assert_eq!(Typed::parse("yes"), Typed::Yes);
        assert_eq!(Typed::parse("Y"), Typed::Yes);
        assert_eq!(Typed::parse("n"), Typed::No);
        assert_eq!(Typed::parse("Quit"), Typed::Leave);
        assert_eq!(Typed::parse("c"), Typed::Computer(None));
        assert_eq!(
            Typed::parse("computer Perfect"),
            Typed::Computer(Some(Level::Perfect))
        );
        assert_eq!(Typed::parse("?"), Typed::Help);
        assert_eq!(Typed::parse("HELP"), Typed::Help);
        assert_eq!(Typed::parse("watch"), Typed::Watch(WatchMode::On));
        assert_eq!(Typed::parse("watch only"), Typed::Watch(WatchMode::Only));
        assert_eq!(Typed::parse("unwatch"), Typed::Watch(WatchMode::Off));
        assert_eq!(Typed::parse("Watch OFF"), Typed::Watch(WatchMode::Off));
        assert_eq!(Typed::parse("  "), Typed::Nothing);
        let Typed::Play { name, code } = Typed::parse("play Zoë k7xq2m") else {
            panic!("not play");
        };
        assert_eq!(name.as_str(), "Zoë");
        assert_eq!(code.map(|c| c.reveal()), Some("K7XQ2M".to_owned()));
        for junk in [
            "0",
            "10",
            "five",
            "move",
            "move 5 6",
            "c genius",
            "yes please",
            "play",
            "play two words here",
            "play ann 0O0O0O",
            "HELLO 1 ann",
            "+5",
        ] {
            assert_eq!(Typed::parse(junk), Typed::Other, "{junk}");
        }
    }
}
