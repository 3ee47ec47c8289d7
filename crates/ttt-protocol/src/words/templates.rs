//! The sentences of [`words`](super) with holes, for a front end that
//! builds its sentences itself: the browser page, in JavaScript, which
//! gets this table with the page and fills the holes from the lines it
//! reads. So the page says exactly what the console client and the
//! server's prose for a person say, and no sentence is written twice.
//!
//! Each template is made by calling the function of `words` that says it,
//! with stand-ins for what varies: a placeholder such as `{name}` where the
//! function takes text; a number no game reaches (900000 and up) where it
//! takes a number or a time, replaced by its hole afterwards; and, where it
//! takes a cell, a mark or a line, two calls with different values, the
//! hole being where the two sentences differ.
//!
//! The holes: `{name}` (the opponent, or the player named), `{cell}`,
//! `{mark}`, `{line}` (three cells, `1 2 3`), `{s}` (whole seconds),
//! `{n}` and `{ahead}` (places in line), `{wins}`, `{losses}`, `{ties}`,
//! `{try}`, `{asked}`, `{shown}`, `{text}` (the server's own words).

use std::time::Duration;

use super::*;
use crate::board::Line;
use crate::message::{Departure, Place};
use crate::outcome::{Ending, Forfeit, Outcome, Score};

/// Whole seconds no game reaches: the stand-in for `{s}`.
const SECONDS: u64 = 900_101;
/// The stand-ins for numbers, each with its hole.
const N: u32 = 900_003;
const AHEAD: u32 = N - 1;
const WINS: u32 = 900_005;
const LOSSES: u32 = 900_006;
const TIES: u32 = 900_007;
const TRY: u32 = 900_008;

/// `text` with every stand-in number replaced by its hole.
fn holes(text: String) -> String {
    [
        (SECONDS.to_string(), "{s}"),
        (N.to_string(), "{n}"),
        (AHEAD.to_string(), "{ahead}"),
        (WINS.to_string(), "{wins}"),
        (LOSSES.to_string(), "{losses}"),
        (TIES.to_string(), "{ties}"),
        (TRY.to_string(), "{try}"),
    ]
    .iter()
    .fold(text, |text, (stand_in, hole)| text.replace(stand_in, hole))
}

/// One sentence said with two different values of one thing: the
/// sentence with a hole named `name` where they differ.
fn hole(a: String, b: String, name: &str) -> String {
    let (a_chars, b_chars): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let prefix = a_chars
        .iter()
        .zip(&b_chars)
        .take_while(|(x, y)| x == y)
        .count();
    let room = a_chars.len().min(b_chars.len()) - prefix;
    let suffix = a_chars
        .iter()
        .rev()
        .zip(b_chars.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    let head: String = a_chars[..prefix].iter().collect();
    let tail: String = a_chars[a_chars.len() - suffix..].iter().collect();
    format!("{head}{{{name}}}{tail}")
}

/// Every template, by the name the page knows it by.
pub fn all() -> Vec<(&'static str, String)> {
    let s = Some(Duration::from_secs(SECONDS));
    let (three, seven) = (Cell::ALL[2], Cell::ALL[6]);
    let (top, middle) = (Line::ALL[0], Line::ALL[1]);
    let (x, o) = (Mark::X, Mark::O);
    let name = "{name}";
    let mut all = vec![
        ("waiting", waiting(false)),
        ("renamed", renamed("{asked}", "{shown}")),
        ("start_x", start(x, name, None)),
        ("start_x_clock", start(x, name, s)),
        ("start_o", start(o, name, None)),
        ("start_o_clock", start(o, name, s)),
        (
            "moved_mine",
            hole(moved(three, true, name), moved(seven, true, name), "cell"),
        ),
        (
            "moved_theirs",
            hole(moved(three, false, name), moved(seven, false, name), "cell"),
        ),
        (
            "your_turn",
            hole(your_turn(x, None), your_turn(o, None), "mark"),
        ),
        (
            "your_turn_clock",
            hole(your_turn(x, s), your_turn(o, s), "mark"),
        ),
        (
            "their_turn",
            hole(their_turn(name, x, None), their_turn(name, o, None), "mark"),
        ),
        (
            "their_turn_clock",
            hole(their_turn(name, x, s), their_turn(name, o, s), "mark"),
        ),
        ("hurry", hurry(Duration::from_secs(SECONDS))),
        (
            "their_clock",
            their_clock(name, Duration::from_secs(SECONDS)),
        ),
        ("rematch_offer", rematch_offer(None)),
        ("rematch_offer_clock", rematch_offer(s)),
        ("next_in_line", next_in_line()),
        ("rejoin_offer", rejoin_offer(None)),
        ("rejoin_offer_clock", rejoin_offer(s)),
        ("place_open", place(at(1, false))),
        ("place_next", place(at(1, true))),
        ("place_second", place(at(2, true))),
        ("place_nth", place(at(N, true))),
        ("line_none", line(0, None)),
        ("line_one", line(1, Some(name))),
        ("line_many", line(N, Some(name))),
        ("line_one_unnamed", line(1, None)),
        ("line_many_unnamed", line(N, None)),
        ("left_declined", partner_left(name, Departure::Declined)),
        ("left_disconnect", partner_left(name, Departure::Disconnect)),
        ("left_noanswer", partner_left(name, Departure::NoAnswer)),
        ("left_abuse", partner_left(name, Departure::Abuse)),
        ("tie", outcome(Outcome::Tie, name)),
        (
            "win_line",
            hole(
                outcome(Outcome::Win(Ending::Line(top)), name),
                outcome(Outcome::Win(Ending::Line(middle)), name),
                "line",
            ),
        ),
        (
            "lose_line",
            hole(
                outcome(Outcome::Lose(Ending::Line(top)), name),
                outcome(Outcome::Lose(Ending::Line(middle)), name),
                "line",
            ),
        ),
        (
            "score",
            score(
                Score {
                    wins: WINS,
                    losses: LOSSES,
                    ties: TIES,
                },
                name,
            ),
        ),
        ("away", away(name, Duration::from_secs(SECONDS))),
        ("back", back(name)),
        ("you_are_back", you_are_back().to_owned()),
        (
            "reconnecting",
            reconnecting(TRY, Duration::from_secs(SECONDS)),
        ),
        ("could_not_come_back", could_not_come_back().to_owned()),
        ("server_says", server_says("{text}")),
        ("thanks", thanks(name)),
    ];
    for (won, lost, reason) in [
        ("win_quit", "lose_quit", Forfeit::Quit),
        ("win_disconnect", "lose_disconnect", Forfeit::Disconnect),
        ("win_timeout", "lose_timeout", Forfeit::Timeout),
        ("win_abuse", "lose_abuse", Forfeit::Abuse),
    ] {
        all.push((won, outcome(Outcome::Win(Ending::Forfeit(reason)), name)));
        all.push((lost, outcome(Outcome::Lose(Ending::Forfeit(reason)), name)));
    }
    all.into_iter()
        .map(|(key, text)| (key, holes(text)))
        .collect()
}

fn at(place: u32, game_on: bool) -> Place {
    Place { place, game_on }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fills a template as the page does: each `{hole}` from `values`.
    fn fill(template: &str, values: &[(&str, &str)]) -> String {
        values
            .iter()
            .fold(template.to_owned(), |text, (hole, value)| {
                text.replace(&format!("{{{hole}}}"), value)
            })
    }

    fn template(key: &str) -> String {
        all()
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|(_, t)| t)
            .unwrap_or_else(|| panic!("no template {key}"))
    }

    const HOLES: [&str; 14] = [
        "name", "cell", "mark", "line", "s", "n", "ahead", "wins", "losses", "ties", "try",
        "asked", "shown", "text",
    ];

    #[test]
    fn every_template_has_only_known_holes_and_no_stand_in_left() {
        let all = all();
        let mut keys: Vec<_> = all.iter().map(|(k, _)| *k).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), all.len(), "a key is used twice");
        for (key, text) in &all {
            assert!(!text.contains("9001"), "{key}: a stand-in is left: {text}");
            assert!(!text.contains("9000"), "{key}: a stand-in is left: {text}");
            for piece in text.split('{').skip(1) {
                let hole = piece.split('}').next().unwrap_or_default();
                assert!(HOLES.contains(&hole), "{key}: unknown hole {hole:?}");
            }
        }
    }

    /// Filled as the page fills them, the templates say what the
    /// functions say, for values other than the stand-ins.
    #[test]
    fn filled_templates_are_the_sentences() {
        let cell = Cell::ALL[4];
        let s25 = Some(Duration::from_secs(25));
        for (key, values, said) in [
            (
                "moved_theirs",
                vec![("name", "bob"), ("cell", "5")],
                moved(cell, false, "bob"),
            ),
            ("moved_mine", vec![("cell", "5")], moved(cell, true, "bob")),
            (
                "start_o_clock",
                vec![("name", "bob"), ("s", "120")],
                start(Mark::O, "bob", Some(Duration::from_secs(120))),
            ),
            (
                "your_turn_clock",
                vec![("mark", "O"), ("s", "25")],
                your_turn(Mark::O, s25),
            ),
            (
                "their_turn_clock",
                vec![("name", "bob"), ("mark", "X"), ("s", "25")],
                their_turn("bob", Mark::X, s25),
            ),
            (
                "place_nth",
                vec![("n", "3"), ("ahead", "2")],
                place(at(3, true)),
            ),
            ("place_second", vec![], place(at(2, true))),
            (
                "line_many",
                vec![("n", "2"), ("name", "carol")],
                line(2, Some("carol")),
            ),
            (
                "lose_line",
                vec![("name", "bob"), ("line", "3 5 7")],
                outcome(Outcome::Lose(Ending::Line(Line::ALL[7])), "bob"),
            ),
            (
                "win_timeout",
                vec![("name", "bob")],
                outcome(Outcome::Win(Ending::Forfeit(Forfeit::Timeout)), "bob"),
            ),
            (
                "score",
                vec![
                    ("wins", "2"),
                    ("losses", "0"),
                    ("ties", "11"),
                    ("name", "bob"),
                ],
                score(
                    Score {
                        wins: 2,
                        losses: 0,
                        ties: 11,
                    },
                    "bob",
                ),
            ),
            (
                "reconnecting",
                vec![("try", "2"), ("s", "28")],
                reconnecting(2, Duration::from_secs(28)),
            ),
            (
                "rejoin_offer_clock",
                vec![("s", "120")],
                rejoin_offer(Some(Duration::from_secs(120))),
            ),
        ] {
            assert_eq!(fill(&template(key), &values), said, "{key}");
        }
    }

    #[test]
    fn a_hole_is_where_two_sayings_differ() {
        let (a, b) = ("Your move (X).".to_owned(), "Your move (O).".to_owned());
        assert_eq!(hole(a, b, "mark"), "Your move ({mark}).");
        let (a, b) = ("took 3.".to_owned(), "took 7.".to_owned());
        assert_eq!(hole(a, b, "cell"), "took {cell}.");
    }
}
