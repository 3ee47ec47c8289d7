//! The chaos test: hundreds of hostile connections of every kind in
//! docs/RELIABILITY.md, mixed with scripted games, against the real server on
//! loopback. Afterwards every scripted game must have had its correct result,
//! and the server must be alive, back to its idle file descriptors and
//! threads, small in memory, and able to play a fresh game.
//!
//! Run it alone with its figures: `cargo test -p ttt-server --test chaos -- --nocapture`.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, Shutdown};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use ttt_test_support::{Peer, Server, connect_from, play};

/// Hostile connections in one run.
const HOSTILE: usize = 300;
/// Scripted games in one run (a rematch game counts once more).
const GAMES: usize = 24;
/// Concurrent hostile clients: enough to keep the backlog busy during games,
/// few enough that nobody waits behind more than a handful.
const HOSTILE_WORKERS: usize = 6;
/// The server's handshake limit in this test: silent and trickling clients
/// are cut after this long (and hold nobody up meanwhile).
const HANDSHAKE: &str = "200ms";
/// Peak memory allowed for the server process.
const MAX_RSS_KIB: u64 = 8 * 1024;

/// Held for a whole scripted game, and by a hostile waiter while it waits:
/// the lobby pairs whoever says hello, in order, so a scripted pair must not
/// meet a hostile waiter (or the other scripted pair) in the queue.
static TABLE: Mutex<()> = Mutex::new(());

/// The kinds of hostile connection, each a row of docs/RELIABILITY.md.
#[derive(Debug, Clone, Copy)]
enum Hostile {
    RandomBytes,
    Megabyte,
    AtMaxThenOver,
    InvalidUtf8,
    NulBytes,
    CloseAtOnce,
    CloseMidLine,
    WrongVersion,
    Abuse,
    HalfCloseBeforeHello,
    Silent,
    Slowloris,
    BlankFlood,
    SilentBurst,
    WaiterLeaves,
    WaiterQuits,
}

impl Hostile {
    /// Picks the kind for connection `i`: leaving waiters rarely (they hold
    /// the table lock), the rest evenly.
    fn nth(i: usize) -> Hostile {
        use Hostile::*;
        match i % 30 {
            13 => return WaiterLeaves,
            23 => return WaiterQuits,
            _ => {}
        }
        let kinds = [
            RandomBytes,
            Megabyte,
            AtMaxThenOver,
            InvalidUtf8,
            NulBytes,
            CloseAtOnce,
            CloseMidLine,
            WrongVersion,
            Abuse,
            HalfCloseBeforeHello,
            Silent,
            Slowloris,
            BlankFlood,
            SilentBurst,
        ];
        kinds[i % kinds.len()]
    }
}

/// Does one hostile thing from `from`. Nothing is asserted: hostile clients
/// only have to end; what matters is the server afterwards.
fn hostile(from: Ipv4Addr, port: u16, kind: Hostile, seed: u64) {
    let Ok(mut s) = connect_from(from, port) else {
        return;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = s.set_write_timeout(Some(Duration::from_secs(5)));
    match kind {
        Hostile::RandomBytes => {
            let _ = s.write_all(&ttt_test_support::random_bytes(seed, 2048));
        }
        Hostile::Megabyte => {
            let _ = s.write_all(&vec![b'z'; 1 << 20]);
        }
        Hostile::AtMaxThenOver => {
            let mut line = vec![b'x'; 511];
            line.push(b'\n');
            line.extend(vec![b'y'; 600]);
            let _ = s.write_all(&line);
        }
        Hostile::InvalidUtf8 => {
            let _ = s.write_all(b"HELLO 1 \xc3\x28\n");
        }
        Hostile::NulBytes => {
            let _ = s.write_all(b"\0\0HELLO\0 1 x\n\0\n");
        }
        Hostile::CloseAtOnce => return,
        Hostile::CloseMidLine => {
            let _ = s.write_all(b"HELLO 1 hal");
            return;
        }
        Hostile::WrongVersion => {
            let _ = s.write_all(b"HELLO 999 future\n");
        }
        Hostile::Abuse => {
            let _ = s.write_all("nope\n".repeat(12).as_bytes());
        }
        Hostile::HalfCloseBeforeHello => {
            let _ = s.shutdown(Shutdown::Write);
        }
        Hostile::Silent => {}
        Hostile::BlankFlood => {
            // A waiting player pressing Enter a million times at once. It
            // says hello, so it waits for an opponent: until the server
            // has cut it off, no scripted player may arrive.
            let _table = TABLE.lock().unwrap_or_else(|p| p.into_inner());
            let _ = s.write_all(b"HELLO 1 flood\n");
            let _ = s.write_all(&vec![b'\n'; 1 << 20]);
            read_until_closed(&mut s);
            return;
        }
        Hostile::SilentBurst => {
            // More silent connections from this address than it may have
            // greeting at once: the oldest are closed to make room.
            let burst: Vec<_> = (0..12)
                .filter_map(|_| connect_from(from, port).ok())
                .collect();
            thread::sleep(Duration::from_millis(50));
            drop(burst);
        }
        Hostile::Slowloris => {
            // One byte every 100 ms, for twice the handshake limit.
            for b in b"HELLO" {
                if s.write_all(&[*b]).is_err() {
                    break;
                }
                thread::sleep(Duration::from_millis(100));
            }
        }
        Hostile::WaiterLeaves | Hostile::WaiterQuits => {
            let _table = TABLE.lock().unwrap_or_else(|p| p.into_inner());
            let _ = s.write_all(b"HELLO 1 ghost\n");
            let mut peer = Peer::from_stream(s);
            // WELCOME, then WAIT once seated.
            let _ = peer.line();
            let _ = peer.line();
            if matches!(kind, Hostile::WaiterQuits) {
                peer.send("QUIT");
            }
            drop(peer);
            // Leave before the next arrival; see `first_player_leaving_while_waiting_is_not_paired`.
            thread::sleep(Duration::from_millis(100));
            return;
        }
    }
    read_until_closed(&mut s);
}

/// Reads whatever the server says until it closes or 5 s pass.
fn read_until_closed(s: &mut std::net::TcpStream) {
    let mut sink = [0u8; 4096];
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        match s.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
}

/// Reads the end of a decided game for both: result, score, rematch offer.
fn ends(x: &mut Peer, o: &mut Peer, x_result: &str, o_result: &str) {
    x.expect(&format!("RESULT {x_result}"));
    o.expect(&format!("RESULT {o_result}"));
    x.expect_prefix("SCORE ");
    o.expect_prefix("SCORE ");
}

/// The winner of a forfeit: told the score, then back in line; leaves.
fn leave_after_forfeit(winner: &mut Peer) {
    winner.expect_prefix("SCORE ");
    winner.expect("WAIT");
    winner.send("QUIT");
    winner.expect("BYE goodbye");
}

/// Declines the rematch and checks both goodbyes.
fn decline(x: &mut Peer, o: &mut Peer) {
    x.expect("REMATCH");
    o.expect("REMATCH");
    x.send("NO");
    x.expect("BYE you declined the rematch; goodbye");
    o.expect_prefix("BYE ");
}

/// Plays scripted game `n` (the script depends on `n % 10`) and checks its
/// result. Returns how many games were completed.
fn scripted_game(server: &Server, n: usize) -> usize {
    let _table = TABLE.lock().unwrap_or_else(|p| p.into_inner());
    let (xn, on) = (format!("x{n}"), format!("o{n}"));
    let (mut x, mut o) = server.pair(&xn, &on);
    match n % 10 {
        0 => {
            play(&mut x, &mut o, &[1, 4, 2, 5, 3]);
            ends(&mut x, &mut o, "WIN LINE 1 2 3", "LOSE LINE 1 2 3");
            decline(&mut x, &mut o);
        }
        1 => {
            play(&mut x, &mut o, &[1, 2, 3, 5, 4, 6, 8, 7, 9]);
            ends(&mut x, &mut o, "TIE", "TIE");
            decline(&mut x, &mut o);
        }
        2 => {
            play(&mut x, &mut o, &[2, 1, 3, 5, 4, 9]);
            ends(&mut x, &mut o, "LOSE LINE 1 5 9", "WIN LINE 1 5 9");
            decline(&mut x, &mut o);
        }
        3 => {
            // Refused moves change nothing.
            x.send("MOVE 0");
            x.expect_prefix("ERR RANGE ");
            o.send("5");
            o.expect_prefix("ERR TURN ");
            x.send("junk");
            x.expect_prefix("ERR MALFORMED ");
            play(&mut x, &mut o, &[5]);
            o.send("5");
            o.expect_prefix("ERR OCCUPIED ");
            play(&mut o, &mut x, &[1, 3, 2, 7]);
            ends(&mut x, &mut o, "WIN LINE 3 5 7", "LOSE LINE 3 5 7");
            decline(&mut x, &mut o);
        }
        4 => {
            play(&mut x, &mut o, &[5]);
            drop(o);
            x.expect("BOARD ....X.... -");
            x.expect("RESULT WIN FORFEIT DISCONNECT");
            leave_after_forfeit(&mut x);
        }
        5 => {
            x.send_raw(&[b'9'; 600]);
            x.expect_prefix("ERR TOOLONG ");
            o.expect("BOARD ......... -");
            o.expect("RESULT WIN FORFEIT ABUSE");
            leave_after_forfeit(&mut o);
        }
        6 => {
            play(&mut x, &mut o, &[1]);
            o.shutdown_write();
            o.expect("BOARD X........ -");
            o.expect("RESULT LOSE FORFEIT DISCONNECT");
            x.expect("BOARD X........ -");
            x.expect("RESULT WIN FORFEIT DISCONNECT");
            leave_after_forfeit(&mut x);
        }
        7 => {
            x.send("QUIT");
            x.expect("BOARD ......... -");
            x.expect("RESULT LOSE FORFEIT QUIT");
            o.expect("BOARD ......... -");
            o.expect("RESULT WIN FORFEIT QUIT");
            leave_after_forfeit(&mut o);
        }
        8 => {
            play(&mut x, &mut o, &[1, 4, 2, 5, 3]);
            ends(&mut x, &mut o, "WIN LINE 1 2 3", "LOSE LINE 1 2 3");
            x.expect("REMATCH");
            o.expect("REMATCH");
            x.send("YES");
            o.send("y");
            x.expect(&format!("START O {on}"));
            o.expect(&format!("START X {xn}"));
            x.expect("BOARD ......... X");
            o.expect("BOARD ......... X");
            play(&mut o, &mut x, &[7, 1, 8, 2, 9]);
            ends(&mut o, &mut x, "WIN LINE 7 8 9", "LOSE LINE 7 8 9");
            decline(&mut x, &mut o);
            return 2;
        }
        _ => {
            x.send_raw(b"MOVE \0\n");
            x.expect_prefix("ERR MALFORMED ");
            play(&mut x, &mut o, &[3, 1, 5, 2, 7]);
            ends(&mut x, &mut o, "WIN LINE 3 5 7", "LOSE LINE 3 5 7");
            decline(&mut x, &mut o);
        }
    }
    1
}

/// Polls until the server is back to `baseline` fds and threads, or 3 s pass.
fn settled(pid: u32, baseline: (usize, u64)) -> (usize, u64) {
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let now = (
            ttt_test_support::proc::fd_count(pid),
            ttt_test_support::proc::status_field(pid, "Threads:"),
        );
        if now == baseline || Instant::now() > deadline {
            return now;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Hostile connections mixed with scripted games; then the server must be
/// whole.
#[test]
fn chaos_leaves_the_server_whole() {
    let mut server = Server::start(&["--handshake-timeout", HANDSHAKE, "--turn-timeout", "5"]);
    let pid = server.pid();
    let port = server.port;
    let baseline = (
        ttt_test_support::proc::fd_count(pid),
        ttt_test_support::proc::status_field(pid, "Threads:"),
    );
    let started = Instant::now();
    let next_hostile = AtomicUsize::new(0);
    let next_game = AtomicUsize::new(0);
    let games_done = AtomicUsize::new(0);

    thread::scope(|scope| {
        for worker in 0..HOSTILE_WORKERS {
            // Each worker is a machine of its own, as on a real LAN.
            let from = Ipv4Addr::new(127, 0, 0, 10 + worker as u8);
            let next_hostile = &next_hostile;
            scope.spawn(move || {
                loop {
                    let i = next_hostile.fetch_add(1, Ordering::Relaxed);
                    if i >= HOSTILE {
                        break;
                    }
                    hostile(from, port, Hostile::nth(i), i as u64 * 0x9e37_79b9 + 1);
                }
            });
        }
        for _ in 0..2 {
            scope.spawn(|| {
                loop {
                    let n = next_game.fetch_add(1, Ordering::Relaxed);
                    if n >= GAMES {
                        break;
                    }
                    let done = scripted_game(&server, n);
                    games_done.fetch_add(done, Ordering::Relaxed);
                }
            });
        }
    });
    let chaos_time = started.elapsed();

    assert!(server.is_running(), "the server died");
    let peak_rss = ttt_test_support::proc::status_field(pid, "VmHWM:");
    let before_fresh = (
        ttt_test_support::proc::fd_count(pid),
        ttt_test_support::proc::status_field(pid, "Threads:"),
    );
    // A fresh game completes normally.
    {
        let _table = TABLE.lock().unwrap_or_else(|p| p.into_inner());
        let (mut x, mut o) = server.pair("fresh", "game");
        play(&mut x, &mut o, &[1, 4, 2, 5, 3]);
        ends(&mut x, &mut o, "WIN LINE 1 2 3", "LOSE LINE 1 2 3");
        decline(&mut x, &mut o);
    }
    let after = settled(pid, baseline);

    println!("chaos: {HOSTILE} hostile connections and {GAMES} scripted games in {chaos_time:.2?}");
    println!(
        "chaos: games completed with the correct result: {}",
        games_done.load(Ordering::Relaxed)
    );
    println!(
        "chaos: server fds {} idle, {} after the chaos, {} after a fresh game",
        baseline.0, before_fresh.0, after.0
    );
    println!(
        "chaos: server threads {} idle, {} after the chaos, {} after a fresh game",
        baseline.1, before_fresh.1, after.1
    );
    println!("chaos: server peak RSS (VmHWM) {peak_rss} KiB (limit {MAX_RSS_KIB} KiB)");

    let expected: usize = (0..GAMES).map(|n| if n % 10 == 8 { 2 } else { 1 }).sum();
    assert_eq!(
        games_done.load(Ordering::Relaxed),
        expected,
        "every scripted game completes"
    );
    assert_eq!(after, baseline, "fds and threads back to idle");
    assert!(peak_rss < MAX_RSS_KIB, "peak RSS {peak_rss} KiB");
    assert!(server.is_running(), "the server died");
}
