//! `ttt-server`: a tic-tac-toe server that runs one game at a time and is
//! the only judge of every game.
//!
//! The map, in the order a connection meets it:
//!
//! - `net`: sockets and bytes, no game. `net::driver`: one thread that
//!   waits for whichever socket is ready (or the next deadline), accepts,
//!   reads lines within each connection's fair share, writes replies:
//!   [`Server`]; `net::connection`: one client's socket, the only code
//!   touching its bytes: a bounded line reader, a bounded outbox, a
//!   lingering close; `net::web`, `net::listener`, `net::descriptors`,
//!   `net::pressure`: the web port's requests, the listening socket, the
//!   open-files budget, floods told once;
//! - `lobby`: every connection's life as a state machine with time passed
//!   in: greeting (concurrent, capped), the queue, pairing, winner stays
//!   on; it owns the table ([`ttt_rules::Table`]), which decides the games;
//! - `computer`: the computer opponent in its seat, hearing the table and
//!   answering after a pause (its moves are `ttt_rules::Engine`'s);
//! - `policy`: how much a connection may get wrong before it is cut off,
//!   one policy from accept to close (refusals, blank lines, and noise:
//!   bytes that make no line);
//! - `names`: what a name looks like: look-alikes are one name, nobody
//!   passes for the computer, letters of one script;
//! - `tell`: what to tell a connection, as plain data (the one
//!   vocabulary); `wire` spells it as protocol lines (versions 1 and 2,
//!   where version 1 never sees a field of version 2), `prose` as sentences
//!   and a grid for a person who typed `play <name>` into `nc`; `speech`
//!   picks between them for each connection (only the driver uses it);
//! - `config`: settings from flags and the environment, and logging;
//! - `hint`: the start-up lines telling the host which addresses and
//!   commands to give the other players (and the page's, with a QR code);
//! - `announce`: the lobby's status announced on the LAN (`--announce`).
//!
//! The rules themselves are in `ttt-rules`; the wire format is
//! `ttt-protocol`'s, specified in `docs/PROTOCOL.md`.

mod announce;
mod computer;
mod config;
mod hint;
mod lobby;
mod machine;
mod names;
mod net;
mod policy;
mod prose;
mod speech;
mod tell;
mod wire;

pub use announce::{announce, host_name};
pub use config::{Args, DEFAULT_PORT, Settings, init_logging};
pub use hint::{bind_error, join_hint};
pub use lobby::{MAX_PENDING, MAX_PENDING_PER_ADDR, MAX_QUEUE, MAX_QUEUED_PER_ADDR, Status};
pub use machine::Machine;
pub use net::connection::{CONTROLS_PER_TURN, LINGER, MAX_OUTBOX, READ_PER_TURN};
pub use net::descriptors::{OpenFiles, RESERVED as RESERVED_FDS, raise_open_files_limit};
pub use net::driver::{MAX_LINGERING, MAX_LINGERING_PER_MACHINE, Server, Stop};
pub use net::listener::{LISTEN_BACKLOG, listen};
pub use policy::{Cut, MAX_BLANK_LINES, MAX_STRIKES, NOISE_BURST, NOISE_PER_SECOND};
pub use tell::{Broken, Closing, Refused, Tell};
pub use wire::Wire;
