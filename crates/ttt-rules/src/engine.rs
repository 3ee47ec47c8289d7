//! The computer opponent: picks a move for a board, at a level a player
//! can name. Pure: no clock, no I/O, and its randomness comes from a seed,
//! so every game it plays can be replayed in a test.
//!
//! - [`Level::Easy`] plays any empty cell, at random.
//! - [`Level::Fair`] takes a win when it has one, blocks when the opponent
//!   threatens one, and otherwise plays at random: it can be beaten.
//! - [`Level::Perfect`] never loses. It knows the value of every position
//!   (negamax over the whole game tree, computed once: 3^9 boards at most,
//!   a few milliseconds), and prefers the quickest win and the slowest loss,
//!   picking at random among equally good moves so its games vary.
//!
//! ```
//! use ttt_protocol::{Board, Cell, Level, Mark};
//! use ttt_rules::Engine;
//!
//! let mut engine = Engine::new(Level::Perfect, 7);
//! // X threatens 1 2 3; O (the engine) must block at 3.
//! let board: Board = "XX..O....".parse().unwrap();
//! assert_eq!(engine.choose(&board, Mark::O), Cell::new(3));
//! ```

use std::sync::OnceLock;

use ttt_protocol::{Board, Cell, Level, Line, Mark};

/// A computer player at one level, with its own random numbers.
#[derive(Debug, Clone)]
pub struct Engine {
    level: Level,
    rng: SplitMix64,
}

impl Engine {
    /// An engine at `level`; the same seed gives the same games.
    pub fn new(level: Level, seed: u64) -> Engine {
        if level == Level::Perfect {
            // Build the table now, not in the middle of a game.
            values();
        }
        Engine {
            level,
            rng: SplitMix64(seed),
        }
    }

    /// The engine's level.
    pub fn level(&self) -> Level {
        self.level
    }

    /// The move to play as `me` on `board`; `None` if the board is full.
    pub fn choose(&mut self, board: &Board, me: Mark) -> Option<Cell> {
        let candidates = self.candidates(board, me);
        if candidates.is_empty() {
            return None;
        }
        let pick = self.rng.below(candidates.len());
        candidates.get(pick).copied()
    }

    /// Every move the engine might play as `me` on `board` (it picks one at
    /// random): what the tests check, exhaustively.
    pub fn candidates(&self, board: &Board, me: Mark) -> Vec<Cell> {
        let empty: Vec<Cell> = Cell::ALL
            .into_iter()
            .filter(|&c| board.cell(c).is_none())
            .collect();
        match self.level {
            Level::Easy => empty,
            Level::Fair => {
                let wins = completing(board, me);
                if !wins.is_empty() {
                    return wins;
                }
                let blocks = completing(board, me.other());
                if !blocks.is_empty() {
                    return blocks;
                }
                empty
            }
            Level::Perfect => {
                let scored: Vec<(Cell, i8)> = empty
                    .iter()
                    .map(|&cell| {
                        let mut next = *board;
                        // The cell is empty: placing cannot fail.
                        let _ = next.place(cell, me);
                        (cell, -value(&next, me.other()))
                    })
                    .collect();
                let best = scored.iter().map(|&(_, s)| s).max().unwrap_or(0);
                scored
                    .into_iter()
                    .filter(|&(_, s)| s == best)
                    .map(|(cell, _)| cell)
                    .collect()
            }
        }
    }
}

/// The value of `board` for the player `to_move`, with perfect play from
/// both sides: positive, a win (the sooner, the larger); zero, a tie;
/// negative, a loss (the later, the nearer zero).
pub fn value(board: &Board, to_move: Mark) -> i8 {
    let table = values();
    match table.get(index(board)) {
        Some(&v) if v != UNKNOWN => v,
        // A board not reachable in a real game (say, two lines at once):
        // work it out directly.
        _ => negamax(board, to_move, &mut Vec::new()),
    }
}

/// The empty cells that would complete a line of `mark`'s.
fn completing(board: &Board, mark: Mark) -> Vec<Cell> {
    let mut cells: Vec<Cell> = Line::ALL
        .into_iter()
        .filter_map(|line| {
            let cells = line.cells();
            let mine = cells
                .iter()
                .filter(|&&c| board.cell(c) == Some(mark))
                .count();
            let empty: Vec<Cell> = cells
                .into_iter()
                .filter(|&c| board.cell(c).is_none())
                .collect();
            (mine == 2 && empty.len() == 1).then(|| empty[0])
        })
        .collect();
    cells.sort_by_key(|c| c.number());
    cells.dedup();
    cells
}

/// The mark with three in a row, if any.
pub fn winner(board: &Board) -> Option<Mark> {
    Line::ALL.into_iter().find_map(|line| {
        let [a, b, c] = line.cells().map(|cell| board.cell(cell));
        (a.is_some() && a == b && b == c).then_some(a).flatten()
    })
}

/// Marks a table entry not worked out (unreachable board).
const UNKNOWN: i8 = i8::MIN;

/// The value of every board reachable from the empty one, for the player
/// to move (X when both have as many marks, else O), worked out once.
fn values() -> &'static [i8] {
    static TABLE: OnceLock<Vec<i8>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = vec![UNKNOWN; 3usize.pow(9)];
        negamax(&Board::new(), Mark::X, &mut table);
        table
    })
}

/// Negamax over the game tree, memoised in `table` (when it has room).
fn negamax(board: &Board, to_move: Mark, table: &mut Vec<i8>) -> i8 {
    let at = index(board);
    if let Some(&v) = table.get(at)
        && v != UNKNOWN
    {
        return v;
    }
    let empty = Cell::ALL
        .into_iter()
        .filter(|&c| board.cell(c).is_none())
        .count();
    let v = if winner(board).is_some() {
        // The player who just moved made a line: a loss for `to_move`,
        // worse the earlier it comes.
        -(1 + empty as i8)
    } else if empty == 0 {
        0
    } else {
        Cell::ALL
            .into_iter()
            .filter(|&c| board.cell(c).is_none())
            .map(|cell| {
                let mut next = *board;
                let _ = next.place(cell, to_move);
                -negamax(&next, to_move.other(), table)
            })
            .max()
            .unwrap_or(0)
    };
    if let Some(slot) = table.get_mut(at) {
        *slot = v;
    }
    v
}

/// The board as a number in base 3 (empty 0, X 1, O 2), cell 1 lowest.
fn index(board: &Board) -> usize {
    Cell::ALL.into_iter().rev().fold(0, |acc, cell| {
        acc * 3
            + match board.cell(cell) {
                None => 0,
                Some(Mark::X) => 1,
                Some(Mark::O) => 2,
            }
    })
}

/// A small, well-known generator (SplitMix64): enough to vary the engine's
/// games, and seedable, so tests replay them. Not for anything secret.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0; the tiny bias of `%` is no matter here).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[cfg(test)]
mod tests;
