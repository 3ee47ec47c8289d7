//! A person at the server with `nc` or telnet: line editing, telnet's
//! negotiation, `help` before play, and a real `nc` (netcat-openbsd) in a
//! pseudo-terminal that returns to the shell by itself after the goodbye,
//! having shown it.

use std::process::Command;
use std::time::{Duration, Instant};

use rexpect::error::Error;
use rexpect::session::spawn_command;
use ttt_test_support::{Peer, Server};

/// What the server says after `play <name>`, until the waiting line.
fn joined(carol: &mut Peer, name: &str) {
    carol.expect(&format!(
        "Hi {name}! Type help at any time to see what you can type, q to leave."
    ));
    carol.read_until("q to leave.");
}

/// Backspace and delete edit the line as a terminal would (Windows telnet
/// sends every key as typed), CR NUL ends it as telnet's Enter does, and
/// telnet's negotiation never reaches the game or gets an answer.
#[test]
fn a_person_edits_lines_and_telnet_negotiation_is_ignored() {
    let server = Server::start(&[]);
    let mut carol = server.welcomed();
    // IAC DO ECHO, IAC WILL SUPPRESS-GO-AHEAD, then "plya" fixed with two
    // backspaces, ended by CR NUL.
    carol.send_raw(b"\xff\xfd\x01\xff\xfb\x03plya\x08\x08ay carol\r\x00");
    joined(&mut carol, "carol");
    let mut dave = server.join("dave");
    dave.expect("START O carol");
    carol.read_until("Type a cell 1-9.");
    // "4", DEL, "5": the move is 5.
    carol.send_raw(b"4\x7f5\r\n");
    carol.read_until("You took 5.");
    dave.expect("BOARD ......... X");
    dave.expect("BOARD ....X.... O");
}

/// A program's bytes are not edited once it has said hello: the protocol
/// it speaks is exactly version 1.
#[test]
fn a_programs_lines_are_not_edited() {
    let server = Server::start(&[]);
    let mut ann = server.join("ann");
    ann.expect("WAIT");
    ann.send_raw(b"4\x085\n");
    ann.expect("ERR MALFORMED unknown message \"4?5\"");
}

/// Before play, `help` and a mistyped line are answered in sentences
/// that say how to start; a program's junk still gets its `ERR`.
#[test]
fn before_play_help_and_typos_get_sentences() {
    let server = Server::start(&[]);
    let mut carol = server.welcomed();
    carol.send("help");
    carol.expect_prefix("To play, type play and your name, e.g. play ann");
    carol.read_until("see the protocol.");
    carol.send("paly carol");
    carol.expect("To play, type: play <your-name> (or: help)");
    carol.send("play carol");
    joined(&mut carol, "carol");
    let mut program = server.welcomed();
    program.send("JUMP");
    program.expect("ERR MALFORMED unknown message \"JUMP\"");
}

/// A real `nc` at a terminal: the person plays a game, asks to leave,
/// confirms, reads the goodbye, and `nc` exits by itself (it ignores a
/// plain close while its stdin is a terminal; the server resets once the
/// goodbye had time to arrive). The goodbye is on screen every time.
///
/// Needs netcat-openbsd; `.ci/run` installs it and sets `TTT_REQUIRE_NC`.
#[test]
fn nc_returns_to_the_shell_after_the_goodbye() -> Result<(), Error> {
    let nc = ["/bin/nc.openbsd", "/usr/bin/nc.openbsd"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    let Some(nc) = nc else {
        assert!(
            std::env::var_os("TTT_REQUIRE_NC").is_none(),
            "netcat-openbsd is required here (apt-get install netcat-openbsd)"
        );
        eprintln!("skipped: netcat-openbsd is not installed");
        return Ok(());
    };
    let server = Server::start(&[]);
    for round in 0..3 {
        let mut cmd = Command::new(nc);
        cmd.args(["127.0.0.1", &server.port.to_string()]);
        let mut pty = spawn_command(cmd, Some(10_000))?;
        pty.exp_string("WELCOME 1 ttt-server")?;
        let name = format!("carol{round}");
        pty.send_line(&format!("play {name}"))?;
        pty.exp_string("q to leave.")?;
        let mut dave = server.join(&format!("dave{round}"));
        dave.expect_prefix("START O ");
        pty.exp_string("Type a cell 1-9.")?;
        pty.send_line("q")?;
        pty.exp_string("Type y to leave, n to play on.")?;
        pty.send_line("y")?;
        pty.exp_string("You left; ")?;
        pty.exp_string(&format!("You left. Thanks for playing, {name}!"))?;
        let asked = Instant::now();
        pty.exp_eof()?;
        let took = asked.elapsed();
        assert!(took < Duration::from_secs(3), "nc stayed {took:?}");
        dave.read_until("RESULT WIN FORFEIT QUIT");
    }
    Ok(())
}
