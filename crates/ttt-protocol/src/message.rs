//! Every message of the protocol, in both directions.
//!
//! A message is one line of text: a keyword, then fields separated by spaces.
//! `Display` writes the canonical form (without the line ending); `FromStr`
//! parses a line (without its line ending). Parsing is lenient where a person
//! typing into `nc` benefits (keywords in any case, extra spaces, a bare cell
//! number for `MOVE`) and strict everywhere else. The grammar is specified in
//! `docs/PROTOCOL.md`.

use std::fmt;
use std::str::FromStr;

use crate::board::{Board, Cell, Line, Mark};
use crate::error::{ParseError, excerpt};
use crate::outcome::{Ending, Forfeit, Outcome, Score};
use crate::secret::{Code, Token};
use crate::text::{Name, Text};
use crate::version::{Version, VersionNumber};

/// A word naming an optional part of protocol 2, asked for in the client's
/// `HELLO` and granted in the server's. Later additions join version 2 as
/// new features: a server grants only the features it knows, and sends
/// their messages only to clients that asked, so neither side ever sees a
/// line it cannot parse. 1 to 24 of `a-z`, `0-9` and `-`; in a `HELLO`, a
/// word outside that grammar is not a feature and is skipped, as an
/// unknown feature is not granted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Feature(String);

impl Feature {
    /// The feature's word.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `computer`: the server has a computer opponent, asked for with
    /// `COMPUTER [<level>]`.
    pub fn computer() -> Feature {
        Feature("computer".to_owned())
    }

    /// `stay`: a player whose game ends for a reason not their own (the
    /// opponent declined or left, or others are waiting) is not sent away:
    /// `LEFT`, `REJOIN` and `LINE` (see `docs/PROTOCOL.md`).
    pub fn stay() -> Feature {
        Feature("stay".to_owned())
    }

    /// `watch`: the table can be watched, with `WATCH`, from the line or
    /// without playing (see `docs/PROTOCOL.md`).
    pub fn watch() -> Feature {
        Feature("watch".to_owned())
    }

    /// `resume`: a player whose connection drops keeps the seat or the
    /// place in line for a grace period, and comes back with `RESUME` and
    /// the token the server gave (see `docs/PROTOCOL.md`).
    pub fn resume() -> Feature {
        Feature("resume".to_owned())
    }
}

/// What `WATCH` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchMode {
    /// `WATCH`: watch the table, keeping your place in line.
    On,
    /// `WATCH OFF`: stop watching.
    Off,
    /// `WATCH ONLY`: leave the line (if in it) and only watch.
    Only,
}

/// The game at the table, for a watcher (`WATCHING <x> <o> <limit>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watched {
    /// Who plays X.
    pub x: Name,
    /// Who plays O.
    pub o: Name,
    /// The time each move may take.
    pub limit: Limit,
}

/// How a watched game ended (`ENDED`): who won, by the marks, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// `ENDED <mark> <ending>`: `mark` won; a forfeit names the loser's
    /// reason (`ENDED O FORFEIT QUIT`: X quit).
    Won(Mark, Ending),
    /// `ENDED TIE`.
    Tie,
}

/// How well the computer opponent plays: `easy` (any legal move),
/// `fair` (wins and blocks when it sees one, else any move: beatable),
/// `perfect` (never loses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Level {
    /// A legal move, at random.
    Easy,
    /// Takes a win, blocks a threat, else random.
    #[default]
    Fair,
    /// Never loses.
    Perfect,
}

impl Level {
    /// Every level, easiest first.
    pub const ALL: [Level; 3] = [Level::Easy, Level::Fair, Level::Perfect];

    /// The level's word on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Easy => "easy",
            Level::Fair => "fair",
            Level::Perfect => "perfect",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = ParseError;

    fn from_str(word: &str) -> Result<Level, ParseError> {
        Level::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(word))
            .ok_or_else(|| ParseError::InvalidWord {
                field: "level (easy, fair or perfect)",
                value: excerpt(word),
            })
    }
}

impl fmt::Display for Feature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Feature {
    type Err = ParseError;

    fn from_str(word: &str) -> Result<Feature, ParseError> {
        let valid = (1..=24).contains(&word.len())
            && word
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if valid {
            Ok(Feature(word.to_owned()))
        } else {
            Err(ParseError::InvalidWord {
                field: "feature",
                value: excerpt(word),
            })
        }
    }
}

/// A time limit in whole seconds, or none: `-` on the wire (a server run
/// with `--turn-timeout 0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Limit(pub Option<u32>);

impl Limit {
    /// A limit from a duration, rounded up, so that a limit with any time
    /// left never reads as 0.
    pub fn from_duration(duration: Option<std::time::Duration>) -> Limit {
        Limit(duration.map(|d| {
            let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
            u32::try_from(secs).unwrap_or(u32::MAX)
        }))
    }

    /// The seconds, if there is a limit.
    pub fn seconds(self) -> Option<u32> {
        self.0
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(secs) => write!(f, "{secs}"),
            None => f.write_str("-"),
        }
    }
}

/// Where a waiting player stands (version 2's `WAIT <place> <table>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// Place in line, from 1: the first plays next.
    pub place: u32,
    /// Whether a game is being played meanwhile (`GAME`), or the table is
    /// free and the line waits for an opponent to connect (`OPEN`).
    pub game_on: bool,
}

/// What version 2 adds to `BOARD`: `<last> <left>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoardV2 {
    /// The cell of the move just played; `None` (`-`) on a fresh board.
    pub last: Option<Cell>,
    /// The mover's time for this turn, as it starts now; `-` when there is
    /// no clock or the game is over.
    pub left: Limit,
}

/// A message from a client to the server.
///
/// ```
/// use ttt_protocol::{Cell, ClientMsg};
/// let msg: ClientMsg = "move 5".parse().unwrap();
/// assert_eq!(msg, ClientMsg::Move(Cell::new(5).unwrap()));
/// assert_eq!(msg.to_string(), "MOVE 5");
/// // A bare number is a move too, for people typing into nc.
/// assert_eq!("5".parse::<ClientMsg>().unwrap(), msg);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientMsg {
    /// `HELLO <version> <name> [<feature>...]`: the handshake, the first
    /// thing a program sends. Features are version 2 only.
    Hello {
        /// The protocol version the client speaks: any number.
        version: VersionNumber,
        /// The name shown to the opponent.
        name: Name,
        /// Optional parts of version 2 the client asks for.
        features: Vec<Feature>,
    },
    /// `PLAY <name> [<code>]`: the handshake for a person typing into `nc`
    /// or telnet. The server answers in sentences and a drawn grid instead
    /// of protocol lines, and accepts the same moves and answers. With the
    /// code the server showed, a person whose connection dropped comes back
    /// to their seat or place.
    Play {
        /// The name.
        name: Name,
        /// The code to come back with.
        code: Option<Code>,
    },
    /// `MOVE <cell>`: put my mark on this cell.
    Move(Cell),
    /// `YES` or `NO`: the answer to a `REMATCH` offer.
    Rematch(bool),
    /// `QUIT`: leave now. Forfeits a running game; cancels waiting.
    Quit,
    /// `COMPUTER [<level>]` (version 2, feature `computer`; people type
    /// it too): while waiting, play the server's computer opponent instead
    /// of waiting for a person. The level defaults to `fair`.
    Computer(Option<Level>),
    /// `WATCH [OFF|ONLY]` (feature `watch`): watch the table.
    Watch(WatchMode),
    /// `RESUME <token>` (feature `resume`), instead of `HELLO` on a new
    /// connection: come back to the seat or place the token was given for.
    Resume(Token),
}

/// A message from the server to a client.
///
/// ```
/// use ttt_protocol::{Board, Mark, ServerMsg};
/// let msg: ServerMsg = "BOARD X...O.... X".parse().unwrap();
/// assert_eq!(
///     msg,
///     ServerMsg::Board { board: "X...O....".parse().unwrap(), turn: Some(Mark::X), v2: None }
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerMsg {
    /// `WELCOME <version> <text>`: sent as soon as a connection is accepted.
    Welcome {
        /// The protocol version the server announces (1 from every server
        /// of today; a client must take any number).
        version: VersionNumber,
        /// A hint for people, e.g. how to say hello.
        text: Text,
    },
    /// `HELLO <version> <name> [<feature>...]` (version 2): the server
    /// speaks `version` with you, shows you as `name` (a name already taken
    /// gets a suffix, `ann-2`), and grants these features.
    Hello {
        /// The protocol version agreed.
        version: Version,
        /// Your name, as the server shows it.
        name: Name,
        /// The optional parts granted.
        features: Vec<Feature>,
    },
    /// `WAIT` (version 2: `WAIT <place> GAME|OPEN`): you are in; waiting
    /// for an opponent to connect, or for the game being played to end.
    /// Version 2 sends it again whenever your place changes.
    Wait(Option<Place>),
    /// `START <mark> <opponent>` (version 2: `... <turn-limit>`): a game
    /// begins; you play `mark`.
    Start {
        /// Your mark for this game.
        mark: Mark,
        /// The opponent's name.
        opponent: Name,
        /// Version 2: the time each move may take.
        limit: Option<Limit>,
    },
    /// `BOARD <cells> <turn>` (version 2: `... <last> <left>`): the board,
    /// sent at the start and after every move; `turn` is whose move it is,
    /// `-` once the game is over.
    Board {
        /// The board.
        board: Board,
        /// Who moves next; `None` when the game has ended.
        turn: Option<Mark>,
        /// Version 2: the last move and the mover's time.
        v2: Option<BoardV2>,
    },
    /// `CLOCK <seconds>`: your turn clock has this many seconds left.
    /// Version 2 (`CLOCK <seconds> <mark>`) tells both players, naming the
    /// mover.
    Clock {
        /// Seconds left before the mover forfeits by timeout.
        seconds: u32,
        /// Version 2: whose clock it is.
        mover: Option<Mark>,
    },
    /// `RESULT <outcome>`: the game is over; this is how it ended for you.
    Result(Outcome),
    /// `SCORE <wins> <losses> <ties>`: the running score, from your side.
    Score(Score),
    /// `REMATCH` (version 2: `REMATCH <limit>`): play again, marks
    /// swapped? Answer `YES` or `NO`; no answer within the limit is `NO`.
    Rematch(Option<Limit>),
    /// `ERR <code> <text>`: your last message was refused, or the server is
    /// closing your connection ([`ErrorCode::is_fatal`]).
    Error {
        /// What kind of error; programs branch on this.
        code: ErrorCode,
        /// Details for people.
        text: Text,
    },
    /// `BYE <text>`: the server is closing this connection, and why.
    Bye(Text),
    /// `LEFT <name> <how>` (feature `stay`): your opponent left the table
    /// during the rematch offer; you are not sent away: `WAIT` follows.
    Left {
        /// Who left.
        name: Name,
        /// How.
        how: Departure,
    },
    /// `REJOIN <limit>` (feature `stay`): others are waiting, so you make
    /// way; join the back of the line? Answer `YES` or `NO`; no answer
    /// within the limit is `NO`.
    Rejoin(Limit),
    /// `LINE <waiting> [<next>]` (feature `stay`): told to the players at
    /// the table when the number waiting for it changes: with anyone
    /// waiting, there is no rematch (winner stays on).
    Line {
        /// How many are waiting.
        waiting: u32,
        /// The first in line, if anyone waits.
        next: Option<Name>,
    },
    /// `TOKEN <token> <grace>` (feature `resume`): if your connection
    /// drops, your seat or place is held for `grace` seconds: connect again
    /// and send `RESUME <token>`. A new token replaces the last.
    Token {
        /// The token.
        token: Token,
        /// Seconds a dropped connection is waited for.
        grace: u32,
    },
    /// `AWAY <name> <seconds>` (features `resume` and `watch`): a player's
    /// connection dropped; the seat is held this long. Their clock runs on.
    Away {
        /// Who.
        name: Name,
        /// Seconds they have to come back.
        seconds: u32,
    },
    /// `BACK <name>` (features `resume` and `watch`): they came back.
    Back(Name),
    /// `WATCHING <x> <o> <limit>` (feature `watch`): the game at the table
    /// you watch; `WATCHING -`: no game at the table now.
    Watching(Option<Watched>),
    /// `VIEW <cells> <turn> <last> <left>` (feature `watch`): the watched
    /// board, as `BOARD` tells it to the players.
    View {
        /// The board.
        board: Board,
        /// Who moves next; `None` when the game has ended.
        turn: Option<Mark>,
        /// The last move, and the mover's time.
        v2: BoardV2,
    },
    /// `ENDED <verdict>` (feature `watch`): how the watched game ended.
    Ended(Verdict),
    /// `TALLY <x> <o> <ties>` (feature `watch`): the running score at the
    /// table: games won by the player who has X now, by the one with O,
    /// and ties.
    Tally {
        /// Games won by the player with X.
        x: u32,
        /// Games won by the player with O.
        o: u32,
        /// Ties.
        ties: u32,
    },
}

/// How an opponent left the table during the rematch offer (`LEFT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Departure {
    /// Answered no (or quit at the offer).
    Declined,
    /// Their connection dropped.
    Disconnect,
    /// Did not answer in time.
    NoAnswer,
    /// Cut off for protocol errors.
    Abuse,
}

impl Departure {
    /// Every way of leaving.
    pub const ALL: [Departure; 4] = [
        Departure::Declined,
        Departure::Disconnect,
        Departure::NoAnswer,
        Departure::Abuse,
    ];

    /// The wire word.
    pub fn as_str(self) -> &'static str {
        match self {
            Departure::Declined => "DECLINED",
            Departure::Disconnect => "DISCONNECT",
            Departure::NoAnswer => "NOANSWER",
            Departure::Abuse => "ABUSE",
        }
    }
}

impl fmt::Display for Departure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Departure {
    type Err = ParseError;

    fn from_str(word: &str) -> Result<Departure, ParseError> {
        Departure::ALL
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(word))
            .ok_or_else(|| ParseError::InvalidWord {
                field: "way of leaving",
                value: excerpt(word),
            })
    }
}

/// The kind of an `ERR` reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// The line is not a message, or a field is malformed.
    Malformed,
    /// A cell number outside 1..=9.
    Range,
    /// The cell already holds a mark.
    Occupied,
    /// A move when it is the opponent's turn.
    Turn,
    /// A message that is valid but not now (a move before the game, a second
    /// `HELLO`, `YES` during a game).
    State,
    /// An invalid player name in `HELLO`.
    Name,
    /// `HELLO` with a protocol version the server does not speak. Fatal.
    NoProto,
    /// A line longer than the maximum. Fatal.
    TooLong,
    /// A line that is not valid UTF-8. Fatal.
    Utf8,
    /// No `HELLO` before the handshake timeout. Fatal.
    Timeout,
    /// Too many refused messages in a row. Fatal.
    Abuse,
    /// A `RESUME` token (or a person's code) that holds no seat or place:
    /// wrong, used already, or its time is up; or too many tries.
    Token,
    /// `WATCH` when as many watch as may.
    Full,
}

impl ErrorCode {
    /// Every error code.
    pub const ALL: [ErrorCode; 13] = [
        ErrorCode::Malformed,
        ErrorCode::Range,
        ErrorCode::Occupied,
        ErrorCode::Turn,
        ErrorCode::State,
        ErrorCode::Name,
        ErrorCode::NoProto,
        ErrorCode::TooLong,
        ErrorCode::Utf8,
        ErrorCode::Timeout,
        ErrorCode::Abuse,
        ErrorCode::Token,
        ErrorCode::Full,
    ];

    /// The wire keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Malformed => "MALFORMED",
            ErrorCode::Range => "RANGE",
            ErrorCode::Occupied => "OCCUPIED",
            ErrorCode::Turn => "TURN",
            ErrorCode::State => "STATE",
            ErrorCode::Name => "NAME",
            ErrorCode::NoProto => "NOPROTO",
            ErrorCode::TooLong => "TOOLONG",
            ErrorCode::Utf8 => "UTF8",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::Abuse => "ABUSE",
            ErrorCode::Token => "TOKEN",
            ErrorCode::Full => "FULL",
        }
    }

    /// Whether the server closes the connection right after this error.
    /// After any other error the connection and the game go on unchanged.
    pub fn is_fatal(self) -> bool {
        matches!(
            self,
            ErrorCode::NoProto
                | ErrorCode::TooLong
                | ErrorCode::Utf8
                | ErrorCode::Timeout
                | ErrorCode::Abuse
        )
    }

    /// The code to answer a message that failed to parse with.
    pub fn for_parse_error(err: &ParseError) -> ErrorCode {
        match err {
            ParseError::CellOutOfRange(_) => ErrorCode::Range,
            ParseError::InvalidName(_) => ErrorCode::Name,
            _ => ErrorCode::Malformed,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A cursor over the space-separated fields of one line.
struct Fields<'a> {
    keyword: &'static str,
    rest: &'a str,
}

impl<'a> Fields<'a> {
    fn word(&mut self) -> Option<&'a str> {
        let s = self.rest.trim_start();
        if s.is_empty() {
            self.rest = s;
            return None;
        }
        let end = s.find(char::is_whitespace).unwrap_or(s.len());
        let (word, rest) = s.split_at(end);
        self.rest = rest;
        Some(word)
    }

    /// The next field, parsed; a missing field names what was `expected`.
    fn parse<T: FromStr<Err = ParseError>>(
        &mut self,
        expected: &'static str,
    ) -> Result<T, ParseError> {
        let keyword = self.keyword;
        self.word()
            .ok_or(ParseError::MissingField { keyword, expected })?
            .parse()
    }

    fn number(&mut self, expected: &'static str) -> Result<u32, ParseError> {
        let keyword = self.keyword;
        let word = self
            .word()
            .ok_or(ParseError::MissingField { keyword, expected })?;
        digits(word)
    }

    /// A time limit: seconds, or `-` for none.
    fn limit(&mut self, expected: &'static str) -> Result<Limit, ParseError> {
        let keyword = self.keyword;
        let word = self
            .word()
            .ok_or(ParseError::MissingField { keyword, expected })?;
        if word == "-" {
            return Ok(Limit(None));
        }
        digits(word).map(|secs| Limit(Some(secs)))
    }

    /// Whether any field is left.
    fn has_more(&self) -> bool {
        !self.rest.trim_start().is_empty()
    }

    /// The remaining fields, each parsed.
    fn rest_parsed<T: FromStr<Err = ParseError>>(&mut self) -> Result<Vec<T>, ParseError> {
        let mut all = Vec::new();
        while let Some(word) = self.word() {
            all.push(word.parse()?);
        }
        Ok(all)
    }

    /// The remaining fields that are feature words; other words are
    /// skipped, as a feature nobody knows would be.
    fn features(&mut self) -> Vec<Feature> {
        let mut all = Vec::new();
        while let Some(word) = self.word() {
            if let Ok(feature) = word.parse() {
                all.push(feature);
            }
        }
        all
    }

    /// Everything left on the line, as free text.
    fn text(self) -> Text {
        Text::new(self.rest)
    }

    /// Fails unless the line has no fields left.
    fn end(mut self) -> Result<(), ParseError> {
        match self.word() {
            None => Ok(()),
            Some(extra) => Err(ParseError::UnexpectedField {
                keyword: self.keyword,
                extra: excerpt(extra),
            }),
        }
    }
}

/// A number in digits only: `u32::from_str` also takes a leading '+', which
/// the wire form does not.
fn digits(word: &str) -> Result<u32, ParseError> {
    if !word.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParseError::InvalidNumber(excerpt(word)));
    }
    word.parse()
        .map_err(|_| ParseError::InvalidNumber(excerpt(word)))
}

/// Splits off the keyword and returns it with a cursor over the fields.
fn keyword_and_fields(line: &str) -> Result<(&str, Fields<'_>), ParseError> {
    let mut fields = Fields {
        keyword: "",
        rest: line,
    };
    let keyword = fields.word().ok_or(ParseError::Empty)?;
    Ok((keyword, fields))
}

impl fmt::Display for ClientMsg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientMsg::Hello {
                version,
                name,
                features,
            } => {
                write!(f, "HELLO {version} {name}")?;
                write_words(f, features)
            }
            ClientMsg::Play { name, code: None } => write!(f, "PLAY {name}"),
            ClientMsg::Play {
                name,
                code: Some(code),
            } => write!(f, "PLAY {name} {}", code.reveal()),
            ClientMsg::Watch(WatchMode::On) => f.write_str("WATCH"),
            ClientMsg::Watch(WatchMode::Off) => f.write_str("WATCH OFF"),
            ClientMsg::Watch(WatchMode::Only) => f.write_str("WATCH ONLY"),
            ClientMsg::Resume(token) => write!(f, "RESUME {}", token.reveal()),
            ClientMsg::Computer(None) => f.write_str("COMPUTER"),
            ClientMsg::Computer(Some(level)) => write!(f, "COMPUTER {level}"),
            ClientMsg::Move(cell) => write!(f, "MOVE {cell}"),
            ClientMsg::Rematch(true) => f.write_str("YES"),
            ClientMsg::Rematch(false) => f.write_str("NO"),
            ClientMsg::Quit => f.write_str("QUIT"),
        }
    }
}

/// The keywords a client may send, each once: parsing a line finds its
/// keyword here and then matches on it, so a keyword added to the table
/// without its grammar is a compile error, not a line parsed as something
/// else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClientKeyword {
    Hello,
    Play,
    Move,
    Yes,
    No,
    Quit,
    Computer,
    Watch,
    Resume,
}

/// Each client keyword's spellings (any case on the wire): the canonical
/// one first.
const CLIENT_KEYWORDS: [(&str, ClientKeyword); 12] = [
    ("HELLO", ClientKeyword::Hello),
    ("PLAY", ClientKeyword::Play),
    ("MOVE", ClientKeyword::Move),
    ("YES", ClientKeyword::Yes),
    ("Y", ClientKeyword::Yes),
    ("NO", ClientKeyword::No),
    ("N", ClientKeyword::No),
    ("QUIT", ClientKeyword::Quit),
    ("Q", ClientKeyword::Quit),
    ("COMPUTER", ClientKeyword::Computer),
    ("WATCH", ClientKeyword::Watch),
    ("RESUME", ClientKeyword::Resume),
];

/// The keywords a server sends, each once (see [`ClientKeyword`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ServerKeyword {
    Welcome,
    Hello,
    Wait,
    Start,
    Board,
    Clock,
    Result,
    Score,
    Rematch,
    Err,
    Bye,
    Left,
    Rejoin,
    Line,
    Token,
    Away,
    Back,
    Watching,
    View,
    Ended,
    Tally,
}

/// Each server keyword's spelling.
const SERVER_KEYWORDS: [(&str, ServerKeyword); 21] = [
    ("WELCOME", ServerKeyword::Welcome),
    ("HELLO", ServerKeyword::Hello),
    ("WAIT", ServerKeyword::Wait),
    ("START", ServerKeyword::Start),
    ("BOARD", ServerKeyword::Board),
    ("CLOCK", ServerKeyword::Clock),
    ("RESULT", ServerKeyword::Result),
    ("SCORE", ServerKeyword::Score),
    ("REMATCH", ServerKeyword::Rematch),
    ("ERR", ServerKeyword::Err),
    ("BYE", ServerKeyword::Bye),
    ("LEFT", ServerKeyword::Left),
    ("REJOIN", ServerKeyword::Rejoin),
    ("LINE", ServerKeyword::Line),
    ("TOKEN", ServerKeyword::Token),
    ("AWAY", ServerKeyword::Away),
    ("BACK", ServerKeyword::Back),
    ("WATCHING", ServerKeyword::Watching),
    ("VIEW", ServerKeyword::View),
    ("ENDED", ServerKeyword::Ended),
    ("TALLY", ServerKeyword::Tally),
];

/// The keyword `word` spells (ignoring ASCII case), and its canonical
/// spelling.
fn keyword<K: Copy>(word: &str, table: &[(&'static str, K)]) -> Option<(&'static str, K)> {
    table
        .iter()
        .copied()
        .find(|(spelling, _)| spelling.eq_ignore_ascii_case(word))
}

impl FromStr for ClientMsg {
    type Err = ParseError;

    fn from_str(line: &str) -> Result<ClientMsg, ParseError> {
        let (word, mut fields) = keyword_and_fields(line)?;
        if word.bytes().all(|b| b.is_ascii_digit()) {
            fields.keyword = "MOVE";
            let cell = word.parse()?;
            fields.end()?;
            return Ok(ClientMsg::Move(cell));
        }
        let (spelling, keyword) = keyword(word, &CLIENT_KEYWORDS)
            .ok_or_else(|| ParseError::UnknownKeyword(excerpt(word)))?;
        fields.keyword = spelling;
        let msg = match keyword {
            ClientKeyword::Hello => {
                let version: VersionNumber = fields.parse("a protocol version")?;
                let name = fields.parse("a name")?;
                // Version 1's HELLO is frozen: nothing may follow the name.
                let features = if version == VersionNumber::Known(Version::V1) {
                    Vec::new()
                } else {
                    fields.features()
                };
                ClientMsg::Hello {
                    version,
                    name,
                    features,
                }
            }
            ClientKeyword::Play => ClientMsg::Play {
                name: fields.parse("your name")?,
                code: match fields.word() {
                    Some(word) => Some(word.parse()?),
                    None => None,
                },
            },
            ClientKeyword::Watch => ClientMsg::Watch(match fields.word() {
                None => WatchMode::On,
                Some(word) => {
                    keyword_of(word, &[("OFF", WatchMode::Off), ("ONLY", WatchMode::Only)])
                        .ok_or_else(|| ParseError::InvalidWord {
                            field: "way to watch (OFF or ONLY)",
                            value: excerpt(word),
                        })?
                }
            }),
            ClientKeyword::Resume => ClientMsg::Resume(fields.parse("a token")?),
            ClientKeyword::Computer => ClientMsg::Computer(match fields.word() {
                Some(word) => Some(word.parse()?),
                None => None,
            }),
            ClientKeyword::Move => ClientMsg::Move(fields.parse("a cell number")?),
            ClientKeyword::Yes => ClientMsg::Rematch(true),
            ClientKeyword::No => ClientMsg::Rematch(false),
            ClientKeyword::Quit => ClientMsg::Quit,
        };
        fields.end()?;
        Ok(msg)
    }
}

impl fmt::Display for ServerMsg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerMsg::Welcome { version, text } => {
                write_with_text(f, format_args!("WELCOME {version}"), text)
            }
            ServerMsg::Hello {
                version,
                name,
                features,
            } => {
                write!(f, "HELLO {version} {name}")?;
                write_words(f, features)
            }
            ServerMsg::Wait(None) => f.write_str("WAIT"),
            ServerMsg::Wait(Some(Place { place, game_on })) => {
                write!(f, "WAIT {place} {}", if *game_on { "GAME" } else { "OPEN" })
            }
            ServerMsg::Start {
                mark,
                opponent,
                limit,
            } => {
                write!(f, "START {mark} {opponent}")?;
                match limit {
                    Some(limit) => write!(f, " {limit}"),
                    None => Ok(()),
                }
            }
            ServerMsg::Board { board, turn, v2 } => {
                match turn {
                    Some(mark) => write!(f, "BOARD {board} {mark}")?,
                    None => write!(f, "BOARD {board} -")?,
                }
                match v2 {
                    Some(BoardV2 { last, left }) => match last {
                        Some(cell) => write!(f, " {cell} {left}"),
                        None => write!(f, " - {left}"),
                    },
                    None => Ok(()),
                }
            }
            ServerMsg::Clock { seconds, mover } => match mover {
                Some(mark) => write!(f, "CLOCK {seconds} {mark}"),
                None => write!(f, "CLOCK {seconds}"),
            },
            ServerMsg::Result(outcome) => write!(f, "RESULT {outcome}"),
            ServerMsg::Score(score) => write!(f, "SCORE {score}"),
            ServerMsg::Rematch(None) => f.write_str("REMATCH"),
            ServerMsg::Rematch(Some(limit)) => write!(f, "REMATCH {limit}"),
            ServerMsg::Error { code, text } => write_with_text(f, format_args!("ERR {code}"), text),
            ServerMsg::Bye(text) => write_with_text(f, format_args!("BYE"), text),
            ServerMsg::Left { name, how } => write!(f, "LEFT {name} {how}"),
            ServerMsg::Rejoin(limit) => write!(f, "REJOIN {limit}"),
            ServerMsg::Line { waiting, next } => match next {
                Some(next) => write!(f, "LINE {waiting} {next}"),
                None => write!(f, "LINE {waiting}"),
            },
            ServerMsg::Token { token, grace } => write!(f, "TOKEN {} {grace}", token.reveal()),
            ServerMsg::Away { name, seconds } => write!(f, "AWAY {name} {seconds}"),
            ServerMsg::Back(name) => write!(f, "BACK {name}"),
            ServerMsg::Watching(None) => f.write_str("WATCHING -"),
            ServerMsg::Watching(Some(Watched { x, o, limit })) => {
                write!(f, "WATCHING {x} {o} {limit}")
            }
            ServerMsg::View { board, turn, v2 } => {
                write!(f, "VIEW {board} ")?;
                match turn {
                    Some(mark) => write!(f, "{mark}")?,
                    None => f.write_str("-")?,
                }
                match v2.last {
                    Some(cell) => write!(f, " {cell} {}", v2.left),
                    None => write!(f, " - {}", v2.left),
                }
            }
            ServerMsg::Ended(Verdict::Tie) => f.write_str("ENDED TIE"),
            ServerMsg::Ended(Verdict::Won(mark, ending)) => write!(f, "ENDED {mark} {ending}"),
            ServerMsg::Tally { x, o, ties } => write!(f, "TALLY {x} {o} {ties}"),
        }
    }
}

/// Writes each word after a space.
fn write_words<T: fmt::Display>(f: &mut fmt::Formatter<'_>, words: &[T]) -> fmt::Result {
    for word in words {
        write!(f, " {word}")?;
    }
    Ok(())
}

/// Writes `head`, then a space and `text` unless the text is empty, so that
/// an empty text leaves no trailing space.
fn write_with_text(
    f: &mut fmt::Formatter<'_>,
    head: fmt::Arguments<'_>,
    text: &Text,
) -> fmt::Result {
    f.write_fmt(head)?;
    if !text.is_empty() {
        write!(f, " {text}")?;
    }
    Ok(())
}

impl FromStr for ServerMsg {
    type Err = ParseError;

    fn from_str(line: &str) -> Result<ServerMsg, ParseError> {
        let (word, mut fields) = keyword_and_fields(line)?;
        let (spelling, keyword) = keyword(word, &SERVER_KEYWORDS)
            .ok_or_else(|| ParseError::UnknownKeyword(excerpt(word)))?;
        fields.keyword = spelling;
        let msg = match keyword {
            ServerKeyword::Welcome => {
                let version = fields.parse("a protocol version")?;
                return Ok(ServerMsg::Welcome {
                    version,
                    text: fields.text(),
                });
            }
            ServerKeyword::Err => {
                let word = fields.word().ok_or(ParseError::MissingField {
                    keyword: spelling,
                    expected: "an error code",
                })?;
                let code = ErrorCode::ALL
                    .into_iter()
                    .find(|c| c.as_str().eq_ignore_ascii_case(word))
                    .ok_or_else(|| ParseError::InvalidWord {
                        field: "error code",
                        value: excerpt(word),
                    })?;
                return Ok(ServerMsg::Error {
                    code,
                    text: fields.text(),
                });
            }
            ServerKeyword::Bye => return Ok(ServerMsg::Bye(fields.text())),
            ServerKeyword::Hello => {
                let number: VersionNumber = fields.parse("a protocol version")?;
                let version = number.known().ok_or_else(|| ParseError::InvalidWord {
                    field: "version agreed",
                    value: number.to_string(),
                })?;
                ServerMsg::Hello {
                    version,
                    name: fields.parse("your name")?,
                    features: fields.rest_parsed()?,
                }
            }
            ServerKeyword::Wait if fields.has_more() => {
                let place = fields.number("your place in line")?;
                let table = fields.word().ok_or(ParseError::MissingField {
                    keyword: spelling,
                    expected: "GAME or OPEN",
                })?;
                let game_on = match keyword_of(table, &[("GAME", true), ("OPEN", false)]) {
                    Some(game_on) => game_on,
                    None => {
                        return Err(ParseError::InvalidWord {
                            field: "table",
                            value: excerpt(table),
                        });
                    }
                };
                ServerMsg::Wait(Some(Place { place, game_on }))
            }
            ServerKeyword::Wait => ServerMsg::Wait(None),
            ServerKeyword::Rematch if fields.has_more() => {
                ServerMsg::Rematch(Some(fields.limit("the time to answer")?))
            }
            ServerKeyword::Rematch => ServerMsg::Rematch(None),
            ServerKeyword::Start => ServerMsg::Start {
                mark: fields.parse("a mark")?,
                opponent: fields.parse("the opponent's name")?,
                limit: if fields.has_more() {
                    Some(fields.limit("the turn limit")?)
                } else {
                    None
                },
            },
            ServerKeyword::Board => {
                let (board, turn) = parse_board(&mut fields)?;
                let v2 = if fields.has_more() {
                    Some(parse_board_v2(&mut fields)?)
                } else {
                    None
                };
                ServerMsg::Board { board, turn, v2 }
            }
            ServerKeyword::View => {
                let (board, turn) = parse_board(&mut fields)?;
                let v2 = parse_board_v2(&mut fields)?;
                ServerMsg::View { board, turn, v2 }
            }
            ServerKeyword::Token => ServerMsg::Token {
                token: fields.parse("a token")?,
                grace: fields.number("the seconds held")?,
            },
            ServerKeyword::Away => ServerMsg::Away {
                name: fields.parse("who is away")?,
                seconds: fields.number("the seconds held")?,
            },
            ServerKeyword::Back => ServerMsg::Back(fields.parse("who is back")?),
            ServerKeyword::Watching => match fields.word() {
                Some("-") => ServerMsg::Watching(None),
                Some(x) => ServerMsg::Watching(Some(Watched {
                    x: x.parse()?,
                    o: fields.parse("who plays O")?,
                    limit: fields.limit("the turn limit")?,
                })),
                None => {
                    return Err(ParseError::MissingField {
                        keyword: spelling,
                        expected: "who plays X (or -)",
                    });
                }
            },
            ServerKeyword::Ended => ServerMsg::Ended(parse_verdict(&mut fields)?),
            ServerKeyword::Tally => ServerMsg::Tally {
                x: fields.number("X's wins")?,
                o: fields.number("O's wins")?,
                ties: fields.number("ties")?,
            },
            ServerKeyword::Clock => ServerMsg::Clock {
                seconds: fields.number("seconds left")?,
                mover: if fields.has_more() {
                    Some(fields.parse("whose clock")?)
                } else {
                    None
                },
            },
            ServerKeyword::Score => ServerMsg::Score(Score {
                wins: fields.number("wins")?,
                losses: fields.number("losses")?,
                ties: fields.number("ties")?,
            }),
            ServerKeyword::Result => ServerMsg::Result(parse_outcome(&mut fields)?),
            ServerKeyword::Left => ServerMsg::Left {
                name: fields.parse("who left")?,
                how: fields.parse("how they left")?,
            },
            ServerKeyword::Rejoin => ServerMsg::Rejoin(fields.limit("the time to answer")?),
            ServerKeyword::Line => ServerMsg::Line {
                waiting: fields.number("how many are waiting")?,
                next: match fields.word() {
                    Some(word) => Some(word.parse()?),
                    None => None,
                },
            },
        };
        fields.end()?;
        Ok(msg)
    }
}

/// The value of the word `word` spells in `table` (ignoring ASCII case).
fn keyword_of<V: Copy>(word: &str, table: &[(&str, V)]) -> Option<V> {
    table
        .iter()
        .find(|(spelling, _)| spelling.eq_ignore_ascii_case(word))
        .map(|&(_, value)| value)
}

/// Parses `WIN <ending>`, `LOSE <ending>` or `TIE`.
fn parse_outcome(fields: &mut Fields<'_>) -> Result<Outcome, ParseError> {
    /// What the first word says.
    #[derive(Clone, Copy)]
    enum Said {
        Win,
        Lose,
        Tie,
    }
    let word = fields.word().ok_or(ParseError::MissingField {
        keyword: fields.keyword,
        expected: "WIN, LOSE or TIE",
    })?;
    let said = [("WIN", Said::Win), ("LOSE", Said::Lose), ("TIE", Said::Tie)];
    match keyword_of(word, &said) {
        Some(Said::Win) => Ok(Outcome::Win(parse_ending(fields)?)),
        Some(Said::Lose) => Ok(Outcome::Lose(parse_ending(fields)?)),
        Some(Said::Tie) => Ok(Outcome::Tie),
        None => Err(ParseError::InvalidWord {
            field: "result",
            value: excerpt(word),
        }),
    }
}

/// Parses `<mark> <ending>` or `TIE` (a watched game's `ENDED`).
fn parse_verdict(fields: &mut Fields<'_>) -> Result<Verdict, ParseError> {
    let word = fields.word().ok_or(ParseError::MissingField {
        keyword: fields.keyword,
        expected: "X, O or TIE",
    })?;
    if word.eq_ignore_ascii_case("TIE") {
        return Ok(Verdict::Tie);
    }
    let mark = word.parse()?;
    Ok(Verdict::Won(mark, parse_ending(fields)?))
}

/// Parses `LINE <a> <b> <c>` or `FORFEIT <reason>`.
fn parse_ending(fields: &mut Fields<'_>) -> Result<Ending, ParseError> {
    /// How the game ended.
    #[derive(Clone, Copy)]
    enum How {
        Line,
        Forfeit,
    }
    let keyword = fields.keyword;
    let invalid = |field, value: &str| ParseError::InvalidWord {
        field,
        value: excerpt(value),
    };
    let how = fields.word().ok_or(ParseError::MissingField {
        keyword,
        expected: "LINE or FORFEIT",
    })?;
    match keyword_of(how, &[("LINE", How::Line), ("FORFEIT", How::Forfeit)]) {
        Some(How::Line) => {
            let mut cells = [Cell::ALL[0]; 3];
            for cell in &mut cells {
                *cell = fields.parse("three cells")?;
            }
            Ok(Ending::Line(Line::from_cells(cells).ok_or_else(|| {
                ParseError::InvalidLine(excerpt(&cells.map(|c| c.to_string()).join(" ")))
            })?))
        }
        Some(How::Forfeit) => {
            let reason = fields.word().ok_or(ParseError::MissingField {
                keyword,
                expected: "a forfeit reason",
            })?;
            Ok(Ending::Forfeit(
                Forfeit::from_word(reason).ok_or_else(|| invalid("forfeit reason", reason))?,
            ))
        }
        None => Err(invalid("ending", how)),
    }
}

/// Parses `<cells> <turn>`: a board and whose move it is (`-`: over).
fn parse_board(fields: &mut Fields<'_>) -> Result<(Board, Option<Mark>), ParseError> {
    let board = fields.parse("nine cells")?;
    let turn = match fields.word() {
        Some("-") => None,
        Some(word) => Some(word.parse()?),
        None => {
            return Err(ParseError::MissingField {
                keyword: fields.keyword,
                expected: "whose turn (X, O or -)",
            });
        }
    };
    Ok((board, turn))
}

/// Parses version 2's `<last> <left>` after a board.
fn parse_board_v2(fields: &mut Fields<'_>) -> Result<BoardV2, ParseError> {
    let last = match fields.word() {
        Some("-") => None,
        Some(word) => Some(word.parse()?),
        None => {
            return Err(ParseError::MissingField {
                keyword: fields.keyword,
                expected: "the last move (or -)",
            });
        }
    };
    let left = fields.limit("the mover's time")?;
    Ok(BoardV2 { last, left })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(n: u8) -> Cell {
        Cell::new(n).expect("test cell in range")
    }

    fn name(s: &str) -> Name {
        s.parse().expect("test name valid")
    }

    fn line(s: &str) -> Line {
        s.parse().expect("test line valid")
    }

    fn feature(s: &str) -> Feature {
        s.parse().expect("test feature valid")
    }

    /// Every keyword has a spelling in its table: a keyword added to the
    /// enum and its `match` but not to the table could never be parsed.
    #[test]
    fn every_keyword_is_spelled() {
        use ClientKeyword as C;
        for k in [
            C::Hello,
            C::Play,
            C::Move,
            C::Yes,
            C::No,
            C::Quit,
            C::Computer,
            C::Watch,
            C::Resume,
        ] {
            assert!(CLIENT_KEYWORDS.iter().any(|&(_, t)| t == k), "{k:?}");
        }
        use ServerKeyword as S;
        for k in [
            S::Welcome,
            S::Hello,
            S::Wait,
            S::Start,
            S::Board,
            S::Clock,
            S::Result,
            S::Score,
            S::Rematch,
            S::Err,
            S::Bye,
            S::Left,
            S::Rejoin,
            S::Line,
            S::Token,
            S::Away,
            S::Back,
            S::Watching,
            S::View,
            S::Ended,
            S::Tally,
        ] {
            assert!(SERVER_KEYWORDS.iter().any(|&(_, t)| t == k), "{k:?}");
        }
    }

    /// One of every client message variant.
    fn all_client_msgs() -> Vec<ClientMsg> {
        vec![
            ClientMsg::Hello {
                version: Version::V1.into(),
                name: name("alice"),
                features: vec![],
            },
            ClientMsg::Hello {
                version: Version::V2.into(),
                name: name("alice"),
                features: vec![feature("computer"), feature("lobby")],
            },
            ClientMsg::Play {
                name: name("carol"),
                code: None,
            },
            ClientMsg::Play {
                name: name("carol"),
                code: Some(Code::from_bytes([1, 2, 3, 4, 5, 6])),
            },
            ClientMsg::Watch(WatchMode::On),
            ClientMsg::Watch(WatchMode::Off),
            ClientMsg::Watch(WatchMode::Only),
            ClientMsg::Resume(Token::from_bytes([7; 16])),
            ClientMsg::Computer(None),
            ClientMsg::Computer(Some(Level::Perfect)),
            ClientMsg::Move(cell(7)),
            ClientMsg::Rematch(true),
            ClientMsg::Rematch(false),
            ClientMsg::Quit,
        ]
    }

    /// One of every server message variant (and every outcome shape).
    fn all_server_msgs() -> Vec<ServerMsg> {
        let mut msgs = vec![
            ServerMsg::Welcome {
                version: Version::V1.into(),
                text: Text::new("ttt-server; say HELLO 1 <name>"),
            },
            ServerMsg::Welcome {
                version: VersionNumber::Other("7".into()),
                text: Text::default(),
            },
            ServerMsg::Hello {
                version: Version::V2,
                name: name("ann-2"),
                features: vec![],
            },
            ServerMsg::Wait(None),
            ServerMsg::Wait(Some(Place {
                place: 1,
                game_on: false,
            })),
            ServerMsg::Wait(Some(Place {
                place: 3,
                game_on: true,
            })),
            ServerMsg::Start {
                mark: Mark::O,
                opponent: name("bob"),
                limit: None,
            },
            ServerMsg::Start {
                mark: Mark::O,
                opponent: name("bob"),
                limit: Some(Limit(Some(120))),
            },
            ServerMsg::Start {
                mark: Mark::X,
                opponent: name("bob"),
                limit: Some(Limit(None)),
            },
            ServerMsg::Board {
                board: "XO.X.O..X".parse().expect("board"),
                turn: None,
                v2: None,
            },
            ServerMsg::Board {
                board: Board::new(),
                turn: Some(Mark::X),
                v2: None,
            },
            ServerMsg::Board {
                board: Board::new(),
                turn: Some(Mark::X),
                v2: Some(BoardV2 {
                    last: None,
                    left: Limit(Some(120)),
                }),
            },
            ServerMsg::Board {
                board: "XO.X.O..X".parse().expect("board"),
                turn: None,
                v2: Some(BoardV2 {
                    last: Some(cell(9)),
                    left: Limit(None),
                }),
            },
            ServerMsg::Clock {
                seconds: 30,
                mover: None,
            },
            ServerMsg::Clock {
                seconds: 10,
                mover: Some(Mark::O),
            },
            ServerMsg::Result(Outcome::Win(Ending::Line(line("1 5 9")))),
            ServerMsg::Result(Outcome::Lose(Ending::Line(line("3 6 9")))),
            ServerMsg::Result(Outcome::Tie),
            ServerMsg::Score(Score {
                wins: 2,
                losses: 0,
                ties: 1,
            }),
            ServerMsg::Rematch(None),
            ServerMsg::Rematch(Some(Limit(Some(120)))),
            ServerMsg::Rematch(Some(Limit(None))),
            ServerMsg::Bye(Text::new("opponent declined the rematch")),
            ServerMsg::Bye(Text::default()),
            ServerMsg::Left {
                name: name("bob"),
                how: Departure::Declined,
            },
            ServerMsg::Rejoin(Limit(Some(120))),
            ServerMsg::Rejoin(Limit(None)),
            ServerMsg::Line {
                waiting: 2,
                next: Some(name("carol")),
            },
            ServerMsg::Line {
                waiting: 0,
                next: None,
            },
            ServerMsg::Token {
                token: Token::from_bytes([0xf0; 16]),
                grace: 30,
            },
            ServerMsg::Away {
                name: name("bob"),
                seconds: 30,
            },
            ServerMsg::Back(name("bob")),
            ServerMsg::Watching(None),
            ServerMsg::Watching(Some(Watched {
                x: name("ann"),
                o: name("bob"),
                limit: Limit(Some(120)),
            })),
            ServerMsg::View {
                board: "X...O....".parse().expect("board"),
                turn: Some(Mark::X),
                v2: BoardV2 {
                    last: Some(cell(5)),
                    left: Limit(Some(120)),
                },
            },
            ServerMsg::View {
                board: Board::new(),
                turn: Some(Mark::X),
                v2: BoardV2 {
                    last: None,
                    left: Limit(None),
                },
            },
            ServerMsg::Ended(Verdict::Tie),
            ServerMsg::Ended(Verdict::Won(Mark::X, Ending::Line(line("1 2 3")))),
            ServerMsg::Ended(Verdict::Won(Mark::O, Ending::Forfeit(Forfeit::Quit))),
            ServerMsg::Tally {
                x: 1,
                o: 2,
                ties: 0,
            },
        ];
        for reason in [
            Forfeit::Quit,
            Forfeit::Disconnect,
            Forfeit::Timeout,
            Forfeit::Abuse,
        ] {
            msgs.push(ServerMsg::Result(Outcome::Win(Ending::Forfeit(reason))));
            msgs.push(ServerMsg::Result(Outcome::Lose(Ending::Forfeit(reason))));
        }
        for code in ErrorCode::ALL {
            msgs.push(ServerMsg::Error {
                code,
                text: Text::new("details here"),
            });
        }
        msgs
    }

    #[test]
    fn every_client_message_round_trips() {
        for msg in all_client_msgs() {
            let line = msg.to_string();
            assert_eq!(line.parse::<ClientMsg>(), Ok(msg), "line {line:?}");
        }
    }

    #[test]
    fn every_server_message_round_trips() {
        for msg in all_server_msgs() {
            let line = msg.to_string();
            assert_eq!(line.parse::<ServerMsg>(), Ok(msg), "line {line:?}");
        }
    }

    #[test]
    fn canonical_forms_are_as_documented() {
        let encoded: Vec<String> = all_client_msgs().iter().map(ToString::to_string).collect();
        assert_eq!(
            encoded,
            [
                "HELLO 1 alice",
                "HELLO 2 alice computer lobby",
                "PLAY carol",
                "PLAY carol BCDEFG",
                "WATCH",
                "WATCH OFF",
                "WATCH ONLY",
                "RESUME 07070707070707070707070707070707",
                "COMPUTER",
                "COMPUTER perfect",
                "MOVE 7",
                "YES",
                "NO",
                "QUIT"
            ]
        );
        assert_eq!(
            ServerMsg::Board {
                board: Board::new(),
                turn: None,
                v2: None,
            }
            .to_string(),
            "BOARD ......... -"
        );
        assert_eq!(ServerMsg::Bye(Text::default()).to_string(), "BYE");
        assert_eq!(
            ServerMsg::Result(Outcome::Win(Ending::Line(line("7 5 3")))).to_string(),
            "RESULT WIN LINE 3 5 7"
        );
    }

    /// Version 2's additions, as docs/PROTOCOL.md spells them.
    #[test]
    fn version_2_forms_are_as_documented() {
        let server: Vec<String> = all_server_msgs()
            .iter()
            .map(ToString::to_string)
            .filter(|l| {
                [
                    "HELLO",
                    "WAIT ",
                    "START X",
                    "START O bob ",
                    "BOARD",
                    "CLOCK",
                    "REMATCH ",
                ]
                .iter()
                .any(|k| l.starts_with(k))
            })
            .collect();
        assert_eq!(
            server,
            [
                "HELLO 2 ann-2",
                "WAIT 1 OPEN",
                "WAIT 3 GAME",
                "START O bob 120",
                "START X bob -",
                "BOARD XO.X.O..X -",
                "BOARD ......... X",
                "BOARD ......... X - 120",
                "BOARD XO.X.O..X - 9 -",
                "CLOCK 30",
                "CLOCK 10 O",
                "REMATCH 120",
                "REMATCH -",
            ]
        );
        assert_eq!(
            "play Zoë".parse(),
            Ok(ClientMsg::Play {
                name: name("Zoë"),
                code: None
            })
        );
        assert_eq!(
            "computer EASY".parse(),
            Ok(ClientMsg::Computer(Some(Level::Easy)))
        );
        assert!(matches!(
            "computer genius".parse::<ClientMsg>(),
            Err(ParseError::InvalidWord { .. })
        ));
        // A word outside the feature grammar is not a feature: skipped.
        assert_eq!(
            "hello 2 ann COMPUTER comp@ter stay".parse(),
            Ok(ClientMsg::Hello {
                version: Version::V2.into(),
                name: name("ann"),
                features: vec![feature("stay")]
            })
        );
        // Leading zeros mean nothing.
        assert_eq!(
            "HELLO 02 ann".parse(),
            Ok(ClientMsg::Hello {
                version: Version::V2.into(),
                name: name("ann"),
                features: vec![]
            })
        );
        assert_eq!(
            "HELLO 1 ann computer".parse::<ClientMsg>(),
            Err(ParseError::UnexpectedField {
                keyword: "HELLO",
                extra: "computer".into()
            })
        );
        assert_eq!(
            "HELLO 2 ann no_such!"
                .parse::<ClientMsg>()
                .map(|m| m.to_string()),
            Ok("HELLO 2 ann".to_owned())
        );
        assert!(matches!(
            "WAIT 2 BUSY".parse::<ServerMsg>(),
            Err(ParseError::InvalidWord { .. })
        ));
        assert!(matches!(
            "BOARD ......... X 5".parse::<ServerMsg>(),
            Err(ParseError::MissingField { .. })
        ));
        assert!(matches!(
            "REMATCH -5".parse::<ServerMsg>(),
            Err(ParseError::InvalidNumber(_))
        ));
        assert_eq!(
            Limit::from_duration(Some(std::time::Duration::from_millis(29_001))),
            Limit(Some(30))
        );
        assert_eq!(Limit::from_duration(None).to_string(), "-");
    }

    /// Features `watch` and `resume`, as docs/PROTOCOL.md spells them.
    #[test]
    fn watch_and_resume_forms_are_as_documented() {
        let shown: Vec<String> = all_server_msgs()
            .iter()
            .map(ToString::to_string)
            .filter(|l| {
                [
                    "TOKEN", "AWAY", "BACK", "WATCHING", "VIEW", "ENDED", "TALLY",
                ]
                .iter()
                .any(|k| l.starts_with(k))
            })
            .collect();
        assert_eq!(
            shown,
            [
                format!("TOKEN {} 30", "f0".repeat(16)).as_str(),
                "AWAY bob 30",
                "BACK bob",
                "WATCHING -",
                "WATCHING ann bob 120",
                "VIEW X...O.... X 5 120",
                "VIEW ......... X - -",
                "ENDED TIE",
                "ENDED X LINE 1 2 3",
                "ENDED O FORFEIT QUIT",
                "TALLY 1 2 0",
            ]
        );
        let client: Vec<String> = all_client_msgs()
            .iter()
            .map(ToString::to_string)
            .filter(|l| ["PLAY", "WATCH", "RESUME"].iter().any(|k| l.starts_with(k)))
            .collect();
        assert_eq!(
            client,
            [
                "PLAY carol",
                "PLAY carol BCDEFG",
                "WATCH",
                "WATCH OFF",
                "WATCH ONLY",
                format!("RESUME {}", "07".repeat(16)).as_str(),
            ]
        );
        // People type codes in any case.
        assert_eq!(
            "play carol bcdefg".parse(),
            Ok(ClientMsg::Play {
                name: name("carol"),
                code: Some(Code::from_bytes([1, 2, 3, 4, 5, 6]))
            })
        );
        for bad in [
            "WATCH ALL",
            "RESUME 1234",
            "PLAY carol 12",
            "VIEW ......... X",
            "ENDED X",
            "ENDED - LINE 1 2 3",
            "WATCHING ann",
            "TOKEN 00 30",
        ] {
            assert!(
                bad.parse::<ClientMsg>().is_err() && bad.parse::<ServerMsg>().is_err(),
                "{bad}"
            );
        }
        assert!(!ErrorCode::Token.is_fatal() && !ErrorCode::Full.is_fatal());
    }

    #[test]
    fn client_keywords_are_case_insensitive_and_spacing_is_lenient() {
        assert_eq!(
            "  hello   1\tbob ".parse(),
            Ok(ClientMsg::Hello {
                version: Version::V1.into(),
                name: name("bob"),
                features: vec![],
            })
        );
        assert_eq!("Move 3".parse(), Ok(ClientMsg::Move(cell(3))));
        assert_eq!("3".parse(), Ok(ClientMsg::Move(cell(3))));
        assert_eq!("y".parse(), Ok(ClientMsg::Rematch(true)));
        assert_eq!("No".parse(), Ok(ClientMsg::Rematch(false)));
        assert_eq!("q".parse(), Ok(ClientMsg::Quit));
    }

    #[test]
    fn parse_error_empty() {
        assert_eq!("".parse::<ClientMsg>(), Err(ParseError::Empty));
        assert_eq!(" \t ".parse::<ServerMsg>(), Err(ParseError::Empty));
    }

    #[test]
    fn parse_error_unknown_keyword() {
        assert_eq!(
            "JUMP 5".parse::<ClientMsg>(),
            Err(ParseError::UnknownKeyword("JUMP".into()))
        );
        // Server keywords are not client keywords.
        assert!(matches!(
            "WAIT".parse::<ClientMsg>(),
            Err(ParseError::UnknownKeyword(_))
        ));
    }

    #[test]
    fn parse_error_missing_field() {
        assert_eq!(
            "MOVE".parse::<ClientMsg>(),
            Err(ParseError::MissingField {
                keyword: "MOVE",
                expected: "a cell number"
            })
        );
        assert_eq!(
            "HELLO 1".parse::<ClientMsg>(),
            Err(ParseError::MissingField {
                keyword: "HELLO",
                expected: "a name"
            })
        );
        assert!(matches!(
            "BOARD .........".parse::<ServerMsg>(),
            Err(ParseError::MissingField { .. })
        ));
        assert!(matches!(
            "RESULT WIN".parse::<ServerMsg>(),
            Err(ParseError::MissingField { .. })
        ));
    }

    #[test]
    fn parse_error_unexpected_field() {
        assert_eq!(
            "MOVE 5 6".parse::<ClientMsg>(),
            Err(ParseError::UnexpectedField {
                keyword: "MOVE",
                extra: "6".into()
            })
        );
        assert!(matches!(
            "5 5".parse::<ClientMsg>(),
            Err(ParseError::UnexpectedField { .. })
        ));
        assert!(matches!(
            "QUIT now".parse::<ClientMsg>(),
            Err(ParseError::UnexpectedField { .. })
        ));
        assert!(matches!(
            "RESULT TIE LINE".parse::<ServerMsg>(),
            Err(ParseError::UnexpectedField { .. })
        ));
    }

    #[test]
    fn parse_error_invalid_cell_and_range() {
        assert!(matches!(
            "MOVE five".parse::<ClientMsg>(),
            Err(ParseError::InvalidCell(_))
        ));
        assert!(matches!(
            "MOVE 0".parse::<ClientMsg>(),
            Err(ParseError::CellOutOfRange(_))
        ));
        assert!(matches!(
            "10".parse::<ClientMsg>(),
            Err(ParseError::CellOutOfRange(_))
        ));
    }

    #[test]
    fn parse_error_invalid_number() {
        assert!(matches!(
            "HELLO one bob".parse::<ClientMsg>(),
            Err(ParseError::InvalidNumber(_))
        ));
        assert!(matches!(
            "HELLO +1 bob".parse::<ClientMsg>(),
            Err(ParseError::InvalidNumber(_))
        ));
        // A version of any size is a version (which the server may not
        // speak), never a malformed line.
        assert_eq!(
            "HELLO 4294967296 bob".parse(),
            Ok(ClientMsg::Hello {
                version: VersionNumber::Other("4294967296".into()),
                name: name("bob"),
                features: vec![]
            })
        );
        assert!(matches!(
            "CLOCK -3".parse::<ServerMsg>(),
            Err(ParseError::InvalidNumber(_))
        ));
    }

    #[test]
    fn parse_error_invalid_name_mark_board_line_word() {
        assert!(matches!(
            "HELLO 1 a\u{0}b".parse::<ClientMsg>(),
            Err(ParseError::InvalidName(_))
        ));
        assert!(matches!(
            "START Z bob".parse::<ServerMsg>(),
            Err(ParseError::InvalidMark(_))
        ));
        assert!(matches!(
            "BOARD XXXX X".parse::<ServerMsg>(),
            Err(ParseError::InvalidBoard(_))
        ));
        assert!(matches!(
            "RESULT WIN LINE 1 2 4".parse::<ServerMsg>(),
            Err(ParseError::InvalidLine(_))
        ));
        assert!(matches!(
            "RESULT DRAW".parse::<ServerMsg>(),
            Err(ParseError::InvalidWord { .. })
        ));
        assert!(matches!(
            "RESULT WIN FORFEIT BORED".parse::<ServerMsg>(),
            Err(ParseError::InvalidWord { .. })
        ));
        assert!(matches!(
            "ERR OOPS x".parse::<ServerMsg>(),
            Err(ParseError::InvalidWord { .. })
        ));
    }

    #[test]
    fn errors_quote_only_a_short_excerpt() {
        let huge = format!("MOVE {}", "7".repeat(400));
        let err = huge.parse::<ClientMsg>().expect_err("out of range");
        assert!(err.to_string().len() < 80, "{err}");
    }

    #[test]
    fn error_codes_map_from_parse_errors() {
        let code =
            |line: &str| ErrorCode::for_parse_error(&line.parse::<ClientMsg>().expect_err("bad"));
        assert_eq!(code("MOVE 12"), ErrorCode::Range);
        assert_eq!(code("HELLO 1 !!"), ErrorCode::Name);
        assert_eq!(code("DANCE"), ErrorCode::Malformed);
        assert!(ErrorCode::NoProto.is_fatal());
        assert!(!ErrorCode::Occupied.is_fatal());
    }
}
