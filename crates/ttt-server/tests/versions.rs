//! Protocol versions 1 and 2, and people in `nc`, against the real server:
//! each connection gets its own dialect at the same table, and version 1
//! never sees a field of version 2.

use std::io::{Read, Write};
use std::time::Duration;

use ttt_test_support::{Peer, Server};

/// A version 2 client learns its name, its place in line, the turn limit,
/// the last move and the mover's time; its version 1 opponent, at the same
/// table, sees exactly the version 1 game.
#[test]
fn version_2_and_version_1_share_a_table() {
    let server = Server::start(&[]);
    let mut ann = server.welcomed();
    ann.send("HELLO 2 ann");
    ann.expect("HELLO 2 ann");
    ann.expect("WAIT 1 OPEN");
    let mut bob = server.join("bob");
    ann.expect("START X bob 120");
    ann.expect("BOARD ......... X - 120");
    bob.expect("START O ann");
    bob.expect("BOARD ......... X");
    ann.send("5");
    ann.expect("BOARD ....X.... O 5 120");
    bob.expect("BOARD ....X.... O");
    bob.send("1");
    ann.expect("BOARD O...X.... X 1 120");
    bob.expect("BOARD O...X.... X");
    ann.send("QUIT");
    ann.expect("BOARD O...X.... - - -");
    ann.expect("RESULT LOSE FORFEIT QUIT");
    bob.expect("BOARD O...X.... -");
    bob.expect("RESULT WIN FORFEIT QUIT");
}

/// The line moving is told to version 2 at every change, with whether a
/// game is on.
#[test]
fn a_queued_version_2_client_follows_its_place() {
    let server = Server::start(&[]);
    let (_ann, _bob) = server.pair("ann", "bob");
    let mut carol = server.join("carol");
    carol.expect("WAIT");
    let mut dave = server.welcomed();
    dave.send("HELLO 2 dave");
    dave.expect("HELLO 2 dave");
    dave.expect("WAIT 2 GAME");
    carol.send("QUIT");
    carol.expect("BYE goodbye");
    dave.expect("WAIT 1 GAME");
}

/// Two players with one name are told apart.
#[test]
fn equal_names_are_made_distinct() {
    let server = Server::start(&[]);
    let mut first = server.join("player");
    first.expect("WAIT");
    let mut second = server.welcomed();
    second.send("HELLO 2 player");
    second.expect("HELLO 2 player-2");
    first.expect("START X player-2");
    second.expect("START O player 120");
}

/// A person who types `play <name>` into nc gets the game in sentences and
/// a drawn grid, in CRLF lines (telnet wants them), and types the same
/// moves as a program.
#[test]
fn a_person_in_nc_plays_in_sentences() {
    let server = Server::start(&[]);
    let mut carol = server.welcomed();
    carol.send("play carol");
    carol.expect("Hi carol! Type help at any time to see what you can type, q to leave.");
    carol.expect("If your connection drops, your place is kept for 30 s. To come back, connect");
    carol.expect("again and type:");
    let code = carol.expect_prefix("   play carol ");
    assert_eq!(code.len(), "   play carol ".len() + 6, "{code:?}");
    carol.expect("Waiting for an opponent to connect...");
    carol.expect_prefix("Type computer to play the computer");
    let mut dave = server.join("dave");
    dave.expect("START O carol");
    let opening = carol.read_until("Your move (X), 120 s left. Type a cell 1-9.");
    assert!(
        opening.contains(
            &"Game on against dave: you are X, dave is O; you move first. Each move has 120 s."
                .into()
        ),
        "{opening:#?}"
    );
    assert!(opening.contains(&"    1 | 2 | 3 ".into()), "{opening:#?}");
    carol.send("5");
    let mine = carol.read_until("Waiting for dave (O) to move, 120 s left.");
    assert!(mine.contains(&"You took 5.".into()), "{mine:#?}");
    assert!(mine.contains(&"    4 |[X]| 6 ".into()), "{mine:#?}");
    dave.send("1");
    let theirs = carol.read_until("Your move (X)");
    assert!(theirs.contains(&"dave took 1.".into()), "{theirs:#?}");
    carol.send("1");
    carol.expect("Cell 1 is taken by O; pick an empty cell.");
    carol.send("hello?");
    carol.expect("Type the number of an empty cell, 1 to 9, or q to leave (help for more).");
    // Leaving asks first.
    carol.send("q");
    carol.expect("Leave this game? dave wins by forfeit. Type y to leave, n to play on.");
    carol.send("y");
    carol.read_until("You left; dave wins by forfeit.");
    carol.read_until("You left. Thanks for playing, carol!");
    carol.expect_closed();
    dave.read_until("RESULT WIN FORFEIT QUIT");
}

/// A person's lines end in CRLF; a program's in LF.
#[test]
fn a_persons_lines_end_in_crlf() {
    let server = Server::start(&[]);
    let carol = server.welcomed();
    let mut stream = carol.try_clone_stream();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    stream.write_all(b"play carol\n").expect("send");
    let mut all = Vec::new();
    let mut buf = [0; 512];
    while !all.ends_with(b"q to leave.\r\n") {
        let n = stream.read(&mut buf).expect("the waiting line");
        assert!(n > 0, "closed early: {:?}", String::from_utf8_lossy(&all));
        all.extend_from_slice(&buf[..n]);
    }
    stream.write_all(b"q\n").expect("send");
    let _ = stream.read_to_end(&mut all);
    // The code to come back with is random: the test reads it as CODE.
    let all = String::from_utf8_lossy(&all).into_owned();
    let all = match all.split_once("   play carol ") {
        Some((before, after)) => {
            format!("{before}   play carol CODE{}", &after[6.min(after.len())..])
        }
        None => all,
    };
    assert_eq!(
        all,
        "Hi carol! Type help at any time to see what you can type, q to leave.\r\n\
         If your connection drops, your place is kept for 30 s. To come back, connect\r\n\
         again and type:\r\n   play carol CODE\r\n\
         Waiting for an opponent to connect...\r\n\
         Type computer to play the computer (or computer easy/fair/perfect), q to leave.\r\n\
         Goodbye! Thanks for playing, carol!\r\n"
    );
}

/// Plays `cells` alternately, `mover` first, between players who may
/// speak different versions: after each move both read up to the board
/// it made, and see the same cells.
fn moves(mover: &mut Peer, other: &mut Peer, cells: &[u8]) {
    let mut players = [mover, other];
    let mut board = ['.'; 9];
    for &cell in cells {
        let mark = if board.iter().filter(|&&c| c != '.').count() % 2 == 0 {
            'X'
        } else {
            'O'
        };
        board[usize::from(cell) - 1] = mark;
        let cells: String = board.iter().collect();
        players[0].send(&cell.to_string());
        for player in players.iter_mut() {
            player.read_until(&format!("BOARD {cells}"));
        }
        players.swap(0, 1);
    }
}

/// Feature `stay` through the real server: a declined rematch puts the
/// other player back in line (told who left), and a player who makes way
/// is asked to join the back of the line, and joins it.
#[test]
fn with_stay_nobody_is_sent_away_who_did_not_ask() {
    let server = Server::start(&[]);
    let mut ann = server.welcomed();
    ann.send("HELLO 2 ann stay");
    ann.expect("HELLO 2 ann stay");
    ann.expect("WAIT 1 OPEN");
    let mut bob = server.join("bob");
    bob.expect("START O ann");

    moves(&mut ann, &mut bob, &[1, 4, 2, 5, 3]);
    ann.read_until("REMATCH 120");
    bob.read_until("REMATCH");
    bob.send("NO");
    bob.read_until("BYE you declined the rematch; goodbye");
    ann.expect("LEFT bob DECLINED");
    ann.expect("WAIT 1 OPEN");
    // carol plays ann; dave waits; ann wins, so carol makes way... but
    // carol did not ask for stay: she is sent away as in version 1. Then
    // ann, who stays on, plays dave, loses, and is asked to rejoin.
    let mut carol = server.join("carol");
    carol.expect("START O ann");
    ann.read_until("START X carol 120");
    let mut dave = server.join("dave");
    dave.expect("WAIT");
    ann.read_until("LINE 1 dave");
    moves(&mut ann, &mut carol, &[1, 4, 2, 5, 3]);
    carol.read_until("BYE winner stays on");
    ann.read_until("START O dave 120");
    dave.read_until("START X ann");
    moves(&mut dave, &mut ann, &[1, 4, 2, 5, 3]);
    let mut erin = server.join("erin");
    erin.expect("WAIT");
    dave.read_until("RESULT WIN LINE 1 2 3");
    ann.read_until("RESULT LOSE LINE 1 2 3");
    ann.read_until("REMATCH 120");
    // erin waits, so the rematch offer is withdrawn: dave stays on, ann
    // makes way and is asked to rejoin.
    ann.read_until("REJOIN 120");
    erin.read_until("START X dave");
    ann.send("YES");
    ann.expect("WAIT 1 GAME");
}
