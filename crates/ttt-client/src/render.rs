//! Turning what the server said into text for the console. Pure functions:
//! no I/O, so every rendering is unit-tested.
//!
//! Nothing here computes an outcome: [`outcome`] only words the server's
//! `RESULT`, and the board is drawn exactly as the server sent it.

use ttt_protocol::{Board, Cell, Ending, Forfeit, Mark, Name, Outcome, Score};

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

/// The server's `RESULT`, in words, from this player's side.
pub fn outcome(outcome: Outcome, opponent: &str) -> String {
    match outcome {
        Outcome::Tie => "It's a tie: the board is full.".to_owned(),
        Outcome::Win(Ending::Line(line)) => format!("You win! Three in a row on {line}."),
        Outcome::Lose(Ending::Line(line)) => {
            format!("You lose: {opponent} got three in a row on {line}.")
        }
        Outcome::Win(Ending::Forfeit(reason)) => {
            format!("You win: {opponent} {}.", forfeit_phrase(reason))
        }
        Outcome::Lose(Ending::Forfeit(reason)) => format!(
            "{}; {opponent} wins by forfeit.",
            match reason {
                Forfeit::Quit => "You left",
                Forfeit::Disconnect => "Your connection dropped",
                Forfeit::Timeout => "Your time ran out",
                Forfeit::Abuse => "The server cut you off for protocol errors",
            }
        ),
    }
}

fn forfeit_phrase(reason: Forfeit) -> &'static str {
    match reason {
        Forfeit::Quit => "quit",
        Forfeit::Disconnect => "disconnected",
        Forfeit::Timeout => "ran out of time",
        Forfeit::Abuse => "was cut off for protocol errors",
    }
}

/// The running score, from this player's side.
pub fn score(score: Score, opponent: &str) -> String {
    let Score { wins, losses, ties } = score;
    format!("Score: you {wins}, {opponent} {losses}, ties {ties}.")
}

/// The line announcing a game.
pub fn start(mark: Mark, opponent: &Name, style: Style) -> String {
    let first = if mark == Mark::X {
        "you move first"
    } else {
        "they move first"
    };
    format!(
        "New game against {opponent}: you are {}, {opponent} is {}; {first}.",
        style.mark(mark),
        style.mark(mark.other())
    )
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

    #[test]
    fn outcomes_in_words() {
        let line = "1 5 9".parse().expect("line");
        assert_eq!(
            outcome(Outcome::Win(Ending::Line(line)), "bob"),
            "You win! Three in a row on 1 5 9."
        );
        assert_eq!(
            outcome(Outcome::Lose(Ending::Line(line)), "bob"),
            "You lose: bob got three in a row on 1 5 9."
        );
        assert_eq!(
            outcome(Outcome::Win(Ending::Forfeit(Forfeit::Disconnect)), "bob"),
            "You win: bob disconnected."
        );
        assert_eq!(
            outcome(Outcome::Lose(Ending::Forfeit(Forfeit::Timeout)), "bob"),
            "Your time ran out; bob wins by forfeit."
        );
        assert_eq!(
            outcome(Outcome::Tie, "bob"),
            "It's a tie: the board is full."
        );
    }

    #[test]
    fn score_from_my_side() {
        let s = Score {
            wins: 2,
            losses: 1,
            ties: 0,
        };
        assert_eq!(score(s, "bob"), "Score: you 2, bob 1, ties 0.");
    }
}
