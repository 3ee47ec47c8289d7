//! Every screen of the session, driven by hand: server lines, typed lines,
//! Ctrl-D and Ctrl-C, and time, with no socket and no sleep.

use super::*;

/// A session for ann, with what it shows and sends collected.
struct Harness {
    session: Session<Vec<u8>>,
    now: Instant,
    /// How much of the screen was already read.
    read: usize,
    sent: Vec<String>,
    exit: Option<Exit>,
}

impl Harness {
    fn new(interactive: bool) -> Harness {
        Harness::wanting(interactive, None)
    }

    /// A session that asked for the computer at `level` (`--computer`).
    fn wanting(interactive: bool, level: Option<Level>) -> Harness {
        let now = Instant::now();
        let session = Session::new(
            Vec::new(),
            Style { color: false },
            interactive,
            "ann".parse().expect("name"),
            ttt_protocol::Version::V2,
            Timings::default(),
            now,
        )
        .wants_computer(level);
        Harness {
            session,
            now,
            read: 0,
            sent: Vec::new(),
            exit: None,
        }
    }

    /// At a keyboard, greeted, playing X against bob with a 120 s clock,
    /// on the empty board; the screen so far is read.
    fn playing_x() -> Harness {
        let mut h = Harness::new(true);
        h.server("WELCOME 1 ttt-server");
        h.server("HELLO 2 ann");
        h.server("START X bob 120");
        h.server("BOARD ......... X - 120");
        h.screen();
        h.sent.clear();
        h
    }

    /// As [`Harness::playing_x`], after winning the game: offered a
    /// rematch with 120 s to answer (the screen left unread).
    fn offered_rematch() -> Harness {
        let mut h = Harness::playing_x();
        h.server("BOARD XXXOO.... - 3 -");
        h.server("RESULT WIN LINE 1 2 3");
        h.server("REMATCH 120");
        h
    }

    /// The server confirms our no to the rematch: the player is told, and
    /// the session ends well.
    fn declined(&mut self) {
        assert_eq!(self.sent(), ["NO"]);
        self.server("BYE you declined the rematch; goodbye");
        let screen = self.screen();
        assert!(
            screen.contains("You declined the rematch. Thanks for playing!"),
            "{screen}"
        );
        assert_eq!(self.exit, Some(Exit::Done));
    }

    fn step(&mut self, step: Step) {
        self.sent.extend(step.send.iter().map(ToString::to_string));
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

    fn typed(&mut self, line: &str) {
        self.event(Event::Input(line.to_owned()));
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

    /// What was shown since the last call.
    fn screen(&mut self) -> String {
        let all = self.session.screen();
        let new = String::from_utf8_lossy(&all[self.read..]).into_owned();
        self.read = all.len();
        new
    }

    fn sent(&mut self) -> Vec<String> {
        std::mem::take(&mut self.sent)
    }
}

#[test]
fn the_handshake_asks_for_version_2_and_takes_the_name_given() {
    let mut h = Harness::new(true);
    h.server("WELCOME 1 ttt-server; to play, type: play <your-name>");
    assert_eq!(h.sent(), ["HELLO 2 ann computer stay"]);
    h.server("HELLO 2 ann-2");
    assert_eq!(
        h.screen(),
        "The name ann is taken here; you play as ann-2.\n"
    );
    h.server("START O bob 120");
    h.server("BOARD ......... X - 120");
    assert!(h.screen().contains("ann-2 (O) vs bob (X)"));
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
fn the_queue_notice_says_the_place_at_once() {
    let mut h = Harness::new(true);
    h.server("WELCOME 1 ttt-server");
    h.server("HELLO 2 ann");
    h.sent();
    h.server("WAIT 1 OPEN");
    assert_eq!(h.screen(), "Waiting for an opponent... (q to leave)\n");
    h.server("WAIT 3 GAME");
    assert_eq!(
        h.screen(),
        "A game is being played; you are number 3 in line, 2 players ahead of you. (q to leave)\n"
    );
    h.server("WAIT 1 GAME");
    assert_eq!(
        h.screen(),
        "A game is being played; you play next. (q to leave)\n"
    );
    // Leaving the line needs no confirmation.
    h.typed("q");
    assert_eq!(h.sent(), ["QUIT"]);
    assert_eq!(h.screen(), "You left the line.\n");
    assert_eq!(h.exit, Some(Exit::Done));
}

#[test]
fn a_game_names_every_move_and_marks_the_last() {
    let mut h = Harness::new(true);
    h.server("WELCOME 1 ttt-server");
    h.server("HELLO 2 ann");
    h.sent();
    h.server("START X bob 120");
    let start = h.screen();
    assert!(
        start.contains(
            "Game on against bob: you are X, bob is O; you move first. Each move has 120 s."
        ),
        "{start}"
    );
    h.server("BOARD ......... X - 120");
    let screen = h.screen();
    assert!(screen.contains("ann (X) vs bob (O)\n"), "{screen}");
    assert!(
        screen.ends_with("[120 s left for your move]\nYour move (1-9, q to leave): "),
        "{screen}"
    );
    // `move 5` is a move too, as on the wire.
    h.typed("move 5");
    assert_eq!(h.sent(), ["MOVE 5"]);
    h.server("BOARD ....X.... O 5 120");
    let screen = h.screen();
    assert!(screen.starts_with("You took 5.\n"), "{screen}");
    assert!(screen.contains(" 4 |[X]| 6 "), "{screen}");
    assert!(
        screen.ends_with("Waiting for bob (O): 120 s left\n"),
        "{screen}"
    );
    h.server("BOARD O...X.... X 1 120");
    let screen = h.screen();
    assert!(screen.starts_with("bob took 1.\n"), "{screen}");
    assert!(screen.contains("[O]| 2 | 3 "), "{screen}");
    assert!(screen.contains(" 4 | X | 6 "), "{screen}");
}

#[test]
fn the_score_stays_in_the_header() {
    let mut h = Harness::playing_x();
    h.typed("5");
    h.server("BOARD ....X.... - 5 -");
    h.server("RESULT WIN FORFEIT QUIT");
    h.server("SCORE 1 0 0");
    let screen = h.screen();
    assert!(screen.contains("You win: bob left the game."), "{screen}");
    assert!(screen.contains("Score: you 1, bob 0, ties 0."), "{screen}");
    h.server("START O bob 120");
    h.server("BOARD ......... X - 120");
    let screen = h.screen();
    assert!(
        screen.contains("ann (O) vs bob (X)   score: you 1, bob 0, ties 0"),
        "{screen}"
    );
}

#[test]
fn nothing_is_decided_here_a_refused_move_is_the_servers_word() {
    let mut h = Harness::playing_x();
    h.typed("five");
    assert!(h.sent().is_empty());
    assert!(h.screen().starts_with("Type the number of an empty cell"));
    h.typed("5");
    assert_eq!(h.sent(), ["MOVE 5"]);
    h.server("ERR OCCUPIED cell 5 is taken by O");
    let screen = h.screen();
    assert!(
        screen.starts_with("Server: cell 5 is taken by O\n"),
        "{screen}"
    );
    assert!(
        screen.ends_with("Your move (1-9, q to leave): "),
        "{screen}"
    );
}

#[test]
fn q_asks_once_and_the_question_survives_the_opponents_move() {
    let mut h = Harness::playing_x();
    h.typed("5");
    h.server("BOARD ....X.... O 5 120");
    h.screen();
    h.sent();
    h.typed("q");
    let question = "Leave this game? bob wins by forfeit. (y/n, Ctrl-C again leaves now): ";
    assert!(h.screen().ends_with(question));
    h.server("BOARD O...X.... X 1 120");
    let screen = h.screen();
    assert!(screen.contains("bob took 1."), "{screen}");
    assert!(screen.ends_with(question), "{screen}");
    // The y is the question's answer, not a move.
    h.typed("y");
    assert_eq!(h.sent(), ["QUIT"]);
    h.server("BOARD O...X.... - - -");
    h.server("RESULT LOSE FORFEIT QUIT");
    h.server("SCORE 0 1 0");
    h.server("BYE goodbye");
    let screen = h.screen();
    assert!(
        screen.contains("You left; bob wins by forfeit."),
        "{screen}"
    );
    assert!(!screen.contains("Server: goodbye"), "{screen}");
    assert_eq!(h.exit, Some(Exit::Done));
}

#[test]
fn no_to_the_question_plays_on() {
    let mut h = Harness::playing_x();
    h.event(Event::InputEnd);
    assert!(h.screen().contains("Leave this game?"));
    h.typed("n");
    let screen = h.screen();
    assert!(screen.starts_with("Playing on.\n"), "{screen}");
    assert!(
        screen.ends_with("Your move (1-9, q to leave): "),
        "{screen}"
    );
    h.typed("5");
    assert_eq!(h.sent(), ["MOVE 5"]);
}

#[test]
fn ctrl_c_asks_and_a_second_leaves_at_once() {
    let mut h = Harness::playing_x();
    h.event(Event::Interrupt);
    assert!(h.screen().contains("Leave this game?"));
    assert!(h.sent().is_empty());
    h.event(Event::Interrupt);
    assert_eq!(h.sent(), ["QUIT"]);
    assert!(h.screen().contains("You left; bob wins by forfeit."));
    assert_eq!(h.exit, Some(Exit::Interrupted));
}

#[test]
fn ctrl_c_while_waiting_leaves_at_once() {
    let mut h = Harness::new(true);
    h.server("WELCOME 1 ttt-server");
    h.server("WAIT 1 OPEN");
    h.event(Event::Interrupt);
    assert_eq!(h.sent(), ["HELLO 2 ann computer stay", "QUIT"]);
    assert_eq!(h.exit, Some(Exit::Interrupted));
}

#[test]
fn a_silent_server_after_quit_is_left_after_the_quit_wait() {
    let mut h = Harness::playing_x();
    h.typed("q");
    h.typed("y");
    assert_eq!(h.sent(), ["QUIT"]);
    h.screen();
    h.advance(Duration::from_millis(1400));
    assert_eq!(h.exit, None);
    h.advance(Duration::from_millis(200));
    assert_eq!(h.exit, Some(Exit::Done));
    assert_eq!(h.screen(), "(no answer from the server; leaving anyway)\n");
}

#[test]
fn the_rematch_counts_down_and_the_decliner_is_told() {
    let mut h = Harness::offered_rematch();
    let screen = h.screen();
    assert!(
        screen.ends_with("[120 s left to answer]\nPlay again, marks swapped? (y/n): "),
        "{screen}"
    );
    h.advance(Duration::from_secs(1));
    assert_eq!(
        h.screen(),
        "\x1b7\x1b[1A\r\x1b[2K[119 s left to answer]\x1b8"
    );
    h.typed("n");
    h.declined();
}

#[test]
fn an_expired_offer_is_said_plainly() {
    let mut h = Harness::offered_rematch();
    h.screen();
    h.server("BYE you did not answer the rematch offer in time; goodbye");
    assert_eq!(
        h.screen(),
        "\nServer: you did not answer the rematch offer in time; goodbye\n"
    );
}

#[test]
fn the_opponents_clock_is_shown_and_redrawn() {
    let mut h = Harness::playing_x();
    h.typed("5");
    h.server("BOARD ....X.... O 5 120");
    h.screen();
    h.advance(Duration::from_secs(2));
    assert_eq!(
        h.screen(),
        "\x1b7\x1b[1A\r\x1b[2KWaiting for bob (O): 119 s left\x1b8\
         \x1b7\x1b[1A\r\x1b[2KWaiting for bob (O): 118 s left\x1b8"
    );
    h.server("CLOCK 30 O");
    assert_eq!(h.screen(), "bob has 30 s left to move.\n");
}

#[test]
fn piped_the_clock_is_told_in_lines_and_nothing_is_redrawn() {
    let mut h = Harness::new(false);
    h.server("WELCOME 1 ttt-server");
    h.server("START X bob 120");
    h.server("BOARD ......... X - 120");
    let screen = h.screen();
    assert!(screen.contains("(120 s to move)\n"), "{screen}");
    h.advance(Duration::from_secs(5));
    assert_eq!(h.screen(), "");
    h.server("CLOCK 10 X");
    assert!(h.screen().contains("Hurry: 10 s left for your move"));
}

#[test]
fn a_script_answers_in_order_and_leaves_when_its_input_ends() {
    let mut h = Harness::new(false);
    h.server("WELCOME 1 ttt-server");
    h.typed("5");
    h.typed("y");
    h.event(Event::InputEnd);
    h.server("START X bob 120");
    h.server("BOARD ......... X - 120");
    assert_eq!(h.sent(), ["HELLO 2 ann computer stay", "MOVE 5"]);
    h.server("BOARD XXXOO.... - 3 -");
    h.server("RESULT WIN LINE 1 2 3");
    h.server("REMATCH 120");
    assert_eq!(h.sent(), ["YES"]);
    h.server("START O bob 120");
    h.server("BOARD ......... X - 120");
    h.server("BOARD X........ O 1 120");
    // Input has ended: at the next question, the script leaves.
    assert_eq!(h.sent(), ["QUIT"]);
    assert!(h.screen().contains("(end of input: leaving)"));
}

#[test]
fn a_version_1_server_still_gets_every_move_named() {
    let mut h = Harness::new(true);
    h.server("WELCOME 1 ttt-server");
    h.server("START X bob");
    h.server("BOARD ......... X");
    h.typed("5");
    h.server("BOARD ....X.... O");
    let screen = h.screen();
    assert!(screen.contains("You took 5."), "{screen}");
    assert!(!screen.contains(" s left"), "{screen}");
    h.server("BOARD O...X.... X");
    assert!(h.screen().contains("bob took 1."));
    // Version 1's CLOCK is the mover's.
    h.server("CLOCK 30");
    assert!(h.screen().contains("Hurry: 30 s left"));
}

#[test]
fn ctrl_d_at_the_rematch_question_declines_and_says_so() {
    let mut h = Harness::offered_rematch();
    h.screen();
    h.event(Event::InputEnd);
    h.declined();
}

#[test]
fn the_computer_is_asked_for_when_the_server_offers_it() {
    let mut h = Harness::wanting(false, Some(Level::Perfect));
    h.server("WELCOME 1 ttt-server");
    assert_eq!(h.sent(), ["HELLO 2 ann computer stay"]);
    h.server("HELLO 2 ann computer stay");
    assert_eq!(h.sent(), ["COMPUTER perfect"]);
    h.server("START X computer-perfect 120");
    assert!(h.screen().contains("Game on against computer-perfect"));
}

#[test]
fn a_server_without_a_computer_is_said_so() {
    let mut h = Harness::wanting(true, Some(Level::Easy));
    h.server("WELCOME 1 ttt-server");
    h.server("HELLO 2 ann");
    assert_eq!(h.sent(), ["HELLO 2 ann computer stay"]);
    assert!(h.screen().contains("This server has no computer opponent"));
}

/// Waiting alone at a keyboard, the player is offered the computer after
/// a while, and `c perfect` asks for it.
#[test]
fn waiting_alone_the_computer_is_offered() {
    let mut h = Harness::new(true);
    h.server("WELCOME 1 ttt-server");
    h.server("HELLO 2 ann computer stay");
    h.server("WAIT 1 OPEN");
    h.sent();
    h.screen();
    h.advance(Duration::from_millis(4900));
    assert_eq!(h.screen(), "");
    h.advance(Duration::from_millis(100));
    assert!(
        h.screen()
            .starts_with("No opponent yet: type c to play the computer")
    );
    h.typed("c genius");
    assert!(h.sent().is_empty());
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
    h.server("HELLO 2 ann computer stay");
    h.server("WAIT 2 GAME");
    h.advance(Duration::from_secs(60));
    assert!(!h.screen().contains("No opponent yet"));
    let mut h = Harness::new(true);
    h.server("WELCOME 1 ttt-server");
    h.server("HELLO 2 ann");
    h.server("WAIT 1 OPEN");
    h.advance(Duration::from_secs(60));
    assert!(!h.screen().contains("No opponent yet"));
    h.typed("c");
    assert!(h.sent().iter().all(|m| m != "COMPUTER"));
}

/// Feature `stay`: the client is told who left and waits on, hears when
/// someone waits for the table, and answers the question whether to join
/// the line again.
#[test]
fn with_stay_the_client_waits_on_and_answers_rejoin() {
    let mut h = Harness::offered_rematch();
    h.screen();
    h.server("LEFT bob DECLINED");
    h.server("WAIT 1 OPEN");
    let screen = h.screen();
    assert!(screen.contains("bob declined the rematch."), "{screen}");
    assert!(
        screen.contains("Waiting for your next opponent"),
        "{screen}"
    );
    assert!(!screen.contains("Play again"), "{screen}");
    assert_eq!(h.exit, None);
    h.server("START X carol 120");
    h.server("BOARD ......... X - 120");
    h.server("LINE 1 dave");
    assert!(
        h.screen()
            .contains("dave is waiting to play: winner stays on, no rematch."),
    );
    h.server("BOARD XXXOO.... - 3 -");
    h.server("RESULT LOSE LINE 1 2 3");
    h.server("REJOIN 120");
    let screen = h.screen();
    assert!(
        screen.contains("Join the back of the line to play again? (y/n): "),
        "{screen}"
    );
    h.typed("y");
    assert_eq!(h.sent(), ["YES"]);
    h.server("WAIT 2 GAME");
    assert!(h.screen().contains("number 2 in line"));
    // Asked again later, a no leaves.
    h.server("REJOIN -");
    h.typed("n");
    assert_eq!(h.sent(), ["NO"]);
    h.server("BYE goodbye");
    assert_eq!(h.exit, Some(Exit::Done));
}

/// Lines a script piped ahead are handed on when the session ends early
/// (an older server refused version 2): the next session plays them.
#[test]
fn unused_piped_lines_are_handed_on() {
    let mut h = Harness::new(false);
    h.typed("5");
    h.typed("9");
    h.event(Event::InputEnd);
    h.server("WELCOME 1 old-server");
    h.server("ERR NOPROTO client speaks protocol 2, server speaks 1");
    assert_eq!(h.exit, Some(Exit::OlderServer));
    let unused = h.session.unused_input();
    let lines: Vec<String> = unused
        .iter()
        .map(|e| match e {
            Event::Input(line) => line.clone(),
            Event::InputEnd => "<end>".to_owned(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(lines, ["5", "9", "<end>"]);
}
