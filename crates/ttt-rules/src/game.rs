//! The rules of one game: whose turn it is, which moves are legal, and who won.
//!
//! Pure data and functions, no I/O, so every rule is unit-tested here. This is
//! the only place in `ttt` that decides a game: the client does not even
//! depend on this crate.

use ttt_protocol::{Board, Cell, Line, Mark};

/// A game in progress or finished. X moves first.
#[derive(Debug, Clone, Default)]
pub struct Game {
    board: Board,
    /// Moves made so far; X moves when it is even.
    moves: usize,
    end: Option<Progress>,
}

/// What a legal move led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The game goes on; this mark moves next.
    Next(Mark),
    /// This mark completed this line and won.
    Won(Mark, Line),
    /// The board is full with no line: a tie.
    Tie,
}

/// Why a move was refused. The game is unchanged after any of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveError {
    /// It is the other mark's turn.
    NotYourTurn,
    /// The cell already holds this mark.
    Occupied(Mark),
    /// The game is already over.
    Over,
}

impl Game {
    /// A new game on an empty board, X to move.
    pub fn new() -> Game {
        Game::default()
    }

    /// The board as it stands.
    pub fn board(&self) -> &Board {
        &self.board
    }

    /// Whose move it is, or `None` once the game is over.
    pub fn turn(&self) -> Option<Mark> {
        if self.end.is_some() {
            None
        } else if self.moves % 2 == 0 {
            Some(Mark::X)
        } else {
            Some(Mark::O)
        }
    }

    /// Plays `mark` on `cell` if that is legal, and says what happened.
    pub fn play(&mut self, mark: Mark, cell: Cell) -> Result<Progress, MoveError> {
        match self.turn() {
            None => return Err(MoveError::Over),
            Some(turn) if turn != mark => return Err(MoveError::NotYourTurn),
            Some(_) => {}
        }
        self.board
            .place(cell, mark)
            .map_err(|occupied| MoveError::Occupied(occupied.0))?;
        self.moves += 1;
        // Only a line through the cell just played can be new.
        let won = Line::ALL
            .into_iter()
            .filter(|line| line.contains(cell))
            .find(|line| {
                line.cells()
                    .iter()
                    .all(|&c| self.board.cell(c) == Some(mark))
            });
        let progress = match won {
            Some(line) => Progress::Won(mark, line),
            None if self.board.is_full() => Progress::Tie,
            None => return Ok(Progress::Next(mark.other())),
        };
        self.end = Some(progress);
        Ok(progress)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(n: u8) -> Cell {
        Cell::new(n).expect("test cell in range")
    }

    /// Plays the moves in order, alternating from X, and returns the last progress.
    fn play_all(moves: &[u8]) -> Result<Progress, MoveError> {
        let mut game = Game::new();
        let mut last = Err(MoveError::Over);
        for &n in moves {
            let mark = game.turn().ok_or(MoveError::Over)?;
            last = game.play(mark, cell(n));
        }
        last
    }

    #[test]
    fn every_line_wins_for_x() {
        for line in Line::ALL {
            let mut game = Game::new();
            let others: Vec<Cell> = Cell::ALL
                .into_iter()
                .filter(|c| !line.contains(*c))
                .collect();
            let [a, b, c] = line.cells();
            assert_eq!(game.play(Mark::X, a), Ok(Progress::Next(Mark::O)));
            assert_eq!(game.play(Mark::O, others[0]), Ok(Progress::Next(Mark::X)));
            assert_eq!(game.play(Mark::X, b), Ok(Progress::Next(Mark::O)));
            // O has only two marks when X plays its third: it cannot have won.
            assert_eq!(game.play(Mark::O, others[1]), Ok(Progress::Next(Mark::X)));
            assert_eq!(
                game.play(Mark::X, c),
                Ok(Progress::Won(Mark::X, line)),
                "line {line}"
            );
            assert_eq!(game.turn(), None);
        }
    }

    #[test]
    fn o_can_win() {
        // X: 1 2 9, O: 5 3 7.
        assert_eq!(
            play_all(&[1, 5, 2, 3, 9, 7]),
            Ok(Progress::Won(Mark::O, "3 5 7".parse().expect("line")))
        );
    }

    #[test]
    fn full_board_without_line_is_a_tie() {
        // X O X / X O O / O X X
        assert_eq!(play_all(&[1, 2, 3, 5, 4, 6, 8, 7, 9]), Ok(Progress::Tie));
    }

    #[test]
    fn win_on_the_last_cell_is_a_win_not_a_tie() {
        // X O X / O X O / O X X : X's 9th move completes 1 5 9.
        let result = play_all(&[1, 2, 3, 4, 5, 7, 8, 6, 9]);
        assert!(
            matches!(result, Ok(Progress::Won(Mark::X, _))),
            "{result:?}"
        );
    }

    #[test]
    fn refused_moves_change_nothing() {
        let mut game = Game::new();
        assert_eq!(game.play(Mark::O, cell(1)), Err(MoveError::NotYourTurn));
        assert_eq!(game.play(Mark::X, cell(5)), Ok(Progress::Next(Mark::O)));
        let before = *game.board();
        assert_eq!(
            game.play(Mark::O, cell(5)),
            Err(MoveError::Occupied(Mark::X))
        );
        assert_eq!(game.play(Mark::X, cell(1)), Err(MoveError::NotYourTurn));
        assert_eq!(*game.board(), before);
        assert_eq!(game.turn(), Some(Mark::O));
    }

    #[test]
    fn no_moves_after_the_end() {
        let mut game = Game::new();
        for n in [1, 4, 2, 5, 3] {
            let mark = game.turn().expect("game running");
            game.play(mark, cell(n)).expect("legal");
        }
        assert_eq!(game.play(Mark::O, cell(9)), Err(MoveError::Over));
    }
}
