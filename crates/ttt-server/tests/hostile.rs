//! Hostile input and faults against the real server binary: each test is one
//! row of docs/RELIABILITY.md. After every misbehaving connection, the server
//! must still serve the next player.

use std::io::Write;
use std::thread;
use std::time::{Duration, Instant};

use ttt_test_support::{Server, play};

/// Checks the server still seats a new player normally.
fn still_serving(server: &Server) {
    let mut next = server.join("next");
    next.expect("WAIT");
}

/// Random bytes instead of a handshake: an error, the connection closed, and
/// the server goes on.
#[test]
fn random_bytes_are_refused_and_closed() {
    let server = Server::start(&[]);
    let mut peer = server.welcomed();
    let bytes = ttt_test_support::random_bytes(0x2545_f491_4f6c_dd1d, 8192);
    peer.send_raw(&bytes);
    let rest = peer.drain();
    assert!(rest.contains("ERR "), "no error reply: {rest:?}");
    still_serving(&server);
}

/// A mebibyte with no newline: refused after one buffer (512 bytes), not stored.
#[test]
fn megabyte_without_newline_is_too_long() {
    let server = Server::start(&[]);
    let mut peer = server.welcomed();
    peer.send_raw(&vec![b'a'; 1 << 20]);
    peer.expect_prefix("ERR TOOLONG ");
    still_serving(&server);
}

/// A line of exactly 512 bytes with its newline is read (and refused as
/// malformed, the connection staying open); 513 bytes is too long.
#[test]
fn line_at_the_maximum_is_read_and_one_over_is_not() {
    let server = Server::start(&[]);
    let mut peer = server.welcomed();
    let mut at_max = vec![b'x'; 511];
    at_max.push(b'\n');
    peer.send_raw(&at_max);
    peer.expect_prefix("ERR MALFORMED ");
    peer.send("HELLO 1 ann");
    peer.expect("WAIT");

    // While ann waits, the server is accepting: the next connection is served.
    let mut over = server.welcomed();
    let mut one_over = vec![b'x'; 512];
    one_over.push(b'\n');
    over.send_raw(&one_over);
    over.expect_prefix("ERR TOOLONG ");
    over.expect_closed();
}

/// NUL bytes and other control characters are malformed, not fatal.
#[test]
fn nul_bytes_are_malformed() {
    let server = Server::start(&[]);
    let mut peer = server.welcomed();
    peer.send_raw(b"\0\0\0\n");
    peer.expect_prefix("ERR MALFORMED ");
    peer.send_raw(b"HELLO 1 a\0b\n");
    peer.expect_prefix("ERR NAME ");
    peer.send("HELLO 1 ann");
    peer.expect("WAIT");
}

/// CRLF ends a line; a bare CR does not (it separates fields, like a space).
#[test]
fn bare_cr_is_not_a_line_ending() {
    let server = Server::start(&[]);
    let mut peer = server.welcomed();
    peer.send_raw(b"HELLO 1 ann\rQUIT\n");
    peer.expect("ERR MALFORMED HELLO takes no more fields; unexpected \"QUIT\"");
    peer.send_raw(b"HELLO 1 ann\r\n");
    peer.expect("WAIT");
}

/// Messages in the wrong state are refused at once: a move before HELLO,
/// and a move while waiting for an opponent (answered before anyone else
/// arrives).
#[test]
fn moves_before_the_game_are_refused() {
    let server = Server::start(&[]);
    let mut x = server.welcomed();
    x.send("MOVE 5");
    x.expect_prefix("ERR STATE ");
    x.send("YES");
    x.expect_prefix("ERR STATE ");
    x.send("HELLO 1 ann");
    x.expect("WAIT");
    x.send("MOVE 5");
    x.expect("ERR STATE the game has not started; waiting for an opponent");
    let mut o = server.join("bob");
    x.expect("START X bob");
    x.expect("BOARD ......... X");
    o.expect("START O ann");
    // The early move was not played.
    o.expect("BOARD ......... X");
}

/// A client trickling one byte every 100 ms cannot stretch the handshake.
#[test]
fn slowloris_is_cut_at_the_handshake_deadline() {
    let server = Server::start(&["--handshake-timeout", "500ms"]);
    let mut peer = server.connect();
    let start = Instant::now();
    peer.expect_prefix("WELCOME 1");
    for byte in b"HELLO 1 slowpoke\n" {
        peer.send_raw(&[*byte]);
        thread::sleep(Duration::from_millis(100));
        if start.elapsed() > Duration::from_millis(1200) {
            break;
        }
    }
    let rest = peer.drain();
    assert!(rest.starts_with("ERR TIMEOUT "), "{rest:?}");
    assert!(start.elapsed() < Duration::from_secs(3));
    still_serving(&server);
}

/// A player who half-closes (shuts down writing) forfeits by disconnect but
/// still reads the result.
#[test]
fn half_closed_player_forfeits_and_still_reads_the_result() {
    let server = Server::start(&[]);
    let (mut x, mut o) = server.pair("ann", "bob");
    play(&mut x, &mut o, &[5]);
    o.shutdown_write();
    o.expect("BOARD ....X.... -");
    o.expect("RESULT LOSE FORFEIT DISCONNECT");
    x.expect("BOARD ....X.... -");
    x.expect("RESULT WIN FORFEIT DISCONNECT");
}

/// A client that never reads, sending its moves blind, does not stall the
/// game or the server.
#[test]
fn never_reading_client_does_not_stall_the_server() {
    let server = Server::start(&[]);
    let mut x = server.join("ann");
    x.expect("WAIT");
    // The blind O sends each move when X's view shows it is O's turn, and
    // never reads a byte.
    let mut blind = server.connect();
    blind.send("HELLO 1 blind");
    x.expect("START X blind");
    x.expect("BOARD ......... X");
    x.send("1");
    x.expect("BOARD X........ O");
    blind.send("MOVE 4");
    x.expect("BOARD X..O..... X");
    x.send("2");
    x.expect("BOARD XX.O..... O");
    blind.send("MOVE 5");
    x.expect("BOARD XX.OO.... X");
    x.send("3");
    x.expect("BOARD XXXOO.... -");
    x.expect("RESULT WIN LINE 1 2 3");
    x.expect("SCORE 1 0 0");
    x.expect("REMATCH");
    x.send("NO");
    x.expect_prefix("BYE ");
    drop(blind);
    still_serving(&server);
}

/// A disconnect while the rematch is offered ends the table with a goodbye.
#[test]
fn disconnect_during_the_rematch_offer() {
    let server = Server::start(&[]);
    let (mut x, mut o) = server.pair("ann", "bob");
    play(&mut x, &mut o, &[1, 4, 2, 5, 3]);
    for p in [&mut x, &mut o] {
        p.expect_prefix("RESULT ");
        p.expect_prefix("SCORE ");
        p.expect("REMATCH");
    }
    x.send("YES");
    drop(o);
    x.expect("BYE bob left; thanks for playing");
    x.expect_closed();
    still_serving(&server);
}

/// A disconnect before HELLO costs the server nothing.
#[test]
fn disconnect_before_hello() {
    let server = Server::start(&[]);
    let mut peer = server.welcomed();
    peer.send_raw(b"HEL");
    drop(peer);
    still_serving(&server);
}

/// Floods a waiting player's connection with `line` repeated, from a
/// thread, for at most 64 MiB or until the server stops taking it; returns
/// what the flooder read and how many bytes the server took.
fn flood_while_waiting(server: &Server, line: &[u8]) -> (String, usize) {
    let mut flooder = server.join("flood");
    flooder.expect("WAIT");
    let mut writer = flooder.try_clone_stream();
    let chunk = line.repeat(64 * 1024 / line.len());
    let flood = thread::spawn(move || {
        let mut sent = 0;
        for _ in 0..1024 {
            if writer.write_all(&chunk).is_err() {
                break;
            }
            sent += chunk.len();
        }
        sent
    });
    let said = flooder.drain();
    let sent = flood.join().expect("flood thread");
    (said, sent)
}

/// A waiting player flooding blank lines (free for a person pressing Enter)
/// is cut off at once, with the reason, without waiting for anyone else to
/// arrive; the flood goes nowhere, and the next player is served.
#[test]
fn a_blank_line_flood_while_waiting_is_cut_at_once() {
    let server = Server::start(&[]);
    let (said, sent) = flood_while_waiting(&server, b"\n");
    assert_eq!(said, "ERR ABUSE 64 blank lines in a row; closing\n");
    assert!(sent < 16 << 20, "the server took {sent} bytes of flood");
    let rss = ttt_test_support::proc::status_field(server.pid(), "VmHWM:");
    assert!(rss < 16 * 1024, "server peak RSS {rss} KiB under a flood");
    still_serving(&server);
}

/// A flood of refused lines while waiting is cut at the tenth.
#[test]
fn a_refused_line_flood_while_waiting_is_cut_at_the_tenth() {
    let server = Server::start(&[]);
    let (said, _) = flood_while_waiting(&server, b"x\n");
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines.len(), 11, "{said}");
    assert!(lines[..10].iter().all(|l| l.starts_with("ERR MALFORMED ")));
    assert_eq!(lines[10], "ERR ABUSE 10 refused messages in a row; closing");
    still_serving(&server);
}

/// Out of file descriptors all the same (a limit of 12, too small for the
/// descriptors the server keeps for itself: its budget of 6 connections
/// cannot be met), the server neither spins on its listener nor stops: it
/// retries accepting, and greets again as soon as connections close.
#[test]
fn out_of_file_descriptors_the_server_waits_and_recovers() {
    let server = Server::start_with_fd_limit(12, &[]);
    let pid = server.pid();
    let held: Vec<_> = (0..40).map(|_| server.connect()).collect();
    thread::sleep(Duration::from_millis(200));
    let before = ttt_test_support::proc::cpu_ns(pid);
    thread::sleep(Duration::from_secs(1));
    let spent = Duration::from_nanos(ttt_test_support::proc::cpu_ns(pid) - before);
    // A spinning accept loop would use the whole second.
    assert!(
        spent < Duration::from_millis(300),
        "{spent:?} of CPU in 1 s"
    );
    drop(held);
    still_serving(&server);
    let log = server.log().join("\n");
    assert!(log.contains("accept failed"), "the limit never bit: {log}");
}

/// Under a small open-files limit (48, which leaves room for 24
/// connections), a flood of silent connections from 100 machines, held
/// open, never runs the server out of descriptors: it makes room for every
/// newcomer, the flood's own connections making way, so an honest pair is
/// greeted and plays, and `accept` never fails.
#[test]
fn a_flood_past_the_descriptor_budget_never_runs_the_server_out() {
    let server = Server::start_with_fd_limit(48, &[]);
    let pid = server.pid();
    let mut peak = 0;
    let flood: Vec<_> = (0..300u16)
        .filter_map(|i| {
            let ip = std::net::Ipv4Addr::new(127, 0, 20, 1 + (i % 100) as u8);
            let held = ttt_test_support::connect_from(ip, server.port).ok();
            peak = peak.max(ttt_test_support::proc::fd_count(pid));
            held
        })
        .collect();
    assert!(flood.len() > 200, "the flood could not connect");
    let mut ann = server.connect_from(std::net::Ipv4Addr::new(127, 0, 21, 1));
    ann.expect_prefix("WELCOME 1");
    ann.send("HELLO 1 ann");
    ann.expect("WAIT");
    let mut bob = server.connect_from(std::net::Ipv4Addr::new(127, 0, 21, 2));
    bob.expect_prefix("WELCOME 1");
    bob.send("HELLO 1 bob");
    ann.expect("START X bob");
    bob.expect("START O ann");
    ann.expect("BOARD ......... X");
    bob.expect("BOARD ......... X");
    let last = play(&mut ann, &mut bob, &[1, 4, 2, 5, 3]);
    assert_eq!(last, "BOARD XXXOO.... -");
    ann.expect("RESULT WIN LINE 1 2 3");
    assert!(peak < 48, "the server held {peak} descriptors");
    let log = server.log().join("\n");
    assert!(!log.contains("accept failed"), "{log}");
    assert!(log.contains("a burst of connections"), "{log}");
    drop(flood);
}

/// Room is made for a newcomer, never for nobody: with the budget (24
/// connections under a limit of 48) filled exactly, by an honest client
/// first and 23 silent ones from 23 machines after it, nobody is closed,
/// though the honest one is the oldest greeting connection and the first
/// to go if someone else arrived. (Made before `accept`, room closed it
/// for a backlog that was empty.)
#[test]
fn a_full_budget_closes_nobody_until_someone_new_arrives() {
    let server = Server::start_with_fd_limit(48, &[]);
    let mut ann = server.connect_from(std::net::Ipv4Addr::new(127, 0, 22, 1));
    ann.expect_prefix("WELCOME 1");
    let silent: Vec<_> = (0..23u8)
        .map(|i| server.connect_from(std::net::Ipv4Addr::new(127, 0, 23, 1 + i)))
        .collect();
    // Every one of them accepted: each has its greeting.
    let silent: Vec<_> = silent
        .into_iter()
        .map(|mut peer| {
            peer.expect_prefix("WELCOME 1");
            peer
        })
        .collect();
    thread::sleep(Duration::from_millis(200));
    ann.send("HELLO 1 ann");
    ann.expect("WAIT");
    let log = server.log().join("\n");
    assert!(!log.contains("closed to make room"), "{log}");
    drop(silent);
}
