//! What the server tells a connection, as plain data: the one vocabulary.
//!
//! The table says what happened in a game ([`Say`]); the lobby adds what
//! happens around it: the greeting, the place in line, refusals, why a
//! connection is closed, a person's questions. Together that is a [`Tell`].
//! It depends on nothing but the protocol's and the rules' types, and says
//! nothing about spelling: the encoders (`wire.rs` for protocol lines of
//! versions 1 and 2, `prose.rs` for a person) each turn a `Tell` into what
//! is written, and only the driver picks an encoder (`speech.rs`).

use std::time::Duration;

use ttt_protocol::{Board, Cell, Code, Feature, Mark, Name, ParseError, Place, Token, Verdict};
use ttt_rules::{Refusal, Say};

use crate::machine::Machine;
use crate::policy::Cut;

/// Something to tell one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tell {
    /// The greeting, before the handshake.
    Welcome,
    /// The handshake is accepted (version 2 and people): you are `name`.
    Hello {
        /// The name shown to others (made distinct if it was taken).
        name: Name,
        /// The name asked for, if it was changed.
        asked: Option<Name>,
        /// The optional parts of version 2 granted.
        features: Vec<Feature>,
    },
    /// You wait for the table, at this place in line.
    Wait {
        /// Where you stand.
        place: Place,
        /// You may ask to play the computer instead.
        computer: bool,
    },
    /// What the table says.
    Say(Say),
    /// Told to the players at the table (feature `stay`, and people) when
    /// the number waiting for it changes: with anyone waiting, no rematch.
    Line {
        /// How many are waiting.
        waiting: u32,
        /// The first in line.
        next: Option<Name>,
    },
    /// (Feature `stay`, and people.) You made way for the next in line:
    /// join the back of the line? No answer within `limit` is no.
    Rejoin {
        /// The time to answer; `None`: no limit.
        limit: Option<Duration>,
    },
    /// Your last message was refused; nothing changed.
    Refused(Refused),
    /// A person asked what they can type now.
    Help,
    /// A person typed `q` during a game: asked before the forfeit.
    ConfirmLeave {
        /// Who would win by it.
        opponent: Name,
    },
    /// A person answered no to leaving, or went on playing.
    PlayingOn,
    /// (Feature `resume`, and people.) How to come back if the connection
    /// drops: the seat or place is held for `grace`.
    Comeback {
        /// A token (programs) or a code (people).
        secret: Secret,
        /// How long a dropped connection is waited for.
        grace: Duration,
    },
    /// (Features `resume` and `watch`, and people.) A player's connection
    /// dropped; their seat is held for `left`, their clock runs on.
    Away {
        /// Who.
        name: Name,
        /// Time they have to come back.
        left: Duration,
    },
    /// (Features `resume` and `watch`, and people.) They came back.
    Back {
        /// Who.
        name: Name,
    },
    /// (Feature `watch`, and people.) What happens at the table, for
    /// someone watching it.
    Sight(Sight),
    /// A person stopped watching.
    Unwatched,
    /// A person came back to their seat or place (a program is told
    /// `HELLO` again instead).
    Resumed,
    /// The last thing before the server closes the connection.
    Closing(Closing),
}

/// A way back to a held seat or place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Secret {
    /// A program's: 128 bits.
    Token(Token),
    /// A person's: six characters to type after the name.
    Code {
        /// The name to type it with.
        name: Name,
        /// The code.
        code: Code,
    },
}

/// The table, as someone watching it sees it: by the marks, not from a
/// seat's side. Made by the lobby from what the table says to its seats;
/// the table does not know anyone watches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sight {
    /// The game at the table (`None`: no game now).
    Table(Option<Players>),
    /// The board, and who moves next.
    Board {
        /// The board.
        board: Board,
        /// Who moves next; `None` when the game is over.
        turn: Option<Mark>,
        /// The move just played.
        last: Option<Cell>,
        /// The mover's time for this turn.
        left: Option<Duration>,
    },
    /// A clock warning: the mover has `left`.
    Clock {
        /// Time left.
        left: Duration,
        /// Whose clock.
        mover: Mark,
    },
    /// How the game ended.
    Ended(Verdict),
    /// The running score, by the marks of the game just played.
    Tally {
        /// Games won by the player with X.
        x: u32,
        /// Games won by the player with O.
        o: u32,
        /// Ties.
        ties: u32,
    },
    /// How many wait for the table, and who is next.
    Line {
        /// How many.
        waiting: u32,
        /// The first.
        next: Option<Name>,
    },
}

/// Who plays whom at a watched table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Players {
    /// Who plays X.
    pub x: Name,
    /// Who plays O.
    pub o: Name,
    /// The time each move may take.
    pub limit: Option<Duration>,
}

/// Why a message was refused (a non-fatal `ERR`; nothing changes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Anything but `HELLO` or `QUIT` before `HELLO`.
    NotGreeted,
    /// A second `HELLO`.
    AlreadyGreeted,
    /// A game message while waiting to play.
    NotStarted {
        /// Players ahead in the queue.
        ahead: usize,
        /// A game is being played meanwhile.
        table_busy: bool,
    },
    /// A line that is not a message.
    Parse(ParseError),
    /// The table refused it.
    Table(Refusal),
    /// `COMPUTER` on a server without a computer opponent.
    NoComputer,
    /// A name the server keeps for its computer opponent, or one that
    /// looks like it.
    ReservedName(Name),
    /// A name whose letters are of two scripts, or look-alike forms of
    /// letters (`аnn` with a Cyrillic `а`, fullwidth letters).
    MixedScripts(Name),
    /// An answer (`YES`, `NO`) when nothing is asked.
    NothingAsked,
    /// A line from a connection that has not said hello, that is no
    /// message: a person's, by the look of it (it has lower-case letters).
    /// Told how to start, in a sentence.
    Typed,
    /// `RESUME` (or a person's code) that holds nothing: wrong, used, or
    /// its time is up.
    NoSuchSeat,
    /// Too many tries to come back from this machine (or in all) lately.
    TooManyTries,
    /// `WATCH` when as many watch as may.
    WatchFull {
        /// How many may.
        cap: usize,
    },
    /// `WATCH ONLY` while seated at the table.
    WatchSeated,
    /// A game message from a connection that only watches.
    OnlyWatching,
}

/// Why the server closes a connection: the last thing it is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closing {
    /// `HELLO` with a protocol version the server does not speak.
    NoProto {
        /// The client's version, as it wrote it.
        client: String,
    },
    /// No `HELLO` within the handshake timeout.
    TimedOut {
        /// The timeout.
        limit: Duration,
    },
    /// No `HELLO` yet, and a newer connection needed the slot (see
    /// `lobby::MAX_PENDING`): this was the oldest from the machine that
    /// holds the most.
    Evicted {
        /// The machine it came from.
        from: Machine,
        /// How many connections that machine had waiting to say hello.
        theirs: usize,
        /// How many were waiting from all machines, when the server's cap
        /// was reached; `None` when it was the machine's own cap.
        pending: Option<usize>,
    },
    /// A line that broke the framing.
    Broken(Broken),
    /// Cut off by the connection policy.
    Abuse(Cut),
    /// The queue of players has no room.
    QueueFull {
        /// Players waiting.
        waiting: usize,
    },
    /// Too many players from one machine are already waiting.
    MachineQueueFull {
        /// The machine.
        from: Machine,
        /// Its players waiting.
        waiting: usize,
    },
    /// The player left (`QUIT` while not at the table).
    Goodbye,
    /// The player answered no to joining the line again (or did not
    /// answer in time: `late`).
    NoRejoin {
        /// The answer did not come in time.
        late: bool,
    },
    /// The server is stopping.
    ShuttingDown,
}

/// Why a line could not be read: the connection is closed after its `ERR`.
/// The connection's reader finds it; the lobby tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Broken {
    /// Longer than the maximum.
    TooLong,
    /// Not UTF-8.
    Utf8,
}
