//! Property tests: parsing and framing never panic on any input, and every
//! message survives encoding then parsing unchanged.

use std::io::{self, Read};

use proptest::prelude::*;
use ttt_protocol::{
    Board, BoardV2, Cell, ClientMsg, Code, Departure, Ending, ErrorCode, Feature, Forfeit,
    FrameError, Level, Limit, LineReader, MAX_LINE_LEN, Mark, Name, Outcome, Place, Score,
    ServerMsg, Text, Token, Verdict, Version, VersionNumber, WatchMode, Watched,
};

fn mark() -> impl Strategy<Value = Mark> {
    prop_oneof![Just(Mark::X), Just(Mark::O)]
}

fn cell() -> impl Strategy<Value = Cell> {
    (1u8..=9).prop_map(|n| Cell::new(n).expect("1..=9 is a cell"))
}

fn name() -> impl Strategy<Value = Name> {
    // At least one letter or digit: `-` alone means "none" on the wire.
    "[A-Za-z0-9_.\\-éß]{0,23}[A-Za-z0-9éß]"
        .prop_map(|s| s.parse().expect("generated names are valid"))
}

fn text() -> impl Strategy<Value = Text> {
    any::<String>().prop_map(|s| Text::new(&s))
}

fn board() -> impl Strategy<Value = Board> {
    proptest::collection::vec(proptest::option::of(mark()), 9).prop_map(|cells| {
        let mut board = Board::new();
        for (cell, mark) in Cell::ALL.into_iter().zip(cells) {
            if let Some(mark) = mark {
                board.place(cell, mark).expect("each cell is placed once");
            }
        }
        board
    })
}

fn ending() -> impl Strategy<Value = Ending> {
    prop_oneof![
        proptest::sample::select(ttt_protocol::Line::ALL.to_vec()).prop_map(Ending::Line),
        proptest::sample::select(vec![
            Forfeit::Quit,
            Forfeit::Disconnect,
            Forfeit::Timeout,
            Forfeit::Abuse
        ])
        .prop_map(Ending::Forfeit),
    ]
}

fn outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        ending().prop_map(Outcome::Win),
        ending().prop_map(Outcome::Lose),
        Just(Outcome::Tie),
    ]
}

fn token() -> impl Strategy<Value = Token> {
    any::<[u8; 16]>().prop_map(Token::from_bytes)
}

fn error_code() -> impl Strategy<Value = ErrorCode> {
    proptest::sample::select(ErrorCode::ALL.to_vec())
}

fn feature() -> impl Strategy<Value = Feature> {
    "[a-z0-9-]{1,24}".prop_map(|w| w.parse().expect("generated feature word"))
}

fn limit() -> impl Strategy<Value = Limit> {
    proptest::option::of(any::<u32>()).prop_map(Limit)
}

/// Any version number, as it is after parsing: a known one, or the digits
/// of another without leading zeros.
fn version_number() -> impl Strategy<Value = VersionNumber> {
    prop_oneof![
        proptest::sample::select(Version::ALL.to_vec()).prop_map(VersionNumber::Known),
        "[1-9][0-9]{0,15}".prop_map(|digits| digits.parse().expect("generated version")),
    ]
}

fn client_msg() -> impl Strategy<Value = ClientMsg> {
    prop_oneof![
        (
            version_number(),
            name(),
            proptest::collection::vec(feature(), 0..4)
        )
            .prop_map(|(version, name, features)| ClientMsg::Hello {
                // Version 1's HELLO has no features.
                features: if version == VersionNumber::Known(Version::V1) {
                    vec![]
                } else {
                    features
                },
                version,
                name,
            }),
        (name(), proptest::option::of(any::<[u8; 6]>())).prop_map(|(name, code)| ClientMsg::Play {
            name,
            code: code.map(Code::from_bytes)
        }),
        proptest::sample::select(vec![WatchMode::On, WatchMode::Off, WatchMode::Only])
            .prop_map(ClientMsg::Watch),
        token().prop_map(ClientMsg::Resume),
        proptest::option::of(proptest::sample::select(Level::ALL.to_vec()))
            .prop_map(ClientMsg::Computer),
        cell().prop_map(ClientMsg::Move),
        any::<bool>().prop_map(ClientMsg::Rematch),
        Just(ClientMsg::Quit),
    ]
}

fn server_msg() -> impl Strategy<Value = ServerMsg> {
    prop_oneof![
        (version_number(), text()).prop_map(|(version, text)| ServerMsg::Welcome { version, text }),
        (
            proptest::sample::select(Version::ALL.to_vec()),
            name(),
            proptest::collection::vec(feature(), 0..4)
        )
            .prop_map(|(version, name, features)| ServerMsg::Hello {
                version,
                name,
                features
            }),
        proptest::option::of((any::<u32>(), any::<bool>()))
            .prop_map(|p| ServerMsg::Wait(p.map(|(place, game_on)| Place { place, game_on }))),
        (mark(), name(), proptest::option::of(limit())).prop_map(|(mark, opponent, limit)| {
            ServerMsg::Start {
                mark,
                opponent,
                limit,
            }
        }),
        (
            board(),
            proptest::option::of(mark()),
            proptest::option::of((proptest::option::of(cell()), limit()))
        )
            .prop_map(|(board, turn, v2)| ServerMsg::Board {
                board,
                turn,
                v2: v2.map(|(last, left)| BoardV2 { last, left }),
            }),
        (any::<u32>(), proptest::option::of(mark()))
            .prop_map(|(seconds, mover)| ServerMsg::Clock { seconds, mover }),
        outcome().prop_map(ServerMsg::Result),
        (any::<u32>(), any::<u32>(), any::<u32>())
            .prop_map(|(wins, losses, ties)| ServerMsg::Score(Score { wins, losses, ties })),
        proptest::option::of(limit()).prop_map(ServerMsg::Rematch),
        (error_code(), text()).prop_map(|(code, text)| ServerMsg::Error { code, text }),
        text().prop_map(ServerMsg::Bye),
        (name(), proptest::sample::select(Departure::ALL.to_vec()))
            .prop_map(|(name, how)| ServerMsg::Left { name, how }),
        limit().prop_map(ServerMsg::Rejoin),
        (any::<u32>(), proptest::option::of(name()))
            .prop_map(|(waiting, next)| ServerMsg::Line { waiting, next }),
        (token(), any::<u32>()).prop_map(|(token, grace)| ServerMsg::Token { token, grace }),
        (name(), any::<u32>()).prop_map(|(name, seconds)| ServerMsg::Away { name, seconds }),
        name().prop_map(ServerMsg::Back),
        proptest::option::of((name(), name(), limit()))
            .prop_map(|w| ServerMsg::Watching(w.map(|(x, o, limit)| Watched { x, o, limit }))),
        (
            board(),
            proptest::option::of(mark()),
            proptest::option::of(cell()),
            limit()
        )
            .prop_map(|(board, turn, last, left)| ServerMsg::View {
                board,
                turn,
                v2: BoardV2 { last, left },
            }),
        prop_oneof![
            (mark(), ending()).prop_map(|(mark, ending)| Verdict::Won(mark, ending)),
            Just(Verdict::Tie)
        ]
        .prop_map(ServerMsg::Ended),
        (any::<u32>(), any::<u32>(), any::<u32>()).prop_map(|(x, o, ties)| ServerMsg::Tally {
            x,
            o,
            ties
        }),
    ]
}

/// Hands out the input in the chunk sizes given, cycling through them.
struct Chunked {
    data: Vec<u8>,
    pos: usize,
    sizes: Vec<usize>,
    turn: usize,
}

impl Read for Chunked {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let size = self.sizes[self.turn % self.sizes.len()];
        self.turn += 1;
        let n = size.min(out.len()).min(self.data.len() - self.pos);
        out[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Reads every line of `reader`: the lines, then how it stopped.
fn drain(reader: &mut LineReader<impl Read>) -> (Vec<String>, Option<String>) {
    let mut lines = Vec::new();
    // Each line consumes at least one byte, so this loop is bounded by the input.
    loop {
        match reader.read_line() {
            Ok(Some(line)) => lines.push(line.to_owned()),
            Ok(None) => return (lines, None),
            Err(e) => return (lines, Some(e.to_string())),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn client_messages_round_trip(msg in client_msg()) {
        let line = msg.to_string();
        prop_assert!(line.len() < MAX_LINE_LEN);
        prop_assert_eq!(line.parse::<ClientMsg>(), Ok(msg));
    }

    #[test]
    fn server_messages_round_trip(msg in server_msg()) {
        let line = msg.to_string();
        prop_assert!(line.len() < MAX_LINE_LEN, "{} bytes", line.len());
        prop_assert!(!line.contains('\n'));
        prop_assert_eq!(line.parse::<ServerMsg>(), Ok(msg));
    }

    #[test]
    fn parsing_any_string_never_panics(s in any::<String>()) {
        let _ = s.parse::<ClientMsg>();
        let _ = s.parse::<ServerMsg>();
    }

    #[test]
    fn parsing_keyword_shaped_strings_never_panics(
        s in "(?i)(hello|move|yes|no|quit|welcome|wait|start|board|clock|result|score|rematch|err|bye)( [-0-9a-z.XO]{0,12}){0,6}"
    ) {
        let _ = s.parse::<ClientMsg>();
        let _ = s.parse::<ServerMsg>();
    }

    #[test]
    fn framing_any_bytes_split_anywhere_is_lines_then_one_end(
        data in proptest::collection::vec(any::<u8>(), 0..2048),
        sizes in proptest::collection::vec(1usize..64, 1..8),
    ) {
        let whole = drain(&mut LineReader::new(&data[..]));
        let mut chunked_reader = LineReader::new(Chunked { data: data.clone(), pos: 0, sizes, turn: 0 });
        let chunked = drain(&mut chunked_reader);
        // How the bytes are split never changes what is read.
        prop_assert_eq!(&whole, &chunked);
        for line in &whole.0 {
            prop_assert!(line.len() < MAX_LINE_LEN);
            prop_assert!(!line.contains('\n'));
        }
    }

    /// With a person's line editing on, any bytes split anywhere still
    /// read the same way, and no line keeps a backspace, a delete or a
    /// telnet command byte.
    #[test]
    fn editing_any_bytes_split_anywhere_is_the_same_and_clean(
        // Bytes with the ones that edit made common: a fifth are BS, DEL,
        // IAC, CR or NUL.
        data in proptest::collection::vec(any::<u8>(), 0..2048).prop_map(|bytes| {
            const EDITS: [u8; 5] = [0x08, 0x7f, 0xff, b'\r', 0];
            bytes
                .into_iter()
                .map(|b| if b < 50 { EDITS[usize::from(b % 5)] } else { b })
                .collect::<Vec<u8>>()
        }),
        sizes in proptest::collection::vec(1usize..64, 1..8),
    ) {
        let mut whole_reader = LineReader::new(&data[..]);
        whole_reader.set_editing(true);
        let whole = drain(&mut whole_reader);
        let mut chunked_reader = LineReader::new(Chunked { data: data.clone(), pos: 0, sizes, turn: 0 });
        chunked_reader.set_editing(true);
        let chunked = drain(&mut chunked_reader);
        prop_assert_eq!(&whole, &chunked);
        for line in &whole.0 {
            prop_assert!(line.len() < MAX_LINE_LEN);
            prop_assert!(!line.contains(['\n', '\u{8}', '\u{7f}']), "{:?}", line);
        }
    }

    #[test]
    fn framing_accepts_every_line_up_to_the_limit(len in 0usize..MAX_LINE_LEN + 8, crlf in any::<bool>()) {
        let mut data = vec![b'm'; len];
        data.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
        let mut reader = LineReader::new(&data[..]);
        let result = reader.read_line();
        if data.len() <= MAX_LINE_LEN {
            prop_assert_eq!(result.ok().flatten().map(str::len), Some(len));
        } else {
            prop_assert!(matches!(result, Err(FrameError::TooLong)));
        }
    }
}

/// Valid messages, each ended by `\n` or `\r\n`, then arbitrary bytes.
fn stream_of_messages() -> impl Strategy<Value = (Vec<ClientMsg>, Vec<u8>)> {
    (
        proptest::collection::vec((client_msg(), any::<bool>()), 0..20),
        proptest::collection::vec(any::<u8>(), 0..700),
    )
        .prop_map(|(msgs, tail)| {
            let mut bytes = Vec::new();
            for (msg, crlf) in &msgs {
                bytes.extend_from_slice(msg.to_string().as_bytes());
                bytes.extend_from_slice(if *crlf { b"\r\n" } else { b"\n" });
            }
            bytes.extend_from_slice(&tail);
            (msgs.into_iter().map(|(m, _)| m).collect(), bytes)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any byte stream, split anywhere, yields its messages in order, then
    /// lines that each parse to a message or a typed error, then a clean end
    /// or exactly one typed framing error; never a panic.
    #[test]
    fn streams_yield_messages_then_one_end(
        (msgs, bytes) in stream_of_messages(),
        sizes in proptest::collection::vec(1usize..48, 1..6),
    ) {
        let mut reader = LineReader::new(Chunked { data: bytes, pos: 0, sizes, turn: 0 });
        for expected in &msgs {
            let line = reader.read_line();
            prop_assert!(matches!(line, Ok(Some(_))), "{:?}", line.map(|l| l.map(str::to_owned)));
            let parsed = line.ok().flatten().map(str::parse::<ClientMsg>);
            prop_assert_eq!(parsed, Some(Ok(expected.clone())));
        }
        // The arbitrary tail: each line is a message or a ParseError, until
        // the stream ends cleanly or with one FrameError.
        loop {
            match reader.read_line() {
                Ok(Some(line)) => {
                    let _: Result<ClientMsg, _> = line.parse();
                }
                Ok(None) => break,
                Err(FrameError::TooLong | FrameError::InvalidUtf8 | FrameError::UnexpectedEof) => break,
                Err(FrameError::Io(e)) => prop_assert!(false, "no I/O error from a byte slice: {e}"),
            }
        }
    }
}
