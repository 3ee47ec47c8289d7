//! The screen's drawing and keys, into a terminal emulator (vt100) rather
//! than a terminal: what a player would see, and what each key does.

use std::time::Duration;

use super::*;
use crate::view::sample;

/// ann (X) against bob on `board`, `turn` to move with 30 s left.
fn playing(board: &str, turn: Mark, now: Instant) -> View {
    sample::playing("bob", board, turn, Duration::from_secs(30), now)
}

/// A terminal emulator of `cols` x `rows`.
fn terminal(cols: u16, rows: u16) -> vt100::Parser {
    let size = |n: u16| std::num::NonZeroU16::new(n).expect("a size");
    vt100::Parser::new(size(rows), size(cols), 0)
}

/// What the bytes written so far show on a `cols` x `rows` terminal.
fn seen(screen: &Screen<Vec<u8>>, cols: u16, rows: u16) -> vt100::Screen {
    let mut parser = terminal(cols, rows);
    parser.process(screen.output());
    parser.screen().clone()
}

fn key(screen: &mut Screen<Vec<u8>>, key: Key, view: &View, now: Instant) -> Option<Act> {
    screen.input(Input::Key(key), view, now)
}

#[test]
fn the_board_is_drawn_as_laid_out() {
    let now = Instant::now();
    let view = playing("O...X....", Mark::X, now);
    let mut screen = Screen::new(Vec::new(), 80, 24, true);
    screen.show(&view, &[], now);
    let shown = seen(&screen, 80, 24);
    let frame = screen.frame().expect("a frame");
    for (row, line) in frame.lines.iter().enumerate() {
        let on_screen = shown.rows(0, 80).nth(row).expect("row");
        assert_eq!(on_screen.trim_end(), line.text().trim_end(), "row {row}");
    }
    // X in bold red, where colour is on.
    let x = shown.cell(7, 13).expect("cell");
    assert_eq!(x.contents(), "X");
    assert!(x.bold());
    // crossterm's red is the bright one.
    assert_eq!(x.fgcolor(), vt100::Color::Idx(9));
}

#[test]
fn without_colour_nothing_is_coloured_and_everything_is_still_there() {
    let now = Instant::now();
    let view = playing("O...X....", Mark::X, now);
    let mut screen = Screen::new(Vec::new(), 80, 24, false);
    screen.show(&view, &[], now);
    let shown = seen(&screen, 80, 24);
    for row in 0..24 {
        for col in 0..80 {
            let cell = shown.cell(row, col).expect("cell");
            assert_eq!(cell.fgcolor(), vt100::Color::Default, "{row},{col}");
        }
    }
    assert!(shown.contents().contains(">5<") || shown.contents().contains(">2<"));
}

#[test]
fn digits_play_arrows_select_and_enter_plays_the_selection() {
    let now = Instant::now();
    let view = playing(".........", Mark::X, now);
    let mut screen = Screen::new(Vec::new(), 80, 24, true);
    screen.show(&view, &[], now);
    assert_eq!(
        key(&mut screen, Key::Char('7'), &view, now),
        Some(Act::Cell(Cell::new(7).expect("cell")))
    );
    assert_eq!(key(&mut screen, Key::Arrow(Arrow::Up), &view, now), None);
    assert_eq!(key(&mut screen, Key::Arrow(Arrow::Right), &view, now), None);
    assert!(seen(&screen, 80, 24).contents().contains(">3<"));
    // The edge holds.
    assert_eq!(key(&mut screen, Key::Arrow(Arrow::Right), &view, now), None);
    assert_eq!(
        key(&mut screen, Key::Enter, &view, now),
        Some(Act::Cell(Cell::new(3).expect("cell")))
    );
    assert_eq!(
        key(&mut screen, Key::Char('q'), &view, now),
        Some(Act::Leave)
    );
    assert_eq!(
        key(&mut screen, Key::EndOfInput, &view, now),
        Some(Act::Leave)
    );
    assert_eq!(key(&mut screen, Key::Char('y'), &view, now), Some(Act::Yes));
}

#[test]
fn a_click_plays_the_cell_under_it() {
    let now = Instant::now();
    let view = playing(".........", Mark::X, now);
    let mut screen = Screen::new(Vec::new(), 80, 24, true);
    screen.show(&view, &[], now);
    let target = screen.frame().expect("frame").targets[8].clone();
    let click = Key::Click {
        col: target.cols.start,
        row: target.rows.start,
    };
    assert_eq!(
        key(&mut screen, click, &view, now),
        Some(Act::Cell(Cell::new(9).expect("cell")))
    );
    // Off the board: nothing.
    let away = Key::Click { col: 79, row: 12 };
    assert_eq!(key(&mut screen, away, &view, now), None);
}

#[test]
fn out_of_turn_keys_say_so_and_are_not_kept() {
    let now = Instant::now();
    let view = playing("....X....", Mark::O, now);
    let mut screen = Screen::new(Vec::new(), 80, 24, true);
    screen.show(&view, &[], now);
    // Arrows do not move a selection that is not shown: the session is
    // told, and says it is not our turn.
    assert_eq!(
        key(&mut screen, Key::Arrow(Arrow::Up), &view, now),
        Some(Act::Unknown(String::new()))
    );
    let note = Note::NotYourTurn;
    screen.show(&view, &[Show::Note(note)], now);
    let shown = seen(&screen, 80, 24).contents();
    assert!(
        shown.contains("Not your turn yet: waiting for bob."),
        "{shown}"
    );
    // A notice is not history: not in the log.
    assert!(screen.log.is_empty());
    // The next key takes it away.
    assert_eq!(
        key(&mut screen, Key::Char('x'), &view, now),
        Some(Act::Unknown("x".into()))
    );
    screen.show(&view, &[], now);
    assert!(!seen(&screen, 80, 24).contents().contains("Not your turn"));
}

#[test]
fn a_clock_second_rewrites_only_the_clock_row() {
    let now = Instant::now();
    let view = playing(".........", Mark::X, now);
    let mut screen = Screen::new(Vec::new(), 80, 24, true);
    screen.show(&view, &[], now);
    let before = screen.output().len();
    screen.show(&view, &[Show::Clock], now + Duration::from_secs(1));
    let written = &screen.output()[before..];
    let text = String::from_utf8_lossy(written);
    assert!(text.contains("29 s left"), "{text}");
    assert!(!text.contains("bob (O)"), "only the changed row: {text}");
    assert!(
        written.len() < 200,
        "{} bytes for one second",
        written.len()
    );
    assert!(
        seen(&screen, 80, 24)
            .contents()
            .contains("to move, 29 s left")
    );
}

#[test]
fn a_resize_draws_the_whole_screen_again_at_the_new_size() {
    let now = Instant::now();
    let view = playing(".........", Mark::X, now);
    let mut screen = Screen::new(Vec::new(), 80, 24, true);
    screen.show(&view, &[], now);
    let mut parser = terminal(80, 24);
    parser.process(screen.output());
    let before = screen.output().len();
    assert_eq!(screen.input(Input::Resize(40, 15), &view, now), None);
    parser.screen_mut().set_size(
        std::num::NonZeroU16::new(15).expect("rows"),
        std::num::NonZeroU16::new(40).expect("cols"),
    );
    parser.process(&screen.output()[before..]);
    let frame = screen.frame().expect("frame").clone();
    let shown = parser.screen().clone();
    for (row, line) in frame.lines.iter().enumerate() {
        let on_screen = shown.rows(0, 40).nth(row).expect("row");
        assert_eq!(on_screen.trim_end(), line.text().trim_end(), "row {row}");
    }
    assert!(shown.contents().contains("ann (X)  to move"));
}

#[test]
fn the_log_is_said_again_on_the_way_out() {
    let now = Instant::now();
    let view = playing(".........", Mark::X, now);
    let mut screen = Screen::new(Vec::new(), 80, 24, true);
    screen.show(
        &view,
        &[Show::Note(Note::PlayingOn), Show::Note(Note::Forfeited)],
        now,
    );
    let before = screen.output().len();
    screen.finish();
    let after = String::from_utf8_lossy(&screen.output()[before..]).into_owned();
    assert_eq!(after, "You left; bob wins by forfeit.\n");
}
