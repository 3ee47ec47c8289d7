//! How to answer, in each front end: every question, key hint and label of
//! the client's own, written once. What happened is said with
//! `ttt_protocol::words` (the sentences the server's front end for `nc`
//! uses too); these are the parts that differ between a line typed and a
//! key pressed.

use std::time::{Duration, Instant};

use ttt_protocol::{Level, Mark, words};

use crate::view::{Ask, Stage, View, Whose};

/// The question open, as the plain transcript asks it: the line stays open
/// after it for the answer. `None`: nothing to type now (the computer's
/// offer is said once, as a line of its own).
pub fn typed_question(view: &View, keyboard: bool, now: Instant) -> Option<String> {
    let answer_left = answer_left(view, now);
    let text = match view.ask.as_ref()? {
        Ask::Move => {
            let mark = view.game.as_ref()?.mark;
            let left = view
                .clock
                .filter(|c| c.whose == Whose::Mine)
                .map(|c| c.left(now));
            format!("{} Type 1-9, or q to leave: ", words::your_turn(mark, left))
        }
        Ask::Rematch => format!("{} y/n: ", words::rematch_offer(answer_left)),
        Ask::Rejoin => format!("{} y/n: ", words::rejoin_offer(answer_left)),
        Ask::Leave { opponent } if keyboard => format!(
            "{} y/n (Ctrl-C again leaves now): ",
            words::leave_question(opponent.as_str())
        ),
        Ask::Leave { opponent } => format!("{} y/n: ", words::leave_question(opponent.as_str())),
        Ask::Computer => return None,
    };
    Some(text)
}

/// After the computer's offer, in the transcript.
pub fn typed_computer() -> &'static str {
    "Type c to play it (or c easy, c fair, c perfect), or q to leave."
}

/// Said after "waiting" lines at a keyboard.
pub fn typed_leave() -> &'static str {
    "(q to leave)"
}

/// The question at the full-screen board, and the keys that answer it:
/// (question, keys).
pub fn key_question(view: &View, now: Instant) -> (String, &'static str) {
    let opponent = view.opponent();
    match &view.ask {
        Some(Ask::Move) => (
            "Your move.".to_owned(),
            "1-9 or arrows+Enter: play   q: leave",
        ),
        Some(Ask::Rematch) => (
            words::rematch_offer(answer_left(view, now)),
            "y: play again   n: leave",
        ),
        Some(Ask::Rejoin) => (
            words::rejoin_offer(answer_left(view, now)),
            "y: join the line   n: leave",
        ),
        Some(Ask::Leave { opponent }) => (
            words::leave_question(opponent.as_str()),
            "y: leave   n: play on   Ctrl-C: now",
        ),
        Some(Ask::Computer) => (
            "No opponent yet.".to_owned(),
            "c: computer (e/f/p: level)   q: leave",
        ),
        None => match view.stage {
            Stage::Connecting => ("Connecting...".to_owned(), "q: leave"),
            Stage::Waiting(Some(place)) if place.game_on => (words::place(place), "q: leave"),
            Stage::Waiting(_) => (words::waiting(view.game.is_some()), "q: leave"),
            Stage::Playing => (format!("{opponent} is thinking."), "q: leave the game"),
            Stage::Over => (String::new(), "q: leave"),
            Stage::Watching => (
                match view.watched_now() {
                    Some(w) => watching_line(w),
                    None => words::no_game_on().to_owned(),
                },
                "q: leave",
            ),
            Stage::Leaving => ("Leaving...".to_owned(), ""),
        },
    }
}

/// The question line while only watching: who plays.
fn watching_line(watched: &crate::view::Watched) -> String {
    words::watching(watched.x.as_str(), watched.o.as_str(), None)
}

/// The level a key names at the computer's offer: `e`, `f`, `p`.
pub fn level_key(c: char) -> Option<Level> {
    match c.to_ascii_lowercase() {
        'e' => Some(Level::Easy),
        'f' => Some(Level::Fair),
        'p' => Some(Level::Perfect),
        _ => None,
    }
}

/// A key that is not a cell, at the move.
pub fn press_a_cell() -> &'static str {
    "Press 1 to 9 for a cell, or the arrows and Enter."
}

/// The status beside a player's name at the board: "to move, 25 s left",
/// "30 s a move", or nothing.
pub fn clock_status(mark: Mark, view: &View, now: Instant) -> String {
    let Some(game) = &view.game else {
        return String::new();
    };
    let own = if mark == game.mark {
        Whose::Mine
    } else {
        Whose::Theirs
    };
    match game.turn {
        Some(turn) if turn == mark => match view.clock.filter(|c| c.whose == own) {
            Some(clock) => format!("to move, {} left", words::seconds(clock.left(now))),
            None => "to move".to_owned(),
        },
        Some(_) => game
            .limit
            .map_or(String::new(), |l| format!("{} a move", words::seconds(l))),
        None => String::new(),
    }
}

/// The status beside a watched player's name: as [`clock_status`].
pub fn watched_status(mark: Mark, watched: &crate::view::Watched, now: Instant) -> String {
    match (watched.turn, watched.deadline) {
        (Some(turn), Some(deadline)) if turn == mark => format!(
            "to move, {} left",
            words::seconds(deadline.saturating_duration_since(now))
        ),
        (Some(turn), None) if turn == mark => "to move".to_owned(),
        (Some(_), _) => watched
            .limit
            .map_or(String::new(), |l| format!("{} a move", words::seconds(l))),
        (None, _) => String::new(),
    }
}

/// The title while watching: "ttt: carol · watching ann vs bob".
pub fn watching_title(me: &str, watched: &crate::view::Watched) -> String {
    format!("ttt: {me} · watching {} vs {}", watched.x, watched.o)
}

/// The screen is smaller than the board needs.
pub fn too_small(cols: u16, rows: u16, min_cols: u16, min_rows: u16) -> String {
    format!(
        "This terminal is {cols}x{rows}; the board needs at least {min_cols}x{min_rows}. \
         Make the window larger (or use --plain). q leaves."
    )
}

/// The title of the screen before a game: "ttt: ann".
pub fn title(me: &str) -> String {
    format!("ttt: {me}")
}

/// The score at the board: "you 1 · bob 0 · ties 1".
pub fn score_line(score: ttt_protocol::Score, opponent: &str) -> String {
    format!(
        "you {} · {opponent} {} · ties {}",
        score.wins, score.losses, score.ties
    )
}

/// The heading of the log beside the board.
pub fn log_heading() -> &'static str {
    "What happened"
}

/// The time left to answer a rematch or rejoin question, when it runs.
fn answer_left(view: &View, now: Instant) -> Option<Duration> {
    view.clock
        .filter(|c| c.whose == Whose::Answer)
        .map(|c| c.left(now))
}
