//! `ttt-client`: the console client. It shows what the server says and sends
//! what the player does; it never decides a game.
//!
//! The map, from the network to the screen:
//!
//! - [`config`]: flags and environment (`HOST`, `PORT`, `--name`, `--plain`);
//! - [`connect`]: opening the connection, with errors a person can act on;
//! - [`find`]: choosing among the servers found on the LAN (`--find`);
//! - [`input`]: the player's input as plain values: what arrives (a line, a
//!   key, a resize) and what it means ([`input::Act`]: a cell, yes, leave),
//!   however typed;
//! - [`events`]: a thread reading the server and one reading stdin, both
//!   feeding one channel ([`keys`] reads the keyboard of the board); both
//!   make [`input`] values and never the other way, so no module cycle;
//! - [`session`]: the session as a state machine with time passed in: one
//!   phase, the game it was told, what to send and what to show ([`view`])
//!   for each event. Pure: no socket, no terminal, no text;
//! - [`reconnect`]: coming back after a lost connection, as a machine
//!   with time passed in: when to try again, when to give up;
//! - [`script`]: a piped script answering the session's questions in order;
//! - [`sessions`]: one session per connection, again in version 1 for an
//!   older server and again with the token after a lost connection;
//! - [`play`]: the loop feeding the session events and ticks, sending what
//!   it asks and handing what changed to a front end;
//! - [`front`]: the two front ends, and which one a player gets:
//!   [`screen`] (the full-screen board, laid out in [`layout`]) and
//!   [`plain`] (the transcript); [`prompts`] holds their questions and
//!   key hints, `ttt_protocol::words` every other sentence.

pub mod config;
pub mod connect;
pub mod events;
pub mod find;
pub mod front;
pub mod input;
pub mod keys;
pub mod layout;
pub mod plain;
pub mod play;
pub mod prompts;
pub mod reconnect;
pub mod screen;
pub mod script;
pub mod session;
pub mod sessions;
pub mod view;
