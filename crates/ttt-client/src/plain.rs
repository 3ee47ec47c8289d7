//! The plain transcript: one event per line, in order, never rewritten.
//!
//! For a pipe or a file, for `TERM=dumb`, and for a screen reader
//! (`--plain`): no escape byte of any kind, every line under 80 columns
//! (or the terminal's width, if narrower), the clock said in lines of its
//! own ("Hurry: 10 s left for your move!") and in each question. A
//! question leaves its line open for the answer; anything said meanwhile
//! ends that line first and asks again after.

use std::io::Write;
use std::time::Instant;

use ttt_protocol::words;

use crate::front::Front;
use crate::input::Act;
use crate::input::Input;
use crate::prompts;
use crate::view::{Note, Show, Stage, View, Watched};

/// The transcript, written to `out`.
#[derive(Debug)]
pub struct Plain<W: Write> {
    out: W,
    width: usize,
    /// A person types: questions name Ctrl-C, waiting names `q`.
    keyboard: bool,
    /// A question is on screen, its line open.
    open: bool,
}

impl<W: Write> Plain<W> {
    /// A transcript `width` columns wide (at most [`words::WIDTH`]).
    /// `keyboard`: stdin is a terminal, so the player's Enter and Ctrl-C
    /// are echoed by it.
    pub fn new(out: W, width: usize, keyboard: bool) -> Plain<W> {
        Plain {
            out,
            width: width.clamp(20, words::WIDTH),
            keyboard,
            open: false,
        }
    }

    /// What was written, for tests.
    pub fn output(&self) -> &W {
        &self.out
    }

    /// Ends an open question's line.
    fn close(&mut self) {
        if std::mem::take(&mut self.open) {
            let _ = writeln!(self.out);
        }
    }

    /// Writes `text` as lines of its own, wrapped.
    fn say(&mut self, text: &str) {
        self.close();
        for line in words::wrap(text, self.width) {
            let _ = writeln!(self.out, "{line}");
        }
    }

    /// Asks the open question, if any and not asked yet: wrapped, the
    /// last line left open.
    fn ask(&mut self, view: &View, now: Instant) {
        if self.open {
            return;
        }
        let Some(question) = prompts::typed_question(view, self.keyboard, now) else {
            return;
        };
        let mut lines = words::wrap(question.trim_end(), self.width - 1);
        let last = lines.pop().unwrap_or_default();
        for line in lines {
            let _ = writeln!(self.out, "{line}");
        }
        let _ = write!(self.out, "{last} ");
        self.open = true;
    }

    /// The watched game's board, under the names and marks, and whose
    /// move it is.
    fn watched(&mut self, watched: &Watched, now: Instant) {
        if watched.board == ttt_protocol::Board::new() && watched.turn.is_none() {
            // Nothing on it yet: the next board says more.
            return;
        }
        let mut text = format!("\n{} (X) vs {} (O)\n", watched.x, watched.o);
        for row in words::grid(&watched.board, watched.last) {
            text.push_str(row.trim_end());
            text.push('\n');
        }
        self.close();
        let _ = writeln!(self.out, "{text}");
        if let Some(turn) = watched.turn {
            let left = watched.deadline.map(|d| d.saturating_duration_since(now));
            let text = words::watched_turn(watched.name(turn).as_str(), turn, left);
            self.say(&text);
        }
    }

    /// The board as the server sent it, under the names and marks.
    fn board(&mut self, view: &View, now: Instant) {
        if let Some(watched) = view.watched_now() {
            return self.watched(watched, now);
        }
        if matches!(view.stage, Stage::Waiting(_) | Stage::Watching) {
            return;
        }
        let Some(game) = &view.game else {
            return;
        };
        let mut text = format!(
            "\n{} ({}) vs {} ({})\n",
            view.me,
            game.mark,
            game.opponent,
            game.mark.other()
        );
        for row in words::grid(&game.board, game.last) {
            text.push_str(row.trim_end());
            text.push('\n');
        }
        self.close();
        let _ = writeln!(self.out, "{text}");
        if let Some(turn) = game.turn
            && turn != game.mark
        {
            let left = view.clock.map(|c| c.left(now));
            let text = words::their_turn(game.opponent.as_str(), turn, left);
            self.say(&text);
        }
    }
}

impl<W: Write> Front for Plain<W> {
    fn show(&mut self, view: &View, shown: &[Show], now: Instant) {
        let mut asked_again = false;
        for show in shown {
            match show {
                Show::Note(note) => {
                    let mut text = note.sentence(view);
                    match note {
                        Note::Waiting { .. } if self.keyboard => {
                            text = format!("{text} {}", prompts::typed_leave());
                        }
                        Note::ComputerOffer => {
                            text = format!("{text} {}", prompts::typed_computer());
                        }
                        _ => {}
                    }
                    self.say(&text);
                    asked_again = true;
                }
                Show::Board => {
                    self.board(view, now);
                    asked_again = true;
                }
                Show::Ask => asked_again = true,
                Show::Clock => {}
            }
        }
        if asked_again && view.stage != Stage::Leaving {
            self.ask(view, now);
        }
        let _ = self.out.flush();
    }

    fn input(&mut self, input: Input, _view: &View, _now: Instant) -> Option<Act> {
        match input {
            Input::Line(line) => {
                // The player's Enter ended the question's line.
                self.open = false;
                Some(Act::from_line(&line))
            }
            Input::Key(_) | Input::Resize(..) => None,
        }
    }

    fn echo(&mut self, line: &str) {
        if std::mem::take(&mut self.open) {
            let _ = writeln!(self.out, "{line}");
        }
    }

    fn interrupted(&mut self) {
        // A terminal echoed ^C where the cursor was.
        if self.keyboard {
            self.open = true;
        }
        self.close();
    }

    fn finish(&mut self) {
        self.close();
        let _ = self.out.flush();
    }
}

#[cfg(test)]
mod tests;
