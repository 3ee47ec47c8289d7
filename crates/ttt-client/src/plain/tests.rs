//! Whole transcripts, byte for byte: a session played through the plain
//! front end (and a script, where stdin is piped), with no socket.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;
use std::time::{Duration, Instant};

use super::*;
use crate::events::{Event, Incoming};
use crate::play::Player;
use crate::script::Script;
use crate::session::{Options, Session, Timings};
use ttt_protocol::Version;

/// A game to play: server lines and the player's lines, in order.
enum Say {
    Server(&'static str),
    Typed(&'static str),
    End,
    Interrupt,
    Wait(u64),
}

/// The transcript's bytes, shared with the test, which writes what a
/// terminal would echo of the player's typing into it too.
#[derive(Clone, Default)]
struct Shared(Rc<RefCell<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Plays `says` and returns the transcript (with the terminal's echo of
/// typed lines, at a keyboard) and what was sent.
fn transcript(keyboard: bool, says: &[Say]) -> (String, Vec<String>) {
    let shared = Shared::default();
    let mut plain = Plain::new(shared.clone(), 80, keyboard);
    let mut script = Script::default();
    let mut sent = Vec::new();
    let mut now = Instant::now();
    {
        let options = Options {
            keyboard,
            live_clock: false,
            version: Version::V2,
            computer: None,
            spectate: false,
        };
        let session = Session::new(
            "ann".parse().expect("name"),
            options,
            Timings::default(),
            now,
        );
        let script = (!keyboard).then_some(&mut script);
        let mut player = Player::new(session, &mut plain, script, now);
        for say in says {
            let incoming = match say {
                Say::Server(line) => {
                    Incoming::Event(Event::Server(line.parse().expect("a server line")))
                }
                Say::Typed(line) => {
                    if keyboard {
                        shared.0.borrow_mut().extend(format!("{line}\n").bytes());
                    }
                    Incoming::Input(crate::input::Input::Line((*line).into()))
                }
                Say::End => Incoming::Event(Event::InputEnd),
                Say::Interrupt => Incoming::Event(Event::Interrupt),
                Say::Wait(ms) => {
                    let end = now + Duration::from_millis(*ms);
                    while let Some(at) = player.next_deadline().filter(|&at| at <= end) {
                        now = now.max(at);
                        let outcome = player.tick(now);
                        sent.extend(outcome.send.iter().map(ToString::to_string));
                    }
                    now = end;
                    continue;
                }
            };
            let outcome = player.take(incoming, now);
            sent.extend(outcome.send.iter().map(ToString::to_string));
        }
    }
    let out = String::from_utf8(shared.0.borrow().clone()).expect("UTF-8");
    assert!(!out.contains('\x1b'), "an escape byte in:\n{out}");
    for line in out.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line:?}");
    }
    (out, sent)
}

use Say::{End, Server, Typed, Wait};

#[test]
fn a_piped_game_byte_for_byte() {
    let (out, sent) = transcript(
        false,
        &[
            Typed("5"),
            Typed("3"),
            Typed("n"),
            End,
            Server("WELCOME 1 ttt-server"),
            Server("HELLO 2 ann computer stay watch resume"),
            Server("TOKEN 0123456789abcdef0123456789abcdef 30"),
            Server("WAIT 1 OPEN"),
            Server("WATCHING -"),
            Server("START X bob 30"),
            Server("BOARD ......... X - 30"),
            Server("BOARD ....X.... O 5 30"),
            Server("CLOCK 10 O"),
            Server("BOARD O...X.... X 1 30"),
            Server("BOARD O.X.X.... O 3 30"),
            Server("BOARD O.X.X.O.. - 7 -"),
            Server("RESULT LOSE LINE 1 4 7"),
            Server("SCORE 0 1 0"),
            Server("REMATCH 30"),
            Server("BYE you declined the rematch; goodbye"),
        ],
    );
    assert_eq!(
        sent,
        [
            "HELLO 2 ann computer stay watch resume",
            "WATCH",
            "MOVE 5",
            "MOVE 3",
            "NO"
        ]
    );
    assert_eq!(
        out,
        "\
Waiting for an opponent...
Game on against bob: you are X, bob is O; you move first. Each move has 30 s.

ann (X) vs bob (O)
 1 | 2 | 3
---+---+---
 4 | 5 | 6
---+---+---
 7 | 8 | 9

Your move (X), 30 s left. Type 1-9, or q to leave: 5
You took 5.

ann (X) vs bob (O)
 1 | 2 | 3
---+---+---
 4 |[X]| 6
---+---+---
 7 | 8 | 9

Waiting for bob (O) to move, 30 s left.
bob has 10 s left to move.
bob took 1.

ann (X) vs bob (O)
[O]| 2 | 3
---+---+---
 4 | X | 6
---+---+---
 7 | 8 | 9

Your move (X), 30 s left. Type 1-9, or q to leave: 3
You took 3.

ann (X) vs bob (O)
 O | 2 |[X]
---+---+---
 4 | X | 6
---+---+---
 7 | 8 | 9

Waiting for bob (O) to move, 30 s left.
bob took 7.

ann (X) vs bob (O)
 O | 2 | X
---+---+---
 4 | X | 6
---+---+---
[O]| 8 | 9

You lose: bob got three in a row on 1 4 7.
Score: you 0, bob 1, ties 0.
Play again, marks swapped? (30 s to answer) y/n: n
You declined the rematch. Thanks for playing, ann!
"
    );
}

/// At a terminal with `--plain` (a screen reader, say): the player's own
/// Enter ends each question's line; what comes meanwhile ends it first and
/// asks again after, with the time left now.
#[test]
fn at_a_keyboard_questions_are_asked_again_after_news() {
    let (out, sent) = transcript(
        true,
        &[
            Server("WELCOME 1 ttt-server"),
            Server("HELLO 2 ann"),
            Server("WAIT 1 OPEN"),
            Server("START O bob 30"),
            Server("BOARD ......... X - 30"),
            Typed("5"),
            Server("BOARD X........ O 1 30"),
            Wait(20_000),
            Server("CLOCK 10 O"),
            Typed("q"),
            Typed("n"),
            Typed("5"),
            Server("BOARD X...O.... X 5 30"),
        ],
    );
    assert_eq!(sent, ["HELLO 2 ann computer stay watch resume", "MOVE 5"]);
    assert_eq!(
        out,
        "\
Waiting for an opponent... (q to leave)
Game on against bob: you are O, bob is X; they move first. Each move has 30 s.

ann (O) vs bob (X)
 1 | 2 | 3
---+---+---
 4 | 5 | 6
---+---+---
 7 | 8 | 9

Waiting for bob (X) to move, 30 s left.
5
Not your turn yet: waiting for bob.
bob took 1.

ann (O) vs bob (X)
[X]| 2 | 3
---+---+---
 4 | 5 | 6
---+---+---
 7 | 8 | 9

Your move (O), 30 s left. Type 1-9, or q to leave: 
Hurry: 10 s left for your move!
Your move (O), 10 s left. Type 1-9, or q to leave: q
Leave this game? bob wins by forfeit. y/n (Ctrl-C again leaves now): n
Playing on.
Your move (O), 10 s left. Type 1-9, or q to leave: 5
You took 5.

ann (O) vs bob (X)
 X | 2 | 3
---+---+---
 4 |[O]| 6
---+---+---
 7 | 8 | 9

Waiting for bob (X) to move, 30 s left.
"
    );
}

/// Long sentences wrap at the width, the question's last line left open.
#[test]
fn long_lines_wrap_and_the_question_stays_open() {
    let (out, _) = transcript(
        true,
        &[
            Server("WELCOME 1 ttt-server"),
            Server("HELLO 2 ann"),
            Server("START X computer-perfect-and-mo 30"),
            Server("BOARD ......... X - 30"),
            Typed("q"),
        ],
    );
    let tail: Vec<&str> = out.lines().rev().take(2).collect();
    assert_eq!(
        tail,
        [
            "leaves now): ",
            "Leave this game? computer-perfect-and-mo wins by forfeit. y/n (Ctrl-C again"
        ]
    );
}

/// A script's lines wait for their questions; one that ran out in line
/// leaves, saying so.
#[test]
fn an_ended_script_in_line_leaves() {
    let (out, sent) = transcript(
        false,
        &[
            Typed("9"),
            End,
            Server("WELCOME 1 ttt-server"),
            Server("HELLO 2 ann"),
            Server("START X bob"),
            Server("BOARD ......... X"),
            Server("BOARD ........X O"),
            Server("RESULT WIN FORFEIT DISCONNECT"),
            Server("SCORE 1 0 0"),
            Server("WAIT"),
        ],
    );
    assert_eq!(
        sent,
        ["HELLO 2 ann computer stay watch resume", "MOVE 9", "QUIT"]
    );
    assert!(
        out.ends_with(
            "You win: bob disconnected.\nScore: you 1, bob 0, ties 0.\n\
             Waiting for your next opponent...\nEnd of input: leaving.\n\
             You left. Thanks for playing, ann!\n"
        ),
        "{out}"
    );
}

/// Ctrl-C at a terminal: its echoed ^C is left on a line of its own.
#[test]
fn ctrl_c_ends_the_echoed_line() {
    let (out, sent) = transcript(
        true,
        &[
            Server("WELCOME 1 ttt-server"),
            Server("WAIT 1 OPEN"),
            Say::Interrupt,
        ],
    );
    assert_eq!(sent, ["HELLO 2 ann computer stay watch resume", "QUIT"]);
    assert_eq!(
        out,
        "Waiting for an opponent... (q to leave)\n\nYou left the line.\n"
    );
}

/// Waiting in line, the game at the table is told: each board under the
/// players' names, whose move it is, the end and the score; then our own
/// game begins as usual.
#[test]
fn a_watched_game_while_waiting_byte_for_byte() {
    let (out, sent) = transcript(
        false,
        &[
            Server("WELCOME 1 ttt-server"),
            Server("HELLO 2 ann watch"),
            Server("WAIT 1 GAME"),
            Server("WATCHING cid dee 30"),
            Server("TALLY 0 0 0"),
            Server("VIEW ....X.... O 5 21"),
            Server("VIEW O...X.... X 1 30"),
            Server("ENDED O FORFEIT TIMEOUT"),
            Server("TALLY 0 1 0"),
            Server("START X dee 30"),
        ],
    );
    assert_eq!(sent, ["HELLO 2 ann computer stay watch resume", "WATCH"]);
    assert_eq!(
        out,
        "A game is being played; you play next.\n\
         Watching cid (X) against dee (O). Each move has 30 s.\n\
         cid (X) took 5.\n\
         \n\
         cid (X) vs dee (O)\n 1 | 2 | 3\n---+---+---\n 4 |[X]| 6\n---+---+---\n 7 | 8 | 9\n\
         \n\
         dee (O) to move, 21 s left.\n\
         dee (O) took 1.\n\
         \n\
         cid (X) vs dee (O)\n[O]| 2 | 3\n---+---+---\n 4 | X | 6\n---+---+---\n 7 | 8 | 9\n\
         \n\
         cid (X) to move, 30 s left.\n\
         dee wins: cid ran out of time.\n\
         Score at the table: cid 0, dee 1, ties 0.\n\
         Game on against dee: you are X, dee is O; you move first. Each move has 30 s.\n"
    );
}
