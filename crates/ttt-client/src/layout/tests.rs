//! Layouts at every size: what is on which row, that nothing runs past the
//! edge, and that clicks find the cells they land on.

use std::time::Duration;

use ttt_protocol::{Name, Score};

use super::*;
use crate::view::{Ask, Stage, sample};

fn name(s: &str) -> Name {
    s.parse().expect("name")
}

/// ann (X) against `opponent`, on `board` (`last` the last move), `turn`
/// to move with 25 s left (24.5, shown rounded up), 2 wins, 1 loss, 3 ties.
fn playing(opponent: &str, board: &str, last: Option<u8>, turn: Mark, now: Instant) -> View {
    let mut view = sample::playing(opponent, board, turn, Duration::from_millis(24_500), now);
    if let Some(game) = &mut view.game {
        game.last = last.and_then(Cell::new);
        game.score = Score {
            wins: 2,
            losses: 1,
            ties: 3,
        };
    }
    view
}

fn texts(frame: &Frame) -> Vec<String> {
    frame.lines.iter().map(Line::text).collect()
}

fn screen(frame: &Frame) -> String {
    texts(frame).join("\n")
}

const LOG: [&str; 3] = [
    "Game on against bob: you are X, bob is O; you move first. Each move has 30 s.",
    "You took 5.",
    "bob took 1.",
];

fn ui<'a>(log: &'a [String], notice: Option<&'a str>) -> Ui<'a> {
    Ui {
        log,
        selected: Cell::new(3),
        notice,
    }
}

const SIZES: [(u16, u16); 9] = [
    (40, 15),
    (41, 16),
    (52, 18),
    (63, 20),
    (64, 20),
    (80, 24),
    (100, 30),
    (132, 43),
    (250, 80),
];

/// At every size: exactly the screen's rows, none wider than it, nothing
/// in the bottom-right corner, and the essentials on screen.
#[test]
fn every_size_fits_and_shows_board_clocks_score_and_question() {
    let now = Instant::now();
    let log: Vec<String> = LOG.iter().map(|s| s.to_string()).collect();
    for opponent in ["bob", "a-very-long-name-of-24ch", "長い名前の対戦相手さん"] {
        let view = playing(opponent, "O...X....", Some(1), Mark::X, now);
        for (cols, rows) in SIZES {
            let frame = frame(&view, &ui(&log, Some("Not now.")), cols, rows, now);
            let all = screen(&frame);
            assert_eq!(frame.lines.len(), usize::from(rows), "{cols}x{rows}");
            for line in &frame.lines {
                assert!(line.width() <= usize::from(cols), "{cols}x{rows}: {all}");
            }
            let last = frame.lines.last().expect("rows");
            assert!(last.width() < usize::from(cols), "{cols}x{rows}");
            for want in [
                "[O]",
                "ann (X)",
                "(O)",
                "to move, 25 s left",
                "Your move.",
                "Not now.",
            ] {
                assert!(all.contains(want), "{cols}x{rows}: no {want:?} in\n{all}");
            }
            assert!(all.contains("you 2 · "), "{cols}x{rows}: score\n{all}");
            assert!(all.contains(" 1 · ties 3"), "{cols}x{rows}:\n{all}");
            assert!(all.contains(">3<"), "{cols}x{rows}: the selection\n{all}");
            assert!(
                all.contains("bob took 1.") || opponent != "bob",
                "{cols}x{rows}:\n{all}"
            );
            for free in ["2", "6", "9"] {
                assert!(all.contains(free), "{cols}x{rows}");
            }
        }
    }
}

#[test]
fn the_board_at_80_columns() {
    let now = Instant::now();
    let log: Vec<String> = LOG.iter().map(|s| s.to_string()).collect();
    let view = playing("bob", "O...X....", Some(1), Mark::X, now);
    let frame = frame(&view, &ui(&log, None), 80, 24, now);
    let text = texts(&frame);
    assert_eq!(
        text[0],
        format!(
            " ann (X) vs bob (O){}you 2 · bob 1 · ties 3 ",
            " ".repeat(38)
        )
    );
    assert_eq!(
        text[1].trim_end(),
        format!("{}│ ann (X)  to move, 25 s left", " ".repeat(27))
    );
    assert_eq!(
        text[2].trim_end(),
        "         │       │         │ bob (O)  30 s a move"
    );
    assert_eq!(text[3].trim_end(), "    [O]  │   2   │  >3<    │");
    assert_eq!(
        text[4].trim_end(),
        "         │       │         │ What happened"
    );
    assert_eq!(
        text[6].trim_end(),
        "         │       │         │ first. Each move has 30 s."
    );
    assert_eq!(
        text[7].trim_end(),
        "     4   │   X   │   6     │ You took 5."
    );
    assert_eq!(
        text[8].trim_end(),
        "         │       │         │ bob took 1."
    );
    assert_eq!(text[22], " Your move.");
    assert_eq!(text[23], " 1-9 or arrows+Enter: play   q: leave");
}

#[test]
fn the_selection_shows_only_while_a_move_is_asked() {
    let now = Instant::now();
    let mut view = playing("bob", "O...X....", Some(1), Mark::O, now);
    let f = frame(&view, &ui(&[], None), 80, 24, now);
    assert!(!screen(&f).contains(">3<"));
    assert!(screen(&f).contains("bob (O)  to move, 25 s left"));
    assert!(screen(&f).contains("ann (X)  30 s a move"));
    view.ask = Some(Ask::Move);
    assert!(screen(&frame(&view, &ui(&[], None), 80, 24, now)).contains(">3<"));
}

#[test]
fn the_last_move_and_the_marks_are_painted_but_read_without_colour() {
    let now = Instant::now();
    let view = playing("bob", "O...X....", Some(1), Mark::X, now);
    let f = frame(&view, &ui(&[], None), 80, 24, now);
    let spans: Vec<&Span> = f.lines.iter().flat_map(|l| &l.0).collect();
    let find = |text: &str| {
        spans
            .iter()
            .find(|s| s.text.contains(text))
            .map(|s| s.paint)
    };
    assert_eq!(find("[O]"), Some(Paint::Mark(Mark::O)));
    assert_eq!(find(">3<"), Some(Paint::Selected));
    assert_eq!(find("Your move."), Some(Paint::Question));
    assert_eq!(f.lines[0].0[0].paint, Paint::Title);
}

#[test]
fn clicks_land_on_the_cells_drawn() {
    let now = Instant::now();
    for (cols, rows) in SIZES {
        let view = playing("bob", ".........", None, Mark::X, now);
        let f = frame(&view, &ui(&[], None), cols, rows, now);
        assert_eq!(f.targets.len(), 9, "{cols}x{rows}");
        for target in &f.targets {
            let row = target.rows.start + (target.rows.end - target.rows.start) / 2;
            let col = target.cols.start + (target.cols.end - target.cols.start) / 2;
            assert_eq!(f.cell_at(col, row), Some(target.cell), "{cols}x{rows}");
            // The number is drawn where the click lands.
            let line = texts(&f)[usize::from(row)].clone();
            let at: String = line
                .chars()
                .skip(usize::from(target.cols.start))
                .take(7)
                .collect();
            assert!(
                at.contains(&target.cell.to_string()),
                "{cols}x{rows}: {at:?}"
            );
        }
        assert_eq!(f.cell_at(0, 0), None);
    }
}

#[test]
fn too_small_says_so() {
    let now = Instant::now();
    let view = playing("bob", ".........", None, Mark::X, now);
    for (cols, rows) in [(39, 15), (40, 14), (20, 5), (1, 1)] {
        let f = frame(&view, &ui(&[], None), cols, rows, now);
        assert_eq!(f.lines.len(), usize::from(rows));
        assert!(f.targets.is_empty());
        for line in &f.lines {
            assert!(line.width() < usize::from(cols).max(1), "{cols}x{rows}");
        }
    }
    let f = frame(&view, &ui(&[], None), 30, 10, now);
    assert!(
        screen(&f).contains("This terminal is 30x10"),
        "{}",
        screen(&f)
    );
}

#[test]
fn before_a_game_the_log_and_the_question() {
    let now = Instant::now();
    let view = View {
        me: name("ann"),
        game: None,
        stage: Stage::Waiting(None),
        ask: Some(Ask::Computer),
        clock: None,
        watched: None,
    };
    let log = vec!["Waiting for an opponent...".to_owned()];
    for (cols, rows) in SIZES {
        let f = frame(&view, &ui(&log, None), cols, rows, now);
        let text = texts(&f);
        assert!(text[0].starts_with(" ttt: ann"), "{cols}x{rows}");
        assert!(screen(&f).contains("Waiting for an opponent..."));
        assert!(screen(&f).contains("c: computer"));
        assert_eq!(text.len(), usize::from(rows));
        // The question is at the bottom, wherever the log ends.
        assert!(
            text[usize::from(rows) - 2].contains("No opponent yet."),
            "{cols}x{rows}: {text:?}"
        );
    }
}

#[test]
fn the_log_keeps_whole_sentences_newest_last() {
    let now = Instant::now();
    let view = playing("bob", "O...X....", Some(1), Mark::X, now);
    let log: Vec<String> = (1..=40).map(|i| format!("Entry number {i}.")).collect();
    let f = frame(&view, &ui(&log, None), 80, 24, now);
    let all = screen(&f);
    assert!(all.contains("Entry number 40."));
    assert!(!all.contains("Entry number 1."));
    let newest = f
        .lines
        .iter()
        .flat_map(|l| &l.0)
        .find(|s| s.text.contains("Entry number 40."))
        .map(|s| s.paint);
    assert_eq!(newest, Some(Paint::Strong));
    // A newest sentence longer than the room is cut at its end.
    let long = vec!["word ".repeat(200)];
    let f = frame(&view, &ui(&long, None), 40, 15, now);
    assert!(screen(&f).contains('…'), "{}", screen(&f));
}

#[test]
fn fit_counts_columns_not_bytes() {
    assert_eq!(fit("ann", 5), "ann");
    assert_eq!(fit("abcdef", 4), "abc…");
    assert_eq!(fit("長い名前", 5), "長い…");
    assert_eq!(fit("長い名前", 8), "長い名前");
    assert_eq!(fit("x", 0), "");
}

/// In line, the watched game takes the screen: its board (the last move
/// bracketed, nothing selectable), both players by mark with the mover's
/// clock, a title saying whom we watch; at every size, within the edges.
/// Our own last game is not drawn meanwhile.
#[test]
fn in_line_the_watched_game_is_drawn() {
    let now = Instant::now();
    let mut view = playing("bob", "O...X....", Some(1), Mark::X, now);
    view.stage = Stage::Waiting(None);
    view.ask = None;
    view.clock = None;
    view.watched = Some(crate::view::Watched {
        x: name("cid"),
        o: name("dee"),
        board: "....X...O".parse().expect("board"),
        last: Cell::new(9),
        turn: Some(Mark::X),
        limit: Some(Duration::from_secs(30)),
        deadline: Some(now + Duration::from_millis(11_500)),
    });
    let log: Vec<String> = vec!["Watching cid (X) against dee (O).".to_owned()];
    for (cols, rows) in SIZES {
        let f = frame(&view, &ui(&log, None), cols, rows, now);
        let text = screen(&f);
        for line in &f.lines {
            assert!(line.width() <= usize::from(cols), "{cols}x{rows}\n{text}");
        }
        assert!(
            text.contains("watching cid vs dee"),
            "{cols}x{rows}\n{text}"
        );
        assert!(text.contains("[O]"), "{cols}x{rows}\n{text}");
        assert!(
            text.contains("cid (X)") && text.contains("12 s left"),
            "{cols}x{rows}\n{text}"
        );
        assert!(
            !text.contains("bob"),
            "our last game drawn at {cols}x{rows}\n{text}"
        );
    }
    // Once our game starts, it is ours that shows.
    view.stage = Stage::Playing;
    let f = frame(&view, &ui(&log, None), 80, 24, now);
    assert!(screen(&f).contains("bob"), "{}", screen(&f));
}
