//! Turning what the server said into text for the console. Pure functions:
//! no I/O, so every rendering is unit-tested.
//!
//! Nothing here computes an outcome: [`outcome`] only words the server's
//! `RESULT`, and the board is drawn exactly as the server sent it.

use ttt_protocol::{Board, Cell, Mark};

/// Whether to colour marks. Marks are letters either way, so the board stays
/// readable where escape codes are not understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Use ANSI colour escapes.
    pub color: bool,
}

impl Style {
    /// Colour only on a terminal, and never when `NO_COLOR` is set to
    /// anything non-empty (<https://no-color.org>, as clap does).
    pub fn detect(stdout_is_terminal: bool, no_color: Option<&str>) -> Style {
        let disabled = no_color.is_some_and(|v| !v.is_empty());
        Style {
            color: stdout_is_terminal && !disabled,
        }
    }

    /// A mark, coloured if enabled: X red, O blue, both bold.
    pub fn mark(self, mark: Mark) -> String {
        match (self.color, mark) {
            (false, _) => mark.to_string(),
            (true, Mark::X) => format!("\x1b[1;31m{mark}\x1b[0m"),
            (true, Mark::O) => format!("\x1b[1;34m{mark}\x1b[0m"),
        }
    }

    /// An empty cell's number, dimmed if colour is on.
    fn hint(self, cell: Cell) -> String {
        if self.color {
            format!("\x1b[2m{cell}\x1b[0m")
        } else {
            cell.to_string()
        }
    }
}

/// The board as three rows, empty cells showing the number to type, and
/// the last move marked: bracketed, and in reverse video with colour.
///
/// ```text
///  X | 2 | 3
/// ---+---+---
///  4 |[O]| 6
/// ---+---+---
///  7 | 8 | 9
/// ```
pub fn board(board: &Board, last: Option<Cell>, style: Style) -> String {
    let cells: Vec<String> = Cell::ALL
        .into_iter()
        .map(|cell| match (board.cell(cell), Some(cell) == last) {
            (Some(mark), true) if style.color => {
                format!("\x1b[7m {} \x1b[0m", style.mark(mark))
            }
            (Some(mark), true) => format!("[{}]", style.mark(mark)),
            (Some(mark), false) => format!(" {} ", style.mark(mark)),
            (None, _) => format!(" {} ", style.hint(cell)),
        })
        .collect();
    let rows: Vec<String> = cells
        .chunks(3)
        .map(|row| format!("{}|{}|{}", row[0], row[1], row[2]))
        .collect();
    rows.join("\n---+---+---\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: Style = Style { color: false };

    #[test]
    fn empty_cells_show_their_numbers() {
        let board: Board = "X...O....".parse().expect("board");
        assert_eq!(
            board_lines(&board),
            [
                " X | 2 | 3 ",
                "---+---+---",
                " 4 |[O]| 6 ",
                "---+---+---",
                " 7 | 8 | 9 "
            ]
        );
    }

    fn board_lines(b: &Board) -> Vec<String> {
        board(b, Cell::new(5), PLAIN)
            .lines()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn colour_keeps_the_letters() {
        let colored = Style { color: true }.mark(Mark::X);
        assert!(colored.contains('X') && colored.contains("\x1b["));
        assert_eq!(PLAIN.mark(Mark::O), "O");
    }

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(Style::detect(true, None).color);
        assert!(!Style::detect(false, None).color);
        assert!(!Style::detect(true, Some("1")).color);
        assert!(Style::detect(true, Some("")).color);
    }
}
