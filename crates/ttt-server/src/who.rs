//! Who is on the other end of a connection: the one type the lobby's rules
//! and the connection's dialect both read, settled once by the handshake.
//!
//! Before a `HELLO` (or a person's `play <name>`) a connection is
//! [`Who::Unsettled`]; then it is a program speaking a protocol version
//! with the features it was granted ([`Wire`]), or a person in `nc` or
//! telnet. The lobby decides it and tells the driver (`Out::Speak`); the
//! rules below are the lobby's, the spelling ([`crate::speech::Dialect`])
//! the encoders'.

use crate::wire::Wire;

/// Who a connection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// Not said hello yet.
    Unsettled,
    /// A program, speaking this protocol version with these features.
    Program(Wire),
    /// A person, who said `play <name>`.
    Person,
}

impl Who {
    /// Kept in the game rather than sent away (feature `stay`, people).
    pub fn stays(self) -> bool {
        match self {
            Who::Program(wire) => wire.stay,
            Who::Person => true,
            Who::Unsettled => false,
        }
    }

    /// May watch the table (feature `watch`, and people).
    pub fn may_watch(self) -> bool {
        match self {
            Who::Program(wire) => wire.watch,
            Who::Person => true,
            Who::Unsettled => false,
        }
    }

    /// Is given a way back (feature `resume`, and people).
    pub fn may_resume(self) -> bool {
        match self {
            Who::Program(wire) => wire.resume,
            Who::Person => true,
            Who::Unsettled => false,
        }
    }

    /// Told every new place in line. Version 1 has only a bare `WAIT`,
    /// said once each time a player starts waiting.
    pub fn follows_the_line(self) -> bool {
        match self {
            Who::Program(wire) => wire.version.has_v2(),
            Who::Person => true,
            Who::Unsettled => false,
        }
    }
}
