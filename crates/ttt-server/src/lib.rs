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
//! # The house words
//!
//! A few names recur everywhere; each means one thing:
//!
//! - **Say** (`ttt_rules::Say`): what the table says to one seat (a game
//!   starts, a board, a result, the rematch offer, leave the table);
//! - **Sight** (`tell::Sight`): the table as a watcher sees it, by marks,
//!   made by the lobby from what the table says; the table never knows;
//! - **Tell** (`tell::Tell`): everything the server tells one connection,
//!   as data (a `Say`, a `Sight`, a refusal, a place in line, a goodbye);
//!   how it is spelled is an encoder's business;
//! - **Refused**, **Closing**, **Cut**, **Broken**: why a line was refused
//!   (the connection stays); why the server closes a connection (the last
//!   thing it is told); which conduct rule cut it off; how its bytes broke
//!   the framing;
//! - **Gone**, **Farewell** (`ttt_rules`): how a seat went without
//!   quitting (disconnected, cut off); why a seat leaves the table (told to
//!   that seat);
//! - **Who** (`who`), **Dialect** (`speech`): who is on the other end, as
//!   the handshake settled it (unsettled, a program speaking a protocol
//!   version, or a person): the one type the lobby's rules and the
//!   encoders read; how that connection is spoken to;
//! - **Out** (`lobby::Out`): an order from the lobby to the driver (send
//!   this, speak so, close, drop, evict): the lobby never touches a socket;
//! - **Machine**, **Crowd**, **Arrivals** (`machine`): an IPv4 address or
//!   an IPv6 /64, as every cap counts them; connections grouped by machine,
//!   with the one rule for making room; how often each machine connected
//!   lately;
//! - **Noise**, **share** (`policy`, `net::connection`): bytes that made no
//!   line, charged to a connection's conduct; what one connection may read
//!   in one turn of the loop;
//! - **Bites** (`net::pressure`): the limits that bit in a turn, told to the
//!   operator once per burst.
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
mod who;
mod wire;

pub use announce::{announce, host_name};
pub use config::{Args, DEFAULT_PORT, Settings, init_logging};
pub use hint::{bind_error, join_hint};
pub use lobby::{
    CODE_TRIES, MAX_PENDING, MAX_PENDING_PER_MACHINE, MAX_QUEUE, MAX_QUEUED_PER_MACHINE, Status,
    TRIES_KEPT, TRIES_PER_MACHINE, TRIES_WINDOW,
};
pub use machine::Machine;
pub use net::connection::{LINGER, MAX_OUTBOX, READ_PER_TURN};
pub use net::descriptors::{OpenFiles, RESERVED as RESERVED_FDS, raise_open_files_limit};
pub use net::driver::{MAX_LINGERING, MAX_LINGERING_PER_MACHINE, Server, Stop};
pub use net::listener::{LISTEN_BACKLOG, listen};
pub use net::websocket::CONTROLS_PER_TURN;
pub use policy::{Cut, MAX_BLANK_LINES, MAX_STRIKES, NOISE_BURST, NOISE_PER_SECOND};
pub use tell::{Broken, Closing, Refused, Tell};
pub use wire::Wire;
