//! How each connection is spoken to.
//!
//! The lobby and the table decide *what* to tell a connection, as plain
//! data ([`Tell`]). The connection's [`Dialect`], settled by its handshake,
//! decides how that is spelled: protocol lines of version 1 or 2
//! ([`crate::wording`]), or sentences and a drawn grid for a person typing
//! into `nc` ([`crate::prose`]). So the three kinds of seat see the same
//! game, and adding a dialect changes nothing upstream.

use std::fmt;

use ttt_protocol::{Feature, Name, Place, ServerMsg};
use ttt_rules::Say;

use crate::prose::Prose;
use crate::wording::{self, Closing, Refused};

/// Something to tell one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tell<'a> {
    /// The greeting, before the handshake.
    Welcome,
    /// The handshake is accepted: you are `name` (version 2 and people).
    Hello {
        /// The name shown to others (made distinct if it was taken).
        name: &'a Name,
        /// The optional parts of version 2 granted.
        features: &'a [Feature],
    },
    /// You wait for the table, at this place in line.
    Wait {
        /// Where you stand.
        place: Place,
        /// You may ask to play the computer instead.
        computer: bool,
    },
    /// What the table says.
    Say(&'a Say),
    /// Your last message was refused; nothing changed.
    Refused(&'a Refused),
    /// The last thing before the server closes the connection.
    Closing(&'a Closing),
}

/// What to write on one connection: a protocol line, or a person's lines.
/// A protocol message stays a message until the connection writes it into
/// its outbox, so a move costs no text built in between.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Speech {
    /// One protocol line (written with `\n`).
    Line(ServerMsg),
    /// Lines for a person, each ending in `\r\n`.
    Text(String),
}

impl fmt::Display for Speech {
    /// The text as written, without the last line ending.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Speech::Line(msg) => write!(f, "{msg}"),
            Speech::Text(text) => f.write_str(text.strip_suffix("\r\n").unwrap_or(text)),
        }
    }
}

/// How a connection is spoken to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialect {
    /// Protocol lines of this version (1 until the handshake says more).
    Wire(u32),
    /// Sentences and a grid for a person, who said `PLAY <name>`.
    Person(Box<Prose>),
}

impl Dialect {
    /// What to write for `tell`, or `None` when this dialect has nothing
    /// to say about it (version 1 has no word for the opponent's clock, for
    /// one).
    pub fn speak(&mut self, tell: &Tell<'_>) -> Option<Speech> {
        match self {
            Dialect::Wire(version) => wording::wire(tell, *version).map(Speech::Line),
            Dialect::Person(prose) => {
                let lines = prose.speak(tell);
                (!lines.is_empty()).then(|| {
                    Speech::Text(
                        lines
                            .iter()
                            .map(|line| format!("{line}\r\n"))
                            .collect::<String>(),
                    )
                })
            }
        }
    }

    /// Whether a new place in line is worth telling again. Version 1 has
    /// only a bare `WAIT`, said once each time a player starts waiting.
    pub fn follows_the_line(&self) -> bool {
        !matches!(self, Dialect::Wire(1))
    }
}
