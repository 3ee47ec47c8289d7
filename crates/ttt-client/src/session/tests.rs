//! The session, driven by hand: server lines, acts, Ctrl-D and Ctrl-C, and
//! time, with no socket, no sleep and no terminal. What it shows is typed
//! values ([`Show`], [`View`]); the notes are read as the sentences they
//! say, which contain no escape codes (checked in [`Harness::notes`]).

use super::*;

/// A session for ann, with what it shows and sends collected.
struct Harness {
    session: Session,
    now: Instant,
    shown: Vec<Show>,
    sent: Vec<String>,
    exit: Option<Exit>,
}

fn options(keyboard: bool) -> Options {
    Options {
        keyboard,
        live_clock: keyboard,
        version: Version::V2,
        computer: None,
        spectate: false,
    }
}

impl Harness {
    fn new(keyboard: bool) -> Harness {
        Harness::with(options(keyboard))
    }

    fn with(options: Options) -> Harness {
        let now = Instant::now();
        let name = "ann".parse().expect("name");
        Harness {
            session: Session::new(name, options, Timings::default(), now),
            now,
            shown: Vec::new(),
            sent: Vec::new(),
            exit: None,
        }
    }

    /// At a keyboard, greeted, playing X against bob with a 120 s clock,
    /// on the empty board; what it showed so far is read.
    fn playing_x() -> Harness {
        let mut h = Harness::new(true);
        h.server("WELCOME 1 ttt-server");
        h.server("HELLO 2 ann");
        h.server("START X bob 120");
        h.server("BOARD ......... X - 120");
        h.shown.clear();
        h.sent.clear();
        h
    }

    /// As [`Harness::playing_x`], after winning the game: offered a
    /// rematch with 120 s to answer.
    fn offered_rematch() -> Harness {
        let mut h = Harness::playing_x();
        h.server("BOARD XXXOO.... - 3 -");
        h.server("RESULT WIN LINE 1 2 3");
        h.server("REMATCH 120");
        h.shown.clear();
        h
    }

    /// The server confirms our no to the rematch: the player is told, and
    /// the session ends well.
    fn declined(&mut self) {
        assert_eq!(self.sent(), ["NO"]);
        self.server("BYE you declined the rematch; goodbye");
        assert_eq!(
            self.notes(),
            ["You declined the rematch. Thanks for playing, ann!"]
        );
        assert_eq!(self.exit, Some(Exit::Done));
    }

    fn step(&mut self, step: Step) {
        self.sent.extend(step.send.iter().map(ToString::to_string));
        self.shown.extend(step.show);
        if step.exit.is_some() {
            assert!(self.exit.is_none(), "exited twice");
            self.exit = step.exit;
        }
    }

    fn event(&mut self, event: Event) {
        let step = self.session.handle(event, self.now);
        self.step(step);
    }

    fn server(&mut self, line: &str) {
        let msg = line.parse().expect("a server line");
        self.event(Event::Server(msg));
    }

    /// A line the player typed, as an act.
    fn typed(&mut self, line: &str) {
        self.event(Event::Act(Act::from_line(line)));
    }

    /// Moves the clock on and ticks at every deadline on the way.
    fn advance(&mut self, by: Duration) {
        let end = self.now + by;
        while let Some(at) = self.session.next_deadline().filter(|&at| at <= end) {
            self.now = self.now.max(at);
            let step = self.session.tick(self.now);
            self.step(step);
            if self.exit.is_some() {
                return;
            }
        }
        self.now = end;
    }

    /// What was shown since the last look.
    fn shown(&mut self) -> Vec<Show> {
        std::mem::take(&mut self.shown)
    }

    /// The notes shown since the last look, as sentences (everything else
    /// shown is dropped).
    fn notes(&mut self) -> Vec<String> {
        let view = self.session.view();
        let notes: Vec<String> = self
            .shown()
            .into_iter()
            .filter_map(|s| match s {
                Show::Note(note) => Some(note.sentence(&view)),
                _ => None,
            })
            .collect();
        for note in &notes {
            assert!(!note.contains('\x1b'), "an escape code in {note:?}");
        }
        notes
    }

    fn sent(&mut self) -> Vec<String> {
        std::mem::take(&mut self.sent)
    }

    fn ask(&self) -> Option<Ask> {
        self.session.view().ask
    }

    fn game(&self) -> Game {
        self.session.view().game.expect("a game")
    }
}

fn cell(n: u8) -> ttt_protocol::Cell {
    ttt_protocol::Cell::new(n).expect("a cell")
}

#[test]
fn the_handshake_asks_for_version_2_and_takes_the_name_given() {
    let mut h = Harness::new(true);
    assert_eq!(h.session.view().stage, Stage::Connecting);
    h.server("WELCOME 1 ttt-server; to play, type: play <your-name>");
    assert_eq!(h.sent(), ["HELLO 2 ann computer stay watch resume"]);
    h.server("HELLO 2 ann-2");
    assert_eq!(
        h.notes(),
        ["The name ann is taken here; you play as ann-2."]
    );
    assert_eq!(h.session.view().me.as_str(), "ann-2");
}

#[test]
fn anything_but_welcome_first_is_not_a_ttt_server() {
    let mut h = Harness::new(false);
    h.event(Event::ServerJunk {
        line: "SSH-2.0-OpenSSH_9.6".into(),
        error: "unknown keyword".into(),
    });
    assert_eq!(h.exit, Some(Exit::NotTtt("SSH-2.0-OpenSSH_9.6".into())));
}

#[test]
fn an_older_server_refusing_version_2_is_reported_for_a_retry() {
    let mut h = Harness::new(false);
    h.server("WELCOME 1 old");
    h.server("ERR NOPROTO client speaks protocol 2, server speaks 1");
    assert_eq!(h.exit, Some(Exit::OlderServer));
}

#[test]
fn a_silent_server_is_said_to_be_busy_once() {
    let mut h = Harness::new(true);
    h.advance(Duration::from_millis(2900));
    assert!(h.notes().is_empty());
    h.advance(Duration::from_secs(60));
    assert_eq!(h.notes(), [ttt_protocol::words::unseen_in_queue()]);
}

#[test]
fn the_place_in_line_is_said_and_shown() {
    let mut h = Harness::new(true);
    h.server("WELCOME 1 ttt-server");
    h.server("HELLO 2 ann");
    h.sent();
    h.server("WAIT 1 OPEN");
    assert_eq!(h.notes(), ["Waiting for an opponent..."]);
    h.server("WAIT 3 GAME");
    assert_eq!(
        h.notes(),
        ["A game is being played; you are number 3 in line, 2 players ahead of you."]
    );
    let place = Place {
        place: 3,
        game_on: true,
    };
    assert_eq!(h.session.view().stage, Stage::Waiting(Some(place)));
    // Leaving the line needs no confirmation.
    h.typed("q");
    assert_eq!(h.sent(), ["QUIT"]);
    assert_eq!(h.notes(), ["You left the line."]);
    assert_eq!(h.exit, Some(Exit::Done));
}

#[test]
fn a_game_names_every_move_and_marks_the_last() {
    let mut h = Harness::new(true);
    h.server("WELCOME 1 ttt-server");
    h.server("HELLO 2 ann");
    h.server("START X bob 120");
    assert_eq!(
        h.notes(),
        ["Game on against bob: you are X, bob is O; you move first. Each move has 120 s."]
    );
    h.server("BOARD ......... X - 120");
    assert_eq!(h.shown(), [Show::Board, Show::Ask]);
    assert_eq!(h.ask(), Some(Ask::Move));
    let clock = h.session.view().clock.expect("a clock");
    assert_eq!(clock.whose, Whose::Mine);
    assert_eq!(clock.left(h.now), Duration::from_secs(120));
    // `move 5` is a move too, as on the wire; sent, the question closes.
    h.typed("move 5");
    assert_eq!(
        h.sent(),
        ["HELLO 2 ann computer stay watch resume", "MOVE 5"]
    );
    assert_eq!(h.shown(), [Show::Ask]);
    assert_eq!(h.ask(), None);
    h.server("BOARD ....X.... O 5 120");
    assert_eq!(h.notes(), ["You took 5."]);
    let game = h.game();
    assert_eq!((game.last, game.turn), (Some(cell(5)), Some(Mark::O)));
    assert_eq!(h.session.view().clock.map(|c| c.whose), Some(Whose::Theirs));
    h.server("BOARD O...X.... X 1 120");
    assert_eq!(h.notes(), ["bob took 1."]);
    assert_eq!(h.game().last, Some(cell(1)));
}

#[test]
fn the_score_is_always_true_and_kept_for_a_rematch_only() {
    let mut h = Harness::playing_x();
    assert_eq!(h.game().score, Score::default());
    h.typed("5");
    h.server("BOARD ....X.... - 5 -");
    h.server("RESULT WIN FORFEIT QUIT");
    assert_eq!(h.game().score, Score::default());
    h.server("SCORE 1 0 0");
    assert_eq!(
        h.notes(),
        [
            "You took 5.",
            "You win: bob left the game.",
            "Score: you 1, bob 0, ties 0."
        ]
    );
    let one_up = Score {
        wins: 1,
        losses: 0,
        ties: 0,
    };
    assert_eq!(h.game().score, one_up);
    // The rematch keeps the table's score...
    h.server("REMATCH 120");
    h.typed("y");
    h.server("START O bob 120");
    assert_eq!(h.game().score, one_up);
    // ...a new opponent starts at nothing.
    h.server("WAIT 1 OPEN");
    h.server("START X carol 120");
    assert_eq!(h.game().score, Score::default());
}

#[test]
fn nothing_is_decided_here_a_refused_move_is_the_servers_word() {
    let mut h = Harness::playing_x();
    h.typed("five");
    assert!(h.sent().is_empty());
    assert_eq!(h.notes(), [ttt_protocol::words::type_a_cell()]);
    h.typed("5");
    assert_eq!(h.sent(), ["MOVE 5"]);
    h.server("ERR OCCUPIED cell 5 is taken by O");
    assert_eq!(h.notes(), ["Server: cell 5 is taken by O"]);
    // Asked again.
    assert_eq!(h.ask(), Some(Ask::Move));
}

#[test]
fn a_cell_out_of_turn_is_not_kept_for_later() {
    let mut h = Harness::playing_x();
    h.typed("5");
    h.server("BOARD ....X.... O 5 120");
    h.sent();
    h.shown();
    h.typed("7");
    assert!(h.sent().is_empty());
    assert_eq!(h.notes(), ["Not your turn yet: waiting for bob."]);
    h.server("BOARD O...X.... X 1 120");
    // Our turn now, and nothing was sent for the 7.
    assert!(h.sent().is_empty());
    assert_eq!(h.ask(), Some(Ask::Move));
}

#[test]
fn q_asks_once_and_the_question_survives_the_opponents_move() {
    let mut h = Harness::playing_x();
    h.typed("5");
    h.server("BOARD ....X.... O 5 120");
    h.sent();
    h.typed("q");
    let leave = Some(Ask::Leave {
        opponent: "bob".parse().expect("name"),
    });
    assert_eq!(h.ask(), leave);
    h.server("BOARD O...X.... X 1 120");
    assert_eq!(h.ask(), leave);
    // The clock ticks on under the question.
    h.advance(Duration::from_secs(3));
    assert_eq!(h.ask(), leave);
    // The y is the question's answer, not a move.
    h.typed("y");
    assert_eq!(h.sent(), ["QUIT"]);
    assert_eq!(h.session.view().stage, Stage::Leaving);
    h.server("BOARD O...X.... - - -");
    h.server("RESULT LOSE FORFEIT QUIT");
    h.server("SCORE 0 1 0");
    h.shown();
    h.server("BYE goodbye");
    // The goodbye is not news: we left.
    assert!(h.notes().is_empty());
    assert_eq!(h.exit, Some(Exit::Done));
}

#[test]
fn no_to_the_question_plays_on() {
    let mut h = Harness::playing_x();
    h.event(Event::InputEnd);
    assert!(matches!(h.ask(), Some(Ask::Leave { .. })));
    h.typed("5");
    assert!(h.sent().is_empty());
    assert_eq!(h.notes(), ["Please answer y or n."]);
    h.typed("n");
    assert_eq!(h.notes(), ["Playing on."]);
    assert_eq!(h.ask(), Some(Ask::Move));
    h.typed("5");
    assert_eq!(h.sent(), ["MOVE 5"]);
}

#[test]
fn ctrl_c_asks_and_a_second_leaves_at_once() {
    let mut h = Harness::playing_x();
    h.event(Event::Interrupt);
    assert!(matches!(h.ask(), Some(Ask::Leave { .. })));
    assert!(h.sent().is_empty());
    h.event(Event::Interrupt);
    assert_eq!(h.sent(), ["QUIT"]);
    assert_eq!(h.notes(), ["You left; bob wins by forfeit."]);
    assert_eq!(h.exit, Some(Exit::Interrupted));
}

#[test]
fn ctrl_c_while_waiting_leaves_at_once() {
    let mut h = Harness::new(true);
    h.server("WELCOME 1 ttt-server");
    h.server("WAIT 1 OPEN");
    h.event(Event::Interrupt);
    assert_eq!(h.sent(), ["HELLO 2 ann computer stay watch resume", "QUIT"]);
    assert_eq!(h.exit, Some(Exit::Interrupted));
}

#[test]
fn a_silent_server_after_quit_is_left_after_the_quit_wait() {
    let mut h = Harness::playing_x();
    h.typed("q");
    h.typed("y");
    assert_eq!(h.sent(), ["QUIT"]);
    h.shown();
    h.advance(Duration::from_millis(1400));
    assert_eq!(h.exit, None);
    h.advance(Duration::from_millis(200));
    assert_eq!(h.exit, Some(Exit::Done));
    assert_eq!(h.notes(), ["No answer from the server; leaving anyway."]);
}

#[test]
fn the_rematch_counts_down_and_the_decliner_is_told() {
    let mut h = Harness::offered_rematch();
    assert_eq!(h.ask(), Some(Ask::Rematch));
    let clock = h.session.view().clock.expect("a clock");
    assert_eq!(clock.whose, Whose::Answer);
    h.advance(Duration::from_secs(1));
    assert_eq!(h.shown(), [Show::Clock]);
    assert_eq!(clock.left(h.now), Duration::from_secs(119));
    h.typed("n");
    h.declined();
}

#[test]
fn a_live_clock_ticks_on_each_second_and_only_then() {
    let mut h = Harness::playing_x();
    h.advance(Duration::from_millis(999));
    assert!(h.shown().is_empty());
    h.advance(Duration::from_millis(1));
    assert_eq!(h.shown(), [Show::Clock]);
    h.advance(Duration::from_secs(10));
    assert_eq!(h.shown(), vec![Show::Clock; 10]);
    // A transcript has no live clock: time passing shows nothing.
    let mut h = Harness::with(Options {
        live_clock: false,
        ..options(true)
    });
    h.server("WELCOME 1 ttt-server");
    h.server("START X bob 120");
    h.server("BOARD ......... X - 120");
    h.shown();
    h.advance(Duration::from_secs(5));
    assert!(h.shown().is_empty());
    h.server("CLOCK 10 X");
    assert_eq!(h.notes(), ["Hurry: 10 s left for your move!"]);
}

#[test]
fn an_expired_offer_is_said_plainly() {
    let mut h = Harness::offered_rematch();
    h.server("BYE you did not answer the rematch offer in time; goodbye");
    assert_eq!(
        h.notes(),
        ["Server: you did not answer the rematch offer in time; goodbye"]
    );
}

#[test]
fn the_opponents_clock_warning_names_them() {
    let mut h = Harness::playing_x();
    h.typed("5");
    h.server("BOARD ....X.... O 5 120");
    h.shown();
    h.server("CLOCK 30 O");
    assert_eq!(h.notes(), ["bob has 30 s left to move."]);
    let clock = h.session.view().clock.expect("a clock");
    assert_eq!(
        (clock.whose, clock.left(h.now)),
        (Whose::Theirs, Duration::from_secs(30))
    );
}

#[test]
fn an_ended_script_leaves_with_a_word() {
    let mut h = Harness::new(false);
    h.server("WELCOME 1 ttt-server");
    h.server("START X bob 120");
    h.server("BOARD ......... X - 120");
    h.sent();
    h.shown();
    h.event(Event::InputEnd);
    assert_eq!(h.sent(), ["QUIT"]);
    assert_eq!(h.notes(), ["End of input: leaving."]);
}

#[test]
fn a_version_1_server_still_gets_every_move_named() {
    let mut h = Harness::new(true);
    h.server("WELCOME 1 ttt-server");
    h.server("START X bob");
    h.server("BOARD ......... X");
    assert_eq!(h.session.view().clock, None);
    h.typed("5");
    h.server("BOARD ....X.... O");
    assert_eq!(h.notes()[1..], ["You took 5."]);
    h.server("BOARD O...X.... X");
    assert_eq!(h.notes(), ["bob took 1."]);
    // Version 1's CLOCK is the mover's.
    h.server("CLOCK 30");
    assert_eq!(h.notes(), ["Hurry: 30 s left for your move!"]);
}

#[test]
fn ctrl_d_at_the_rematch_question_declines_and_says_so() {
    let mut h = Harness::offered_rematch();
    h.event(Event::InputEnd);
    h.declined();
}

#[test]
fn the_computer_is_asked_for_when_the_server_offers_it() {
    let mut h = Harness::with(Options {
        computer: Some(Level::Perfect),
        ..options(false)
    });
    h.server("WELCOME 1 ttt-server");
    assert_eq!(h.sent(), ["HELLO 2 ann computer stay watch resume"]);
    h.server("HELLO 2 ann computer stay watch resume");
    assert_eq!(h.sent(), ["COMPUTER perfect"]);
}

#[test]
fn a_server_without_a_computer_is_said_so() {
    let mut h = Harness::with(Options {
        computer: Some(Level::Easy),
        ..options(true)
    });
    h.server("WELCOME 1 ttt-server");
    h.server("HELLO 2 ann");
    assert_eq!(h.sent(), ["HELLO 2 ann computer stay watch resume"]);
    assert_eq!(h.notes(), [ttt_protocol::words::no_computer()]);
}

/// Waiting alone at a keyboard, the computer can be asked for at once and
/// is offered after a while; `c perfect` asks for it.
#[test]
fn waiting_alone_the_computer_is_offered() {
    let mut h = Harness::new(true);
    h.server("WELCOME 1 ttt-server");
    h.server("HELLO 2 ann computer stay watch resume");
    h.server("WAIT 1 OPEN");
    assert_eq!(h.ask(), Some(Ask::Computer));
    h.sent();
    h.shown();
    h.advance(Duration::from_millis(4900));
    assert!(h.notes().is_empty());
    h.advance(Duration::from_millis(100));
    assert_eq!(h.notes(), [ttt_protocol::words::computer_offer()]);
    h.typed("c genius");
    assert!(h.sent().is_empty());
    assert_eq!(h.notes(), [ttt_protocol::words::nothing_to_answer()]);
    h.typed("c perfect");
    assert_eq!(h.sent(), ["COMPUTER perfect"]);
    h.typed("c");
    assert_eq!(h.sent(), ["COMPUTER"]);
}

/// No offer while a game is being played, nor from a server without one.
#[test]
fn no_offer_when_the_table_is_busy_or_there_is_no_computer() {
    let mut h = Harness::new(true);
    h.server("WELCOME 1 ttt-server");
    h.server("HELLO 2 ann computer stay watch resume");
    h.server("WAIT 2 GAME");
    assert_eq!(h.ask(), None);
    h.advance(Duration::from_secs(60));
    assert!(h.notes().iter().all(|n| !n.starts_with("No opponent yet")));
    let mut h = Harness::new(true);
    h.server("WELCOME 1 ttt-server");
    h.server("HELLO 2 ann");
    h.server("WAIT 1 OPEN");
    assert_eq!(h.ask(), None);
    h.advance(Duration::from_secs(60));
    assert!(h.notes().iter().all(|n| !n.starts_with("No opponent yet")));
    h.typed("c");
    assert!(h.sent().iter().all(|m| m != "COMPUTER"));
}

/// Feature `stay`: the client is told who left and waits on, hears when
/// someone waits for the table, and answers the question whether to join
/// the line again.
#[test]
fn with_stay_the_client_waits_on_and_answers_rejoin() {
    let mut h = Harness::offered_rematch();
    h.server("LEFT bob DECLINED");
    h.server("WAIT 1 OPEN");
    assert_eq!(
        h.notes(),
        [
            "bob declined the rematch.",
            "Waiting for your next opponent..."
        ]
    );
    assert_eq!(h.ask(), None);
    assert_eq!(h.exit, None);
    h.server("START X carol 120");
    h.server("BOARD ......... X - 120");
    h.shown();
    h.server("LINE 1 dave");
    assert_eq!(
        h.notes(),
        ["dave is waiting to play: winner stays on, no rematch."]
    );
    h.server("BOARD XXXOO.... - 3 -");
    h.server("RESULT LOSE LINE 1 2 3");
    h.server("REJOIN 120");
    assert_eq!(h.ask(), Some(Ask::Rejoin));
    h.typed("y");
    assert_eq!(h.sent(), ["YES"]);
    h.server("WAIT 2 GAME");
    assert_eq!(h.ask(), None);
    // Asked again later, a no leaves.
    h.server("REJOIN -");
    h.typed("n");
    assert_eq!(h.sent(), ["NO"]);
    h.server("BYE goodbye");
    assert_eq!(h.exit, Some(Exit::Done));
}

/// Whatever the player does, at whatever moment, the session answers with
/// at most one exit, never sends a move out of turn, and never panics.
#[test]
fn any_act_at_any_moment_is_safe() {
    let acts = [
        Act::Cell(cell(5)),
        Act::Yes,
        Act::No,
        Act::Leave,
        Act::Computer(None),
        Act::Unknown("x".into()),
        Act::Nothing,
    ];
    let scripts: [&[&str]; 5] = [
        &["WELCOME 1 ttt-server"],
        &[
            "WELCOME 1 ttt-server",
            "HELLO 2 ann computer",
            "WAIT 1 OPEN",
        ],
        &[
            "WELCOME 1 ttt-server",
            "START O bob 120",
            "BOARD ......... X - 120",
        ],
        &[
            "WELCOME 1 ttt-server",
            "START X bob 120",
            "BOARD XXXOO.... - 3 -",
            "REMATCH 120",
        ],
        &["WELCOME 1 ttt-server", "START X bob 120", "REJOIN 30"],
    ];
    for script in scripts {
        for keyboard in [true, false] {
            for act in &acts {
                let mut h = Harness::new(keyboard);
                for line in script {
                    h.server(line);
                }
                let moving = h.ask() == Some(Ask::Move);
                h.sent();
                h.event(Event::Act(act.clone()));
                let sent = h.sent();
                if !moving {
                    assert!(
                        sent.iter().all(|m| !m.starts_with("MOVE")),
                        "{script:?} {act:?}: {sent:?}"
                    );
                }
                for _ in 0..2 {
                    if h.exit.is_none() {
                        h.event(Event::Interrupt);
                    }
                }
                if h.exit.is_none() {
                    h.advance(Duration::from_secs(5));
                }
                assert!(h.exit.is_some(), "{script:?} {act:?}: Ctrl-C twice leaves");
            }
        }
    }
}

// Watching and coming back (features `watch` and `resume`).

const TOKEN: &str = "0123456789abcdef0123456789abcdef";

/// In line, the client watches the game at the table: each move said by
/// name and mark, the board shown, the end; its own game takes the screen
/// back.
#[test]
fn waiting_in_line_the_table_is_watched() {
    let mut h = Harness::new(true);
    h.server("WELCOME 1 ttt-server");
    h.server("HELLO 2 ann computer stay watch resume");
    assert_eq!(
        h.sent(),
        ["HELLO 2 ann computer stay watch resume", "WATCH"]
    );
    h.server("WAIT 1 GAME");
    h.server("WATCHING bob cid 30");
    h.server("TALLY 0 0 0");
    assert_eq!(
        h.notes(),
        [
            "A game is being played; you play next.",
            "Watching bob (X) against cid (O). Each move has 30 s."
        ],
        "a fresh table's score is no news"
    );
    h.server("VIEW ......... X - 30");
    h.shown.clear();
    h.server("VIEW ....X.... O 5 30");
    assert_eq!(h.notes(), ["bob (X) took 5."]);
    let view = h.session.view();
    let watched = view.watched_now().expect("watched");
    assert_eq!(watched.board.to_string(), "....X....");
    assert_eq!(watched.turn, Some(Mark::O));
    h.server("ENDED O FORFEIT QUIT");
    assert_eq!(h.notes(), ["cid wins: bob left the game."]);
    h.server("TALLY 0 1 0");
    assert_eq!(h.notes(), ["Score at the table: bob 0, cid 1, ties 0."]);
    h.server("START X cid 30");
    assert!(h.session.view().watched_now().is_none(), "our game shows");
}

/// `--spectate`: `WATCH ONLY` instead of a hello; an empty table is said;
/// q leaves.
#[test]
fn a_spectator_only_watches_and_leaves_with_q() {
    let mut h = Harness::with(Options {
        spectate: true,
        ..options(true)
    });
    h.server("WELCOME 1 ttt-server");
    assert_eq!(h.sent(), ["WATCH ONLY"]);
    assert_eq!(h.session.view().stage, Stage::Watching);
    h.server("WATCHING -");
    assert_eq!(h.notes(), ["Nobody is playing at the table now."]);
    h.server("LINE 1 bob");
    h.server("WATCHING bob cid 30");
    assert_eq!(
        h.notes(),
        [
            "bob is waiting to play: winner stays on, no rematch.",
            "Watching bob (X) against cid (O). Each move has 30 s."
        ]
    );
    assert!(h.session.comeback().is_none(), "nothing to come back to");
    h.typed("5");
    assert_eq!(h.notes(), ["Nothing to answer yet."]);
    h.typed("q");
    assert_eq!(h.sent(), ["QUIT"]);
    assert_eq!(h.exit, Some(Exit::Done));
}

/// A full table of watchers ends the spectator's session with the reason.
#[test]
fn a_spectator_turned_away_is_told_why() {
    let mut h = Harness::with(Options {
        spectate: true,
        ..options(false)
    });
    h.server("WELCOME 1 ttt-server");
    h.server("ERR FULL 32 are watching already, the most there may be");
    assert!(matches!(h.exit, Some(Exit::Refused(ref why)) if why.contains("32 are watching")));
}

/// The server's token is the way back while seated or in line, gone once
/// we leave; the opponent's drop and return are said.
#[test]
fn the_token_is_kept_and_the_opponents_drop_said() {
    let mut h = Harness::playing_x();
    assert!(h.session.comeback().is_none(), "no token given");
    h.server(&format!("TOKEN {TOKEN} 30"));
    let (token, grace) = h.session.comeback().expect("a way back");
    assert_eq!(token.reveal(), TOKEN);
    assert_eq!(grace, Duration::from_secs(30));
    h.server("AWAY bob 30");
    h.server("BACK bob");
    assert_eq!(
        h.notes(),
        [
            "bob's connection dropped; they have 30 s to come back (their clock runs on).",
            "bob is back."
        ]
    );
    h.typed("q");
    h.typed("y");
    assert!(
        h.session.comeback().is_none(),
        "leaving: nothing to come back to"
    );
}

/// Coming back: `RESUME` instead of the hello, the table told again
/// quietly (no new game, no score; the opponent's last move said, as it
/// may have been played while we were away), play on.
#[test]
fn coming_back_resumes_the_game_quietly() {
    let mut h = Harness::new(true);
    h.session.come_back_with(TOKEN.parse().expect("a token"));
    h.server("WELCOME 1 ttt-server");
    assert_eq!(h.sent(), [format!("RESUME {TOKEN}")]);
    h.server("HELLO 2 ann computer stay watch resume");
    h.server(&format!("TOKEN {} 30", "f".repeat(32)));
    h.server("START O bob 30");
    h.server("SCORE 1 0 0");
    h.server("BOARD ....X.... O 5 12");
    assert_eq!(h.notes(), ["You are back.", "bob took 5."]);
    assert_eq!(
        h.sent(),
        Vec::<String>::new(),
        "no WATCH: kept by the server"
    );
    let game = h.game();
    assert_eq!(game.board.to_string(), "....X....");
    assert_eq!(game.score.wins, 1);
    assert_eq!(h.ask(), Some(Ask::Move));
    h.typed("1");
    assert_eq!(h.sent(), ["MOVE 1"]);
    assert_eq!(
        h.session.comeback().map(|(t, _)| t.reveal().to_owned()),
        Some("f".repeat(32))
    );
}

/// A token the server no longer holds: the session ends, saying so.
#[test]
fn a_refused_comeback_ends_the_session() {
    let mut h = Harness::new(true);
    h.session.come_back_with(TOKEN.parse().expect("a token"));
    h.server("WELCOME 1 ttt-server");
    h.server("ERR TOKEN that token holds no seat or place here");
    assert_eq!(
        h.exit,
        Some(Exit::Refused(
            "Could not get back in time; the seat is lost.".to_owned()
        ))
    );
}

/// Coming back after our own move: it is not said again.
#[test]
fn coming_back_after_our_move_does_not_say_it_again() {
    let mut h = Harness::new(true);
    h.session.come_back_with(TOKEN.parse().expect("a token"));
    h.server("WELCOME 1 ttt-server");
    h.server("HELLO 2 ann computer stay watch resume");
    h.server("START X bob 30");
    h.server("SCORE 0 0 0");
    h.server("BOARD ....X.... O 5 20");
    assert_eq!(h.notes(), ["You are back."]);
    assert_eq!(h.ask(), None, "bob's move");
}
