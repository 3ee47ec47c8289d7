//! Every sentence a person reads about a game, written once: the console
//! client and the server's front end for a person in `nc` both say things
//! with these, and the browser page with their [`templates`], so they can
//! never drift apart.
//!
//! Sentences only: plain text, no colour, no cursor movement, no line
//! ending, each under [`WIDTH`] columns once [`wrap`]ped. How to answer a
//! question (a key, a word to type) differs between front ends and is
//! theirs to add. What a sentence reports is always what the server said:
//! an outcome here is the server's `RESULT`, worded.

use std::time::Duration;

pub mod templates;

use crate::board::{Board, Cell, Mark};
use crate::message::{Departure, Place, Verdict};
use crate::outcome::{Ending, Forfeit, Outcome, Score};

/// The width every line for a person fits in: an ordinary terminal's.
pub const WIDTH: usize = 80;

/// `text` broken into lines of at most `width` columns, at spaces (a word
/// longer than the width is cut). Columns are counted as a terminal
/// shows them: a wide (CJK) letter takes two, a combining mark none.
///
/// ```
/// use ttt_protocol::words::wrap;
/// assert_eq!(wrap("one two three", 8), ["one two", "three"]);
/// assert_eq!(wrap("名前名前 two", 8), ["名前名前", "two"]);
/// ```
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for unit in units(text) {
        let mut word = unit.as_str();
        while columns(word) > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            let (head, rest) = split_at_column(word, width);
            lines.push(head.to_owned());
            word = rest;
        }
        let cols = columns(word);
        if !line.is_empty() && used + 1 + cols > width {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        if !line.is_empty() {
            line.push(' ');
            used += 1;
        }
        line.push_str(word);
        used += cols;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The columns `text` takes on a terminal.
///
/// ```
/// use ttt_protocol::words::columns;
/// assert_eq!(columns("ann"), 3);
/// assert_eq!(columns("名前"), 4);
/// assert_eq!(columns("Zoe\u{308}"), 3);
/// ```
pub fn columns(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// `word` split after at most `width` columns (at least one character,
/// so that a character wider than the width still moves on).
fn split_at_column(word: &str, width: usize) -> (&str, &str) {
    let mut used = 0;
    for (at, c) in word.char_indices() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width && at > 0 {
            return word.split_at(at);
        }
        used += w;
    }
    (word, "")
}

/// The words of `text`, a number kept with its unit (`120 s`), so that a
/// time is never split across lines.
fn units(text: &str) -> Vec<String> {
    let mut units: Vec<String> = Vec::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let unit = word.trim_end_matches(|c: char| c.is_ascii_punctuation()) == "s";
        match units.last_mut() {
            Some(last) if unit && last.ends_with(|c: char| c.is_ascii_digit()) => {
                last.push(' ');
                last.push_str(word);
            }
            _ => units.push(word.to_owned()),
        }
    }
    units
}

/// A time as people read it: whole seconds, rounded up, so that time left
/// never reads as 0 s before it is up: `25 s`.
pub fn seconds(d: Duration) -> String {
    let s = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    format!("{s} s")
}

/// A game begins: "Game on against bob: you are X, bob is O; you move
/// first. Each move has 120 s."
pub fn start(mark: Mark, opponent: &str, limit: Option<Duration>) -> String {
    let first = match mark {
        Mark::X => "you move first",
        Mark::O => "they move first",
    };
    let clock = limit.map_or(String::new(), |l| format!(" Each move has {}.", seconds(l)));
    format!(
        "Game on against {opponent}: you are {mark}, {opponent} is {}; {first}.{clock}",
        mark.other()
    )
}

/// A move was played: "You took 5." or "bob took 5.".
pub fn moved(cell: Cell, mine: bool, opponent: &str) -> String {
    if mine {
        format!("You took {cell}.")
    } else {
        format!("{opponent} took {cell}.")
    }
}

/// It is your move: "Your move (X), 25 s left.".
pub fn your_turn(mark: Mark, left: Option<Duration>) -> String {
    match left {
        Some(left) => format!("Your move ({mark}), {} left.", seconds(left)),
        None => format!("Your move ({mark})."),
    }
}

/// It is the opponent's move: "Waiting for bob (O) to move, 25 s left.".
pub fn their_turn(opponent: &str, mark: Mark, left: Option<Duration>) -> String {
    match left {
        Some(left) => format!(
            "Waiting for {opponent} ({mark}) to move, {} left.",
            seconds(left)
        ),
        None => format!("Waiting for {opponent} ({mark}) to move."),
    }
}

/// The server's clock warning, to the mover: "Hurry: 10 s left for your
/// move!".
pub fn hurry(left: Duration) -> String {
    format!("Hurry: {} left for your move!", seconds(left))
}

/// The server's clock warning about the opponent: "bob has 10 s left to
/// move.".
pub fn their_clock(opponent: &str, left: Duration) -> String {
    format!("{opponent} has {} left to move.", seconds(left))
}

/// The rematch offer, without how to answer: "Play again, marks swapped?
/// (120 s to answer)".
pub fn rematch_offer(limit: Option<Duration>) -> String {
    match limit {
        Some(limit) => format!("Play again, marks swapped? ({} to answer)", seconds(limit)),
        None => "Play again, marks swapped?".to_owned(),
    }
}

/// After your yes to the rematch: "Waiting for bob's answer...".
pub fn awaiting_answer(opponent: &str) -> String {
    format!("Waiting for {opponent}'s answer...")
}

/// Where a waiting player stands, from version 2's `WAIT`.
pub fn place(Place { place, game_on }: Place) -> String {
    match (game_on, place) {
        (false, _) => "Waiting for an opponent to connect...".to_owned(),
        (true, 1) => "A game is being played; you play next.".to_owned(),
        (true, n) => format!(
            "A game is being played; you are number {n} in line, {} ahead of you.",
            players(n - 1)
        ),
    }
}

/// Waiting, where the place is not known (version 1's bare `WAIT`).
pub fn waiting(again: bool) -> String {
    if again {
        "Waiting for your next opponent...".to_owned()
    } else {
        "Waiting for an opponent...".to_owned()
    }
}

/// Told at the table when people wait for it: there will be no rematch.
/// "carol is waiting to play: winner stays on, no rematch."
pub fn line(waiting: u32, next: Option<&str>) -> String {
    match (waiting, next) {
        (0, _) => "Nobody is waiting to play any more.".to_owned(),
        (1, Some(next)) => format!("{next} is waiting to play: winner stays on, no rematch."),
        (n, Some(next)) => format!(
            "{} are waiting to play ({next} next): winner stays on, no rematch.",
            players(n)
        ),
        (n, None) => format!(
            "{} waiting to play: winner stays on, no rematch.",
            players(n)
        ),
    }
}

/// "1 player", "3 players".
fn players(n: u32) -> String {
    match n {
        1 => "1 player".to_owned(),
        n => format!("{n} players"),
    }
}

/// The opponent left the table during the rematch offer.
pub fn partner_left(name: &str, how: Departure) -> String {
    match how {
        Departure::Declined => format!("{name} declined the rematch."),
        Departure::Disconnect => format!("{name} left."),
        Departure::NoAnswer => format!("{name} did not answer the rematch offer in time."),
        Departure::Abuse => format!("{name} was cut off for protocol errors."),
    }
}

/// Others are waiting, so you make way for the next in line.
pub fn make_way(stays: &str, after_tie: bool) -> String {
    if after_tie {
        format!(
            "Others are waiting, so {stays} stays on and plays the next in line (after a tie, \
             the longer-seated player makes way)."
        )
    } else {
        format!("Others are waiting, so {stays} stays on and plays the next in line.")
    }
}

/// After a game against the computer with others waiting.
pub fn next_in_line() -> String {
    "Others are waiting, so the table goes to the next in line.".to_owned()
}

/// The question after making way, without how to answer.
pub fn rejoin_offer(limit: Option<Duration>) -> String {
    match limit {
        Some(limit) => format!(
            "Join the back of the line to play again? ({} to answer)",
            seconds(limit)
        ),
        None => "Join the back of the line to play again?".to_owned(),
    }
}

/// The question before leaving a game, without how to answer.
pub fn leave_question(opponent: &str) -> String {
    format!("Leave this game? {opponent} wins by forfeit.")
}

/// Leaving was not confirmed.
pub fn playing_on() -> &'static str {
    "Playing on."
}

/// The server gave you another name.
pub fn renamed(asked: &str, shown: &str) -> String {
    format!("The name {asked} is taken here; you play as {shown}.")
}

/// You leave the table, and why (the reasons that are yours).
pub fn you_leave(why: Leaving) -> &'static str {
    match why {
        Leaving::Quit => "You left.",
        Leaving::Declined => "You declined the rematch.",
        Leaving::TooLate => "You did not answer in time.",
        Leaving::OutOfTime => "You ran out of time.",
    }
}

/// Why you leave a table yourself (see [`you_leave`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaving {
    /// You quit, or left the line.
    Quit,
    /// You said no to the rematch.
    Declined,
    /// You did not answer a question in time.
    TooLate,
    /// Your turn clock ran out.
    OutOfTime,
}

/// The last words: "Thanks for playing, ann!".
pub fn thanks(me: &str) -> String {
    format!("Thanks for playing, {me}!")
}

/// The server is stopping.
pub fn shutting_down() -> &'static str {
    "The server is shutting down."
}

/// The client connected but nobody greets it: the server is busy (an older
/// server, one game at a time) and it waits in its queue.
pub fn unseen_in_queue() -> &'static str {
    "The server is busy with another game; you are in its queue and will be \
     greeted when it ends."
}

/// A move got no answer in time.
pub fn no_answer(waited: Duration) -> String {
    format!(
        "No answer from the server for {}; it may be gone: wait on, or leave.",
        span(waited)
    )
}

/// A length of time as set, to a tenth of a second: `3 s`, `0.2 s`.
/// (Time left is [`seconds`]: rounded up, never shown as less.)
pub fn span(d: Duration) -> String {
    let tenths = format!("{:.1}", d.as_secs_f64());
    format!("{} s", tenths.strip_suffix(".0").unwrap_or(&tenths))
}

/// After leaving, the server did not say goodbye.
pub fn leaving_anyway() -> &'static str {
    "No answer from the server; leaving anyway."
}

/// A cell chosen out of turn.
pub fn not_your_turn(opponent: &str) -> String {
    format!("Not your turn yet: waiting for {opponent}.")
}

/// A key or line that answers nothing now.
pub fn nothing_to_answer() -> &'static str {
    "Nothing to answer yet."
}

/// A yes-or-no question got something else.
pub fn answer_yes_or_no() -> &'static str {
    "Please answer y or n."
}

/// A line that is not a move, at the move.
pub fn type_a_cell() -> &'static str {
    "Type the number of an empty cell, 1 to 9, as on the board."
}

/// A piped script ran out while something was asked.
pub fn end_of_input() -> &'static str {
    "End of input: leaving."
}

/// You left the line before playing.
pub fn left_the_line() -> &'static str {
    "You left the line."
}

/// Waiting alone: the computer is there to play.
pub fn computer_offer() -> &'static str {
    "No opponent yet: you can play the computer (easy, fair or perfect)."
}

/// The computer was asked for, and the server has none.
pub fn no_computer() -> &'static str {
    "This server has no computer opponent; waiting for a person instead."
}

/// What the server said in its own words (an `ERR` or `BYE` text).
pub fn server_says(text: &str) -> String {
    format!("Server: {text}")
}

/// A line from the server this client cannot read.
pub fn unreadable_line(error: &str) -> String {
    format!("Ignoring a line from the server that this client does not understand ({error}).")
}

/// How to come back, for a person, before the line to type (`play ann
/// K7XQ2M`), which goes on a line of its own so it is never cut.
pub fn come_back(grace: Duration) -> String {
    format!(
        "If your connection drops, your place is kept for {}. To come back, connect \
         again and type:",
        seconds(grace)
    )
}

/// A player's connection dropped and their seat is held.
pub fn away(name: &str, left: Duration) -> String {
    format!(
        "{name}'s connection dropped; they have {} to come back (their clock runs on).",
        seconds(left)
    )
}

/// They came back.
pub fn back(name: &str) -> String {
    format!("{name} is back.")
}

/// You came back to your seat or place.
pub fn you_are_back() -> &'static str {
    "You are back."
}

/// The connection was lost and the client tries again.
pub fn reconnecting(attempt: u32, left: Duration) -> String {
    format!(
        "Connection lost; coming back (try {attempt}, {} left to get in)...",
        seconds(left)
    )
}

/// The seat could not be got back.
pub fn could_not_come_back() -> &'static str {
    "Could not get back in time; the seat is lost."
}

/// Watching starts, or a new game begins at the watched table.
pub fn watching(x: &str, o: &str, limit: Option<Duration>) -> String {
    let clock = limit.map_or(String::new(), |l| format!(" Each move has {}.", seconds(l)));
    format!("Watching {x} (X) against {o} (O).{clock}")
}

/// The watched table has no game now.
pub fn no_game_on() -> &'static str {
    "Nobody is playing at the table now."
}

/// A move at the watched table: "ann (X) took 5.".
pub fn watched_move(name: &str, mark: Mark, cell: Cell) -> String {
    format!("{name} ({mark}) took {cell}.")
}

/// Whose move it is at the watched table.
pub fn watched_turn(name: &str, mark: Mark, left: Option<Duration>) -> String {
    match left {
        Some(left) => format!("{name} ({mark}) to move, {} left.", seconds(left)),
        None => format!("{name} ({mark}) to move."),
    }
}

/// How a watched game ended, by name: `x` and `o` are the players.
pub fn verdict(verdict: Verdict, x: &str, o: &str) -> String {
    let name = |mark| if mark == Mark::X { x } else { o };
    match verdict {
        Verdict::Tie => "It's a tie: the board is full.".to_owned(),
        Verdict::Won(mark, Ending::Line(line)) => {
            format!("{} wins: three in a row on {line}.", name(mark))
        }
        Verdict::Won(mark, Ending::Forfeit(reason)) => format!(
            "{} wins: {} {}.",
            name(mark),
            name(mark.other()),
            match reason {
                Forfeit::Quit => "left the game",
                Forfeit::Disconnect => "disconnected",
                Forfeit::Timeout => "ran out of time",
                Forfeit::Abuse => "was cut off for protocol errors",
            }
        ),
    }
}

/// The running score at the watched table.
pub fn tally(x_name: &str, x: u32, o_name: &str, o: u32, ties: u32) -> String {
    format!("Score at the table: {x_name} {x}, {o_name} {o}, ties {ties}.")
}

/// A person stopped watching.
pub fn unwatched() -> &'static str {
    "You stopped watching."
}

/// A `RESULT`, in words, from this player's side.
///
/// ```
/// use ttt_protocol::{Ending, Forfeit, Outcome, words};
/// let quit = Outcome::Lose(Ending::Forfeit(Forfeit::Quit));
/// assert_eq!(words::outcome(quit, "bob"), "You left; bob wins by forfeit.");
/// ```
pub fn outcome(outcome: Outcome, opponent: &str) -> String {
    match outcome {
        Outcome::Tie => "It's a tie: the board is full.".to_owned(),
        Outcome::Win(Ending::Line(line)) => format!("You win! Three in a row on {line}."),
        Outcome::Lose(Ending::Line(line)) => {
            format!("You lose: {opponent} got three in a row on {line}.")
        }
        Outcome::Win(Ending::Forfeit(reason)) => format!(
            "You win: {opponent} {}.",
            match reason {
                Forfeit::Quit => "left the game",
                Forfeit::Disconnect => "disconnected",
                Forfeit::Timeout => "ran out of time",
                Forfeit::Abuse => "was cut off for protocol errors",
            }
        ),
        Outcome::Lose(Ending::Forfeit(reason)) => format!(
            "{}; {opponent} wins by forfeit.",
            match reason {
                Forfeit::Quit => "You left",
                Forfeit::Disconnect => "Your connection dropped",
                Forfeit::Timeout => "Your time ran out",
                Forfeit::Abuse => "The server cut you off for protocol errors",
            }
        ),
    }
}

/// The running score, from this player's side.
pub fn score(score: Score, opponent: &str) -> String {
    let Score { wins, losses, ties } = score;
    format!("Score: you {wins}, {opponent} {losses}, ties {ties}.")
}

/// The board as five lines of text, for a screen with no colour: empty
/// cells show the number to type, and the last move is bracketed.
///
/// ```text
///  X | 2 | 3
/// ---+---+---
///  4 |[O]| 6
/// ---+---+---
///  7 | 8 | 9
/// ```
pub fn grid(board: &Board, last: Option<Cell>) -> [String; 5] {
    let cell = |c: Cell| match (board.cell(c), Some(c) == last) {
        (Some(mark), true) => format!("[{mark}]"),
        (Some(mark), false) => format!(" {mark} "),
        (None, _) => format!(" {c} "),
    };
    let row = |r: usize| {
        let cells = &Cell::ALL[r * 3..r * 3 + 3];
        format!("{}|{}|{}", cell(cells[0]), cell(cells[1]), cell(cells[2]))
    };
    let rule = "---+---+---".to_owned();
    [row(0), rule.clone(), row(1), rule, row(2)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_in_words() {
        let line = "1 5 9".parse().expect("line");
        assert_eq!(
            outcome(Outcome::Win(Ending::Line(line)), "bob"),
            "You win! Three in a row on 1 5 9."
        );
        assert_eq!(
            outcome(Outcome::Lose(Ending::Line(line)), "bob"),
            "You lose: bob got three in a row on 1 5 9."
        );
        assert_eq!(
            outcome(Outcome::Win(Ending::Forfeit(Forfeit::Disconnect)), "bob"),
            "You win: bob disconnected."
        );
        assert_eq!(
            outcome(Outcome::Lose(Ending::Forfeit(Forfeit::Timeout)), "bob"),
            "Your time ran out; bob wins by forfeit."
        );
        assert_eq!(
            outcome(Outcome::Tie, "bob"),
            "It's a tie: the board is full."
        );
    }

    #[test]
    fn watched_games_are_told_by_name() {
        let line = "1 5 9".parse().expect("line");
        assert_eq!(
            verdict(Verdict::Won(Mark::O, Ending::Line(line)), "ann", "bob"),
            "bob wins: three in a row on 1 5 9."
        );
        assert_eq!(
            verdict(
                Verdict::Won(Mark::X, Ending::Forfeit(Forfeit::Timeout)),
                "ann",
                "bob"
            ),
            "ann wins: bob ran out of time."
        );
        assert_eq!(
            come_back(Duration::from_secs(30)),
            "If your connection drops, your place is kept for 30 s. To come back, connect \
             again and type:"
        );
    }

    #[test]
    fn score_from_my_side() {
        let s = Score {
            wins: 2,
            losses: 1,
            ties: 0,
        };
        assert_eq!(score(s, "bob"), "Score: you 2, bob 1, ties 0.");
    }

    #[test]
    fn spans_keep_tenths() {
        assert_eq!(span(Duration::from_millis(200)), "0.2 s");
        assert_eq!(span(Duration::from_secs(3)), "3 s");
        assert_eq!(span(Duration::from_millis(1500)), "1.5 s");
    }

    #[test]
    fn seconds_round_up() {
        assert_eq!(seconds(Duration::from_millis(1500)), "2 s");
        assert_eq!(seconds(Duration::from_secs(30)), "30 s");
        assert_eq!(seconds(Duration::from_millis(1)), "1 s");
        assert_eq!(seconds(Duration::ZERO), "0 s");
    }

    #[test]
    fn wrapping_keeps_words_and_width() {
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(wrap("a b", 10), ["a b"]);
        assert_eq!(wrap("aaaa bbbb cccc", 9), ["aaaa bbbb", "cccc"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("x abcdefghij", 4), ["x", "abcd", "efgh", "ij"]);
        assert_eq!(wrap("Zoë Zoë", 3), ["Zoë", "Zoë"]);
        // A time stays whole.
        assert_eq!(wrap("has 120 s.", 8), ["has", "120 s."]);
        let long = start(Mark::O, &"n".repeat(24), Some(Duration::from_secs(86_400)));
        for line in wrap(&long, WIDTH) {
            assert!(line.chars().count() <= WIDTH, "{line}");
        }
    }

    /// Columns, not characters: a name of 24 wide letters is 48 columns,
    /// and a line with it still fits 80 (issue 29: it made 128).
    #[test]
    fn wrapping_counts_terminal_columns() {
        let wide = "名".repeat(24);
        assert_eq!(columns(&wide), 48);
        let long = start(Mark::O, &wide, Some(Duration::from_secs(86_400)));
        let lines = wrap(&format!("{long} {long}"), WIDTH);
        assert!(lines.len() > 2, "{lines:?}");
        for line in &lines {
            assert!(columns(line) <= WIDTH, "{} columns: {line}", columns(line));
        }
        // A word wider than the line is cut between letters, never inside one.
        assert_eq!(wrap("名前名前名", 4), ["名前", "名前", "名"]);
        assert_eq!(wrap("名", 1), ["名"]);
        // Combining marks take no column.
        assert_eq!(wrap("Zoe\u{308} Zoe\u{308}", 7), ["Zoe\u{308} Zoe\u{308}"]);
    }

    #[test]
    fn the_grid_numbers_free_cells_and_brackets_the_last_move() {
        let board: Board = "X...O....".parse().expect("board");
        assert_eq!(
            grid(&board, Cell::new(5)),
            [
                " X | 2 | 3 ",
                "---+---+---",
                " 4 |[O]| 6 ",
                "---+---+---",
                " 7 | 8 | 9 "
            ]
        );
    }

    #[test]
    fn places_and_lines_read_naturally() {
        let at = |place, game_on| self::place(Place { place, game_on });
        assert_eq!(at(1, false), "Waiting for an opponent to connect...");
        assert_eq!(at(1, true), "A game is being played; you play next.");
        assert_eq!(
            at(3, true),
            "A game is being played; you are number 3 in line, 2 players ahead of you."
        );
        assert_eq!(
            line(1, Some("carol")),
            "carol is waiting to play: winner stays on, no rematch."
        );
        assert_eq!(
            line(2, Some("carol")),
            "2 players are waiting to play (carol next): winner stays on, no rematch."
        );
        assert_eq!(line(0, None), "Nobody is waiting to play any more.");
    }
}
