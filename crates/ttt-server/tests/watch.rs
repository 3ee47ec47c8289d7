//! Watching and coming back (features `watch` and `resume`) against the
//! real server binary: docs/PROTOCOL.md's recorded exchanges, and the
//! faults of docs/RELIABILITY.md (a spectator that never reads, a dropped
//! player, a grace that runs out, tokens that are wrong or used).

use std::time::Duration;

use ttt_test_support::{Peer, Server, play};

/// A v2 player asking for `resume` (and `watch`), greeted: its token read.
fn resumable(server: &Server, name: &str) -> (Peer, String) {
    let mut peer = server.welcomed();
    peer.send(&format!("HELLO 2 {name} watch resume"));
    peer.expect(&format!("HELLO 2 {name} watch resume"));
    let token = peer.expect_prefix("TOKEN ");
    let token = token
        .split(' ')
        .nth(1)
        .expect("a token in the TOKEN line")
        .to_owned();
    (peer, token)
}

/// Reads lines until one starts with `prefix`, and returns that one.
#[track_caller]
fn skip_to(peer: &mut Peer, prefix: &str) -> String {
    loop {
        match peer.line() {
            Some(line) if line.starts_with(prefix) => return line,
            Some(_) => {}
            None => panic!("the connection ended before {prefix:?}"),
        }
    }
}

/// A spectator sees a whole game, line for line, by the marks.
#[test]
fn a_spectator_sees_a_whole_game_line_for_line() {
    let server = Server::start(&[]);
    let mut eve = server.welcomed();
    eve.send("WATCH ONLY");
    eve.expect("WATCHING -");
    eve.expect("LINE 0");
    let (mut ann, mut bob) = server.pair("ann", "bob");
    play(&mut ann, &mut bob, &[1, 4, 2, 5, 3]);
    let mut seen = Vec::new();
    loop {
        let line = eve.line().expect("a line");
        let done = line.starts_with("TALLY");
        seen.push(line);
        if done {
            break;
        }
    }
    assert_eq!(
        seen,
        [
            "LINE 1 ann",
            "WATCHING ann bob 120",
            "VIEW ......... X - 120",
            "LINE 0",
            "VIEW X........ O 1 120",
            "VIEW X..O..... X 4 120",
            "VIEW XX.O..... O 2 120",
            "VIEW XX.OO.... X 5 120",
            "VIEW XXXOO.... - 3 -",
            "ENDED X LINE 1 2 3",
            "TALLY 1 0 0"
        ]
    );
    // The players were told nothing of it.
    ann.expect("RESULT WIN LINE 1 2 3");
    bob.expect("RESULT LOSE LINE 1 2 3");
    // Saying anything but QUIT changes nothing.
    eve.send("MOVE 9");
    eve.expect("ERR STATE you are only watching; QUIT leaves");
    eve.send("QUIT");
    eve.expect("BYE goodbye");
}

/// A spectator that never reads costs the players nothing: a person
/// watching in nc (a grid for every move) with its receive buffer tiny,
/// game after game is played without waiting for it, until its output has
/// stalled past the write timeout and it is dropped.
#[test]
fn a_spectator_that_never_reads_is_dropped_not_waited_for() {
    // Not quiet: the drop is read from the log.
    let server = Server::start_with(
        &["--bind", "127.0.0.1", "--port", "0"],
        &["--write-timeout", "0.3"],
    );
    let socket =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("a socket");
    socket.set_recv_buffer_size(1024).expect("a small buffer");
    let addr: std::net::SocketAddr = ([127, 0, 0, 1], server.port).into();
    socket.connect(&addr.into()).expect("connect");
    let mut eve = Peer::from_stream(socket.into());
    eve.send("watch");
    let (mut x, mut o) = server.pair("ann", "bob");
    let mut games = 0;
    let dropped = |server: &Server| server.log().iter().any(|l| l.contains("not reading"));
    while !dropped(&server) {
        assert!(games < 1000, "the spectator was never dropped");
        play(&mut x, &mut o, &[1, 4, 2, 5, 3]);
        x.expect("RESULT WIN LINE 1 2 3");
        o.expect("RESULT LOSE LINE 1 2 3");
        for p in [&mut x, &mut o] {
            p.expect_prefix("SCORE ");
            p.expect_prefix("REMATCH");
            p.send("YES");
        }
        // Marks swap: the winner is O now, and moves second.
        let (o_start, x_start) = (x.expect_prefix("START O"), o.expect_prefix("START X"));
        assert!(o_start.starts_with("START O") && x_start.starts_with("START X"));
        std::mem::swap(&mut x, &mut o);
        x.expect_prefix("BOARD ");
        o.expect_prefix("BOARD ");
        games += 1;
        if games % 50 == 0 {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    eprintln!("the spectator was dropped after {games} games");
    // It reads what had reached it, then the end.
    let mut socket_closed = false;
    for _ in 0..100_000 {
        if eve.line().is_none() {
            socket_closed = true;
            break;
        }
    }
    assert!(socket_closed, "the spectator's connection was not closed");
}

/// A dropped v2 player's seat is held: the opponent is told at once, the
/// token brings the player back with the table as it stands, and the game
/// ends with the right result for both.
#[test]
fn a_dropped_player_comes_back_and_the_game_goes_on() {
    let server = Server::start(&[]);
    let (mut ann, ann_token) = resumable(&server, "ann");
    ann.expect("WAIT 1 OPEN");
    let (mut bob, _) = resumable(&server, "bob");
    skip_to(&mut bob, "BOARD ......... X");
    skip_to(&mut ann, "BOARD ......... X");
    ann.send("MOVE 1");
    ann.expect("BOARD X........ O 1 120");
    bob.expect("BOARD X........ O 1 120");
    drop(ann);
    bob.expect("AWAY ann 30");
    bob.send("MOVE 4");
    bob.expect("BOARD X..O..... X 4 120");
    let mut back = server.welcomed();
    back.send(&format!("RESUME {ann_token}"));
    back.expect("HELLO 2 ann watch resume");
    let fresh = back.expect_prefix("TOKEN ");
    assert!(
        !fresh.contains(&ann_token),
        "the token is used up: a new one"
    );
    back.expect("START X bob 120");
    back.expect("SCORE 0 0 0");
    let board = back.expect_prefix("BOARD X..O..... X 4 ");
    assert!(board.len() > "BOARD X..O..... X 4 ".len(), "{board}");
    bob.expect("BACK ann");
    back.send("MOVE 2");
    back.expect("BOARD XX.O..... O 2 120");
    bob.expect("BOARD XX.O..... O 2 120");
    bob.send("MOVE 5");
    back.expect("BOARD XX.OO.... X 5 120");
    bob.expect("BOARD XX.OO.... X 5 120");
    back.send("MOVE 3");
    back.expect("BOARD XXXOO.... - 3 -");
    back.expect("RESULT WIN LINE 1 2 3");
    bob.expect("BOARD XXXOO.... - 3 -");
    bob.expect("RESULT LOSE LINE 1 2 3");
    // The old token is spent: a replay is refused, and seats nobody.
    let mut replay = server.welcomed();
    replay.send(&format!("RESUME {ann_token}"));
    replay.expect("ERR TOKEN that token holds no seat or place (wrong, used already, or too late)");
}

/// A grace that runs out is the forfeit it always was.
#[test]
fn a_grace_that_runs_out_is_a_forfeit() {
    let server = Server::start(&["--grace", "1"]);
    let (mut ann, _) = resumable(&server, "ann");
    ann.expect("WAIT 1 OPEN");
    let (mut bob, _) = resumable(&server, "bob");
    skip_to(&mut bob, "BOARD ......... X");
    drop(ann);
    bob.expect("AWAY ann 1");
    bob.expect("BOARD ......... - - -");
    bob.expect("RESULT WIN FORFEIT DISCONNECT");
}

/// Wrong tokens are refused with ERR TOKEN, count toward the refusal
/// policy, and a player's token seats that player only.
#[test]
fn wrong_tokens_are_refused_and_a_token_seats_its_own_player() {
    let server = Server::start(&[]);
    let (mut ann, ann_token) = resumable(&server, "ann");
    ann.expect("WAIT 1 OPEN");
    let (mut bob, bob_token) = resumable(&server, "bob");
    skip_to(&mut bob, "BOARD ......... X");
    skip_to(&mut ann, "BOARD ......... X");
    assert_ne!(ann_token, bob_token);
    let mut guess = server.welcomed();
    guess.send(&format!("RESUME {}", "0".repeat(32)));
    guess.expect("ERR TOKEN that token holds no seat or place (wrong, used already, or too late)");
    guess.send("RESUME not-a-token");
    guess.expect_prefix("ERR MALFORMED ");
    // Bob's token, used while bob is still here, takes over bob's seat
    // (the old connection is closed), and never ann's.
    let mut again = server.welcomed();
    again.send(&format!("RESUME {bob_token}"));
    again.expect("HELLO 2 bob watch resume");
    again.expect_prefix("TOKEN ");
    again.expect("START O ann 120");
    bob.expect_closed();
    ann.send("MOVE 5");
    skip_to(&mut again, "BOARD ....X.... O 5");
}

/// Version 1 is as it was: a v1 player who drops forfeits at once, and the
/// v1 opponent hears nothing new.
#[test]
fn a_v1_player_is_not_held() {
    let server = Server::start(&[]);
    let (mut ann, bob) = server.pair("ann", "bob");
    drop(bob);
    ann.expect("BOARD ......... -");
    ann.expect("RESULT WIN FORFEIT DISCONNECT");
}
