//! The `ttt` wire protocol: messages, board types and line framing.
//!
//! This crate is pure: it parses and encodes, it never opens a socket. The map:
//!
//! - [`board`]: [`Mark`], [`Cell`] (always 1..=9), [`Board`], [`Line`] (one of
//!   the eight rows, columns and diagonals);
//! - [`outcome`]: [`Outcome`] (how a game ended, as one player sees it) and
//!   the running [`Score`];
//! - [`text`]: validated player [`Name`]s and free [`Text`];
//! - [`secret`]: a [`Token`] or a person's [`Code`] to come back with;
//! - [`version`]: the protocol [`Version`]s spoken, and any
//!   [`VersionNumber`] a peer may write;
//! - [`message`]: [`ClientMsg`] and [`ServerMsg`], each encoded with `Display`
//!   and parsed with `FromStr` into a [`ParseError`];
//! - [`words`]: every sentence a person reads about a game, written once
//!   for the console client and the server's front end for `nc`;
//! - [`typed`]: what a person types ([`typed::Typed`]), in the one grammar
//!   the console client and the server's front end for `nc` both read;
//! - [`framing`]: [`LineReader`], which reads one line of at most
//!   [`MAX_LINE_LEN`] bytes from any [`std::io::Read`], and
//!   [`write_message`], which writes one message as one write.
//!
//! Deciding who won is not here: it belongs to the server alone.
//!
//! ```
//! use ttt_protocol::{ClientMsg, LineReader, ServerMsg, write_message};
//!
//! // What a client sends...
//! let mut wire = Vec::new();
//! let hello = ClientMsg::Hello {
//!     version: ttt_protocol::Version::V1.into(),
//!     name: "ann".parse().unwrap(),
//!     features: vec![],
//! };
//! write_message(&mut wire, &hello).unwrap();
//! assert_eq!(wire, b"HELLO 1 ann\n");
//!
//! // ...and how it reads the server's reply.
//! let mut reader = LineReader::new(&b"START X bob\n"[..]);
//! let line = reader.read_line().unwrap().unwrap();
//! let msg: ServerMsg = line.parse().unwrap();
//! assert!(matches!(msg, ServerMsg::Start { .. }));
//! ```

pub mod board;
pub mod error;
pub mod framing;
pub mod message;
pub mod outcome;
pub mod secret;
pub mod text;
pub mod typed;
pub mod version;
pub mod words;

pub use board::{Board, Cell, Line, Mark, Occupied};
pub use error::ParseError;
pub use framing::{FrameError, LineReader, MAX_LINE_LEN, write_message};
pub use message::{
    BoardV2, ClientMsg, Departure, ErrorCode, Feature, Level, Limit, Place, ServerMsg, Verdict,
    WatchMode, Watched,
};
pub use outcome::{Ending, Forfeit, Outcome, Score};
pub use secret::{Code, Token};
pub use text::{Name, Text};
pub use version::{Version, VersionNumber};
