//! Sockets and bytes, and no game: the lesson's answer in code.
//!
//! - [`driver`]: the one thread that waits in `poll` for whichever socket is
//!   ready (or the next deadline), accepts, reads within each connection's
//!   fair share, hands lines to the lobby and carries out what it says;
//! - [`connection`]: one client's socket, the only code touching its bytes:
//!   lines (or a WebSocket's text messages), a bounded outbox, a lingering
//!   close;
//! - [`socket`]: the socket as the readers see it: read within a turn's
//!   share and counted, written without waiting;
//! - [`websocket`]: a browser's connection: its HTTP request, then frames,
//!   pings and its liveness, in one `Phase`;
//! - [`web`]: what an HTTP request on the web port gets (the page, an
//!   upgrade, a refusal), decided from its bytes alone;
//! - [`listener`]: the listening socket, its backlog and the options its
//!   connections inherit;
//! - [`descriptors`] and [`pressure`]: the open-files budget, and floods
//!   told once.
//!
//! Nothing here knows what a move is: the lobby (`crate::lobby`) decides
//! who is where, the table (`ttt_rules`) decides the games.

pub mod connection;
pub mod descriptors;
pub mod driver;
pub mod listener;
pub mod pressure;
pub mod socket;
pub mod web;
pub mod websocket;
