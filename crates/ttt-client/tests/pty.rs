//! The client at a real pseudo-terminal, seen through a terminal emulator:
//! the full-screen board at 80x24 and 40x15, keys, the leave question under
//! a running clock, a resize, type-ahead, Ctrl-C, and the terminal given
//! back as it was; and the plain transcript where the board does not
//! belong (TERM=dumb, --plain).
#![cfg(unix)]

use std::time::Duration;

use ttt_test_support::{Peer, Server, Terminal, kill_client_sockets};

const CLIENT: &str = env!("CARGO_BIN_EXE_ttt-client");

/// The client in a `cols` x `rows` terminal against `server`, as `tty`.
fn client(server: &Server, cols: u16, rows: u16, extra: &[(&str, &str)]) -> Terminal {
    let port = server.port.to_string();
    let mut env = vec![
        ("HOST", "127.0.0.1"),
        ("PORT", port.as_str()),
        ("TTT_NAME", "tty"),
        ("TERM", "xterm-256color"),
    ];
    env.extend_from_slice(extra);
    Terminal::start(CLIENT, &[], &env, cols, rows)
}

/// A raw opponent joins; the client plays X.
fn opponent(server: &Server, term: &Terminal) -> Peer {
    term.wait_for("Waiting for an opponent");
    let mut peer = server.join("raw");
    peer.expect("START O tty");
    peer.expect("BOARD ......... X");
    peer
}

/// The terminal is as the shell left it: the normal screen, the cursor
/// shown, no mouse reporting, lines and echo on again.
fn given_back(term: &Terminal) {
    let screen = term.screen();
    assert!(!screen.alternate_screen(), "still on the alternate screen");
    assert!(!screen.hide_cursor(), "the cursor is still hidden");
    assert_eq!(
        screen.mouse_protocol_mode(),
        vt100::MouseProtocolMode::None,
        "the mouse is still reported"
    );
    assert!(term.line_mode().0, "the terminal is still in raw mode");
}

/// A whole game at 80x24: the board, the clocks, keys; the game is won and
/// the player leaves with q; the terminal comes back with what happened.
#[test]
fn a_whole_game_at_80_by_24() {
    let server = Server::start(&[]);
    let mut term = client(&server, 80, 24, &[]);
    let mut peer = opponent(&server, &term);
    let screen = term.wait_for("Your move.");
    assert!(screen.contains("tty (X) vs raw (O)"), "{screen}");
    assert!(screen.contains("you 0 · raw 0 · ties 0"), "{screen}");
    assert!(screen.contains("tty (X)  to move, 120 s left"), "{screen}");
    assert!(screen.contains("raw (O)  120 s a move"), "{screen}");
    assert!(term.screen().alternate_screen());
    assert_eq!(term.line_mode(), (false, false), "raw mode");
    // A digit plays, without Enter.
    term.send(b"1");
    peer.expect("BOARD X........ O");
    term.wait_for("raw (O)  to move");
    peer.send("4");
    peer.expect("BOARD X..O..... X");
    term.wait_for("raw took 4.");
    // Arrows and Enter: from the centre, up one, then Enter plays 2.
    term.send(b"\x1b[A");
    term.wait_for(">2<");
    term.send(b"\r");
    peer.expect("BOARD XX.O..... O");
    peer.send("5");
    peer.expect("BOARD XX.OO.... X");
    term.wait_for("raw took 5.");
    term.wait_for("Your move.");
    term.send(b"3");
    peer.expect("BOARD XXXOO.... -");
    peer.expect("RESULT LOSE LINE 1 2 3");
    let screen = term.wait_for("you 1 · raw 0 · ties 0");
    assert!(
        screen.contains("You win! Three in a row on 1 2 3."),
        "{screen}"
    );
    assert!(screen.contains("[X]"), "the last move, bracketed: {screen}");
    term.wait_for("Play again, marks swapped?");
    term.send(b"n");
    assert_eq!(term.wait_exit(), 0);
    given_back(&term);
    let after = term.contents();
    assert!(
        after.contains("You declined the rematch. Thanks for playing, tty!"),
        "{after}"
    );
    assert!(after.contains("You win! Three in a row"), "{after}");
}

/// The smallest board: 40x15, a whole game to a tie by a click and keys.
#[test]
fn a_whole_game_at_40_by_15() {
    let server = Server::start(&[]);
    let mut term = client(&server, 40, 15, &[]);
    let mut peer = opponent(&server, &term);
    let screen = term.wait_for("Your move.");
    for line in screen.lines() {
        assert!(line.chars().count() <= 40, "{line:?}");
    }
    assert!(screen.contains("tty (X)  to move"), "{screen}");
    // X 1 5 6 7 2 ; O 9 4 3 8: a tie.
    for (mine, theirs) in [(b'5', "1"), (b'3', "7"), (b'4', "6"), (b'8', "2")] {
        term.send(&[mine]);
        peer.expect_prefix("BOARD ");
        peer.send(theirs);
        peer.expect_prefix("BOARD ");
        // Not "Your move." alone: it is still on the screen until the
        // client has drawn its own move's board.
        term.wait_for(&format!("raw took {theirs}."));
        term.wait_for("Your move.");
    }
    term.send(b"9");
    peer.expect_prefix("BOARD ");
    peer.expect("RESULT TIE");
    let screen = term.wait_for("ties 1");
    assert!(screen.contains("It's a tie"), "{screen}");
    term.wait_for("Play again");
    term.send(b"q");
    assert_eq!(term.wait_exit(), 0);
    given_back(&term);
}

/// Below 40x15 the screen says so; a resize back draws the board again,
/// and every size in between fits.
#[test]
fn a_resize_in_the_middle_of_a_game() {
    let server = Server::start(&[]);
    let mut term = client(&server, 80, 24, &[]);
    let _peer = opponent(&server, &term);
    term.wait_for("Your move.");
    term.resize(50, 20);
    let screen = term.wait_until("the board at 50 columns", |s| {
        // The rule above the question spans the new width.
        let text = s.contents();
        text.contains("Your move.") && text.lines().any(|l| l == "─".repeat(50))
    });
    for line in screen.lines() {
        assert!(line.chars().count() <= 50, "{line:?}");
    }
    term.resize(30, 10);
    term.wait_for("This terminal is 30x10");
    term.resize(80, 24);
    term.wait_until("the board again at 80x24", |s| {
        let text = s.contents();
        text.contains("Your move.") && !text.contains("This terminal is")
    });
    term.send(b"q");
    term.wait_for("Leave this game?");
    term.send(b"y");
    assert_eq!(term.wait_exit(), 0);
    given_back(&term);
}

/// The leave question stays on screen while the clock ticks under it.
#[test]
fn the_leave_question_survives_clock_ticks() {
    let server = Server::start(&["--turn-timeout", "8"]);
    let mut term = client(&server, 80, 24, &[]);
    let _peer = opponent(&server, &term);
    term.wait_for("to move, 8 s left");
    term.send(b"q");
    term.wait_for("Leave this game? raw wins by forfeit.");
    // Two seconds of ticks.
    let screen = term.wait_for("to move, 6 s left");
    assert!(
        screen.contains("Leave this game? raw wins by forfeit."),
        "{screen}"
    );
    assert!(screen.contains("y: leave   n: play on"), "{screen}");
    term.send(b"n");
    term.wait_for("Playing on.");
    term.wait_for("Your move.");
}

/// A cell typed while the opponent thinks says so and is not kept: when
/// the turn comes, nothing was played for it.
#[test]
fn type_ahead_during_the_opponents_turn_is_not_played() {
    let server = Server::start(&[]);
    let mut term = client(&server, 80, 24, &[]);
    let mut peer = opponent(&server, &term);
    term.wait_for("Your move.");
    term.send(b"5");
    peer.expect("BOARD ....X.... O");
    term.wait_for("raw is thinking.");
    term.send(b"7");
    term.wait_for("Not your turn yet: waiting for raw.");
    peer.send("1");
    peer.expect("BOARD O...X.... X");
    term.wait_for("Your move.");
    // Nothing more from the client until a key is pressed now.
    peer.expect_silence(Duration::from_millis(300));
    term.send(b"9");
    peer.expect("BOARD O...X...X O");
}

/// Ctrl-C asks; a second leaves at once (exit 130), the server hears QUIT,
/// and the terminal is given back.
#[test]
fn ctrl_c_twice_leaves_and_gives_the_terminal_back() {
    let server = Server::start(&[]);
    let mut term = client(&server, 80, 24, &[]);
    let mut peer = opponent(&server, &term);
    term.wait_for("Your move.");
    term.send(b"\x03");
    term.wait_for("Leave this game? raw wins by forfeit.");
    term.send(b"\x03");
    peer.expect("BOARD ......... -");
    peer.expect("RESULT WIN FORFEIT QUIT");
    assert_eq!(term.wait_exit(), 130);
    given_back(&term);
    assert!(term.contents().contains("You left; raw wins by forfeit."));
}

/// The server gone mid-game: one line of error on the shell's screen,
/// exit 1, and the terminal given back.
#[test]
fn the_server_gone_gives_the_terminal_back_with_the_error() {
    // The seat is held 1 s: the client tries to come back that long.
    let mut server = Server::start(&["--grace", "1"]);
    let mut term = client(&server, 80, 24, &[]);
    let _peer = opponent(&server, &term);
    term.wait_for("Your move.");
    server.signal("KILL");
    assert_eq!(term.wait_exit(), 1);
    given_back(&term);
    let after = term.contents();
    assert!(
        after.contains("error: lost the connection to 127.0.0.1:"),
        "{after}"
    );
    assert!(
        after.contains("Could not get back in time; the seat is lost."),
        "{after}"
    );
}

/// NO_COLOR: no colour at all, and the last move still reads as the last.
#[test]
fn no_color_keeps_everything_but_colour() {
    let server = Server::start(&[]);
    let mut term = client(&server, 80, 24, &[("NO_COLOR", "1")]);
    let mut peer = opponent(&server, &term);
    term.wait_for("Your move.");
    term.send(b"5");
    peer.expect("BOARD ....X.... O");
    let screen = term.wait_for("[X]");
    assert!(screen.contains("You took 5."), "{screen}");
    let shown = term.screen();
    for row in 0..24 {
        for col in 0..80 {
            let cell = shown.cell(row, col).expect("a cell");
            assert_eq!(cell.fgcolor(), vt100::Color::Default, "{row},{col}");
        }
    }
}

/// TERM=dumb gets the plain transcript even at a terminal: not one escape
/// byte, lines typed with Enter.
#[test]
fn term_dumb_gets_the_plain_transcript() {
    let server = Server::start(&[]);
    let mut term = client(&server, 80, 24, &[("TERM", "dumb")]);
    let mut peer = opponent(&server, &term);
    term.wait_for("Your move (X), 120 s left. Type 1-9, or q to leave:");
    term.send(b"5\n");
    peer.expect("BOARD ....X.... O");
    term.wait_for("Waiting for raw (O) to move, 120 s left.");
    drop(peer);
    term.wait_for("You win: raw disconnected.");
    term.send(b"q\n");
    assert_eq!(term.wait_exit(), 0);
    let raw = term.raw();
    assert!(
        !raw.contains(&0x1b),
        "an escape byte in {:?}",
        String::from_utf8_lossy(&raw)
    );
}

/// With --plain at a terminal, what was typed but not entered when the
/// client exits is thrown away: the shell after it reads only what is
/// typed for it.
#[test]
fn nothing_typed_leaks_into_the_shell() {
    // The place in line is held 1 s: the client tries to come back that
    // long once the server is gone.
    let server = Server::start(&["--grace", "1"]);
    let port = server.port.to_string();
    let script = format!("{CLIENT} --plain; echo EXIT=$?; IFS= read -r line; echo \"GOT=[$line]\"");
    let env = [
        ("HOST", "127.0.0.1"),
        ("PORT", port.as_str()),
        ("TTT_NAME", "tty"),
        ("TERM", "xterm"),
    ];
    let mut term = Terminal::shell(&script, &env, 80, 24);
    let mut peer = opponent(&server, &term);
    term.wait_for("Type 1-9, or q to leave:");
    term.send(b"5\n");
    peer.expect("BOARD ....X.... O");
    // Typed, not entered, when the game ends and the client leaves.
    term.send(b"abc");
    std::thread::sleep(Duration::from_millis(100));
    drop(peer);
    term.wait_for("You win: raw disconnected.");
    // Lost in line: stop the server, and the client exits.
    drop(server);
    term.wait_for("EXIT=1");
    term.send(b"xyz\n");
    term.wait_for("GOT=[xyz]");
    assert_eq!(term.wait_exit(), 0);
}

/// The client's connection killed under it mid-game: the server holds the
/// seat, the client connects again by itself and sends its token, and the
/// game finishes with the right result for both. The opponent (version 1,
/// from another address) hears nothing of it.
#[test]
fn a_killed_connection_comes_back_to_the_seat() {
    // Logging everything: no token may be in it.
    let server = Server::start_with(&["--bind", "127.0.0.1", "--port", "0", "-vv"], &[]);
    let mut term = client(&server, 80, 24, &[]);
    term.wait_for("Waiting for an opponent");
    let mut raw = server.connect_from(std::net::Ipv4Addr::new(127, 0, 0, 2));
    raw.expect_prefix("WELCOME 1");
    raw.send("HELLO 1 raw");
    raw.expect("START O tty");
    raw.expect("BOARD ......... X");
    term.wait_for("Your move.");
    term.send(b"1");
    raw.expect("BOARD X........ O");
    if !kill_client_sockets(server.port) {
        eprintln!("skipped: ss -K needs root and iproute2");
        return;
    }
    raw.send("MOVE 4");
    raw.expect("BOARD X..O..... X");
    term.wait_for("You are back.");
    // The board as it stands comes after: raw's move, and ours to make.
    let screen = term.wait_for("Your move.");
    assert!(screen.contains("raw took 4."), "{screen}");
    term.send(b"2");
    raw.expect("BOARD XX.O..... O");
    raw.send("MOVE 5");
    raw.expect("BOARD XX.OO.... X");
    term.wait_for("raw took 5.");
    term.send(b"3");
    raw.expect("BOARD XXXOO.... -");
    raw.expect("RESULT LOSE LINE 1 2 3");
    term.wait_for("You win! Three in a row on 1 2 3.");
    let log = server.log();
    assert!(log.iter().any(|l| l.contains("tty is back")), "{log:#?}");
    for line in &log {
        let hex_run = line
            .split(|c: char| !c.is_ascii_hexdigit())
            .any(|run| run.len() >= 32);
        assert!(!hex_run, "a token in the log: {line}");
    }
}

/// `--spectate` at 80x24: the game of two others drawn as it is played,
/// by name and mark, never a question; q leaves at once, exit 0.
#[test]
fn a_spectator_watches_a_game_and_leaves_with_q() {
    let server = Server::start(&[]);
    let mut term = client(&server, 80, 24, &[("TTT_SPECTATE", "1")]);
    term.wait_for("Nobody is playing at the table now.");
    let (mut ann, mut bob) = server.pair("ann", "bob");
    term.wait_for("watching ann vs bob");
    ttt_test_support::play(&mut ann, &mut bob, &[5, 1]);
    let screen = term.wait_for("bob (O) took 1.");
    assert!(screen.contains("[O]"), "{screen}");
    assert!(screen.contains("ann (X)  to move"), "{screen}");
    assert!(!screen.contains("Your move"), "{screen}");
    term.send(b"q");
    assert_eq!(term.wait_exit(), 0);
    given_back(&term);
}
