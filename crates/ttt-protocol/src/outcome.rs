//! How a game ended, as one player sees it, and the running score.

use std::fmt;

use crate::board::Line;

/// How a game ended, from the point of view of the player it is sent to.
///
/// The server computes this; the client only displays it.
///
/// ```
/// use ttt_protocol::{Ending, Forfeit, Outcome};
/// let mine = Outcome::Win(Ending::Forfeit(Forfeit::Timeout));
/// assert_eq!(mine.to_string(), "WIN FORFEIT TIMEOUT");
/// assert_eq!(mine.opposite(), Outcome::Lose(Ending::Forfeit(Forfeit::Timeout)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// You won.
    Win(Ending),
    /// You lost.
    Lose(Ending),
    /// The board filled with no line: nobody won.
    Tie,
}

impl Outcome {
    /// The same ending as the opponent sees it.
    pub fn opposite(self) -> Outcome {
        match self {
            Outcome::Win(e) => Outcome::Lose(e),
            Outcome::Lose(e) => Outcome::Win(e),
            Outcome::Tie => Outcome::Tie,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Win(ending) => write!(f, "WIN {ending}"),
            Outcome::Lose(ending) => write!(f, "LOSE {ending}"),
            Outcome::Tie => f.write_str("TIE"),
        }
    }
}

/// Why a game that somebody won ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ending {
    /// Three in a row on this line.
    Line(Line),
    /// The loser forfeited, for this reason.
    Forfeit(Forfeit),
}

impl fmt::Display for Ending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ending::Line(line) => write!(f, "LINE {line}"),
            Ending::Forfeit(reason) => write!(f, "FORFEIT {reason}"),
        }
    }
}

/// Why a player forfeited. Quitting on purpose and a dropped connection are
/// told apart, so a player knows whether the opponent left or was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Forfeit {
    /// The player sent `QUIT`.
    Quit,
    /// The player's connection closed or failed without a `QUIT`.
    Disconnect,
    /// The player's turn clock ran out.
    Timeout,
    /// The server closed the player's connection for breaking the protocol
    /// (an over-long line, invalid UTF-8, too many bad messages).
    Abuse,
}

impl Forfeit {
    /// The wire keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            Forfeit::Quit => "QUIT",
            Forfeit::Disconnect => "DISCONNECT",
            Forfeit::Timeout => "TIMEOUT",
            Forfeit::Abuse => "ABUSE",
        }
    }

    pub(crate) fn from_word(word: &str) -> Option<Forfeit> {
        [
            Forfeit::Quit,
            Forfeit::Disconnect,
            Forfeit::Timeout,
            Forfeit::Abuse,
        ]
        .into_iter()
        .find(|f| f.as_str().eq_ignore_ascii_case(word))
    }
}

impl fmt::Display for Forfeit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The running score across rematches, from one player's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Score {
    /// Games this player won.
    pub wins: u32,
    /// Games this player lost.
    pub losses: u32,
    /// Games that ended in a tie.
    pub ties: u32,
}

impl Score {
    /// Counts one more game with this outcome.
    pub fn record(&mut self, outcome: Outcome) {
        let slot = match outcome {
            Outcome::Win(_) => &mut self.wins,
            Outcome::Lose(_) => &mut self.losses,
            Outcome::Tie => &mut self.ties,
        };
        *slot = slot.saturating_add(1);
    }

    /// The same score as the opponent sees it.
    pub fn opposite(self) -> Score {
        Score {
            wins: self.losses,
            losses: self.wins,
            ties: self.ties,
        }
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.wins, self.losses, self.ties)
    }
}
