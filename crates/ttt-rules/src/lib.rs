//! The rules of `ttt` as pure state machines, with no I/O and no wire text.
//!
//! The map:
//!
//! - [`game`]: one game: whose turn it is, which moves are legal, who won;
//! - [`table`]: two seats playing games and rematches: the turn clock,
//!   results, scores, and who leaves when others are waiting for the table;
//! - [`engine`]: the computer opponent, at three levels, seeded.
//!
//! Time is always passed in (`now`), never read: tests drive it by hand, and
//! the server's driver passes the real clock. Outcomes are decided here and
//! only here; `ttt-client` does not depend on this crate, so it cannot
//! decide a game even by accident.

pub mod engine;
pub mod game;
pub mod table;

pub use engine::Engine;
pub use game::{Game, MoveError, Progress};
pub use table::{
    CLOCK_WARNINGS, Event, Farewell, Gone, Phase, Refusal, Said, Say, Seat, Table, TableSettings,
};
