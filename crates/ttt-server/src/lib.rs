//! `ttt-server`: a blocking tic-tac-toe server that runs one game at a time
//! and is the only judge of every game.
//!
//! The map, in the order a connection meets it:
//!
//! - [`lobby`]: the accept loop. Accepts a connection, greets it
//!   (`WELCOME`, then waits for `HELLO`), seats two players, hands them to a
//!   table, and accepts again when the table is done;
//! - [`connection`]: one player's socket. The only code that reads or writes
//!   bytes; turns lines into [`connection::Incoming`] events;
//! - [`player`]: a seated player, with a reader thread feeding the table's
//!   channel (why threads: see the module docs);
//! - [`doorbell`]: how a waiting player who leaves wakes the lobby out of
//!   `accept`;
//! - [`table`]: games and rematches between two players, the turn clock,
//!   results and scores;
//! - [`game`]: the rules, pure: legal moves, wins, ties;
//! - [`strikes`]: refused messages in a row, and cutting off abusers;
//! - [`config`] and [`addresses`]: settings, and the start-up hint telling
//!   the host which address to give the other player;
//! - [`shutdown`]: `BYE` to every player when the server is stopped.
//!
//! The wire format is `ttt-protocol`'s; see `docs/PROTOCOL.md`.

pub mod addresses;
pub mod config;
pub mod connection;
pub mod doorbell;
pub mod game;
pub mod lobby;
pub mod player;
pub mod shutdown;
pub mod strikes;
pub mod table;
