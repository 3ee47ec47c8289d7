//! Marks, cells, the board and the eight lines: the game's nouns.
//!
//! These are plain data. Nothing here decides who won: that is the server's job
//! (`ttt-server`'s `game` module), so that the client cannot even be tempted.

use std::fmt;
use std::str::FromStr;

use crate::error::ParseError;

/// A player's mark. X always moves first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mark {
    /// The first mover.
    X,
    /// The second mover.
    O,
}

impl Mark {
    /// The other mark.
    ///
    /// ```
    /// use ttt_protocol::Mark;
    /// assert_eq!(Mark::X.other(), Mark::O);
    /// ```
    pub fn other(self) -> Mark {
        match self {
            Mark::X => Mark::O,
            Mark::O => Mark::X,
        }
    }

    /// The mark as its single wire character, `X` or `O`.
    pub fn as_char(self) -> char {
        match self {
            Mark::X => 'X',
            Mark::O => 'O',
        }
    }

    fn from_char(c: char) -> Option<Mark> {
        match c {
            'X' | 'x' => Some(Mark::X),
            'O' | 'o' => Some(Mark::O),
            _ => None,
        }
    }
}

impl fmt::Display for Mark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_char())
    }
}

impl FromStr for Mark {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Mark, ParseError> {
        let mut chars = s.chars();
        match (chars.next().and_then(Mark::from_char), chars.next()) {
            (Some(mark), None) => Ok(mark),
            _ => Err(ParseError::InvalidMark(crate::error::excerpt(s))),
        }
    }
}

/// A cell of the board, numbered as on a phone keypad:
///
/// ```text
/// 1 | 2 | 3
/// 4 | 5 | 6
/// 7 | 8 | 9
/// ```
///
/// A `Cell` always holds 1..=9; there is no way to build another value.
///
/// ```
/// use ttt_protocol::Cell;
/// let centre: Cell = "5".parse().unwrap();
/// assert_eq!(centre.number(), 5);
/// assert!(Cell::new(0).is_none());
/// assert!("10".parse::<Cell>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cell(u8);

impl Cell {
    /// All nine cells in order, 1 to 9.
    pub const ALL: [Cell; 9] = [
        Cell(1),
        Cell(2),
        Cell(3),
        Cell(4),
        Cell(5),
        Cell(6),
        Cell(7),
        Cell(8),
        Cell(9),
    ];

    /// The cell numbered `n`, or `None` unless `1 <= n <= 9`.
    pub fn new(n: u8) -> Option<Cell> {
        (1..=9).contains(&n).then_some(Cell(n))
    }

    /// The cell's number, 1..=9, as players type it.
    pub fn number(self) -> u8 {
        self.0
    }

    /// The cell's index into a row-major array, 0..=8.
    pub fn index(self) -> usize {
        usize::from(self.0 - 1)
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for Cell {
    type Err = ParseError;

    /// Parses a decimal cell number. All-digit input outside 1..=9 is
    /// [`ParseError::CellOutOfRange`] (the player typed a number, just the wrong
    /// one); anything else is [`ParseError::InvalidCell`].
    fn from_str(s: &str) -> Result<Cell, ParseError> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseError::InvalidCell(crate::error::excerpt(s)));
        }
        // Leading zeros are tolerated ("05"); any longer number is out of range,
        // so there is no need to parse it into an integer that could overflow.
        let digits = s.trim_start_matches('0');
        match digits.as_bytes() {
            [d @ b'1'..=b'9'] => Ok(Cell(d - b'0')),
            _ => Err(ParseError::CellOutOfRange(crate::error::excerpt(s))),
        }
    }
}

/// One of the eight lines of three cells: three rows, three columns, two diagonals.
///
/// On the wire a line is its three cell numbers in ascending order (`1 5 9`).
///
/// ```
/// use ttt_protocol::{Cell, Line};
/// let diagonal: Line = "3 5 7".parse().unwrap();
/// assert_eq!(diagonal.to_string(), "3 5 7");
/// assert!(diagonal.contains(Cell::new(5).unwrap()));
/// assert!("1 2 4".parse::<Line>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Line(u8);

/// The cell numbers of each line, rows first, then columns, then diagonals.
const LINE_CELLS: [[u8; 3]; 8] = [
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
    [1, 4, 7],
    [2, 5, 8],
    [3, 6, 9],
    [1, 5, 9],
    [3, 5, 7],
];

impl Line {
    /// All eight lines.
    pub const ALL: [Line; 8] = [
        Line(0),
        Line(1),
        Line(2),
        Line(3),
        Line(4),
        Line(5),
        Line(6),
        Line(7),
    ];

    /// The line's three cells, in ascending order.
    pub fn cells(self) -> [Cell; 3] {
        LINE_CELLS[usize::from(self.0)].map(Cell)
    }

    /// Whether `cell` is one of this line's three.
    pub fn contains(self, cell: Cell) -> bool {
        self.cells().contains(&cell)
    }

    /// The line made of exactly these three cells, in any order.
    pub fn from_cells(mut cells: [Cell; 3]) -> Option<Line> {
        cells.sort();
        let wanted = cells.map(Cell::number);
        Line::ALL
            .into_iter()
            .find(|line| LINE_CELLS[usize::from(line.0)] == wanted)
    }
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c] = self.cells();
        write!(f, "{a} {b} {c}")
    }
}

impl FromStr for Line {
    type Err = ParseError;

    /// Parses three whitespace-separated cell numbers forming a line.
    fn from_str(s: &str) -> Result<Line, ParseError> {
        let invalid = || ParseError::InvalidLine(crate::error::excerpt(s));
        let mut words = s.split_whitespace();
        let mut cells = [Cell(1); 3];
        for slot in &mut cells {
            *slot = words
                .next()
                .and_then(|w| w.parse().ok())
                .ok_or_else(invalid)?;
        }
        if words.next().is_some() {
            return Err(invalid());
        }
        Line::from_cells(cells).ok_or_else(invalid)
    }
}

/// The nine cells of a board, each empty or holding a mark.
///
/// Its compact text form, used on the wire, is nine characters in cell order,
/// `X`, `O` or `.` for empty:
///
/// ```
/// use ttt_protocol::{Board, Cell, Mark};
/// let mut board = Board::new();
/// board.place(Cell::new(5).unwrap(), Mark::X).unwrap();
/// board.place(Cell::new(1).unwrap(), Mark::O).unwrap();
/// assert_eq!(board.to_string(), "O...X....");
/// assert_eq!("O...X....".parse::<Board>().unwrap(), board);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Board {
    cells: [Option<Mark>; 9],
}

/// Returned by [`Board::place`] when the cell already holds a mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occupied(pub Mark);

impl Board {
    /// An empty board.
    pub fn new() -> Board {
        Board::default()
    }

    /// What `cell` holds, if anything.
    pub fn cell(&self, cell: Cell) -> Option<Mark> {
        self.cells[cell.index()]
    }

    /// Puts `mark` on an empty `cell`; an occupied cell is left unchanged.
    pub fn place(&mut self, cell: Cell, mark: Mark) -> Result<(), Occupied> {
        match self.cells[cell.index()] {
            Some(existing) => Err(Occupied(existing)),
            None => {
                self.cells[cell.index()] = Some(mark);
                Ok(())
            }
        }
    }

    /// Whether every cell holds a mark.
    pub fn is_full(&self) -> bool {
        self.cells.iter().all(Option::is_some)
    }

    /// How many cells hold `mark`.
    pub fn count(&self, mark: Mark) -> usize {
        self.cells.iter().filter(|&&c| c == Some(mark)).count()
    }
}

impl fmt::Display for Board {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for cell in self.cells {
            let c = cell.map_or('.', Mark::as_char);
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

impl FromStr for Board {
    type Err = ParseError;

    /// Parses the nine-character compact form. It checks only the characters,
    /// not whether the position could arise in a game: the board is whatever
    /// the server says it is.
    fn from_str(s: &str) -> Result<Board, ParseError> {
        let invalid = || ParseError::InvalidBoard(crate::error::excerpt(s));
        if s.len() != 9 {
            return Err(invalid());
        }
        let mut board = Board::new();
        for (slot, c) in board.cells.iter_mut().zip(s.chars()) {
            *slot = match c {
                '.' => None,
                c => Some(Mark::from_char(c).ok_or_else(invalid)?),
            };
        }
        Ok(board)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_parsing_distinguishes_range_from_garbage() {
        assert_eq!("1".parse::<Cell>(), Ok(Cell(1)));
        assert_eq!("09".parse::<Cell>(), Ok(Cell(9)));
        assert!(matches!(
            "0".parse::<Cell>(),
            Err(ParseError::CellOutOfRange(_))
        ));
        assert!(matches!(
            "10".parse::<Cell>(),
            Err(ParseError::CellOutOfRange(_))
        ));
        assert!(matches!(
            "99999999999999999999999".parse::<Cell>(),
            Err(ParseError::CellOutOfRange(_))
        ));
        assert!(matches!(
            "-1".parse::<Cell>(),
            Err(ParseError::InvalidCell(_))
        ));
        assert!(matches!(
            "".parse::<Cell>(),
            Err(ParseError::InvalidCell(_))
        ));
        assert!(matches!(
            "５".parse::<Cell>(),
            Err(ParseError::InvalidCell(_))
        ));
    }

    #[test]
    fn every_line_round_trips_and_has_three_distinct_cells() {
        for line in Line::ALL {
            assert_eq!(line.to_string().parse::<Line>(), Ok(line));
            let [a, b, c] = line.cells();
            assert!(a < b && b < c);
        }
        assert_eq!(
            "9 5 1".parse::<Line>().map(|l| l.to_string()).as_deref(),
            Ok("1 5 9")
        );
        assert!("1 2".parse::<Line>().is_err());
        assert!("1 2 3 4".parse::<Line>().is_err());
        assert!("1 1 1".parse::<Line>().is_err());
    }

    #[test]
    fn board_place_refuses_an_occupied_cell() {
        let mut board = Board::new();
        let five = Cell(5);
        assert_eq!(board.place(five, Mark::X), Ok(()));
        assert_eq!(board.place(five, Mark::O), Err(Occupied(Mark::X)));
        assert_eq!(board.cell(five), Some(Mark::X));
        assert_eq!(board.count(Mark::X), 1);
        assert!(!board.is_full());
    }

    #[test]
    fn board_rejects_wrong_length_and_characters() {
        assert!("X........".parse::<Board>().is_ok());
        assert!("X.......".parse::<Board>().is_err());
        assert!("X.........".parse::<Board>().is_err());
        assert!("X.......Z".parse::<Board>().is_err());
        // Nine bytes but fewer characters must not slip through.
        assert!("é.......".parse::<Board>().is_err());
    }
}
