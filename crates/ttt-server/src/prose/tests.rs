//! What a person in `nc` reads, sentence by sentence.

use super::*;
use ttt_protocol::Departure;
use ttt_protocol::{ClientMsg, Ending, Forfeit, Outcome, Place};

fn name(s: &str) -> Name {
    s.parse().expect("test name")
}

fn cell(n: u8) -> Cell {
    Cell::new(n).expect("test cell")
}

const TURN: Duration = Duration::from_secs(120);

/// carol, in, playing X against dave.
fn carol_vs_dave() -> Prose {
    let mut prose = Prose::new();
    prose.speak(&Tell::Hello {
        name: name("carol"),
        asked: None,
        features: vec![],
    });
    prose.speak(&Tell::Say(Say::Start {
        mark: Mark::X,
        opponent: name("dave"),
        limit: Some(TURN),
    }));
    prose
}

fn board(prose: &mut Prose, cells: &str, turn: Option<Mark>, last: u8) -> Vec<String> {
    prose.speak(&Tell::Say(Say::Board {
        board: cells.parse().expect("test board"),
        turn,
        last: Cell::new(last),
        left: turn.map(|_| TURN),
    }))
}

fn junk() -> Refused {
    Refused::Parse("jump".parse::<ClientMsg>().expect_err("junk"))
}

#[test]
fn the_start_names_marks_who_moves_first_and_the_limit() {
    let mut prose = Prose::new();
    let said = prose.speak(&Tell::Say(Say::Start {
        mark: Mark::O,
        opponent: name("dave"),
        limit: Some(TURN),
    }));
    assert_eq!(
        said,
        [
            "",
            "Game on against dave: you are O, dave is X; they move first. Each move has",
            "120 s."
        ]
    );
}

#[test]
fn an_empty_board_shows_the_numbers_to_type_and_asks_the_mover() {
    let mut prose = carol_vs_dave();
    assert_eq!(
        board(&mut prose, ".........", Some(Mark::X), 0),
        [
            "",
            "    1 | 2 | 3 ",
            "   ---+---+---",
            "    4 | 5 | 6 ",
            "   ---+---+---",
            "    7 | 8 | 9 ",
            "Your move (X), 120 s left. Type a cell 1-9.",
        ]
    );
}

#[test]
fn every_move_is_named_and_the_last_one_bracketed() {
    let mut prose = carol_vs_dave();
    let mine = board(&mut prose, "....X....", Some(Mark::O), 5);
    assert_eq!(mine[1], "You took 5.");
    assert_eq!(mine[4], "    4 |[X]| 6 ");
    assert_eq!(mine[7], "Waiting for dave (O) to move, 120 s left.");
    let theirs = board(&mut prose, "O...X....", Some(Mark::X), 1);
    assert_eq!(theirs[1], "dave took 1.");
    assert_eq!(theirs[2], "   [O]| 2 | 3 ");
    assert_eq!(theirs[4], "    4 | X | 6 ");
    // The final board asks nobody to move.
    let last = board(&mut prose, "OO.XXX...", None, 6);
    assert_eq!(last.len(), 7, "{last:?}");
}

#[test]
fn the_clock_is_told_to_both_players() {
    let mut prose = carol_vs_dave();
    let clock = |yours| Say::Clock {
        left: Duration::from_secs(30),
        mover: Mark::X,
        yours,
    };
    assert_eq!(
        prose.speak(&Tell::Say(clock(true))),
        ["Hurry: 30 s left for your move!"]
    );
    assert_eq!(
        prose.speak(&Tell::Say(clock(false))),
        ["dave has 30 s left to move."]
    );
}

#[test]
fn results_and_leaving_are_said_plainly() {
    let mut prose = carol_vs_dave();
    let mut result = |outcome| prose.speak(&Tell::Say(Say::Result(outcome)));
    assert_eq!(
        result(Outcome::Lose(Ending::Forfeit(Forfeit::Quit))),
        ["You left; dave wins by forfeit."]
    );
    assert_eq!(
        result(Outcome::Win(Ending::Forfeit(Forfeit::Timeout))),
        ["You win: dave ran out of time."]
    );
    assert_eq!(
        result(Outcome::Win(Ending::Line("3 5 7".parse().expect("line")))),
        ["You win! Three in a row on 3 5 7."]
    );
    assert_eq!(
        prose.speak(&Tell::Say(Say::Rematch { limit: Some(TURN) })),
        ["Play again, marks swapped? (120 s to answer) Type y or n."]
    );
    assert_eq!(
        prose.speak(&Tell::Say(Say::Accepted)),
        ["Waiting for dave's answer..."]
    );
    assert_eq!(
        prose.speak(&Tell::Say(Say::Bye(Farewell::Declined))),
        ["You declined the rematch. Thanks for playing, carol!"]
    );
    // Someone else leaving is no goodbye: the person stays in the game.
    assert_eq!(
        prose.speak(&Tell::Say(Say::Bye(Farewell::Partner {
            name: name("dave"),
            how: Departure::NoAnswer
        }))),
        ["dave did not answer the rematch offer in time."]
    );
}

#[test]
fn the_line_and_mistakes_are_explained() {
    let mut prose = carol_vs_dave();
    let wait = |place, game_on| Tell::Wait {
        place: Place { place, game_on },
        computer: false,
    };
    assert_eq!(
        prose.speak(&wait(1, false)),
        ["Waiting for an opponent to connect...", "Type q to leave."]
    );
    assert_eq!(
        prose.speak(&wait(3, true)),
        [
            "A game is being played; you are number 3 in line, 2 players ahead of you.",
            "Type q to leave."
        ]
    );
    assert_eq!(
        prose.speak(&Tell::Refused(Refused::Table(Refusal::Occupied {
            cell: cell(5),
            by: Mark::O
        }))),
        ["Cell 5 is taken by O; pick an empty cell."]
    );
    let said = prose.speak(&Tell::Refused(junk()));
    assert_eq!(said, ["Sorry, I did not get that. Type q to leave."]);
}

/// A mistake is answered with what can be typed now, not a list of
/// everything: a move is asked for during a move, y or n at a question.
#[test]
fn a_mistake_is_answered_with_what_is_asked_now() {
    let mut prose = carol_vs_dave();
    board(&mut prose, ".........", Some(Mark::X), 0);
    assert_eq!(
        prose.speak(&Tell::Refused(junk())),
        ["Type the number of an empty cell, 1 to 9, or q to leave (help for more)."]
    );
    board(&mut prose, "....X....", Some(Mark::O), 5);
    assert_eq!(
        prose.speak(&Tell::Refused(junk())),
        ["It is dave's move: wait for it, or type q to leave."]
    );
    prose.speak(&Tell::Say(Say::Rematch { limit: None }));
    assert_eq!(prose.speak(&Tell::Refused(junk())), ["Type y or n."]);
    let mut fresh = Prose::new();
    assert_eq!(
        fresh.speak(&Tell::Refused(Refused::Typed)),
        ["To play, type: play <your-name> (or: help)"]
    );
}

/// `help` says what can be typed now, in every state.
#[test]
fn help_lists_what_can_be_typed_now() {
    let mut prose = Prose::new();
    assert!(prose.speak(&Tell::Help)[0].starts_with("To play, type play and your name"));
    prose.speak(&Tell::Hello {
        name: name("carol"),
        asked: None,
        features: vec![],
    });
    prose.speak(&Tell::Wait {
        place: Place {
            place: 1,
            game_on: false,
        },
        computer: true,
    });
    assert!(prose.speak(&Tell::Help).join(" ").contains("Type computer"));
    prose.speak(&Tell::Say(Say::Start {
        mark: Mark::X,
        opponent: name("dave"),
        limit: None,
    }));
    board(&mut prose, ".........", Some(Mark::X), 0);
    assert!(prose.speak(&Tell::Help).join(" ").contains("free cell"));
    prose.speak(&Tell::ConfirmLeave {
        opponent: name("dave"),
    });
    assert!(
        prose
            .speak(&Tell::Help)
            .join(" ")
            .contains("type y to leave (dave wins by forfeit)")
    );
    prose.speak(&Tell::PlayingOn);
    prose.speak(&Tell::Rejoin { limit: None });
    assert!(
        prose
            .speak(&Tell::Help)
            .join(" ")
            .contains("back of the line")
    );
}

/// Leaving asks once; being cut off reads as a sentence, not a protocol
/// error.
#[test]
fn leaving_and_being_cut_off_read_as_sentences() {
    let mut prose = carol_vs_dave();
    assert_eq!(
        prose.speak(&Tell::ConfirmLeave {
            opponent: name("dave")
        }),
        ["Leave this game? dave wins by forfeit. Type y to leave, n to play on."]
    );
    assert_eq!(prose.speak(&Tell::PlayingOn), ["Playing on."]);
    assert_eq!(
        prose.speak(&Tell::Closing(Closing::Abuse(Cut::Refusals))),
        [
            "That was 10 lines in a row I could not use, so I am closing the connection.",
            "Goodbye!"
        ]
    );
    assert_eq!(
        prose.speak(&Tell::Closing(Closing::Goodbye)),
        ["Goodbye! Thanks for playing, carol!"]
    );
}

/// Someone waiting, making way, and the question that follows.
#[test]
fn making_way_and_the_line_are_explained() {
    let mut prose = carol_vs_dave();
    assert_eq!(
        prose.speak(&Tell::Line {
            waiting: 1,
            next: Some(name("erin"))
        }),
        ["erin is waiting to play: winner stays on, no rematch."]
    );
    assert_eq!(
        prose.speak(&Tell::Say(Say::Bye(Farewell::MakeWay {
            stays: name("dave"),
            after_tie: false
        }))),
        ["Others are waiting, so dave stays on and plays the next in line."]
    );
    assert_eq!(
        prose.speak(&Tell::Rejoin { limit: Some(TURN) }),
        ["Join the back of the line to play again? (120 s to answer) Type y or n."]
    );
}
