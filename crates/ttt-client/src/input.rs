//! The player's input: what arrives ([`Input`]: a typed line, a [`Key`] at
//! the board, a new terminal size), and what it means ([`Act`]: a cell,
//! yes, no, leave, the computer), whichever way it was typed.
//!
//! At the full-screen board a key is an act (`5`, `y`, `q`, an arrow and
//! Enter, a click: `keys.rs` reads them); in the plain transcript and from
//! a script, a typed line is ([`Act::from_line`]). The session sees only
//! acts, so it has one rule for every way of playing. These are plain
//! values: the readers that make them (`events.rs`, `keys.rs`) depend on
//! this module, never the other way.

use ttt_protocol::typed::Typed;
use ttt_protocol::{Cell, Level};

/// The player's input, before it means anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A line typed or piped on stdin, trimmed.
    Line(String),
    /// A key or click at the full-screen board.
    Key(Key),
    /// The terminal has a new size (columns, rows).
    Resize(u16, u16),
}

/// A key (or click) that can mean something at the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A printable character, as typed (`5`, `y`, `q`).
    Char(char),
    /// An arrow key.
    Arrow(Arrow),
    /// Enter (or the space bar): play the selected cell.
    Enter,
    /// Ctrl-D: the same as `q`.
    EndOfInput,
    /// A left click at this column and row (from 0).
    Click {
        /// The column.
        col: u16,
        /// The row.
        row: u16,
    },
}

/// The four arrow keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrow {
    /// Up.
    Up,
    /// Down.
    Down,
    /// Left.
    Left,
    /// Right.
    Right,
}

/// Something the player did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    /// Play this cell (or, at the board, also: select and play).
    Cell(Cell),
    /// Yes to the question.
    Yes,
    /// No to the question.
    No,
    /// Leave: `q`. In a running game it asks first.
    Leave,
    /// Play the computer, at this level (`None`: the server's default).
    Computer(Option<Level>),
    /// What the player typed means nothing the client knows.
    Unknown(String),
    /// An empty line: nothing.
    Nothing,
}

impl Act {
    /// A typed line as an act, in the game's one grammar
    /// (`ttt_protocol::typed`): `5`, `move 5`, `y`/`yes`, `n`/`no`,
    /// `q`/`quit`, `c`/`computer` with a level, in any case.
    ///
    /// ```
    /// use ttt_client::input::Act;
    /// assert_eq!(Act::from_line(" Move 5 "), Act::Cell(ttt_protocol::Cell::new(5).unwrap()));
    /// assert_eq!(Act::from_line("Y"), Act::Yes);
    /// ```
    pub fn from_line(line: &str) -> Act {
        match Typed::parse(line) {
            Typed::Nothing => Act::Nothing,
            Typed::Cell(cell) => Act::Cell(cell),
            Typed::Yes => Act::Yes,
            Typed::No => Act::No,
            Typed::Leave => Act::Leave,
            Typed::Computer(level) => Act::Computer(level),
            // The client has no words of its own for these.
            Typed::Help | Typed::Watch(_) | Typed::Play { .. } | Typed::Other => {
                Act::Unknown(line.trim().to_owned())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_lines_are_acts() {
        let cell = |n| Act::Cell(Cell::new(n).expect("cell"));
        assert_eq!(Act::from_line("5"), cell(5));
        assert_eq!(Act::from_line("move 9"), cell(9));
        assert_eq!(Act::from_line("MOVE 1"), cell(1));
        assert_eq!(Act::from_line("yes"), Act::Yes);
        assert_eq!(Act::from_line("n"), Act::No);
        assert_eq!(Act::from_line("Quit"), Act::Leave);
        assert_eq!(Act::from_line("c"), Act::Computer(None));
        assert_eq!(
            Act::from_line("computer perfect"),
            Act::Computer(Some(Level::Perfect))
        );
        assert_eq!(Act::from_line("  "), Act::Nothing);
        for junk in [
            "0",
            "10",
            "five",
            "move",
            "move 5 6",
            "c genius",
            "yes please",
        ] {
            assert_eq!(
                Act::from_line(junk),
                Act::Unknown(junk.to_owned()),
                "{junk}"
            );
        }
    }
}
