//! Integration tests: the real `ttt-server` binary on 127.0.0.1 port 0,
//! played through raw TCP clients speaking the protocol byte for byte.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ttt_test_support::{Peer, Server, play};

/// Checks both players' results and scores after a finished game.
fn expect_result(x: &mut Peer, o: &mut Peer, x_result: &str, o_result: &str) {
    x.expect(&format!("RESULT {x_result}"));
    o.expect(&format!("RESULT {o_result}"));
}

/// X wins on the top row; each player is told their own result and score.
#[test]
fn x_wins_on_a_row() {
    let server = Server::start(&[]);
    let (mut x, mut o) = server.pair("ann", "bob");
    let board = play(&mut x, &mut o, &[1, 4, 2, 5, 3]);
    assert_eq!(board, "BOARD XXXOO.... -");
    expect_result(&mut x, &mut o, "WIN LINE 1 2 3", "LOSE LINE 1 2 3");
    x.expect("SCORE 1 0 0");
    o.expect("SCORE 0 1 0");
    x.expect("REMATCH");
    o.expect("REMATCH");
}

/// X wins on a column.
#[test]
fn x_wins_on_a_column() {
    let server = Server::start(&[]);
    let (mut x, mut o) = server.pair("ann", "bob");
    play(&mut x, &mut o, &[2, 1, 5, 3, 8]);
    expect_result(&mut x, &mut o, "WIN LINE 2 5 8", "LOSE LINE 2 5 8");
}

/// X wins on the anti-diagonal.
#[test]
fn x_wins_on_a_diagonal() {
    let server = Server::start(&[]);
    let (mut x, mut o) = server.pair("ann", "bob");
    play(&mut x, &mut o, &[3, 1, 5, 2, 7]);
    expect_result(&mut x, &mut o, "WIN LINE 3 5 7", "LOSE LINE 3 5 7");
}

/// O wins on the main diagonal.
#[test]
fn o_wins() {
    let server = Server::start(&[]);
    let (mut x, mut o) = server.pair("ann", "bob");
    play(&mut x, &mut o, &[2, 1, 3, 5, 4, 9]);
    expect_result(&mut x, &mut o, "LOSE LINE 1 5 9", "WIN LINE 1 5 9");
    x.expect("SCORE 0 1 0");
    o.expect("SCORE 1 0 0");
}

/// A full board without a line is a tie for both.
#[test]
fn tie() {
    let server = Server::start(&[]);
    let (mut x, mut o) = server.pair("ann", "bob");
    let board = play(&mut x, &mut o, &[1, 2, 3, 5, 4, 6, 8, 7, 9]);
    assert_eq!(board, "BOARD XOXXOOOXX -");
    expect_result(&mut x, &mut o, "TIE", "TIE");
    x.expect("SCORE 0 0 1");
    o.expect("SCORE 0 0 1");
}

/// Each kind of invalid move gets its reason, and the game goes on unchanged.
#[test]
fn invalid_moves_are_refused_with_a_reason() {
    let server = Server::start(&[]);
    let (mut x, mut o) = server.pair("ann", "bob");
    x.send("MOVE five");
    x.expect_prefix("ERR MALFORMED ");
    x.send("JUMP");
    x.expect_prefix("ERR MALFORMED ");
    x.send("MOVE 0");
    x.expect_prefix("ERR RANGE ");
    x.send("10");
    x.expect_prefix("ERR RANGE ");
    o.send("MOVE 1");
    o.expect("ERR TURN not your turn; it is X's turn");
    x.send("move 5");
    x.expect("BOARD ....X.... O");
    o.expect("BOARD ....X.... O");
    o.send("5");
    o.expect("ERR OCCUPIED cell 5 is taken by X");
    x.send("1");
    x.expect_prefix("ERR TURN ");
    x.send("HELLO 1 ann");
    x.expect_prefix("ERR STATE ");
    x.send("YES");
    x.expect_prefix("ERR STATE ");
    // Nothing changed: O still moves, on the same board.
    o.send("1");
    o.expect("BOARD O...X.... X");
    x.expect("BOARD O...X.... X");
}

/// Ten refused messages in a row close the connection; the opponent wins.
#[test]
fn repeated_abuse_closes_the_connection() {
    let server = Server::start(&[]);
    let (mut x, mut o) = server.pair("ann", "bob");
    for _ in 0..10 {
        o.send("nonsense");
        o.expect_prefix("ERR MALFORMED ");
    }
    o.expect_prefix("ERR ABUSE ");
    o.expect("BOARD ......... -");
    o.expect("RESULT LOSE FORFEIT ABUSE");
    x.expect("BOARD ......... -");
    x.expect("RESULT WIN FORFEIT ABUSE");
}

/// A rematch swaps marks and carries the score; a decline ends the table.
#[test]
fn rematch_accepted_then_declined_with_score() {
    let server = Server::start(&[]);
    let (mut ann, mut bob) = server.pair("ann", "bob");
    play(&mut ann, &mut bob, &[1, 4, 2, 5, 3]);
    expect_result(&mut ann, &mut bob, "WIN LINE 1 2 3", "LOSE LINE 1 2 3");
    ann.expect("SCORE 1 0 0");
    bob.expect("SCORE 0 1 0");
    ann.expect("REMATCH");
    bob.expect("REMATCH");
    ann.send("yes");
    bob.send("YES");
    // Marks swap: bob is X now and moves first.
    ann.expect("START O bob");
    ann.expect("BOARD ......... X");
    bob.expect("START X ann");
    bob.expect("BOARD ......... X");
    play(&mut bob, &mut ann, &[1, 4, 2, 5, 3]);
    expect_result(&mut bob, &mut ann, "WIN LINE 1 2 3", "LOSE LINE 1 2 3");
    ann.expect("SCORE 1 1 0");
    bob.expect("SCORE 1 1 0");
    ann.expect("REMATCH");
    bob.expect("REMATCH");
    bob.send("NO");
    ann.expect("BYE bob declined the rematch; thanks for playing");
    ann.expect_closed();
    bob.expect("BYE you declined the rematch; goodbye");
    bob.expect_closed();
}

/// Checks `winner` is told of the forfeit within a second: the final board
/// (turn `-`), the result, the score; then, with nobody else waiting, they
/// wait for the next opponent (they are not sent away for the other's
/// departure).
fn expect_prompt_forfeit(winner: &mut Peer, reason: &str, start: Instant) {
    let board = winner.expect_prefix("BOARD ");
    assert!(board.ends_with(" -"), "{board}");
    winner.expect(&format!("RESULT WIN FORFEIT {reason}"));
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "told after {:?}",
        start.elapsed()
    );
    winner.expect("SCORE 1 0 0");
    winner.expect("WAIT");
    winner.expect_silence(Duration::from_millis(50));
}

/// X disconnects during its own turn: O wins at once.
#[test]
fn x_disconnects_on_its_turn() {
    let server = Server::start(&[]);
    let (x, mut o) = server.pair("ann", "bob");
    let start = Instant::now();
    drop(x);
    expect_prompt_forfeit(&mut o, "DISCONNECT", start);
}

/// O disconnects while the server waits on X's move: X is told at once.
#[test]
fn o_disconnects_during_the_opponents_turn() {
    let server = Server::start(&[]);
    let (mut x, o) = server.pair("ann", "bob");
    let start = Instant::now();
    drop(o);
    expect_prompt_forfeit(&mut x, "DISCONNECT", start);
}

/// O disconnects during its own turn.
#[test]
fn o_disconnects_on_its_turn() {
    let server = Server::start(&[]);
    let (mut x, mut o) = server.pair("ann", "bob");
    play(&mut x, &mut o, &[5]);
    let start = Instant::now();
    drop(o);
    expect_prompt_forfeit(&mut x, "DISCONNECT", start);
}

/// X disconnects during O's turn.
#[test]
fn x_disconnects_during_the_opponents_turn() {
    let server = Server::start(&[]);
    let (mut x, mut o) = server.pair("ann", "bob");
    play(&mut x, &mut o, &[5]);
    let start = Instant::now();
    drop(x);
    expect_prompt_forfeit(&mut o, "DISCONNECT", start);
}

/// QUIT is told apart from a dropped connection.
#[test]
fn quitting_is_a_forfeit_by_quit() {
    let server = Server::start(&[]);
    let (mut x, mut o) = server.pair("ann", "bob");
    let start = Instant::now();
    o.send("QUIT");
    o.expect("BOARD ......... -");
    o.expect("RESULT LOSE FORFEIT QUIT");
    o.expect("SCORE 0 1 0");
    o.expect("BYE goodbye");
    o.expect_closed();
    expect_prompt_forfeit(&mut x, "QUIT", start);
}

/// The mover's turn clock runs out: a forfeit by timeout, and the other
/// player is in line again at once.
#[test]
fn turn_timeout_forfeits_the_mover() {
    let server = Server::start(&["--turn-timeout", "200ms"]);
    let (mut x, mut o) = server.pair("ann", "bob");
    play(&mut x, &mut o, &[5]);
    let start = Instant::now();
    o.expect("BOARD ....X.... -");
    o.expect("RESULT LOSE FORFEIT TIMEOUT");
    x.expect("BOARD ....X.... -");
    x.expect("RESULT WIN FORFEIT TIMEOUT");
    assert!(
        start.elapsed() >= Duration::from_millis(150),
        "too early: {:?}",
        start.elapsed()
    );
    x.expect("SCORE 1 0 0");
    o.expect("SCORE 0 1 0");
    // No rematch offer to wait through: the player who ran out of time
    // leaves, the other waits for the next opponent.
    o.expect("BYE your time ran out; goodbye");
    o.expect_closed();
    x.expect("WAIT");
    let mut carol = server.join("carol");
    carol.expect("START O ann");
}

/// The mover is warned of the time left before the clock runs out.
#[test]
fn turn_clock_warns_before_the_timeout() {
    let server = Server::start(&["--turn-timeout", "10.3"]);
    let (mut x, mut o) = server.pair("ann", "bob");
    let start = Instant::now();
    x.expect("CLOCK 10");
    assert!(start.elapsed() < Duration::from_secs(2));
    // Only the mover is warned; a move stops the clock.
    x.send("5");
    x.expect("BOARD ....X.... O");
    o.expect("BOARD ....X.... O");
}

/// A first player who leaves while waiting is never paired as a ghost, and
/// the server closes their socket at once, before anyone else arrives.
#[test]
fn first_player_leaving_while_waiting_is_not_paired() {
    let server = Server::start(&[]);
    let idle_fds = ttt_test_support::proc::fd_count(server.pid());
    let mut ghost = server.join("ghost");
    ghost.expect("WAIT");
    assert!(ttt_test_support::proc::fd_count(server.pid()) > idle_fds);
    drop(ghost);
    assert!(
        ttt_test_support::wait_until(|| ttt_test_support::proc::fd_count(server.pid()) == idle_fds),
        "the waiter's socket is still open"
    );
    let mut ann = server.join("ann");
    // ann takes the first seat and waits, rather than playing a ghost.
    ann.expect("WAIT");
    let mut bob = server.join("bob");
    ann.expect("START X bob");
    bob.expect("START O ann");
}

/// A waiting player can cancel with QUIT: goodbye, and the connection closes.
#[test]
fn waiting_player_can_quit() {
    let server = Server::start(&[]);
    let mut ann = server.join("ann");
    ann.expect("WAIT");
    ann.send("QUIT");
    ann.expect("BYE goodbye");
    ann.expect_closed();
    let mut bob = server.join("bob");
    bob.expect("WAIT");
}

/// A third player who arrives during a game is greeted at once and told to
/// wait; at the game's end there is no rematch while they wait: the loser
/// makes way with a reason, and the winner stays on against them.
#[test]
fn third_player_is_greeted_at_once_and_plays_the_winner() {
    let server = Server::start(&[]);
    let (mut x, mut o) = server.pair("ann", "bob");
    let mut carol = server.join("carol");
    carol.expect("WAIT");
    play(&mut x, &mut o, &[1, 4, 2, 5, 3]);
    expect_result(&mut x, &mut o, "WIN LINE 1 2 3", "LOSE LINE 1 2 3");
    o.expect("SCORE 0 1 0");
    o.expect(
        "BYE winner stays on: others are waiting, so ann plays the next in line; \
         thanks for playing",
    );
    o.expect_closed();
    x.expect("SCORE 1 0 0");
    // The challenger moves first.
    x.expect("START O carol");
    x.expect("BOARD ......... X");
    carol.expect("START X ann");
    carol.expect("BOARD ......... X");
    play(&mut carol, &mut x, &[5]);
}

/// A client speaking another protocol version is told both versions.
#[test]
fn version_mismatch_is_refused_clearly() {
    let server = Server::start(&[]);
    let mut peer = server.welcomed();
    peer.send("HELLO 3 future");
    peer.expect("ERR NOPROTO client speaks protocol 3, server speaks 1 and 2");
    peer.expect_closed();
}

/// A connection that never says hello is dropped after the handshake timeout.
#[test]
fn silent_connection_is_dropped_after_the_handshake_timeout() {
    let server = Server::start(&["--handshake-timeout", "300ms"]);
    let mut peer = server.connect();
    let start = Instant::now();
    peer.expect_prefix("WELCOME 1");
    peer.expect_prefix("ERR TIMEOUT ");
    peer.expect_closed();
    assert!(start.elapsed() < Duration::from_secs(2));
    // The server goes on serving.
    server.join("ann").expect("WAIT");
}

/// A line over the maximum closes that connection; its game ends by forfeit.
#[test]
fn over_long_line_forfeits_by_abuse() {
    let server = Server::start(&[]);
    let (mut x, mut o) = server.pair("ann", "bob");
    o.send_raw(&[b'7'; 600]);
    o.expect_prefix("ERR TOOLONG ");
    x.expect("BOARD ......... -");
    x.expect("RESULT WIN FORFEIT ABUSE");
}

/// Invalid UTF-8 closes that connection; its game ends by forfeit.
#[test]
fn invalid_utf8_forfeits_by_abuse() {
    let server = Server::start(&[]);
    let (mut x, mut o) = server.pair("ann", "bob");
    x.send_raw(b"MOVE \xff\n");
    x.expect_prefix("ERR UTF8 ");
    o.expect("BOARD ......... -");
    o.expect("RESULT WIN FORFEIT ABUSE");
}

/// Lines sent together with HELLO are not lost, and CRLF works.
#[test]
fn pipelined_lines_and_crlf() {
    let server = Server::start(&[]);
    let mut x = server.welcomed();
    x.send_raw(b"HELLO 1 ann\r\n");
    x.expect("WAIT");
    let mut o = server.welcomed();
    o.send_raw(b"HELLO 1 bob\r\nMOVE 5\r\n");
    x.expect("START X bob");
    x.expect("BOARD ......... X");
    // bob's pipelined move arrived out of turn: refused, not lost or misapplied.
    o.expect("START O ann");
    o.expect("BOARD ......... X");
    o.expect_prefix("ERR TURN ");
}

/// Stopping the server (Ctrl-C or kill) tells every connection why (players
/// at the table, players waiting their turn, connections still greeting),
/// then exits 0.
#[test]
fn stopping_the_server_says_goodbye() {
    for signal in ["INT", "TERM"] {
        let mut server = Server::start(&[]);
        let (mut x, mut o) = server.pair("ann", "bob");
        let mut queued = server.join("carol");
        queued.expect("WAIT");
        let mut greeting = server.welcomed();
        assert_eq!(
            server.signal(signal),
            Some(0),
            "exit code after SIG{signal}"
        );
        for p in [&mut x, &mut o, &mut queued, &mut greeting] {
            p.expect("BYE server shutting down");
            p.expect_closed();
        }
    }
}

/// A player waiting alone when the server stops is told so too.
#[test]
fn stopping_while_a_player_waits_says_goodbye() {
    let mut server = Server::start(&[]);
    let mut ann = server.join("ann");
    ann.expect("WAIT");
    assert_eq!(server.signal("TERM"), Some(0));
    ann.expect("BYE server shutting down");
    ann.expect_closed();
}

/// Runs the server binary with `args` and `env`, expecting a quick failure.
fn run_failing(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ttt-server"));
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run ttt-server");
    let code = out.status.code().expect("exited, not killed");
    (code, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A bad PORT is exit code 2 and one line naming the variable and value.
#[test]
fn bad_port_is_one_line_and_exit_2() {
    for value in ["abc", "70000"] {
        let (code, stderr) = run_failing(&[], &[("PORT", value)]);
        assert_eq!(code, 2, "PORT={value}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("PORT") && stderr.contains(value),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"));
    }
    let (code, stderr) = run_failing(&["--turn-timeout", "soon"], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
}

/// A malformed .env is exit code 2 and one line naming the file and line.
#[test]
fn malformed_env_file_names_the_line() {
    let dir = std::env::temp_dir().join(format!("ttt-env-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join(".env"), "BIND=127.0.0.1\nPORT=\"12\nnot a line\n")
        .expect("write .env");
    let out = Command::new(env!("CARGO_BIN_EXE_ttt-server"))
        .current_dir(&dir)
        .stdin(Stdio::null())
        .output()
        .expect("run ttt-server");
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(".env: cannot parse line 2"), "{stderr}");
}

/// A port already in use is one clear line and a non-zero exit.
#[test]
fn port_in_use_is_one_line() {
    let server = Server::start(&[]);
    let port = server.port.to_string();
    let (code, stderr) = run_failing(&["--bind", "127.0.0.1", "--port", &port], &[]);
    assert_ne!(code, 0);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("already in use"), "{stderr}");
}
