//! The computer opponent through the real server: asked for over version 2
//! and by a person in nc, one game at a time still, and off on request.

use ttt_test_support::{Peer, Server};

/// Plays the lowest free cell on each of `peer`'s turns (as X) until the
/// game ends; returns every line read.
fn play_lowest_cells(peer: &mut Peer) -> Vec<String> {
    let mut lines = Vec::new();
    for _ in 0..40 {
        let Some(line) = peer.line() else { break };
        lines.push(line.clone());
        if line.starts_with("RESULT") {
            break;
        }
        let mut fields = line.split(' ');
        if fields.next() == Some("BOARD") {
            let cells = fields.next().unwrap_or_default();
            if fields.next() == Some("X") {
                let free = cells.find('.').expect("a free cell on X's turn") + 1;
                peer.send(&free.to_string());
            }
        }
    }
    lines
}

/// A version 2 client asks for the feature, gets it, and plays a whole game
/// against `computer-perfect`, who never loses.
#[test]
fn a_version_2_client_plays_the_computer() {
    let server = Server::start(&["--computer-pause", "0"]);
    let mut ann = server.welcomed();
    ann.send("HELLO 2 ann computer");
    ann.expect("HELLO 2 ann computer");
    ann.expect("WAIT 1 OPEN");
    ann.send("COMPUTER perfect");
    ann.expect("START X computer-perfect 120");
    let lines = play_lowest_cells(&mut ann);
    let result = lines.last().cloned().unwrap_or_default();
    assert!(
        result.starts_with("RESULT LOSE") || result == "RESULT TIE",
        "perfect lost: {lines:#?}"
    );
    ann.expect_prefix("SCORE ");
    ann.expect("REMATCH 120");
}

/// A person types `computer` while waiting, and plays it in sentences. A
/// player who arrives meanwhile is queued and told so.
#[test]
fn a_person_plays_the_computer_and_a_newcomer_waits() {
    let server = Server::start(&["--computer-pause", "0"]);
    let mut carol = server.welcomed();
    carol.send("play carol");
    carol.read_until("Type computer to play the computer");
    carol.send("computer easy");
    carol.read_until("Game on against computer-easy: you are X, computer-easy is O;");
    carol.read_until("Your move (X)");
    let mut dave = server.welcomed();
    dave.send("HELLO 2 dave");
    dave.expect("HELLO 2 dave");
    dave.expect("WAIT 1 GAME");
    carol.send("5");
    let moved = carol.read_until("Your move (X)");
    assert!(
        moved.iter().any(|l| l.starts_with("computer-easy took ")),
        "{moved:#?}"
    );
}

/// `--no-computer`: the feature is not granted, and the message does not
/// exist for that client.
#[test]
fn a_server_for_people_only_grants_no_computer() {
    let server = Server::start(&["--no-computer"]);
    let mut ann = server.welcomed();
    ann.send("HELLO 2 ann computer");
    ann.expect("HELLO 2 ann");
    ann.expect("WAIT 1 OPEN");
    ann.send("COMPUTER");
    ann.expect_prefix("ERR MALFORMED ");
}
