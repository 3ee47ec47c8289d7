//! The client at a real (pseudo-)terminal: prompt, colours, the live clock,
//! and leaving: q, Ctrl-D and Ctrl-C ask once; a second Ctrl-C leaves now.

use std::process::Command;

use rexpect::error::Error;
use rexpect::session::{PtySession, spawn_command};
use ttt_test_support::{Peer, Server};

const PROMPT: &str = "Your move (1-9, q to leave): ";
const LEAVE: &str = "Leave this game? raw wins by forfeit. (y/n, Ctrl-C again leaves now): ";

/// The client said the player left and exited, and the server saw a
/// forfeit by quitting (not a dropped connection) on `board`.
fn left_by_quitting(pty: &mut PtySession, peer: &mut Peer, board: &str) -> Result<(), Error> {
    pty.exp_string("You left; raw wins by forfeit.")?;
    pty.exp_eof()?;
    peer.expect(&format!("BOARD {board} -"));
    peer.expect("RESULT WIN FORFEIT QUIT");
    Ok(())
}

/// Starts the client in a pseudo-terminal against `server`, waiting as X.
fn client_in_pty(server: &Server, no_color: bool) -> Result<PtySession, Error> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ttt-client"));
    cmd.env("HOST", "127.0.0.1")
        .env("PORT", server.port.to_string())
        .env("TTT_NAME", "tty")
        .env("TERM", "xterm");
    if no_color {
        cmd.env("NO_COLOR", "1");
    } else {
        cmd.env_remove("NO_COLOR");
    }
    let mut pty = spawn_command(cmd, Some(10_000))?;
    pty.exp_string("Waiting for an opponent")?;
    Ok(pty)
}

/// On a terminal: colours, a prompt on our turn only, and q asks before
/// forfeiting; a confirmed quit is the server's forfeit, then a clean exit.
#[test]
fn interactive_prompt_colours_and_quit_confirmation() -> Result<(), Error> {
    let server = Server::start(&[]);
    let mut pty = client_in_pty(&server, false)?;
    let mut peer = server.join("raw");
    peer.expect("START O tty");
    peer.expect("BOARD ......... X");
    // Empty cells are dimmed numbers; the prompt follows.
    pty.exp_string("\x1b[2m5\x1b[0m")?;
    pty.exp_string(PROMPT)?;
    pty.send_line("5")?;
    // Our X, in bold red, on the board the server sent back.
    pty.exp_string("\x1b[1;31mX\x1b[0m")?;
    peer.expect("BOARD ....X.... O");
    pty.exp_string("Waiting for raw")?;
    peer.send("1");
    peer.expect("BOARD O...X.... X");
    pty.exp_string("\x1b[1;34mO\x1b[0m")?;
    pty.exp_string(PROMPT)?;
    pty.send_line("q")?;
    pty.exp_string(LEAVE)?;
    pty.send_line("n")?;
    pty.exp_string("Playing on.")?;
    pty.exp_string(PROMPT)?;
    pty.send_line("q")?;
    pty.exp_string(LEAVE)?;
    pty.send_line("y")?;
    left_by_quitting(&mut pty, &mut peer, "O...X....")
}

/// NO_COLOR turns colours off even on a terminal; the board stays readable.
#[test]
fn no_color_on_a_terminal() -> Result<(), Error> {
    let server = Server::start(&[]);
    let mut pty = client_in_pty(&server, true)?;
    let mut peer = server.join("raw");
    peer.expect("START O tty");
    let board = pty.exp_string(PROMPT)?;
    assert!(board.contains(" 1 | 2 | 3"), "{board:?}");
    assert!(
        !board.contains('\x1b'),
        "escape codes despite NO_COLOR: {board:?}"
    );
    // Ctrl-D at the keyboard asks, like q; the terminal reads on after it.
    pty.send_control('d')?;
    pty.exp_string(LEAVE)?;
    pty.send_line("y")?;
    peer.expect("BOARD ......... X");
    left_by_quitting(&mut pty, &mut peer, ".........")
}

/// The question survives the opponent's move arriving while it is open:
/// the board is shown, then the same question again, and `y` still leaves.
#[test]
fn the_leave_question_survives_an_opponent_move() -> Result<(), Error> {
    let server = Server::start(&[]);
    let mut pty = client_in_pty(&server, true)?;
    let mut peer = server.join("raw");
    peer.expect("START O tty");
    pty.exp_string(PROMPT)?;
    pty.send_line("5")?;
    peer.expect("BOARD ......... X");
    peer.expect("BOARD ....X.... O");
    pty.exp_string("Waiting for raw (O)")?;
    pty.send_line("q")?;
    pty.exp_string(LEAVE)?;
    peer.send("1");
    pty.exp_string("raw took 1.")?;
    pty.exp_string(LEAVE)?;
    pty.send_line("y")?;
    peer.expect("BOARD O...X.... X");
    left_by_quitting(&mut pty, &mut peer, "O...X....")
}

/// Ctrl-C asks once; a second Ctrl-C leaves at once, saying what happened,
/// and the server still hears QUIT (a forfeit by quitting, not a drop).
#[test]
fn a_second_ctrl_c_leaves_at_once() -> Result<(), Error> {
    let server = Server::start(&[]);
    let mut pty = client_in_pty(&server, true)?;
    let mut peer = server.join("raw");
    peer.expect("START O tty");
    pty.exp_string(PROMPT)?;
    pty.send_control('c')?;
    pty.exp_string(LEAVE)?;
    pty.send_control('c')?;
    peer.expect("BOARD ......... X");
    left_by_quitting(&mut pty, &mut peer, ".........")
}

/// At a terminal the mover's clock counts down on the line above the
/// prompt, redrawn in place (the cursor saved and restored, so typing is
/// not disturbed).
#[test]
fn the_clock_counts_down_above_the_prompt() -> Result<(), Error> {
    let server = Server::start(&["--turn-timeout", "5"]);
    let mut pty = client_in_pty(&server, true)?;
    let mut peer = server.join("raw");
    peer.expect("START O tty");
    pty.exp_string("[5 s left for your move]")?;
    pty.exp_string(PROMPT)?;
    pty.exp_string("\x1b7\x1b[1A\r\x1b[2K[4 s left for your move]\x1b8")?;
    pty.send_line("5")?;
    pty.exp_string("Waiting for raw (O): 5 s left")?;
    pty.exp_string("\x1b7\x1b[1A\r\x1b[2KWaiting for raw (O): 4 s left\x1b8")?;
    Ok(())
}
