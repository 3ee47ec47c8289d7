//! The lobby, row by row of docs/PROTOCOL.md's state machine and error
//! table, with time driven by hand and no sockets. What the lobby says is
//! rendered as `<connection>: <line>` and `<connection>: <close>`.

use super::*;
use crate::computer::ComputerSettings;
use crate::policy::{MAX_BLANK_LINES, MAX_STRIKES};
use crate::speech::Dialect;

const TURN: Duration = Duration::from_secs(120);
const HANDSHAKE: Duration = Duration::from_secs(10);
const GRACE: Duration = Duration::from_secs(30);
/// The computer's pause before each move.
const PAUSE: Duration = Duration::from_millis(500);

/// A lobby, a clock, and connections numbered from 1, each spoken to in
/// its dialect as the driver would.
struct Harness {
    lobby: Lobby,
    now: Instant,
    next: u64,
    dialects: HashMap<ConnId, Dialect>,
}

impl Harness {
    fn new() -> Harness {
        Harness::with(Some(HANDSHAKE), Some(TURN))
    }

    fn with(handshake: Option<Duration>, turn: Option<Duration>) -> Harness {
        Harness::settings(LobbySettings {
            handshake_timeout: handshake,
            table: TableSettings { turn_timeout: turn },
            computer: Some(ComputerSettings {
                pause: PAUSE,
                seed: 1,
            }),
            // Off, as with --grace 0: a drop is final, as it always was.
            grace: None,
        })
    }

    /// A lobby that holds a dropped player's seat or place for `GRACE`.
    fn with_grace() -> Harness {
        let mut h = Harness::new();
        h.lobby.settings.grace = Some(GRACE);
        h
    }

    fn settings(settings: LobbySettings) -> Harness {
        Harness {
            lobby: Lobby::new(settings),
            now: Instant::now(),
            next: 1,
            dialects: HashMap::new(),
        }
    }

    /// A connection from `ip`, greeted.
    fn connect_from(&mut self, ip: &str) -> ConnId {
        let id = ConnId(self.next);
        self.next += 1;
        let peer = SocketAddr::new(ip.parse().expect("test ip"), 40_000);
        self.lobby.connect(id, peer, self.now);
        id
    }

    fn connect(&mut self) -> ConnId {
        self.connect_from("10.0.0.1")
    }

    fn send(&mut self, id: ConnId, line: &str) {
        self.lobby.line(id, line, self.now);
    }

    /// A connection that said hello as `name`; what it was told is drained.
    fn join(&mut self, name: &str) -> ConnId {
        let id = self.connect();
        self.send(id, &format!("HELLO 1 {name}"));
        id
    }

    /// Seats two players: `x` waits first and plays X.
    fn pair(&mut self, x: &str, o: &str) -> (ConnId, ConnId) {
        let x = self.join(x);
        let o = self.join(o);
        self.out();
        (x, o)
    }

    fn advance(&mut self, by: Duration) {
        self.now += by;
        self.lobby.tick(self.now);
    }

    /// Everything said since the last call, as each connection's dialect
    /// writes it (what a dialect has no word for is left out).
    fn out(&mut self) -> Vec<String> {
        let mut lines = Vec::new();
        for out in self.lobby.take_out() {
            match out {
                Out::Send(id, tell) => {
                    let dialect = self.dialects.entry(id).or_default();
                    if let Some(speech) = dialect.speak(&tell) {
                        lines.push(format!("{}: {speech}", id.0));
                    }
                }
                Out::Speak(id, speaker) => self.dialects.entry(id).or_default().settle(speaker),
                Out::Close(id) => lines.push(format!("{}: <close>", id.0)),
                Out::Evict(id) => lines.push(format!("{}: <evict>", id.0)),
                Out::Drop(id) => lines.push(format!("{}: <drop>", id.0)),
            }
        }
        lines
    }

    /// What `id` was told since the last call (the rest is dropped).
    fn told(&mut self, id: ConnId) -> Vec<String> {
        let prefix = format!("{}: ", id.0);
        self.out()
            .into_iter()
            .filter_map(|l| l.strip_prefix(&prefix).map(str::to_owned))
            .collect()
    }

    /// Plays moves alternately, `first` moving first; drains the output.
    fn play(&mut self, first: ConnId, second: ConnId, moves: &[u8]) {
        let mut players = [first, second];
        for n in moves {
            self.send(players[0], &n.to_string());
            players.swap(0, 1);
        }
    }
}

const WELCOME: &str = "WELCOME 1 ttt-server; to play, type: play <your-name>   (or: help)";

// connected

#[test]
fn a_connection_is_welcomed_at_once() {
    let mut h = Harness::new();
    let id = h.connect();
    assert_eq!(h.told(id), [WELCOME]);
}

#[test]
fn hello_then_wait_and_the_second_player_starts_at_once() {
    let mut h = Harness::new();
    let ann = h.connect();
    h.send(ann, "HELLO 1 ann");
    assert_eq!(h.told(ann), [WELCOME, "WAIT"]);
    let bob = h.connect();
    h.send(bob, "hello 1 bob");
    assert_eq!(
        h.out(),
        [
            &format!("2: {WELCOME}"),
            "1: START X bob",
            "2: START O ann",
            "1: BOARD ......... X",
            "2: BOARD ......... X",
        ]
    );
}

#[test]
fn quit_before_hello_says_goodbye_and_closes() {
    let mut h = Harness::new();
    let id = h.connect();
    h.out();
    h.send(id, "QUIT");
    assert_eq!(h.out(), ["1: BYE goodbye", "1: <close>"]);
    assert!(!h.lobby.knows(id));
}

#[test]
fn anything_but_hello_first_is_refused_and_the_connection_stays() {
    let mut h = Harness::new();
    let id = h.connect();
    h.out();
    for (line, reply) in [
        ("MOVE 5", "ERR STATE say HELLO 1 <your-name> first"),
        ("YES", "ERR STATE say HELLO 1 <your-name> first"),
        ("JUMP", "ERR MALFORMED unknown message \"JUMP\""),
        (
            "MOVE 0",
            "ERR RANGE cell 0 is out of range; expected 1 to 9",
        ),
        ("HELLO 1 a!", "ERR NAME "),
    ] {
        h.send(id, line);
        let told = h.told(id);
        assert_eq!(told.len(), 1, "{line}: {told:?}");
        assert!(told[0].starts_with(reply), "{line}: {told:?}");
    }
    h.send(id, "HELLO 1 ann");
    assert_eq!(h.told(id), ["WAIT"]);
}

#[test]
fn another_protocol_version_is_refused_and_closed() {
    let mut h = Harness::new();
    let id = h.connect();
    h.out();
    h.send(id, "HELLO 3 future");
    assert_eq!(
        h.out(),
        [
            "1: ERR NOPROTO client speaks protocol 3, server speaks 1 and 2",
            "1: <close>"
        ]
    );
}

#[test]
fn no_hello_within_the_handshake_timeout_is_closed() {
    let mut h = Harness::new();
    let id = h.connect();
    h.out();
    assert_eq!(h.lobby.next_deadline(), Some(h.now + HANDSHAKE));
    // Lines, refused or not, do not extend the deadline (slowloris).
    h.advance(Duration::from_secs(9));
    h.send(id, "HEL");
    h.send(id, "");
    h.out();
    h.advance(Duration::from_secs(1));
    assert_eq!(
        h.out(),
        ["1: ERR TIMEOUT no HELLO within 10 s", "1: <close>"]
    );
    assert_eq!(h.lobby.next_deadline(), None);
}

#[test]
fn the_handshake_timeout_can_be_switched_off() {
    let mut h = Harness::with(None, Some(TURN));
    let id = h.connect();
    h.out();
    assert_eq!(h.lobby.next_deadline(), None);
    h.advance(Duration::from_secs(86_400));
    assert!(h.out().is_empty());
    assert!(h.lobby.knows(id));
}

#[test]
fn handshakes_expire_oldest_first_each_on_its_own_deadline() {
    let mut h = Harness::new();
    let a = h.connect();
    h.advance(Duration::from_secs(4));
    let b = h.connect();
    h.out();
    h.advance(Duration::from_secs(6));
    assert_eq!(h.out()[1], "1: <close>");
    assert!(h.lobby.knows(b));
    assert_eq!(
        h.lobby.next_deadline(),
        Some(h.now + Duration::from_secs(4))
    );
    assert!(!h.lobby.knows(a));
}

// Greeting is concurrent and capped.

#[test]
fn silent_connections_cost_honest_players_nothing() {
    let mut h = Harness::new();
    for i in 0..40 {
        h.connect_from(&format!("10.0.1.{i}"));
    }
    h.out();
    let ann = h.join("ann");
    let bob = h.join("bob");
    let out = h.out();
    assert!(out.contains(&format!("{}: START X bob", ann.0)), "{out:?}");
    assert!(out.contains(&format!("{}: START O ann", bob.0)), "{out:?}");
}

#[test]
fn past_the_per_address_cap_the_oldest_from_that_address_makes_room() {
    let mut h = Harness::new();
    let other = h.connect_from("10.0.0.9");
    let first = h.connect_from("10.0.0.1");
    for _ in 1..MAX_PENDING_PER_MACHINE {
        h.connect_from("10.0.0.1");
    }
    h.out();
    let newcomer = h.connect_from("10.0.0.1");
    assert_eq!(
        h.out(),
        [
            format!(
                "{}: ERR TIMEOUT no HELLO in time: 8 connections from 10.0.0.1 were waiting to \
                 say hello, and this was the oldest",
                first.0
            ),
            format!("{}: <evict>", first.0),
            format!("{}: {WELCOME}", newcomer.0),
        ]
    );
    assert!(h.lobby.knows(other), "another address lost its slot");
    // The newcomer can play.
    h.send(newcomer, "HELLO 1 ann");
    assert_eq!(h.told(newcomer), ["WAIT"]);
}

#[test]
fn past_the_overall_cap_the_oldest_makes_room() {
    let mut h = Harness::new();
    let oldest = h.connect_from("10.0.2.0");
    for i in 1..MAX_PENDING {
        h.connect_from(&format!("10.0.2.{}", i % 250));
    }
    h.out();
    assert_eq!(h.lobby.status().greeting, MAX_PENDING);
    let newcomer = h.connect_from("10.0.3.1");
    let out = h.out();
    assert!(
        out[0].starts_with(&format!(
            "{}: ERR TIMEOUT no HELLO in time: 64 connections",
            oldest.0
        )),
        "{out:?}"
    );
    assert_eq!(out[1], format!("{}: <evict>", oldest.0));
    assert!(h.lobby.knows(newcomer));
    assert_eq!(h.lobby.status().greeting, MAX_PENDING);
}

/// An attacker spread over a few addresses holds more greeting slots per
/// address than an honest player ever does, so the room is always taken
/// from the attacker, however fast it opens connections and however old
/// the player's connection is.
#[test]
fn a_flood_from_several_addresses_never_pushes_out_a_quiet_machine() {
    let mut h = Harness::new();
    let ann = h.connect_from("10.0.9.1");
    for i in 0..2_000 {
        h.connect_from(&format!("10.0.8.{}", i % 9));
    }
    assert!(h.lobby.knows(ann), "the oldest player was pushed out");
    assert!(h.lobby.status().greeting <= MAX_PENDING);
    h.out();
    h.send(ann, "HELLO 1 ann");
    assert_eq!(h.told(ann), ["WAIT"]);
}

/// A flood spread over more addresses than there are greeting slots, one
/// connection each: a player's single connection is still not the one
/// pushed out, because each flooding address connects again and again.
#[test]
fn a_flood_over_many_addresses_is_told_apart_by_how_often_each_connects() {
    let mut h = Harness::new();
    let flood = |h: &mut Harness, n: usize| {
        for i in 0..n {
            h.connect_from(&format!("10.0.7.{}", i % 200));
        }
    };
    // The flood is on when ann arrives, and goes on.
    flood(&mut h, 1_000);
    let ann = h.connect_from("10.0.9.1");
    flood(&mut h, 5_000);
    assert!(h.lobby.knows(ann), "the player was pushed out");
    assert_eq!(h.lobby.status().greeting, MAX_PENDING);
    // Once the flood's addresses have gone quiet for two periods, age
    // decides again, and the oldest (ann) would be next.
    h.advance(Duration::from_secs(3));
    h.out();
    h.connect_from("10.0.3.3");
    assert!(!h.lobby.knows(ann));
}

/// Over the overall cap, room is taken from the machine holding the most,
/// and its ERR says so.
#[test]
fn over_the_overall_cap_the_busiest_machine_makes_room() {
    let mut h = Harness::new();
    let quiet: Vec<ConnId> = (0..MAX_PENDING - 3)
        .map(|i| h.connect_from(&format!("10.0.4.{i}")))
        .collect();
    let busy: Vec<ConnId> = (0..3).map(|_| h.connect_from("10.0.5.1")).collect();
    h.out();
    h.connect_from("10.0.6.1");
    let out = h.out();
    assert_eq!(
        out[..2],
        [
            format!(
                "{}: ERR TIMEOUT no HELLO in time: 64 connections were waiting to say hello, \
                 3 of them from 10.0.5.1, and this was the oldest of those",
                busy[0].0
            ),
            format!("{}: <evict>", busy[0].0),
        ]
    );
    assert!(quiet.iter().all(|&q| h.lobby.knows(q)));
    // The driver can ask for room too (its descriptors running short).
    assert!(h.lobby.make_room());
    assert!(!h.lobby.knows(busy[1]));
    assert_eq!(h.lobby.take_evicted(), 2);
    assert_eq!(h.lobby.take_evicted(), 0);
}

/// One IPv6 machine has many addresses in its /64 (privacy addresses):
/// they share one machine's greeting slots.
#[test]
fn an_ipv6_slash_64_is_one_machine_for_the_greeting_cap() {
    let mut h = Harness::new();
    let other = h.connect_from("2001:db8:0:2::1");
    let first = h.connect_from("2001:db8:0:1::1");
    for i in 2..=50 {
        h.connect_from(&format!("2001:db8:0:1:{i:x}:{i:x}:{i:x}:{i:x}"));
    }
    assert!(h.lobby.knows(other));
    assert!(!h.lobby.knows(first));
    assert_eq!(h.lobby.status().greeting, 1 + MAX_PENDING_PER_MACHINE);
    let out = h.out();
    assert!(
        out.contains(&format!(
            "{}: ERR TIMEOUT no HELLO in time: 8 connections from 2001:db8:0:1::/64 were \
             waiting to say hello, and this was the oldest",
            first.0
        )),
        "{out:?}"
    );
}

/// Nobody greeting: nothing to make room with.
#[test]
fn with_nobody_greeting_there_is_no_room_to_make() {
    let mut h = Harness::new();
    let (ann, bob) = h.pair("ann", "bob");
    assert!(!h.lobby.make_room());
    assert!(h.lobby.knows(ann) && h.lobby.knows(bob));
}

#[test]
fn greeted_players_do_not_count_against_the_greeting_caps() {
    let mut h = Harness::new();
    let ann = h.join("ann");
    for _ in 0..MAX_PENDING_PER_MACHINE {
        h.connect();
    }
    h.out();
    assert!(h.lobby.knows(ann));
}

// waiting

#[test]
fn a_waiting_player_is_answered_at_once() {
    let mut h = Harness::new();
    let ann = h.join("ann");
    h.out();
    h.send(ann, "MOVE 5");
    assert_eq!(
        h.told(ann),
        ["ERR STATE the game has not started; waiting for an opponent"]
    );
    h.send(ann, "JUMP");
    assert_eq!(h.told(ann), ["ERR MALFORMED unknown message \"JUMP\""]);
    h.send(ann, "HELLO 1 ann");
    assert_eq!(h.told(ann), ["ERR STATE already said hello"]);
}

#[test]
fn ten_refused_lines_while_waiting_cut_at_once() {
    let mut h = Harness::new();
    let ann = h.join("ann");
    h.out();
    for _ in 1..MAX_STRIKES {
        h.send(ann, "nonsense");
    }
    assert_eq!(h.told(ann).len(), 9);
    h.send(ann, "nonsense");
    let told = h.told(ann);
    assert_eq!(
        told[1..],
        ["ERR ABUSE 10 refused messages in a row; closing", "<close>"]
    );
    // Not paired as a ghost: the next player waits first.
    let bob = h.join("bob");
    assert_eq!(h.told(bob), [WELCOME, "WAIT"]);
}

#[test]
fn the_refusal_count_runs_from_the_handshake_through_the_game() {
    let mut h = Harness::new();
    let ann = h.connect();
    for _ in 0..3 {
        h.send(ann, "junk");
    }
    h.send(ann, "HELLO 1 ann"); // accepted: the count clears here
    for _ in 0..4 {
        h.send(ann, "MOVE 1"); // refused while waiting
    }
    h.join("bob");
    h.out();
    // At the table, it is bob's turn... no: ann is X and moves first; she
    // sends nonsense instead. Four strikes from waiting are still counted.
    for _ in 0..5 {
        h.send(ann, "nonsense");
    }
    assert!(h.told(ann).iter().all(|l| l.starts_with("ERR MALFORMED")));
    h.send(ann, "nonsense");
    let told = h.told(ann);
    assert_eq!(told[1], "ERR ABUSE 10 refused messages in a row; closing");
    assert!(
        told.contains(&"RESULT LOSE FORFEIT ABUSE".to_owned()),
        "{told:?}"
    );
}

#[test]
fn blank_lines_are_free_but_a_flood_is_cut() {
    let mut h = Harness::new();
    let ann = h.join("ann");
    h.out();
    for i in 1..MAX_BLANK_LINES {
        h.send(ann, if i % 2 == 0 { "" } else { " \t" });
    }
    // A message between them resets the count (a refused one, here).
    h.send(ann, "?");
    for _ in 1..MAX_BLANK_LINES {
        h.send(ann, "");
    }
    assert_eq!(h.told(ann).len(), 1, "only the refused line was answered");
    h.send(ann, "");
    assert_eq!(
        h.told(ann),
        ["ERR ABUSE 64 blank lines in a row; closing", "<close>"]
    );
}

#[test]
fn a_waiting_player_who_quits_or_vanishes_is_never_paired() {
    let mut h = Harness::new();
    let ann = h.join("ann");
    h.out();
    h.send(ann, "QUIT");
    assert_eq!(h.told(ann), ["BYE goodbye", "<close>"]);
    let bob = h.join("bob");
    h.out();
    h.lobby.closed(bob, h.now);
    assert_eq!(h.told(bob), ["<close>"]);
    let carol = h.join("carol");
    assert_eq!(h.told(carol), [WELCOME, "WAIT"]);
}

#[test]
fn players_arriving_during_a_game_are_greeted_queued_and_paired_in_hello_order() {
    let mut h = Harness::new();
    let (ann, bob) = h.pair("ann", "bob");
    // dave connects first but carol says hello first.
    let dave = h.connect();
    let carol = h.connect();
    h.out();
    h.send(carol, "HELLO 1 carol");
    h.send(dave, "HELLO 1 dave");
    assert_eq!(h.told(carol), ["WAIT"]);
    h.send(dave, "MOVE 1");
    assert_eq!(
        h.told(dave),
        [
            "ERR STATE the game has not started; another game is being played, and 1 player is ahead of you"
        ]
    );
    assert_eq!(
        h.lobby.status().queued,
        [
            "carol".parse::<Name>().expect("name"),
            "dave".parse().expect("name")
        ]
    );
    // ann beats bob: with others waiting, bob makes way and ann stays on
    // against carol, who moves first.
    h.play(ann, bob, &[1, 4, 2, 5, 3]);
    let out = h.out();
    assert!(
        out.contains(&format!("{}: RESULT WIN LINE 1 2 3", ann.0)),
        "{out:?}"
    );
    assert!(!out.iter().any(|l| l.contains("REMATCH")), "{out:?}");
    assert!(out.contains(&format!(
        "{}: BYE winner stays on: others are waiting, so ann plays the next in line; thanks for playing",
        bob.0
    )));
    assert!(out.contains(&format!("{}: <close>", bob.0)));
    assert!(out.contains(&format!("{}: START O carol", ann.0)));
    assert!(out.contains(&format!("{}: START X ann", carol.0)));
    // dave is still waiting, now first in line.
    h.send(dave, "MOVE 1");
    assert!(h.told(dave)[0].ends_with("nobody is ahead of you"));
}

#[test]
fn after_a_tie_with_others_waiting_the_longer_seated_makes_way() {
    let mut h = Harness::new();
    let (ann, bob) = h.pair("ann", "bob");
    let carol = h.join("carol");
    h.out();
    h.play(ann, bob, &[1, 2, 3, 5, 4, 6, 8, 7, 9]);
    let out = h.out();
    assert!(out.contains(&format!("{}: <close>", ann.0)), "{out:?}");
    assert!(
        out.contains(&format!("{}: START O carol", bob.0)),
        "{out:?}"
    );
    assert!(h.lobby.knows(carol));
}

#[test]
fn with_nobody_waiting_the_pair_may_rematch_for_as_long_as_they_like() {
    let mut h = Harness::new();
    let (ann, bob) = h.pair("ann", "bob");
    for _ in 0..3 {
        h.play(ann, bob, &[1, 4, 2, 5, 3]);
        h.send(ann, "YES");
        h.send(bob, "YES");
        h.play(bob, ann, &[1, 4, 2, 5, 3]);
        h.send(ann, "YES");
        h.send(bob, "YES");
    }
    let out = h.out();
    assert_eq!(out.iter().filter(|l| l.ends_with("REMATCH")).count(), 12);
    assert!(h.told(ann).is_empty());
}

/// Someone starts waiting while the rematch is offered: the offer is
/// withdrawn (while anyone waits, a pair cannot keep the table by
/// rematching), and the winner stays on to play them, whatever was
/// answered. A version 1 client sees the flows it knows: `BYE` or `START`.
#[test]
fn a_player_queued_during_the_rematch_offer_ends_it_and_the_winner_stays_on() {
    let mut h = Harness::new();
    let (ann, bob) = h.pair("ann", "bob");
    h.play(ann, bob, &[1, 4, 2, 5, 3]);
    h.send(bob, "YES");
    h.out();
    let carol = h.join("carol");
    let out: Vec<String> = h
        .out()
        .into_iter()
        .filter(|l| !l.contains("WELCOME"))
        .collect();
    assert!(
        out.contains(&format!(
            "{}: BYE winner stays on: others are waiting, so ann plays the next in line; \
             thanks for playing",
            bob.0
        )),
        "{out:?}"
    );
    assert!(out.contains(&format!("{}: <close>", bob.0)), "{out:?}");
    assert!(
        out.contains(&format!("{}: START O carol", ann.0)),
        "{out:?}"
    );
    assert!(
        out.contains(&format!("{}: START X ann", carol.0)),
        "{out:?}"
    );
    // carol was told she waits before her game started.
    let carol_wait = out.iter().position(|l| *l == format!("{}: WAIT", carol.0));
    let carol_start = out
        .iter()
        .position(|l| *l == format!("{}: START X ann", carol.0));
    assert!(carol_wait < carol_start, "{out:?}");
}

// game

#[test]
fn moves_and_refusals_at_the_table() {
    let mut h = Harness::new();
    let (ann, bob) = h.pair("ann", "bob");
    h.send(bob, "1");
    assert_eq!(h.told(bob), ["ERR TURN not your turn; it is X's turn"]);
    h.send(ann, "move 5");
    assert_eq!(h.out(), ["1: BOARD ....X.... O", "2: BOARD ....X.... O"]);
    h.send(bob, "MOVE 5");
    assert_eq!(h.told(bob), ["ERR OCCUPIED cell 5 is taken by X"]);
    h.send(bob, "YES");
    assert_eq!(
        h.told(bob),
        ["ERR STATE a game is running; send MOVE <1-9>"]
    );
    h.send(bob, "HELLO 1 bob");
    assert_eq!(h.told(bob), ["ERR STATE already said hello"]);
    h.send(bob, "MOVE five");
    assert!(h.told(bob)[0].starts_with("ERR MALFORMED "));
    h.send(bob, "10");
    assert!(h.told(bob)[0].starts_with("ERR RANGE "));
}

#[test]
fn the_turn_clock_warns_at_30_seconds_then_forfeits() {
    let mut h = Harness::new();
    let (ann, bob) = h.pair("ann", "bob");
    h.advance(Duration::from_secs(89));
    assert!(h.out().is_empty());
    h.advance(Duration::from_secs(1));
    assert_eq!(h.out(), [format!("{}: CLOCK 30", ann.0)]);
    h.advance(Duration::from_secs(20));
    assert_eq!(h.out(), [format!("{}: CLOCK 10", ann.0)]);
    h.advance(Duration::from_secs(10));
    let out = h.out();
    assert!(out.contains(&format!("{}: RESULT LOSE FORFEIT TIMEOUT", ann.0)));
    assert!(out.contains(&format!("{}: RESULT WIN FORFEIT TIMEOUT", bob.0)));
    assert!(out.contains(&format!("{}: BYE your time ran out; goodbye", ann.0)));
    assert!(out.contains(&format!("{}: WAIT", bob.0)), "{out:?}");
    assert!(!out.iter().any(|l| l.contains("REMATCH")), "{out:?}");
}

/// A frozen opponent (the process stopped, the machine up) costs the other
/// player one turn clock, not a second one for a rematch answer that cannot
/// come: at the forfeit, the other player is back in line at once.
#[test]
fn a_frozen_opponent_costs_one_turn_clock_at_most() {
    let mut h = Harness::new();
    let (ann, bob) = h.pair("ann", "bob");
    h.play(ann, bob, &[5]);
    h.out();
    // bob is frozen on his turn: nothing arrives from him.
    h.advance(TURN);
    assert_eq!(
        h.told(ann),
        [
            "BOARD ....X.... -",
            "RESULT WIN FORFEIT TIMEOUT",
            "SCORE 1 0 0",
            "WAIT"
        ]
    );
    assert_eq!(h.lobby.next_deadline(), None);
    // The next player to arrive plays ann at once.
    let carol = h.join("carol");
    assert!(h.told(carol).contains(&"START O ann".to_owned()));
}

/// A waiting player's machine that vanished is found (by keepalive, seen as
/// the connection failing) just after being paired: the honest player is
/// told the result and goes back to the front of the line, instead of
/// being sent away.
#[test]
fn a_ghost_found_just_after_pairing_sends_the_honest_player_back_to_the_front() {
    let mut h = Harness::new();
    let (ghost, ann) = h.pair("ghost", "ann");
    let bob = h.join("bob");
    h.out();
    // bob queued behind the game; the ghost is found gone before moving.
    h.lobby.closed(ghost, h.now);
    let told = h.told(ann);
    assert_eq!(
        told,
        [
            "BOARD ......... -",
            "RESULT WIN FORFEIT DISCONNECT",
            "SCORE 1 0 0",
            "START O bob",
            "BOARD ......... X"
        ]
    );
    assert!(h.lobby.knows(bob));
    // Without anyone queued, ann waits, first in line.
    let mut h = Harness::new();
    let (ghost, ann) = h.pair("ghost", "ann");
    h.lobby.closed(ghost, h.now);
    assert_eq!(h.told(ann).last().map(String::as_str), Some("WAIT"));
    // Back in line, ann has waited longest: she plays X against the next.
    let carol = h.join("carol");
    assert_eq!(h.told(carol)[1], "START O ann");
}

#[test]
fn with_no_turn_timeout_nobody_is_hurried() {
    let mut h = Harness::with(Some(HANDSHAKE), None);
    let (ann, bob) = h.pair("ann", "bob");
    assert_eq!(h.lobby.next_deadline(), None);
    h.advance(Duration::from_secs(86_400));
    assert!(h.out().is_empty());
    h.play(ann, bob, &[1, 4, 2, 5, 3]);
    h.out();
    h.advance(Duration::from_secs(86_400));
    assert!(h.out().is_empty(), "the rematch offer expired");
}

#[test]
fn a_move_that_arrives_after_the_clock_ran_out_is_too_late() {
    let mut h = Harness::new();
    let (ann, _bob) = h.pair("ann", "bob");
    h.now += TURN;
    // The driver ticks before it reads.
    h.lobby.tick(h.now);
    h.send(ann, "5");
    let told = h.told(ann);
    assert!(
        told.contains(&"RESULT LOSE FORFEIT TIMEOUT".to_owned()),
        "{told:?}"
    );
    // The move was not played: ann had already lost and left the table.
    assert_eq!(
        told[told.len() - 2..],
        ["BYE your time ran out; goodbye", "<close>"]
    );
}

#[test]
fn a_disconnect_at_the_table_is_a_forfeit_and_the_other_waits_again() {
    let mut h = Harness::new();
    let (ann, bob) = h.pair("ann", "bob");
    h.lobby.closed(bob, h.now);
    assert_eq!(
        h.out(),
        [
            "1: BOARD ......... -",
            "2: BOARD ......... -",
            "1: RESULT WIN FORFEIT DISCONNECT",
            "1: SCORE 1 0 0",
            "2: RESULT LOSE FORFEIT DISCONNECT",
            "2: SCORE 0 1 0",
            "2: BYE goodbye",
            "2: <close>",
            "1: WAIT",
        ]
    );
    assert!(h.lobby.knows(ann));
    assert_eq!(h.lobby.status().queued.len(), 1);
    assert_eq!(h.lobby.status().playing, None);
}

#[test]
fn a_broken_line_at_the_table_is_a_forfeit_by_abuse() {
    let mut h = Harness::new();
    let (ann, bob) = h.pair("ann", "bob");
    h.lobby.broken(ann, Broken::TooLong, h.now);
    let told = h.told(ann);
    assert_eq!(told[0], "ERR TOOLONG line longer than 512 bytes");
    assert!(told.contains(&"RESULT LOSE FORFEIT ABUSE".to_owned()));
    assert!(!h.lobby.knows(ann));
    assert!(h.lobby.knows(bob), "bob waits for the next opponent");
    // Before hello it just closes.
    let id = h.connect();
    h.out();
    h.lobby.broken(id, Broken::Utf8, h.now);
    assert_eq!(h.told(id), ["ERR UTF8 line is not valid UTF-8", "<close>"]);
}

// game over, rematch

#[test]
fn a_second_yes_is_refused_and_no_answer_counts_as_no() {
    let mut h = Harness::new();
    let (ann, bob) = h.pair("ann", "bob");
    h.play(ann, bob, &[1, 4, 2, 5, 3]);
    h.out();
    h.send(ann, "YES");
    h.send(ann, "y");
    assert_eq!(
        h.told(ann),
        ["ERR STATE you already accepted; waiting for your opponent"]
    );
    h.send(bob, "5");
    assert_eq!(
        h.told(bob),
        ["ERR STATE the game is over; answer YES or NO"]
    );
    h.advance(TURN);
    assert_eq!(
        h.out(),
        [
            "2: BYE you did not answer the rematch offer in time; goodbye",
            "1: BYE bob did not answer the rematch offer in time; thanks for playing",
            "1: <close>",
            "2: <close>",
        ]
    );
}

#[test]
fn both_yes_plays_again_with_marks_swapped() {
    let mut h = Harness::new();
    let (ann, bob) = h.pair("ann", "bob");
    h.play(ann, bob, &[1, 4, 2, 5, 3]);
    h.out();
    h.send(ann, "yes");
    h.send(bob, "Y");
    assert_eq!(
        h.out(),
        [
            "1: START O bob",
            "2: START X ann",
            "1: BOARD ......... X",
            "2: BOARD ......... X"
        ]
    );
}

// The server stops.

#[test]
fn shutdown_tells_everyone_greeting_waiting_and_playing() {
    let mut h = Harness::new();
    let greeting = h.connect();
    let (ann, bob) = h.pair("ann", "bob");
    let carol = h.join("carol");
    h.out();
    h.lobby.shutdown();
    let out = h.out();
    for id in [greeting, ann, bob, carol] {
        assert!(
            out.contains(&format!("{}: BYE server shutting down", id.0)),
            "{out:?}"
        );
        assert!(out.contains(&format!("{}: <close>", id.0)), "{out:?}");
    }
    assert_eq!(h.lobby.status(), Status::default());
    assert_eq!(h.lobby.next_deadline(), None);
}

// The queue's caps.

#[test]
fn a_full_queue_turns_newcomers_away_with_a_reason() {
    let mut h = Harness::new();
    h.pair("ann", "bob");
    for i in 0..MAX_QUEUE {
        let id = h.connect_from(&format!("10.0.4.{i}"));
        h.send(id, &format!("HELLO 1 p{i}"));
    }
    h.out();
    let late = h.connect_from("10.0.5.1");
    h.send(late, "HELLO 1 late");
    assert_eq!(
        h.told(late)[1..],
        [
            "BYE the queue is full (32 players waiting); try again later",
            "<close>"
        ]
    );
}

#[test]
fn one_address_cannot_fill_the_queue() {
    let mut h = Harness::new();
    h.pair("ann", "bob");
    for i in 0..MAX_QUEUED_PER_MACHINE {
        let id = h.connect_from("10.0.6.1");
        h.send(id, &format!("HELLO 1 p{i}"));
    }
    h.out();
    let more = h.connect_from("10.0.6.1");
    h.send(more, "HELLO 1 more");
    assert_eq!(
        h.told(more)[1],
        "BYE 8 players from 10.0.6.1 are already waiting; try again later"
    );
    let elsewhere = h.connect_from("10.0.6.2");
    h.send(elsewhere, "HELLO 1 other");
    assert_eq!(h.told(elsewhere)[1], "WAIT");
}

/// The queue's per-machine cap counts an IPv6 /64 as one machine.
#[test]
fn one_ipv6_slash_64_cannot_fill_the_queue() {
    let mut h = Harness::new();
    h.pair("ann", "bob");
    for i in 0..MAX_QUEUED_PER_MACHINE {
        let id = h.connect_from(&format!("fd00:6::{:x}", i + 1));
        h.send(id, &format!("HELLO 1 p{i}"));
    }
    h.out();
    let more = h.connect_from("fd00:6::ff:1");
    h.send(more, "HELLO 1 more");
    assert_eq!(
        h.told(more)[1],
        "BYE 8 players from fd00:6::/64 are already waiting; try again later"
    );
}

#[test]
fn status_says_who_greets_waits_and_plays() {
    let mut h = Harness::new();
    h.connect();
    h.pair("ann", "bob");
    h.join("carol");
    let status = h.lobby.status();
    assert_eq!(status.greeting, 1);
    assert_eq!(status.queued.len(), 1);
    assert_eq!(
        status.playing.map(|[a, b]| format!("{a} {b}")).as_deref(),
        Some("ann bob")
    );
}

// protocol version 2, people, and names

/// A version 2 client is answered with the name it is shown, its place in
/// line, and the limits and last move in every game message.
#[test]
fn version_2_gets_its_name_its_place_and_the_limits() {
    let mut h = Harness::new();
    let ann = h.connect();
    h.out();
    h.send(ann, "HELLO 2 ann");
    assert_eq!(h.told(ann), ["HELLO 2 ann", "WAIT 1 OPEN"]);
    let bob = h.connect();
    h.send(bob, "HELLO 1 bob");
    let out = h.out();
    assert!(out.contains(&"1: START X bob 120".to_owned()), "{out:?}");
    assert!(
        out.contains(&"1: BOARD ......... X - 120".to_owned()),
        "{out:?}"
    );
    // bob, on version 1, sees version 1 only.
    assert!(out.contains(&"2: START O ann".to_owned()), "{out:?}");
    assert!(out.contains(&"2: BOARD ......... X".to_owned()), "{out:?}");
    h.send(ann, "5");
    assert_eq!(
        h.out(),
        ["1: BOARD ....X.... O 5 120", "2: BOARD ....X.... O"]
    );
    // bob's clock: both are told on version 2, only the mover on version 1.
    h.advance(Duration::from_secs(90));
    assert_eq!(h.out(), ["1: CLOCK 30 O", "2: CLOCK 30"]);
}

/// Version 2 hears every change of place; version 1 hears `WAIT` once.
#[test]
fn the_line_moving_is_told_to_version_2_only_once_per_change() {
    let mut h = Harness::new();
    let _players = h.pair("ann", "bob");
    let carol = h.connect();
    h.send(carol, "HELLO 1 carol");
    let dave = h.connect();
    h.send(dave, "HELLO 2 dave");
    let erin = h.connect();
    h.send(erin, "HELLO 2 erin");
    let out = h.out();
    assert!(out.contains(&"3: WAIT".to_owned()), "{out:?}");
    assert!(out.contains(&"4: WAIT 2 GAME".to_owned()), "{out:?}");
    assert!(out.contains(&"5: WAIT 3 GAME".to_owned()), "{out:?}");
    h.send(carol, "QUIT");
    assert_eq!(
        h.out(),
        [
            "3: BYE goodbye",
            "3: <close>",
            "4: WAIT 1 GAME",
            "5: WAIT 2 GAME"
        ]
    );
    // Nothing changed, nothing said.
    h.advance(Duration::from_secs(1));
    assert!(h.out().is_empty());
}

/// Features a server does not know are not granted; version 1's HELLO has
/// none (its grammar is frozen).
#[test]
fn unknown_features_are_not_granted_and_version_1_has_none() {
    let mut h = Harness::new();
    let ann = h.connect();
    h.out();
    h.send(ann, "HELLO 2 ann telepathy");
    assert_eq!(h.told(ann), ["HELLO 2 ann", "WAIT 1 OPEN"]);
    let bob = h.connect();
    h.out();
    h.send(bob, "HELLO 1 bob telepathy");
    assert_eq!(
        h.told(bob),
        ["ERR MALFORMED HELLO takes no more fields; unexpected \"telepathy\""]
    );
}

/// Two players with one name are told apart: the second gets a suffix,
/// which the first sees as the opponent's name.
#[test]
fn a_name_already_taken_gets_a_suffix() {
    let mut h = Harness::new();
    let first = h.join("player");
    h.out();
    let second = h.connect();
    h.send(second, "HELLO 2 player");
    let out = h.out();
    assert_eq!(out[1], "2: HELLO 2 player-2", "{out:?}");
    assert!(
        out.contains(&format!("{}: START X player-2", first.0)),
        "{out:?}"
    );
    // A long name keeps its suffix within the 24 characters a name may have.
    let long = "x".repeat(24);
    let a = h.join(&long);
    let b = h.connect();
    h.out();
    h.send(b, &format!("HELLO 2 {long}"));
    assert_eq!(
        h.told(b)[0],
        format!("HELLO 2 {}-2", "x".repeat(22)),
        "{a:?}"
    );
}

/// `play <name>` is the handshake of a person in nc: from then on, they
/// are told the game in sentences, while their opponent gets protocol.
#[test]
fn a_person_who_types_play_is_told_the_game_in_sentences() {
    let mut h = Harness::new();
    let carol = h.connect();
    h.out();
    h.send(carol, "play carol");
    assert_eq!(
        h.told(carol),
        [
            "Hi carol! Type help at any time to see what you can type, q to leave.",
            "Waiting for an opponent to connect...\r\nType computer to play the computer (or \
             computer easy/fair/perfect), q to leave."
        ]
    );
    let dave = h.join("dave");
    let out = h.out();
    assert!(out.contains(&"2: START O carol".to_owned()), "{out:?}");
    let carols: String = out
        .iter()
        .filter_map(|l| l.strip_prefix("1: "))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        carols.contains("Game on against dave: you are X, dave is O; you move first."),
        "{carols}"
    );
    assert!(
        carols.contains("Your move (X), 120 s left. Type a cell 1-9."),
        "{carols}"
    );
    h.send(carol, "5");
    h.send(dave, "5");
    let said = h.told(carol).join("\n");
    assert!(said.contains("You took 5."), "{said}");
    h.send(dave, "1");
    let said = h.told(carol).join("\n");
    assert!(said.contains("dave took 1."), "{said}");
    // Mistakes are explained in words, and the game goes on.
    h.send(carol, "1");
    assert_eq!(h.told(carol), ["Cell 1 is taken by O; pick an empty cell."]);
    // q asks first; n plays on; q then y leaves.
    h.send(carol, "q");
    assert_eq!(
        h.told(carol),
        ["Leave this game? dave wins by forfeit. Type y to leave, n to play on."]
    );
    h.send(carol, "n");
    assert_eq!(h.told(carol), ["Playing on."]);
    h.send(carol, "q");
    h.out();
    h.send(carol, "y");
    let said = h.told(carol).join("\n");
    assert!(said.contains("You left; dave wins by forfeit."), "{said}");
}

// the computer opponent

/// A version 2 client that asks for the `computer` feature, greeted; what
/// it was told is drained.
fn join_v2_computer(h: &mut Harness, name: &str) -> ConnId {
    let id = h.connect();
    h.send(id, &format!("HELLO 2 {name} computer"));
    h.out();
    id
}

/// The last board `lines` show, and whose turn it is.
fn last_board(lines: &[String]) -> Option<(ttt_protocol::Board, Option<ttt_protocol::Mark>)> {
    lines
        .iter()
        .rev()
        .find_map(|l| match l.parse::<ttt_protocol::ServerMsg>() {
            Ok(ttt_protocol::ServerMsg::Board { board, turn, .. }) => Some((board, turn)),
            _ => None,
        })
}

/// Plays the lowest free cell whenever it is `id`'s turn (as X), letting
/// the computer answer, until the game ends; returns all `id` was told.
fn play_lowest_cells(h: &mut Harness, id: ConnId, mut told: Vec<String>) -> Vec<String> {
    for _ in 0..9 {
        match last_board(&told) {
            Some((board, Some(ttt_protocol::Mark::X))) => {
                let cell = ttt_protocol::Cell::ALL
                    .into_iter()
                    .find(|&c| board.cell(c).is_none())
                    .expect("a free cell");
                h.send(id, &cell.to_string());
                told.extend(h.told(id));
                h.advance(PAUSE);
                told.extend(h.told(id));
            }
            _ => break,
        }
    }
    told
}

/// The feature is granted on request, and `COMPUTER perfect` seats the
/// player at once against `computer-perfect`, who moves after its pause.
#[test]
fn a_waiting_player_can_play_the_computer() {
    let mut h = Harness::new();
    let ann = h.connect();
    h.out();
    h.send(ann, "HELLO 2 ann computer");
    assert_eq!(h.told(ann), ["HELLO 2 ann computer", "WAIT 1 OPEN"]);
    h.send(ann, "COMPUTER perfect");
    assert_eq!(
        h.told(ann),
        ["START X computer-perfect 120", "BOARD ......... X - 120"]
    );
    h.send(ann, "5");
    assert_eq!(h.told(ann), ["BOARD ....X.... O 5 120"]);
    // Nothing until its pause is over; then its move.
    h.advance(PAUSE - Duration::from_millis(1));
    assert!(h.told(ann).is_empty());
    h.advance(Duration::from_millis(1));
    let told = h.told(ann);
    assert_eq!(told.len(), 1, "{told:?}");
    // The computer (O) moved: X is to move again.
    assert_eq!(told[0].split(' ').nth(2), Some("X"), "{told:?}");
}

/// Against the computer, a rematch is always on: it says yes after its
/// pause, and marks swap, so it opens the next game.
#[test]
fn the_computer_accepts_every_rematch() {
    let mut h = Harness::new();
    let ann = join_v2_computer(&mut h, "ann");
    h.send(ann, "computer");
    let told = h.told(ann);
    let told = play_lowest_cells(&mut h, ann, told);
    assert!(told.contains(&"REMATCH 120".to_owned()), "{told:?}");
    h.send(ann, "YES");
    h.advance(PAUSE);
    let told = h.told(ann);
    assert_eq!(
        told[..2],
        ["START O computer-fair 120", "BOARD ......... X - 120"]
    );
    h.advance(PAUSE);
    let told = h.told(ann);
    assert_eq!(
        told[0].split(' ').nth(2),
        Some("O"),
        "the computer opened: {told:?}"
    );
}

/// One game at a time still holds: a person arriving during a computer
/// game is queued and told so, and that game is the computer's last: a
/// player who did not beat it makes way for the next in line.
#[test]
fn a_person_waiting_ends_the_computer_game_after_this_one() {
    let mut h = Harness::new();
    let ann = join_v2_computer(&mut h, "ann");
    h.send(ann, "computer perfect");
    let told = h.told(ann);
    let carol = h.connect();
    h.send(carol, "HELLO 2 carol");
    let out = h.out();
    assert!(
        out.contains(&format!("{}: WAIT 1 GAME", carol.0)),
        "{out:?}"
    );
    let told = play_lowest_cells(&mut h, ann, told);
    assert!(
        told.contains(
            &"BYE others are waiting, so the table goes to the next in line; thanks for playing"
                .to_owned()
        ),
        "{told:?}"
    );
    assert!(!told.iter().any(|l| l.starts_with("REMATCH")), "{told:?}");
    // The table is free, and carol is first in line for an opponent.
    let status = h.lobby.status();
    assert_eq!(status.playing, None);
    assert_eq!(
        status.queued,
        [ttt_protocol::Name::sanitize("carol").expect("name")]
    );
}

/// A player who quits against the computer forfeits, and the computer goes
/// too: it never keeps the table.
#[test]
fn the_computer_never_keeps_the_table() {
    let mut h = Harness::new();
    let ann = join_v2_computer(&mut h, "ann");
    h.send(ann, "computer easy");
    let carol = h.join("carol");
    let dave = h.join("dave");
    h.out();
    h.send(ann, "QUIT");
    let out = h.out();
    assert!(out.contains(&format!("{}: BYE goodbye", ann.0)), "{out:?}");
    assert!(
        out.contains(&format!("{}: START X dave", carol.0)),
        "{out:?}"
    );
    assert!(
        out.contains(&format!("{}: START O carol", dave.0)),
        "{out:?}"
    );
    // The computer is gone: the next deadline is carol's clock warning.
    assert_eq!(
        h.lobby.next_deadline(),
        Some(h.now + TURN - Duration::from_secs(30))
    );
}

/// The message exists only for those granted it: to a version 1 client,
/// or one that did not ask, it is an unknown word, as before; a server
/// without a computer grants nothing and tells a person so.
#[test]
fn the_computer_is_only_for_those_it_was_offered_to() {
    let mut h = Harness::new();
    let bob = h.join("bob");
    h.out();
    h.send(bob, "COMPUTER");
    assert_eq!(h.told(bob), ["ERR MALFORMED unknown message \"COMPUTER\""]);

    let mut h = Harness::new();
    h.lobby.settings.computer = None;
    let ann = h.connect();
    h.out();
    h.send(ann, "HELLO 2 ann computer");
    assert_eq!(h.told(ann), ["HELLO 2 ann", "WAIT 1 OPEN"]);
    h.send(ann, "COMPUTER");
    assert_eq!(h.told(ann), ["ERR MALFORMED unknown message \"COMPUTER\""]);
    let mut h = Harness::new();
    h.lobby.settings.computer = None;
    let carol = h.connect();
    h.out();
    h.send(carol, "play carol");
    let told = h.told(carol);
    assert_eq!(
        told[1],
        "Waiting for an opponent to connect...\r\nType q to leave."
    );
    h.send(carol, "computer");
    assert_eq!(
        h.told(carol),
        ["This server has no computer opponent; wait for a person to join."]
    );
}

// people before play, versions, features, names

/// Before the handshake, what only a person types is answered in a
/// sentence (`help`, a word that is no message), while a program's line
/// that is no message keeps getting the protocol's `ERR`.
#[test]
fn before_play_a_person_is_answered_in_sentences_and_a_program_in_errors() {
    let mut h = Harness::new();
    let id = h.connect();
    h.out();
    h.send(id, "help");
    let help = h.told(id);
    assert!(
        help[0].starts_with("To play, type play and your name, e.g. play ann"),
        "{help:?}"
    );
    assert!(help[0].contains("\r\n"), "CRLF lines for telnet: {help:?}");
    h.send(id, "hi there");
    assert_eq!(h.told(id), ["To play, type: play <your-name> (or: help)"]);
    // A person who typed once is told the rest in sentences too.
    h.send(id, "MOVE 5");
    assert_eq!(h.told(id), ["Type play <your-name> to start."]);
    let program = h.connect();
    h.out();
    h.send(program, "JUMP");
    assert_eq!(h.told(program), ["ERR MALFORMED unknown message \"JUMP\""]);
    h.send(program, "MOVE 5");
    assert_eq!(
        h.told(program),
        ["ERR STATE say HELLO 1 <your-name> first (people: play <your-name>)"]
    );
}

/// A person's words before play count towards the refusal policy like
/// anyone's lines: ten in a row and the connection is closed, in words.
#[test]
fn a_persons_words_before_play_still_count_as_refused() {
    let mut h = Harness::new();
    let id = h.connect();
    h.out();
    for _ in 1..MAX_STRIKES {
        h.send(id, "what");
    }
    h.out();
    h.send(id, "what");
    let out = h.out();
    assert!(
        out[1].contains("10 lines in a row I could not use"),
        "{out:?}"
    );
    assert_eq!(out.last(), Some(&format!("{}: <close>", id.0)));
}

/// A version of any size is a version: one the server does not speak is
/// `ERR NOPROTO` and closed, never `MALFORMED`; leading zeros mean nothing.
#[test]
fn versions_of_any_size_are_versions() {
    let mut h = Harness::new();
    let id = h.connect();
    h.out();
    h.send(id, "HELLO 4294967296 ann");
    assert_eq!(
        h.out(),
        [
            format!(
                "{}: ERR NOPROTO client speaks protocol 4294967296, server speaks 1 and 2",
                id.0
            ),
            format!("{}: <close>", id.0)
        ]
    );
    let id = h.connect();
    h.out();
    h.send(id, "HELLO 02 ann");
    assert_eq!(h.told(id), ["HELLO 2 ann", "WAIT 1 OPEN"]);
}

/// Features are granted once each, only those the server has, and only
/// words of the feature grammar.
#[test]
fn features_are_granted_once_and_only_in_the_grammar() {
    let mut h = Harness::new();
    let id = h.connect();
    h.out();
    h.send(
        id,
        "HELLO 2 ann computer COMPUTER stay computer no-such stay",
    );
    assert_eq!(h.told(id), ["HELLO 2 ann computer stay", "WAIT 1 OPEN"]);
}

/// The computer's names are kept for it: nobody can pass for it.
#[test]
fn the_computers_names_are_reserved() {
    let mut h = Harness::new();
    let id = h.connect();
    h.out();
    h.send(id, "HELLO 2 Computer-Perfect");
    assert_eq!(
        h.told(id),
        [
            "ERR NAME \"Computer-Perfect\" is kept for the server's computer opponent; choose \
             another name"
        ]
    );
    // Still greeting: another name is fine.
    h.send(id, "HELLO 2 computerfan");
    assert_eq!(h.told(id)[0], "HELLO 2 computerfan");
    let person = h.connect();
    h.out();
    h.send(person, "play computer-easy");
    assert!(h.told(person)[0].contains("kept for the server's computer"));
}

/// Two hellos in one moment: the first player is told WAIT before START,
/// as the state machine promises; the second starts at once.
#[test]
fn the_first_of_two_hellos_in_one_moment_is_told_wait() {
    let mut h = Harness::new();
    let ann = h.connect();
    let bob = h.connect();
    h.out();
    h.send(ann, "HELLO 1 ann");
    h.send(bob, "HELLO 1 bob");
    assert_eq!(
        h.out(),
        [
            format!("{}: WAIT", ann.0),
            format!("{}: START X bob", ann.0),
            format!("{}: START O ann", bob.0),
            format!("{}: BOARD ......... X", ann.0),
            format!("{}: BOARD ......... X", bob.0),
        ]
    );
}

// feature stay: nobody sent away who did not ask

/// Joins with `HELLO 2 <name> stay`.
fn join_staying(h: &mut Harness, name: &str) -> ConnId {
    let id = h.connect();
    h.send(id, &format!("HELLO 2 {name} stay"));
    id
}

/// The opponent declines the rematch: with `stay`, the other player is
/// told who left and how, and waits first in line; without it, `BYE`.
#[test]
fn with_stay_a_declined_rematch_puts_the_other_back_in_line() {
    let mut h = Harness::new();
    let ann = join_staying(&mut h, "ann");
    let bob = h.join("bob");
    h.out();
    h.play(ann, bob, &[1, 4, 2, 5, 3]);
    h.out();
    h.send(bob, "NO");
    let out = h.out();
    assert!(
        out.contains(&format!("{}: LEFT bob DECLINED", ann.0)),
        "{out:?}"
    );
    assert!(out.contains(&format!("{}: WAIT 1 OPEN", ann.0)), "{out:?}");
    assert!(!out.contains(&format!("{}: <close>", ann.0)), "{out:?}");
    assert!(out.contains(&format!("{}: <close>", bob.0)), "{out:?}");
    // And the next player plays her.
    let carol = h.join("carol");
    assert!(h.out().contains(&format!("{}: START O ann", carol.0)));
}

/// The loser under winner-stays-on is asked whether to join the back of
/// the line: yes queues them, no (or no answer in time) says goodbye.
#[test]
fn with_stay_the_player_who_makes_way_is_asked_to_rejoin() {
    let mut h = Harness::new();
    let ann = h.join("ann");
    let bob = join_staying(&mut h, "bob");
    let carol = h.join("carol");
    let _ = carol;
    h.out();
    h.play(ann, bob, &[1, 4, 2, 5, 3]);
    let out = h.out();
    assert!(out.contains(&format!("{}: REJOIN 120", bob.0)), "{out:?}");
    assert!(!out.contains(&format!("{}: <close>", bob.0)), "{out:?}");
    assert!(
        out.contains(&format!("{}: START O carol", ann.0)),
        "{out:?}"
    );
    // A move is no answer.
    h.send(bob, "5");
    assert_eq!(
        h.told(bob),
        ["ERR STATE the game is over; answer YES or NO"]
    );
    h.send(bob, "YES");
    assert_eq!(h.told(bob), ["WAIT 1 GAME"]);
    // Asked again after the next game, bob says no.
    let mut h = Harness::new();
    let ann = h.join("ann");
    let bob = join_staying(&mut h, "bob");
    h.join("carol");
    h.out();
    h.play(ann, bob, &[1, 4, 2, 5, 3]);
    h.out();
    h.send(bob, "NO");
    assert_eq!(
        h.out(),
        [
            format!("{}: BYE goodbye", bob.0),
            format!("{}: <close>", bob.0)
        ]
    );
    // Or does not answer in time.
    let mut h = Harness::new();
    let ann = h.join("ann");
    let bob = join_staying(&mut h, "bob");
    h.join("carol");
    h.out();
    h.play(ann, bob, &[1, 4, 2, 5, 3]);
    h.out();
    h.advance(TURN);
    let out = h.out();
    assert!(
        out.contains(&format!(
            "{}: BYE you did not answer in time; goodbye",
            bob.0
        )),
        "{out:?}"
    );
}

/// With `stay`, the players at the table are told when someone starts
/// waiting (so the missing rematch is expected), and when nobody waits.
#[test]
fn with_stay_the_table_is_told_when_someone_waits() {
    let mut h = Harness::new();
    let ann = join_staying(&mut h, "ann");
    let bob = h.join("bob");
    h.out();
    let carol = h.join("carol");
    let out = h.out();
    assert!(out.contains(&format!("{}: LINE 1 carol", ann.0)), "{out:?}");
    assert!(
        !out.iter()
            .any(|l| l.starts_with(&format!("{}: LINE", bob.0))),
        "bob did not ask for it: {out:?}"
    );
    h.send(carol, "QUIT");
    let out = h.out();
    assert!(out.contains(&format!("{}: LINE 0", ann.0)), "{out:?}");
    let _ = bob;
}

/// A person is never sent away for someone else's choice: after a
/// declined rematch they wait first in line, after making way they are
/// asked, and `c` plays the computer.
#[test]
fn a_person_stays_unless_they_leave() {
    let mut h = Harness::new();
    let carol = h.connect();
    h.send(carol, "play carol");
    let dave = h.join("dave");
    h.out();
    h.play(carol, dave, &[1, 4, 2, 5, 3]);
    h.out();
    h.send(dave, "NO");
    let said = h.told(carol).join("\n");
    assert!(said.contains("dave declined the rematch."), "{said}");
    assert!(
        said.contains("Waiting for an opponent to connect"),
        "{said}"
    );
    h.send(carol, "c perfect");
    let said = h.told(carol).join("\n");
    assert!(said.contains("Game on against computer-perfect"), "{said}");
}

// feature watch

/// A v2 connection in line, granted `watch`.
fn watcher(h: &mut Harness, name: &str) -> ConnId {
    let id = h.connect();
    h.send(id, &format!("HELLO 2 {name} watch"));
    id
}

/// Someone in line watches the game from the next board: by the marks,
/// every move, the result and the score; and is seated in turn like
/// anyone. The players are told nothing new.
#[test]
fn a_watcher_in_line_sees_the_game_by_the_marks() {
    let mut h = Harness::new();
    let (ann, bob) = h.pair("ann", "bob");
    let carol = watcher(&mut h, "carol");
    assert_eq!(
        h.told(carol),
        [WELCOME, "HELLO 2 carol watch", "WAIT 1 GAME"]
    );
    h.send(carol, "WATCH");
    assert_eq!(
        h.told(carol),
        [
            "WATCHING ann bob 120",
            "TALLY 0 0 0",
            "VIEW ......... X - 120"
        ]
    );
    h.send(ann, "5");
    assert_eq!(
        h.out(),
        [
            "1: BOARD ....X.... O",
            "2: BOARD ....X.... O",
            "3: VIEW ....X.... O 5 120"
        ]
    );
    h.play(bob, ann, &[1, 3, 2, 7]);
    let out = h.out();
    let carols: Vec<&str> = out.iter().filter_map(|l| l.strip_prefix("3: ")).collect();
    assert_eq!(
        carols,
        [
            "VIEW O...X.... X 1 120",
            "VIEW O.X.X.... O 3 120",
            "VIEW OOX.X.... X 2 120",
            "VIEW OOX.X.X.. - 7 -",
            "ENDED X LINE 3 5 7",
            "TALLY 1 0 0",
            "START X ann 120",
            "BOARD ......... X - 120",
        ]
    );
    // Winner stays on against carol, who now plays and is not a watcher.
    assert!(out.iter().any(|l| l == "1: START O carol"), "{out:?}");
    assert!(
        !out.iter()
            .any(|l| l.starts_with("1: VIEW") || l.starts_with("2: VIEW"))
    );
    h.send(carol, "1");
    assert!(!h.told(carol).iter().any(|l| l.starts_with("VIEW")));
}

/// `WATCH ONLY` leaves the line; the spectator follows the line too, can
/// say nothing that changes the game, and leaves with `QUIT`.
#[test]
fn a_spectator_only_watches() {
    let mut h = Harness::new();
    let spectator = watcher(&mut h, "eve");
    h.send(spectator, "WATCH ONLY");
    assert_eq!(
        h.told(spectator),
        [
            WELCOME,
            "HELLO 2 eve watch",
            "WAIT 1 OPEN",
            "WATCHING -",
            "LINE 0"
        ]
    );
    let (ann, _bob) = h.pair("ann", "bob");
    assert_eq!(h.told(spectator), Vec::<String>::new(), "drained by pair()");
    h.send(ann, "5");
    assert_eq!(h.told(spectator), ["VIEW ....X.... O 5 120"]);
    for line in ["5", "YES", "COMPUTER"] {
        h.send(spectator, line);
        assert_eq!(
            h.told(spectator),
            ["ERR STATE you are only watching; QUIT leaves"],
            "{line}"
        );
    }
    let carol = h.join("carol");
    h.out();
    let _ = carol;
    h.send(ann, "1");
    h.out();
    h.send(spectator, "QUIT");
    assert_eq!(h.told(spectator), ["BYE goodbye", "<close>"]);
}

/// The table opening is seen by a spectator who was there first.
#[test]
fn a_spectator_sees_each_new_game_begin() {
    let mut h = Harness::new();
    let spectator = watcher(&mut h, "eve");
    h.send(spectator, "WATCH ONLY");
    h.out();
    let ann = h.join("ann");
    let told = h.told(spectator);
    assert_eq!(told, ["LINE 1 ann"]);
    let _bob = h.join("bob");
    assert_eq!(
        h.told(spectator),
        ["WATCHING ann bob 120", "VIEW ......... X - 120", "LINE 0"]
    );
    let _ = ann;
}

/// Without the feature, `WATCH` does not exist; watchers are capped.
#[test]
fn watch_is_for_those_granted_it_and_capped() {
    let mut h = Harness::new();
    let old = h.join("old");
    h.out();
    h.send(old, "WATCH");
    assert_eq!(h.told(old), ["ERR MALFORMED unknown message \"WATCH\""]);
    let mut h = Harness::new();
    let mut spectators = Vec::new();
    for i in 0..=MAX_WATCHERS {
        let id = h.connect_from(&format!("10.0.{}.{}", i / 200, i % 200 + 1));
        h.send(id, &format!("HELLO 2 s{i} watch"));
        h.send(id, "WATCH ONLY");
        spectators.push(id);
    }
    h.out();
    let last = *spectators.last().expect("spectators");
    h.send(last, "WATCH ONLY");
    assert_eq!(
        h.told(last),
        [format!(
            "ERR FULL {MAX_WATCHERS} are watching already, as many as may"
        )]
    );
    // One leaves; there is room again.
    h.send(spectators[0], "WATCH OFF");
    h.send(last, "WATCH ONLY");
    assert_eq!(h.told(last), ["WATCHING -", "LINE 0"]);
}

/// A person types `watch` and `unwatch`, and keeps their place.
#[test]
fn a_person_watches_in_sentences() {
    let mut h = Harness::new();
    let (ann, _bob) = h.pair("ann", "bob");
    let carol = h.connect();
    h.send(carol, "play carol");
    h.out();
    h.send(carol, "watch");
    let told = h.told(carol).join("\n");
    assert!(
        told.contains(
            "Watching ann (X) against bob (O). Each move has 120 s. Type unwatch to stop."
        ),
        "{told}"
    );
    assert!(told.contains("ann (X) to move, 120 s left."), "{told}");
    h.send(ann, "5");
    let told = h.told(carol).join("\n");
    assert!(told.contains("ann (X) took 5."), "{told}");
    assert!(told.contains("[X]"), "{told}");
    h.send(carol, "unwatch");
    assert_eq!(h.told(carol), ["You stopped watching."]);
    h.send(ann, "1");
    assert!(h.told(carol).is_empty());
}

/// `WATCH ONLY` instead of a hello: a spectator who is never seated,
/// even when someone waits alone for an opponent.
#[test]
fn a_spectator_may_come_without_a_hello() {
    let mut h = Harness::new();
    let ann = h.join("ann");
    h.out();
    let eve = h.connect();
    h.out();
    h.send(eve, "WATCH ONLY");
    assert_eq!(h.told(eve), ["WATCHING -", "LINE 1 ann"]);
    assert!(h.told(ann).is_empty(), "ann was given an opponent");
    let _bob = h.join("bob");
    assert_eq!(
        h.told(eve),
        ["WATCHING ann bob 120", "VIEW ......... X - 120", "LINE 0"]
    );
    h.send(eve, "HELLO 2 eve");
    assert_eq!(h.told(eve), ["ERR STATE already said hello"]);
}

/// A person who types `watch` first watches, and may join the line later
/// by name, still watching.
#[test]
fn a_person_may_watch_first_and_play_later() {
    let mut h = Harness::new();
    let (ann, _bob) = h.pair("ann", "bob");
    let carol = h.connect();
    h.out();
    h.send(carol, "watch");
    let told = h.told(carol).join("\n");
    assert!(told.contains("Watching ann (X) against bob (O)."), "{told}");
    h.send(carol, "play carol");
    let told = h.told(carol).join("\n");
    assert!(told.contains("Hi carol!"), "{told}");
    h.send(ann, "5");
    let told = h.told(carol).join("\n");
    assert!(told.contains("ann (X) took 5."), "{told}");
}

// feature resume

/// The token in a `TOKEN` line among `lines`.
fn token_in(lines: &[String]) -> String {
    lines
        .iter()
        .find_map(|l| l.split(' ').nth(1).filter(|_| l.starts_with("TOKEN ")))
        .expect("a TOKEN line")
        .to_owned()
}

/// ann and bob, both v2 with `resume`, seated; their tokens.
fn seated_with_tokens(h: &mut Harness) -> ((ConnId, String), (ConnId, String)) {
    let ann = h.connect();
    h.send(ann, "HELLO 2 ann resume");
    let ann_token = token_in(&h.told(ann));
    let bob = h.connect();
    h.send(bob, "HELLO 2 bob resume");
    let bob_token = token_in(&h.told(bob));
    h.out();
    ((ann, ann_token), (bob, bob_token))
}

/// A dropped player's seat is held; the opponent is told at once and
/// the clock runs on; with the token, the player is back where they were.
#[test]
fn a_dropped_player_comes_back_to_the_seat() {
    let mut h = Harness::with_grace();
    let ann = h.connect();
    h.send(ann, "HELLO 2 ann resume");
    let told = h.told(ann);
    assert_eq!(told[1], "HELLO 2 ann resume");
    assert!(
        told[2].starts_with("TOKEN ") && told[2].ends_with(" 30"),
        "{told:?}"
    );
    assert_eq!(told[3], "WAIT 1 OPEN");
    let bob = h.connect();
    h.send(bob, "HELLO 2 bob resume");
    let bob_token = token_in(&h.told(bob));
    h.send(ann, "5");
    h.out();
    h.lobby.closed(bob, h.now);
    assert_eq!(h.out(), ["2: <drop>", "1: AWAY bob 30"]);
    // The mover's clock runs on meanwhile; and nothing is sent to bob.
    h.advance(Duration::from_secs(10));
    assert!(h.out().is_empty());
    let back = h.connect();
    h.out();
    h.send(back, &format!("RESUME {bob_token}"));
    let told = h.out();
    assert_eq!(told[0], "3: HELLO 2 bob resume");
    assert!(told[1].starts_with("3: TOKEN "), "{told:?}");
    assert_ne!(token_in(&[told[1][3..].to_owned()]), bob_token);
    assert_eq!(
        told[2..],
        [
            "3: START O ann 120",
            "3: SCORE 0 0 0",
            "3: BOARD ....X.... O 5 110",
            "1: BACK bob"
        ]
    );
    h.send(back, "1");
    assert_eq!(
        h.out(),
        ["1: BOARD O...X.... X 1 120", "3: BOARD O...X.... X 1 120"]
    );
}

/// No return within the grace: the forfeit it always was, then.
#[test]
fn a_grace_that_runs_out_is_a_forfeit() {
    let mut h = Harness::with_grace();
    let ((ann, _), (bob, _)) = seated_with_tokens(&mut h);
    h.lobby.closed(bob, h.now);
    h.out();
    h.advance(GRACE - Duration::from_secs(1));
    assert!(h.told(ann).is_empty());
    h.advance(Duration::from_secs(1));
    let told = h.told(ann);
    assert_eq!(
        told[..3],
        [
            "BOARD ......... - - -",
            "RESULT WIN FORFEIT DISCONNECT",
            "SCORE 1 0 0"
        ]
    );
    assert!(!h.lobby.knows(bob));
}

/// A wrong token, or one used already, gets `ERR TOKEN` and counts as
/// refused; the connection may still say hello. A token seats only the
/// player it was given to.
#[test]
fn wrong_and_used_tokens_are_refused() {
    let mut h = Harness::with_grace();
    let ((ann, ann_token), (bob, bob_token)) = seated_with_tokens(&mut h);
    h.lobby.closed(bob, h.now);
    h.out();
    let stranger = h.connect_from("10.9.9.9");
    h.out();
    h.send(stranger, &format!("RESUME {}", "0".repeat(32)));
    assert_eq!(
        h.told(stranger),
        ["ERR TOKEN that token holds no seat or place (wrong, used already, or too late)"]
    );
    let back = h.connect();
    h.send(back, &format!("RESUME {bob_token}"));
    h.out();
    // Used: no more.
    h.send(stranger, &format!("RESUME {bob_token}"));
    assert!(h.told(stranger)[0].starts_with("ERR TOKEN"));
    // Ann's token is ann's: whoever has it is ann, at ann's seat (her old
    // connection is closed), never bob.
    h.send(stranger, &format!("RESUME {ann_token}"));
    let out = h.out();
    assert!(out.contains(&format!("{}: <close>", ann.0)), "{out:?}");
    assert!(
        out.contains(&format!("{}: HELLO 2 ann resume", stranger.0)),
        "{out:?}"
    );
    assert!(
        out.contains(&format!("{}: START X bob 120", stranger.0)),
        "{out:?}"
    );
    // The stranger could still have said hello as a new player.
    let other = h.connect();
    h.send(other, &format!("RESUME {}", "1".repeat(32)));
    h.send(other, "HELLO 2 zed");
    assert!(h.told(other).iter().any(|l| l == "WAIT 1 GAME"));
}

/// Tries are bounded per machine (and in all) within a window.
#[test]
fn tries_to_come_back_are_bounded() {
    let mut h = Harness::with_grace();
    let (_, (bob, bob_token)) = seated_with_tokens(&mut h);
    h.lobby.closed(bob, h.now);
    h.out();
    let guesser = h.connect_from("10.6.6.6");
    for _ in 0..TRIES_PER_MACHINE {
        h.send(guesser, &format!("RESUME {}", "0".repeat(32)));
    }
    h.out();
    // Even the right token, from that machine, now waits.
    let again = h.connect_from("10.6.6.6");
    h.out();
    h.send(again, &format!("RESUME {bob_token}"));
    assert_eq!(
        h.told(again),
        ["ERR TOKEN too many tries to come back lately; wait a minute"]
    );
    // From elsewhere it works.
    let back = h.connect_from("10.7.7.7");
    h.send(back, &format!("RESUME {bob_token}"));
    assert!(h.told(back).iter().any(|l| l == "START O ann 120"));
}

/// Many machines failing together lock nobody out: after 65 wrong tokens
/// from 13 machines, the holder of the real one, from a machine of its
/// own, gets the seat back at once (issue 29: they were refused for
/// longer than the grace, and the seat was lost).
#[test]
fn others_failing_never_keeps_the_real_holder_out() {
    let mut h = Harness::with_grace();
    let (_, (bob, bob_token)) = seated_with_tokens(&mut h);
    h.lobby.closed(bob, h.now);
    h.out();
    for machine in 1..=13 {
        let guesser = h.connect_from(&format!("10.6.6.{machine}"));
        for _ in 0..TRIES_PER_MACHINE {
            h.send(guesser, &format!("RESUME {}", "0".repeat(32)));
        }
    }
    let refused = h.out().iter().filter(|l| l.contains("ERR TOKEN")).count();
    assert_eq!(refused, 65);
    let back = h.connect_from("10.7.7.7");
    h.send(back, &format!("RESUME {bob_token}"));
    assert!(h.told(back).iter().any(|l| l == "START O ann 120"));
}

/// The failed tries remembered are bounded, however many machines try.
#[test]
fn failed_tries_are_remembered_within_a_bound() {
    let mut h = Harness::with_grace();
    for machine in 0..(TRIES_KEPT as u32 + 100) {
        let ip = std::net::Ipv4Addr::from(0x0a00_0000 + machine);
        let guesser = h.connect_from(&ip.to_string());
        h.send(guesser, &format!("RESUME {}", "0".repeat(32)));
        h.lobby.closed(guesser, h.now);
        h.out();
    }
    assert_eq!(h.lobby.failed_tries.len(), TRIES_KEPT);
}

/// A queued player who dropped keeps the place and is passed over while
/// away; v1 players are never held.
#[test]
fn an_away_place_is_kept_and_passed_over() {
    let mut h = Harness::with_grace();
    let ((ann, _), (bob, _)) = seated_with_tokens(&mut h);
    let carol = h.connect();
    h.send(carol, "HELLO 2 carol resume");
    let dave = h.join("dave");
    let erin = h.join("erin");
    h.out();
    h.lobby.closed(carol, h.now);
    // v1 dave leaves: gone at once, held for nobody.
    h.lobby.closed(dave, h.now);
    assert_eq!(
        h.out(),
        [
            format!("{}: <drop>", carol.0),
            format!("{}: <close>", dave.0)
        ]
    );
    // The table ends (ann quits); bob stays on and plays erin, not carol.
    h.send(ann, "QUIT");
    let out = h.out();
    assert!(out.contains(&format!("{}: START X bob", erin.0)), "{out:?}");
    assert!(h.lobby.knows(carol));
    let status = h.lobby.status();
    assert_eq!(status.queued.first().map(Name::as_str), Some("carol"));
    let _ = bob;
}

/// A person is shown a code; a wrong one counts, the right one brings
/// them back. Wrong codes from other machines cannot void it (issue 29:
/// 12 wrong codes from 3 addresses voided carol's): past [`CODE_TRIES`],
/// codes for that name from other machines are not even checked, while
/// the person's own machine still gets in with the right one.
#[test]
fn a_person_comes_back_with_a_code() {
    let mut h = Harness::with_grace();
    let ann = h.join("ann");
    let bob = h.connect_from("10.2.2.2");
    h.send(bob, "play bob");
    let code_of = |told: &[String]| {
        told.join(" ")
            .split("   play bob ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .expect("a code")
            .to_owned()
    };
    let code = code_of(&h.told(bob));
    assert_eq!(code.len(), 6);
    h.out();
    h.lobby.closed(bob, h.now);
    h.out();
    let back = h.connect_from("10.2.2.2");
    h.out();
    let wrong = if code == "AAAAAA" { "BBBBBB" } else { "AAAAAA" };
    h.send(back, &format!("play bob {wrong}"));
    assert!(h.told(back)[0].starts_with("That name and code hold no place here"));
    h.send(back, &format!("play bob {}", code.to_lowercase()));
    let told = h.told(back);
    let code = code_of(&told);
    let told = told.join("\n");
    assert!(told.starts_with("You are back."), "{told}");
    assert!(told.contains("Game on against ann"), "{told}");
    let _ = ann;
    // Another drop; ten wrong codes from other machines, then codes from
    // others are refused unchecked, even the right one.
    h.lobby.closed(back, h.now);
    h.out();
    let wrong = if code == "AAAAAA" { "BBBBBB" } else { "AAAAAA" };
    for i in 0..CODE_TRIES + 2 {
        let guess = h.connect_from(&format!("10.1.1.{}", i % 3 + 1));
        h.send(guess, &format!("play bob {wrong}"));
        h.lobby.closed(guess, h.now);
    }
    h.out();
    let stranger = h.connect_from("10.9.9.9");
    h.out();
    h.send(stranger, &format!("play bob {code}"));
    let told = h.told(stranger);
    assert!(told[0].starts_with("Too many tries"), "{told:?}");
    // From bob's own machine, the right code still brings bob back.
    let home = h.connect_from("10.2.2.2");
    h.out();
    h.send(home, &format!("play bob {code}"));
    let told = h.told(home).join("\n");
    assert!(told.starts_with("You are back."), "{told}");
    // And once the window has passed, so has the limit.
    h.lobby.closed(home, h.now);
    h.out();
    h.now += TRIES_WINDOW;
    let later = h.connect_from("10.9.9.9");
    h.out();
    h.send(later, &format!("play bob {wrong}"));
    assert!(h.told(later)[0].starts_with("That name and code hold no place here"));
}

/// Names are compared by how they look (issue 29): one that looks like a
/// name in the line is renamed as a duplicate is, none that looks like the
/// computer's is given to a person, and letters of two alphabets in one
/// name are refused.
#[test]
fn names_that_look_alike_are_one_name() {
    let mut h = Harness::new();
    let ann = h.join("ann");
    h.out();
    let greek = h.connect();
    h.out();
    h.send(greek, "HELLO 2 ΑΝΝ");
    assert_eq!(h.told(greek)[0], "HELLO 2 ΑΝΝ-2");
    let capital = h.connect();
    h.out();
    h.send(capital, "HELLO 2 Ann");
    assert_eq!(h.told(capital)[0], "HELLO 2 Ann-3");
    for name in [
        "cοmputer-perfect",
        "ｃｏｍｐｕｔｅｒ-perfect",
        "computer_perfect",
        "Computer.Perfect",
    ] {
        let fake = h.connect();
        h.out();
        h.send(fake, &format!("HELLO 2 {name}"));
        let told = h.told(fake);
        assert!(
            told[0].starts_with("ERR NAME ") && told[0].contains("computer opponent"),
            "{name}: {told:?}"
        );
    }
    let cyrillic = h.connect();
    h.out();
    h.send(cyrillic, "HELLO 2 аnn");
    let told = h.told(cyrillic);
    assert!(
        told[0].starts_with("ERR NAME ") && told[0].contains("one script"),
        "{told:?}"
    );
    // A person is told in a sentence, and may try again.
    let person = h.connect();
    h.out();
    h.send(person, "play аnn");
    let told = h.told(person).join(" ");
    assert!(
        told.contains("mixes letters of different alphabets"),
        "{told}"
    );
    h.send(person, "play анна");
    let told = h.told(person).join(" ");
    assert!(told.starts_with("Hi анна!"), "{told}");
    let _ = ann;
}
