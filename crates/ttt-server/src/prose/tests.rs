//! What a person in `nc` reads, sentence by sentence.

use super::*;
use ttt_protocol::{Ending, Forfeit, Outcome};

fn name(s: &str) -> Name {
    s.parse().expect("test name")
}

fn cell(n: u8) -> Cell {
    Cell::new(n).expect("test cell")
}

const TURN: Duration = Duration::from_secs(120);

/// carol, playing X against dave.
fn carol_vs_dave() -> Prose {
    let mut prose = Prose::new(name("carol"));
    prose.speak(&Tell::Say(&Say::Start {
        mark: Mark::X,
        opponent: name("dave"),
        limit: Some(TURN),
    }));
    prose
}

fn board(prose: &mut Prose, cells: &str, turn: Option<Mark>, last: u8) -> Vec<String> {
    prose.speak(&Tell::Say(&Say::Board {
        board: cells.parse().expect("test board"),
        turn,
        last: Cell::new(last),
        left: turn.map(|_| TURN),
    }))
}

#[test]
fn the_start_names_marks_who_moves_first_and_the_limit() {
    let mut prose = Prose::new(name("carol"));
    let said = prose.speak(&Tell::Say(&Say::Start {
        mark: Mark::O,
        opponent: name("dave"),
        limit: Some(TURN),
    }));
    assert_eq!(
        said,
        [
            "",
            "Game on: you are O, dave is X; they move first. Each move has 120 s."
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
            "Your move (X): type a cell 1-9; 120 s left.",
        ]
    );
}

#[test]
fn every_move_is_named_and_the_last_one_bracketed() {
    let mut prose = carol_vs_dave();
    let mine = board(&mut prose, "....X....", Some(Mark::O), 5);
    assert_eq!(mine[1], "You took 5.");
    assert_eq!(mine[4], "    4 |[X]| 6 ");
    assert_eq!(mine[7], "Waiting for dave (O) to move; 120 s left.");
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
        prose.speak(&Tell::Say(&clock(true))),
        ["Hurry: 30 s left for your move!"]
    );
    assert_eq!(
        prose.speak(&Tell::Say(&clock(false))),
        ["dave has 30 s left to move."]
    );
}

#[test]
fn results_and_leaving_are_said_plainly() {
    let mut prose = carol_vs_dave();
    let mut result = |outcome| prose.speak(&Tell::Say(&Say::Result(outcome)));
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
        prose.speak(&Tell::Say(&Say::Rematch { limit: Some(TURN) })),
        ["Play again, marks swapped? Type y or n (within 120 s)."]
    );
    assert_eq!(
        prose.speak(&Tell::Say(&Say::Accepted)),
        ["Waiting for dave's answer..."]
    );
    assert_eq!(
        prose.speak(&Tell::Say(&Say::Bye(Farewell::Declined))),
        ["You declined the rematch. Thanks for playing, carol!"]
    );
    assert_eq!(
        prose.speak(&Tell::Say(&Say::Bye(Farewell::Partner {
            name: name("dave"),
            parting: Parting::NoAnswer
        }))),
        ["dave did not answer the rematch offer in time. Thanks for playing, carol!"]
    );
}

#[test]
fn the_line_and_mistakes_are_explained() {
    let mut prose = Prose::new(name("carol"));
    let wait = |place, game_on| Tell::Wait {
        place: Place { place, game_on },
        computer: false,
    };
    assert_eq!(
        prose.speak(&wait(1, false)),
        ["Waiting for an opponent to connect... (q to leave)"]
    );
    assert_eq!(
        prose.speak(&wait(3, true)),
        ["A game is being played; you are number 3 in line, 2 players ahead of you. (q to leave)"]
    );
    assert_eq!(
        prose.speak(&Tell::Refused(&Refused::Table(Refusal::Occupied {
            cell: cell(5),
            by: Mark::O
        }))),
        ["Cell 5 is taken by O; pick an empty cell."]
    );
    let junk = "jump".parse::<ttt_protocol::ClientMsg>().expect_err("junk");
    let said = prose.speak(&Tell::Refused(&Refused::Parse(junk)));
    assert!(said[0].starts_with("Sorry, I did not get that"), "{said:?}");
}
