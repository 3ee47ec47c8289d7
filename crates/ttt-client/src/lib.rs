//! `ttt-client`: the console client. It shows what the server says and sends
//! what the player types; it never decides a game.
//!
//! The map:
//!
//! - [`config`]: flags and environment (`HOST`, `PORT`, `--name`);
//! - [`connect`]: opening the connection, with errors a person can act on;
//! - [`find`]: choosing among the servers found on the LAN (`--find`);
//! - [`events`]: one thread reading the server and one reading stdin, both
//!   feeding one channel;
//! - [`session`]: the session as a state machine with time passed in: one
//!   phase, the board and score it was told, what to show and send for each
//!   event; pure, over any writer;
//! - [`play`]: the loop feeding it those events and ticks, and sending what
//!   it asks;
//! - [`render`]: boards, results and scores as text, pure.

pub mod config;
pub mod connect;
pub mod events;
pub mod find;
pub mod play;
pub mod render;
pub mod session;
