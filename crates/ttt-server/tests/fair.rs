//! Fair share (issue 29): one connection sending, without pause, bytes
//! that never make a line (telnet commands, editing keys, WebSocket control
//! frames and empty fragments) while a pair plays. Against the real binary
//! on loopback: the pair's moves keep coming back at once, and the flooder
//! is cut for its noise. Before the fix, each of these froze the whole
//! server for as long as the flood went on.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use ttt_test_support::{Peer, Server};

/// How long a flooder keeps sending if nobody stops it: long enough that
/// a server frozen by it shows, short for a test.
const FLOOD_SPAN: Duration = Duration::from_millis(1500);

/// The longest a pair's move may take to come back during a flood. A
/// frozen server takes the whole flood; a fair one a few milliseconds
/// (docs/PERFORMANCE.md has the figures): this only tells the two apart.
const FROZEN: Duration = Duration::from_millis(500);

/// One flood: what the flooder sends first, then the unit it repeats.
struct Flood {
    name: String,
    web: bool,
    /// Cut for its noise (the other floods are cut for a line too long,
    /// a frame no browser sends, ...).
    noise: bool,
    opening: Vec<u8>,
    unit: Vec<u8>,
}

/// A masked client frame with an empty payload: `first` is the FIN bit
/// and opcode.
fn empty_frame(first: u8) -> Vec<u8> {
    vec![first, 0x80, 1, 2, 3, 4]
}

/// `payload` (under 126 bytes) as one masked text frame.
fn text_frame(payload: &[u8]) -> Vec<u8> {
    let mask = [7u8, 1, 9, 3];
    let mut frame = vec![0x81, 0x80 | payload.len() as u8];
    frame.extend_from_slice(&mask);
    frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    frame
}

fn floods() -> Vec<Flood> {
    // A text message begun and never finished: its continuations are empty.
    let unfinished = empty_frame(0x01);
    let mut floods = vec![
        Flood {
            name: "telnet IAC NOP before HELLO".to_owned(),
            web: false,
            noise: true,
            opening: Vec::new(),
            unit: vec![255, 241],
        },
        Flood {
            name: "backspaces before HELLO".to_owned(),
            web: false,
            noise: true,
            opening: Vec::new(),
            unit: vec![0x08],
        },
        Flood {
            name: "a and backspace after play zed".to_owned(),
            web: false,
            noise: true,
            opening: b"play zed\n".to_vec(),
            unit: b"a\x08".to_vec(),
        },
        Flood {
            name: "empty continuation frames before HELLO".to_owned(),
            web: true,
            noise: true,
            opening: unfinished.clone(),
            unit: empty_frame(0x00),
        },
        Flood {
            name: "empty continuation frames as a spectator".to_owned(),
            web: true,
            noise: true,
            opening: [text_frame(b"WATCH ONLY"), unfinished].concat(),
            unit: empty_frame(0x00),
        },
        Flood {
            name: "unasked pongs".to_owned(),
            web: true,
            noise: true,
            opening: Vec::new(),
            unit: empty_frame(0x8A),
        },
        Flood {
            name: "empty pings before HELLO".to_owned(),
            web: true,
            noise: true,
            opening: Vec::new(),
            unit: empty_frame(0x89),
        },
    ];
    // And random bytes with no line ending, before and after a person's
    // hello, and as WebSocket frames after an unfinished one: whatever
    // they make of the reader, editing and framing, they make no line.
    for seed in 1..=3u64 {
        let mut bytes = ttt_test_support::random_bytes(seed, 4096);
        bytes.retain(|&b| b != b'\n');
        for (opening, web) in [
            (Vec::new(), false),
            (b"play zed\n".to_vec(), false),
            (empty_frame(0x01), true),
        ] {
            floods.push(Flood {
                name: format!(
                    "random bytes {seed} after {:?}",
                    opening.escape_ascii().to_string()
                ),
                web,
                noise: false,
                opening,
                unit: bytes.clone(),
            });
        }
    }
    floods
}

/// A raw connection to the web port, upgraded by hand, its `WELCOME` unread.
fn upgraded(port: u16) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the web port");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    stream
        .write_all(
            b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
              Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        )
        .expect("write");
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).expect("the 101 answer");
        head.push(byte[0]);
    }
    assert!(head.starts_with(b"HTTP/1.1 101 "), "{head:?}");
    stream
}

/// Sends `flood` until the server stops taking it or [`FLOOD_SPAN`] is
/// over; returns how long it was taken.
fn run_flood(mut stream: TcpStream, flood: &Flood) -> Duration {
    let started = Instant::now();
    // What the server says is read and dropped, so that its goodbye never
    // waits on us.
    let mut reader = stream.try_clone().expect("clone");
    let drain = thread::spawn(move || {
        let mut sink = [0u8; 4096];
        while matches!(reader.read(&mut sink), Ok(n) if n > 0) {}
    });
    let _ = stream.write_all(&flood.opening);
    let batch = flood.unit.repeat(4096 / flood.unit.len());
    stream
        .set_write_timeout(Some(Duration::from_millis(100)))
        .expect("write timeout");
    while started.elapsed() < FLOOD_SPAN {
        if stream.write_all(&batch).is_err() {
            break;
        }
    }
    let taken = started.elapsed();
    let _ = stream.shutdown(std::net::Shutdown::Both);
    let _ = drain.join();
    taken
}

/// Plays moves between `x` and `o` until `done`, and returns the longest
/// time a move took to come back to its mover.
fn longest_move(x: &mut Peer, o: &mut Peer, done: impl Fn() -> bool) -> Duration {
    // A tie, so that every move is legal; then the rematch, over again.
    let game = [1u8, 2, 3, 5, 4, 6, 8, 7, 9];
    let mut longest = Duration::ZERO;
    let mut games = 0;
    while !done() || games == 0 {
        let mut players = [&mut *x, &mut *o];
        for &cell in &game {
            let sent = Instant::now();
            players[0].send(&cell.to_string());
            players[0].expect_prefix("BOARD ");
            longest = longest.max(sent.elapsed());
            players[1].expect_prefix("BOARD ");
            players.swap(0, 1);
            thread::sleep(Duration::from_millis(20));
        }
        x.read_until("REMATCH");
        o.read_until("REMATCH");
        x.send("YES");
        o.send("YES");
        let started = x.expect_prefix("START ");
        o.expect_prefix("START ");
        x.expect_prefix("BOARD ");
        o.expect_prefix("BOARD ");
        if !started.starts_with("START X") {
            std::mem::swap(x, o);
        }
        games += 1;
    }
    longest
}

/// Each flood, one after another on one server, while one pair plays on
/// throughout: the pair is never held up for longer than a turn or two of
/// the loop, and the flooder is cut for its noise well before its flood
/// would have ended.
#[test]
fn a_flood_that_makes_no_line_never_holds_up_the_pair() {
    // Not quiet: the log says why each flooder was cut.
    let server = Server::start_with(
        &["--bind", "127.0.0.1", "--port", "0"],
        &["--web", "0", "--turn-timeout", "60"],
    );
    let web = server.web_port.expect("a web port");
    let (mut x, mut o) = server.pair("ann", "bob");
    for flood in floods() {
        let stream = if flood.web {
            upgraded(web)
        } else {
            let stream = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .expect("timeout");
            stream
        };
        let name = flood.name.clone();
        let flooder = thread::spawn(move || run_flood(stream, &flood));
        let longest = longest_move(&mut x, &mut o, || flooder.is_finished());
        let taken = flooder.join().expect("the flooder");
        assert!(
            longest < FROZEN,
            "{name}: the pair waited {longest:?} for a move"
        );
        assert!(
            taken < FLOOD_SPAN,
            "{name}: the flood was taken for all of {taken:?}"
        );
        eprintln!("{name}: longest move {longest:?}, flood cut after {taken:?}");
    }
    let cuts = server
        .log()
        .iter()
        .filter(|l| l.contains("cut off (Noise)"))
        .count();
    let noisy = floods().iter().filter(|f| f.noise).count();
    assert!(cuts >= noisy, "{cuts} cut for noise: {:#?}", server.log());
}

/// A person who corrects what they type, and a telnet client's
/// negotiation, are never taken for a flood.
#[test]
fn typing_with_corrections_is_not_noise() {
    let server = Server::start_with(&["--bind", "127.0.0.1", "--port", "0"], &[]);
    let mut person = server.welcomed();
    // Telnet's opening negotiation (IAC DO/WILL ...), then a name typed
    // with a mistake erased, many times over.
    person.send_raw(&[255, 253, 1, 255, 251, 31, 255, 251, 32, 255, 251, 24]);
    for _ in 0..50 {
        person.send_raw(b"pla\x08\x08\x08");
    }
    person.send_raw(b"pla\x7fay zed\r\n");
    person.read_until("zed");
    for _ in 0..100 {
        person.send_raw(b"helo\x08\x08\x08\x08");
    }
    person.send_raw(b"help\r\n");
    person.read_until("You are in line");
    assert!(
        !server.log().iter().any(|l| l.contains("cut off")),
        "{:#?}",
        server.log()
    );
}
