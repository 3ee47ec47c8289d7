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
use crate::text::{Name, Text};

/// The protocol version this crate speaks. A peer announcing another version
/// in `HELLO` is refused with `ERR NOPROTO`.
pub const PROTOCOL_VERSION: u32 = 1;

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
    /// `HELLO <version> <name>`: the handshake, the first thing a client sends.
    Hello {
        /// The protocol version the client speaks.
        version: u32,
        /// The name shown to the opponent.
        name: Name,
    },
    /// `MOVE <cell>`: put my mark on this cell.
    Move(Cell),
    /// `YES` or `NO`: the answer to a `REMATCH` offer.
    Rematch(bool),
    /// `QUIT`: leave now. Forfeits a running game; cancels waiting.
    Quit,
}

/// A message from the server to a client.
///
/// ```
/// use ttt_protocol::{Board, Mark, ServerMsg};
/// let msg: ServerMsg = "BOARD X...O.... X".parse().unwrap();
/// assert_eq!(
///     msg,
///     ServerMsg::Board { board: "X...O....".parse().unwrap(), turn: Some(Mark::X) }
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerMsg {
    /// `WELCOME <version> <text>`: sent as soon as a connection is accepted.
    Welcome {
        /// The protocol version the server speaks.
        version: u32,
        /// A hint for people, e.g. how to say hello.
        text: Text,
    },
    /// `WAIT`: you are in; waiting for an opponent to connect.
    Wait,
    /// `START <mark> <opponent>`: a game begins; you play `mark`.
    Start {
        /// Your mark for this game.
        mark: Mark,
        /// The opponent's name.
        opponent: Name,
    },
    /// `BOARD <cells> <turn>`: the board, sent at the start and after every
    /// move; `turn` is whose move it is, `-` once the game is over.
    Board {
        /// The board.
        board: Board,
        /// Who moves next; `None` when the game has ended.
        turn: Option<Mark>,
    },
    /// `CLOCK <seconds>`: your turn clock has this many seconds left.
    Clock {
        /// Seconds left before you forfeit by timeout.
        seconds: u32,
    },
    /// `RESULT <outcome>`: the game is over; this is how it ended for you.
    Result(Outcome),
    /// `SCORE <wins> <losses> <ties>`: the running score, from your side.
    Score(Score),
    /// `REMATCH`: play again, marks swapped? Answer `YES` or `NO`.
    Rematch,
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
}

impl ErrorCode {
    /// Every error code.
    pub const ALL: [ErrorCode; 11] = [
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
        // `u32::from_str` accepts a leading '+'; the wire form is digits only.
        if !word.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseError::InvalidNumber(excerpt(word)));
        }
        word.parse()
            .map_err(|_| ParseError::InvalidNumber(excerpt(word)))
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

/// Splits off the keyword and returns it with a cursor over the fields.
fn keyword_and_fields(line: &str) -> Result<(&str, Fields<'_>), ParseError> {
    let mut fields = Fields {
        keyword: "",
        rest: line,
    };
    let keyword = fields.word().ok_or(ParseError::Empty)?;
    Ok((keyword, fields))
}

/// Matches `word` against `keywords` ignoring ASCII case, returning the
/// canonical spelling.
fn canonical(word: &str, keywords: &[&'static str]) -> Option<&'static str> {
    keywords
        .iter()
        .copied()
        .find(|k| k.eq_ignore_ascii_case(word))
}

impl fmt::Display for ClientMsg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientMsg::Hello { version, name } => write!(f, "HELLO {version} {name}"),
            ClientMsg::Move(cell) => write!(f, "MOVE {cell}"),
            ClientMsg::Rematch(true) => f.write_str("YES"),
            ClientMsg::Rematch(false) => f.write_str("NO"),
            ClientMsg::Quit => f.write_str("QUIT"),
        }
    }
}

impl FromStr for ClientMsg {
    type Err = ParseError;

    fn from_str(line: &str) -> Result<ClientMsg, ParseError> {
        const KEYWORDS: &[&str] = &["HELLO", "MOVE", "YES", "Y", "NO", "N", "QUIT", "Q"];
        let (word, mut fields) = keyword_and_fields(line)?;
        if word.bytes().all(|b| b.is_ascii_digit()) {
            fields.keyword = "MOVE";
            let cell = word.parse()?;
            fields.end()?;
            return Ok(ClientMsg::Move(cell));
        }
        let keyword =
            canonical(word, KEYWORDS).ok_or_else(|| ParseError::UnknownKeyword(excerpt(word)))?;
        fields.keyword = keyword;
        let msg = match keyword {
            "HELLO" => ClientMsg::Hello {
                version: fields.number("a protocol version")?,
                name: fields.parse("a name")?,
            },
            "MOVE" => ClientMsg::Move(fields.parse("a cell number")?),
            "YES" | "Y" => ClientMsg::Rematch(true),
            "NO" | "N" => ClientMsg::Rematch(false),
            _ => ClientMsg::Quit,
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
            ServerMsg::Wait => f.write_str("WAIT"),
            ServerMsg::Start { mark, opponent } => write!(f, "START {mark} {opponent}"),
            ServerMsg::Board { board, turn } => match turn {
                Some(mark) => write!(f, "BOARD {board} {mark}"),
                None => write!(f, "BOARD {board} -"),
            },
            ServerMsg::Clock { seconds } => write!(f, "CLOCK {seconds}"),
            ServerMsg::Result(outcome) => write!(f, "RESULT {outcome}"),
            ServerMsg::Score(score) => write!(f, "SCORE {score}"),
            ServerMsg::Rematch => f.write_str("REMATCH"),
            ServerMsg::Error { code, text } => write_with_text(f, format_args!("ERR {code}"), text),
            ServerMsg::Bye(text) => write_with_text(f, format_args!("BYE"), text),
        }
    }
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
        const KEYWORDS: &[&str] = &[
            "WELCOME", "WAIT", "START", "BOARD", "CLOCK", "RESULT", "SCORE", "REMATCH", "ERR",
            "BYE",
        ];
        let (word, mut fields) = keyword_and_fields(line)?;
        let keyword =
            canonical(word, KEYWORDS).ok_or_else(|| ParseError::UnknownKeyword(excerpt(word)))?;
        fields.keyword = keyword;
        let msg = match keyword {
            "WELCOME" => {
                let version = fields.number("a protocol version")?;
                return Ok(ServerMsg::Welcome {
                    version,
                    text: fields.text(),
                });
            }
            "ERR" => {
                let word = fields.word().ok_or(ParseError::MissingField {
                    keyword,
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
            "BYE" => return Ok(ServerMsg::Bye(fields.text())),
            "WAIT" => ServerMsg::Wait,
            "REMATCH" => ServerMsg::Rematch,
            "START" => ServerMsg::Start {
                mark: fields.parse("a mark")?,
                opponent: fields.parse("the opponent's name")?,
            },
            "BOARD" => {
                let board = fields.parse("nine cells")?;
                let turn = match fields.word() {
                    Some("-") => None,
                    Some(word) => Some(word.parse()?),
                    None => {
                        return Err(ParseError::MissingField {
                            keyword,
                            expected: "whose turn (X, O or -)",
                        });
                    }
                };
                ServerMsg::Board { board, turn }
            }
            "CLOCK" => ServerMsg::Clock {
                seconds: fields.number("seconds left")?,
            },
            "SCORE" => ServerMsg::Score(Score {
                wins: fields.number("wins")?,
                losses: fields.number("losses")?,
                ties: fields.number("ties")?,
            }),
            _ => ServerMsg::Result(parse_outcome(&mut fields)?),
        };
        fields.end()?;
        Ok(msg)
    }
}

/// Parses `WIN <ending>`, `LOSE <ending>` or `TIE`.
fn parse_outcome(fields: &mut Fields<'_>) -> Result<Outcome, ParseError> {
    let keyword = fields.keyword;
    let invalid = |field, value: &str| ParseError::InvalidWord {
        field,
        value: excerpt(value),
    };
    let word = fields.word().ok_or(ParseError::MissingField {
        keyword,
        expected: "WIN, LOSE or TIE",
    })?;
    let won = match canonical(word, &["WIN", "LOSE", "TIE"]) {
        Some("WIN") => true,
        Some("LOSE") => false,
        Some(_) => return Ok(Outcome::Tie),
        None => return Err(invalid("result", word)),
    };
    let how = fields.word().ok_or(ParseError::MissingField {
        keyword,
        expected: "LINE or FORFEIT",
    })?;
    let ending = match canonical(how, &["LINE", "FORFEIT"]) {
        Some("LINE") => {
            let mut cells = [Cell::ALL[0]; 3];
            for cell in &mut cells {
                *cell = fields.parse("three cells")?;
            }
            Ending::Line(Line::from_cells(cells).ok_or_else(|| {
                ParseError::InvalidLine(excerpt(&cells.map(|c| c.to_string()).join(" ")))
            })?)
        }
        Some(_) => {
            let reason = fields.word().ok_or(ParseError::MissingField {
                keyword,
                expected: "a forfeit reason",
            })?;
            Ending::Forfeit(
                Forfeit::from_word(reason).ok_or_else(|| invalid("forfeit reason", reason))?,
            )
        }
        None => return Err(invalid("ending", how)),
    };
    Ok(if won {
        Outcome::Win(ending)
    } else {
        Outcome::Lose(ending)
    })
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

    /// One of every client message variant.
    fn all_client_msgs() -> Vec<ClientMsg> {
        vec![
            ClientMsg::Hello {
                version: 1,
                name: name("alice"),
            },
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
                version: 1,
                text: Text::new("ttt-server; say HELLO 1 <name>"),
            },
            ServerMsg::Welcome {
                version: 7,
                text: Text::default(),
            },
            ServerMsg::Wait,
            ServerMsg::Start {
                mark: Mark::O,
                opponent: name("bob"),
            },
            ServerMsg::Board {
                board: "XO.X.O..X".parse().expect("board"),
                turn: None,
            },
            ServerMsg::Board {
                board: Board::new(),
                turn: Some(Mark::X),
            },
            ServerMsg::Clock { seconds: 30 },
            ServerMsg::Result(Outcome::Win(Ending::Line(line("1 5 9")))),
            ServerMsg::Result(Outcome::Lose(Ending::Line(line("3 6 9")))),
            ServerMsg::Result(Outcome::Tie),
            ServerMsg::Score(Score {
                wins: 2,
                losses: 0,
                ties: 1,
            }),
            ServerMsg::Rematch,
            ServerMsg::Bye(Text::new("opponent declined the rematch")),
            ServerMsg::Bye(Text::default()),
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
        assert_eq!(encoded, ["HELLO 1 alice", "MOVE 7", "YES", "NO", "QUIT"]);
        assert_eq!(
            ServerMsg::Board {
                board: Board::new(),
                turn: None
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

    #[test]
    fn client_keywords_are_case_insensitive_and_spacing_is_lenient() {
        assert_eq!(
            "  hello   1\tbob ".parse(),
            Ok(ClientMsg::Hello {
                version: 1,
                name: name("bob")
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
        assert!(matches!(
            "HELLO 99999999999 bob".parse::<ClientMsg>(),
            Err(ParseError::InvalidNumber(_))
        ));
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
