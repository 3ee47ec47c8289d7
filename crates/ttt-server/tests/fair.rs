//! Fair share (issue 29): one connection sending, without pause, bytes
//! that never make a line (telnet commands, editing keys, WebSocket control
//! frames and empty fragments) while a pair plays. Against the real binary
//! on loopback: the pair's moves keep coming back at once, and the flooder
//! is cut for its noise. Before the fix, each of these froze the whole
//! server for as long as the flood went on.

use std::thread;
use std::time::{Duration, Instant};

use ttt_test_support::noise::{self, floods};
use ttt_test_support::{Peer, Server};

/// How long a flooder keeps sending if nobody stops it: long enough that
/// a server frozen by it shows, short for a test.
const FLOOD_SPAN: Duration = Duration::from_millis(1500);

/// The longest a pair's move may take to come back during a flood. A
/// frozen server takes the whole flood; a fair one a few milliseconds
/// (docs/PERFORMANCE.md has the figures): this only tells the two apart.
const FROZEN: Duration = Duration::from_millis(500);

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
        let stream = noise::open(&flood, server.port, Some(web)).expect("connect");
        let name = flood.name.clone();
        let flooder = thread::spawn(move || noise::run(stream, &flood, FLOOD_SPAN));
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
