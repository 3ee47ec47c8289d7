//! Playing from a script: stdin piped (`printf '5\n1\nn\n' | ttt-client`).
//!
//! A script types ahead of the game, so its lines cannot be acts the
//! moment they arrive: a `5` read while the opponent moves would be "not
//! your turn". The [`Script`] keeps them and answers each question the
//! session asks, in order, with the next line. Pure: it reads the session's
//! [`View`] and nothing else, and lives as long as the program, so lines
//! not used on a connection that was given up (an older server, asked again
//! in version 1) are there for the next.

use std::collections::VecDeque;

use crate::view::{Stage, View};

/// Lines piped ahead, and whether stdin has ended.
#[derive(Debug, Default)]
pub struct Script {
    lines: VecDeque<String>,
    ended: bool,
}

/// What the script does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Feed {
    /// Answer with this line (show it: a pipe is not echoed).
    Line(String),
    /// The script ended with something still to answer, or with nothing
    /// to play next: leave.
    End,
}

impl Script {
    /// A line read.
    pub fn push(&mut self, line: String) {
        self.lines.push_back(line);
    }

    /// Stdin ended.
    pub fn end(&mut self) {
        self.ended = true;
    }

    /// What to do now, at `view`: the next line when a question is open
    /// (or, in line for the table, a `q` that leaves it); the end when
    /// the lines ran out where a script can go no further. `None`: wait
    /// for the server.
    pub fn next(&mut self, view: &View) -> Option<Feed> {
        if matches!(view.stage, Stage::Leaving) {
            return None;
        }
        let waiting = matches!(view.stage, Stage::Waiting(_));
        let front_leaves = self
            .lines
            .front()
            .is_some_and(|l| matches!(l.to_ascii_lowercase().as_str(), "q" | "quit"));
        if view.ask.is_some() || (waiting && front_leaves) {
            return match self.lines.pop_front() {
                Some(line) => Some(Feed::Line(line)),
                None => self.ended.then_some(Feed::End),
            };
        }
        // In line, with nothing left to play: a script that has ended
        // would wait for ever.
        (waiting && self.lines.is_empty() && self.ended).then_some(Feed::End)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::Ask;
    use ttt_protocol::Name;

    fn view(stage: Stage, ask: Option<Ask>) -> View {
        View {
            me: "ann".parse::<Name>().expect("name"),
            game: None,
            stage,
            ask,
            clock: None,
            watched: None,
        }
    }

    #[test]
    fn lines_wait_for_questions_and_answer_them_in_order() {
        let mut script = Script::default();
        script.push("5".into());
        script.push("n".into());
        assert_eq!(script.next(&view(Stage::Playing, None)), None);
        assert_eq!(script.next(&view(Stage::Over, None)), None);
        let move_asked = view(Stage::Playing, Some(Ask::Move));
        assert_eq!(script.next(&move_asked), Some(Feed::Line("5".into())));
        let rematch = view(Stage::Over, Some(Ask::Rematch));
        assert_eq!(script.next(&rematch), Some(Feed::Line("n".into())));
        // Out of lines, input still open: wait for more.
        assert_eq!(script.next(&rematch), None);
        script.end();
        assert_eq!(script.next(&rematch), Some(Feed::End));
    }

    #[test]
    fn in_line_only_a_q_is_taken_early() {
        let mut script = Script::default();
        script.push("3".into());
        let waiting = view(Stage::Waiting(None), None);
        assert_eq!(script.next(&waiting), None);
        let mut script = Script::default();
        script.push("Q".into());
        assert_eq!(script.next(&waiting), Some(Feed::Line("Q".into())));
    }

    #[test]
    fn an_ended_script_leaves_the_line_but_not_a_game_in_flight() {
        let mut script = Script::default();
        script.end();
        assert_eq!(
            script.next(&view(Stage::Waiting(None), None)),
            Some(Feed::End)
        );
        // The opponent is moving: the server speaks next.
        assert_eq!(script.next(&view(Stage::Playing, None)), None);
        assert_eq!(script.next(&view(Stage::Leaving, Some(Ask::Move))), None);
    }
}
