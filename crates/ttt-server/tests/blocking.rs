//! The lesson's blocking game server (`examples/blocking-server.rs`): the
//! limit docs/BLOCKING-IO.md describes, shown on loopback and bounded. A
//! silent connection opened first holds an honest pair for the whole
//! handshake limit there, and for nothing at `ttt-server`; a game on it
//! completes with the real `ttt-client`.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ttt_test_support::{Peer, Server, binary};

/// The handshake limit both servers run with here.
const HANDSHAKE: Duration = Duration::from_secs(1);

/// The blocking server on 127.0.0.1, an ephemeral port; killed on drop.
struct Blocking {
    child: Child,
    port: u16,
}

impl Blocking {
    fn start() -> Blocking {
        let mut child = Command::new(binary("ttt-server", "examples/blocking-server"))
            .env("BIND", "127.0.0.1")
            .env("PORT", "0")
            .env("HANDSHAKE_TIMEOUT", HANDSHAKE.as_secs().to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the blocking server");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut first = String::new();
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("its first line");
        let port = first
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {first:?}"));
        Blocking { child, port }
    }
}

impl Drop for Blocking {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// With a silent connection already waiting, how long an honest player
/// waits for `WELCOME` at `port`, and then that an honest pair starts.
fn honest_pair_behind_a_silent_one(port: u16) -> Duration {
    let mut silent = Peer::connect(port);
    silent.expect_prefix("WELCOME 1 ");
    let asked = Instant::now();
    let mut ann = Peer::connect(port);
    ann.expect_prefix("WELCOME 1 ");
    let waited = asked.elapsed();
    ann.send("HELLO 1 ann");
    ann.expect_prefix("WAIT");
    let mut bob = Peer::connect(port);
    bob.expect_prefix("WELCOME 1 ");
    bob.send("HELLO 1 bob");
    ann.read_until("START X bob");
    bob.read_until("START O ann");
    drop(silent);
    waited
}

/// A silent connection opened first: at the blocking server the next
/// player is not even greeted until the handshake limit has passed; at
/// `ttt-server`, at once.
#[test]
fn a_silent_connection_delays_a_pair_there_and_not_at_ttt_server() {
    let blocking = Blocking::start();
    let waited = honest_pair_behind_a_silent_one(blocking.port);
    assert!(
        waited >= HANDSHAKE - Duration::from_millis(100),
        "greeted after {waited:?}, before the silent one's limit ran out"
    );
    assert!(waited < HANDSHAKE * 3, "greeted only after {waited:?}");
    let server = Server::start(&["--handshake-timeout", "1"]);
    let waited = honest_pair_behind_a_silent_one(server.port);
    assert!(
        waited < Duration::from_millis(200),
        "ttt-server made a player wait {waited:?}"
    );
}

/// A whole game on the blocking server, `ttt-client` (which asks for
/// version 2, is refused, and asks again in version 1) against a raw
/// version 1 program.
#[test]
fn a_game_on_the_blocking_server_completes_with_ttt_client() {
    let blocking = Blocking::start();
    // bob comes first and plays X; the blocking server then waits in
    // `accept` for his opponent.
    let mut bob = Peer::connect(blocking.port);
    bob.expect_prefix("WELCOME 1 ");
    bob.send("HELLO 1 bob");
    bob.expect("WAIT");
    let mut client = Command::new(binary("ttt-client", "ttt-client"))
        .env("HOST", "127.0.0.1")
        .env("PORT", blocking.port.to_string())
        .env("TTT_NAME", "cli")
        .env_remove("TTT_FIND")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start ttt-client");
    // bob plays 4, 5, 9; the client (O) 1, 2, 3 and wins on the top row.
    // Then its script has ended: it declines the rematch and leaves.
    client
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"1\n2\n3\n")
        .expect("the script");
    bob.expect("START X cli");
    for cell in [4, 5, 9] {
        bob.read_until(" X");
        bob.send(&cell.to_string());
    }
    bob.read_until("RESULT LOSE LINE 1 2 3");
    let out = client.wait_with_output().expect("the client's end");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("You win! Three in a row on 1 2 3."),
        "{stdout}"
    );
}
