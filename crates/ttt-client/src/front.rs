//! The two front ends, and which one a player gets.
//!
//! A front end draws what the session shows ([`View`] and [`Show`] values)
//! and turns the player's input into acts. The full-screen board
//! ([`crate::screen`]) is for a person at a real terminal; the plain
//! transcript ([`crate::plain`]) is for everything else: a pipe, a file,
//! `TERM=dumb`, a screen reader (`--plain`).

use std::time::Instant;

use crate::input::Act;
use crate::input::Input;
use crate::view::{Show, View};

/// What the play loop asks of a front end.
pub trait Front {
    /// Draws what a step changed; `view` is the session's after it.
    fn show(&mut self, view: &View, shown: &[Show], now: Instant);

    /// The player's input: an act for the session, or `None` when it
    /// means nothing to the session (an arrow moving the selection, a
    /// resize) and the front end has dealt with it.
    fn input(&mut self, input: Input, view: &View, now: Instant) -> Option<Act>;

    /// A script's line answers the open question: show it (a pipe is not
    /// echoed by any terminal).
    fn echo(&mut self, line: &str);

    /// Ctrl-C was pressed (the terminal may have echoed `^C`).
    fn interrupted(&mut self);

    /// The session is over: the last things to say, and the terminal as
    /// it was found.
    fn finish(&mut self);
}

/// Which front end to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The full-screen board.
    Screen,
    /// The plain transcript.
    Plain,
}

/// Where the client runs, as far as choosing a front end goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Surroundings<'a> {
    /// `--plain` or `TTT_PLAIN`.
    pub plain_asked: bool,
    /// Stdin is a terminal.
    pub stdin_terminal: bool,
    /// Stdout is a terminal.
    pub stdout_terminal: bool,
    /// `TERM`, if set.
    pub term: Option<&'a str>,
    /// Running on Windows, where consoles set no `TERM`.
    pub windows: bool,
}

impl Mode {
    /// The full-screen board only for a person at a terminal that can
    /// draw one: both stdin and stdout terminals, and a `TERM` that is not
    /// `dumb` (on Unix, set at all: without it nothing is known of the
    /// terminal; Windows consoles never set it).
    pub fn choose(s: Surroundings<'_>) -> Mode {
        let term_draws = match s.term {
            Some("dumb") => false,
            Some(t) => !t.is_empty() || s.windows,
            None => s.windows,
        };
        if !s.plain_asked && s.stdin_terminal && s.stdout_terminal && term_draws {
            Mode::Screen
        } else {
            Mode::Plain
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT_A_TERMINAL: Surroundings<'static> = Surroundings {
        plain_asked: false,
        stdin_terminal: true,
        stdout_terminal: true,
        term: Some("xterm-256color"),
        windows: false,
    };

    #[test]
    fn the_board_only_at_a_terminal_that_can_draw() {
        assert_eq!(Mode::choose(AT_A_TERMINAL), Mode::Screen);
        let plain = |s| assert_eq!(Mode::choose(s), Mode::Plain, "{s:?}");
        plain(Surroundings {
            plain_asked: true,
            ..AT_A_TERMINAL
        });
        plain(Surroundings {
            stdout_terminal: false,
            ..AT_A_TERMINAL
        });
        plain(Surroundings {
            stdin_terminal: false,
            ..AT_A_TERMINAL
        });
        plain(Surroundings {
            term: Some("dumb"),
            ..AT_A_TERMINAL
        });
        plain(Surroundings {
            term: None,
            ..AT_A_TERMINAL
        });
        plain(Surroundings {
            term: Some("dumb"),
            windows: true,
            ..AT_A_TERMINAL
        });
        assert_eq!(
            Mode::choose(Surroundings {
                term: None,
                windows: true,
                ..AT_A_TERMINAL
            }),
            Mode::Screen
        );
    }
}
