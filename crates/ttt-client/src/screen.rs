//! The full-screen board at a terminal: draws [`layout`](crate::layout)
//! frames and reads single keys, through crossterm only (the same on
//! Linux, macOS and Windows, where it turns on the console's VT
//! processing).
//!
//! The terminal is taken over on [`Screen::enter`] (raw mode, the
//! alternate screen, the cursor hidden, mouse clicks reported) and given
//! back exactly as it was on every way out: [`Front::finish`], dropping
//! the screen (an error), [`restore_terminal`] from the panic hook and
//! from a Ctrl-C the loop cannot take. A frame is drawn only when
//! something changed (an event, a key, a resize, a clock's second), and
//! only its changed rows are written.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crossterm::cursor::{Hide, MoveTo, Show as ShowCursor};
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::style::{Attribute, Color, Print, SetAttribute, SetForegroundColor};
use crossterm::terminal::{self, Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{QueueableCommand, execute};
use ttt_protocol::{Cell, Mark, words};

use crate::front::Front;
use crate::input::Act;
use crate::input::Input;
use crate::input::{Arrow, Key};
use crate::layout::{self, Frame, Line, Paint, Ui};
use crate::prompts;
use crate::view::{Ask, Note, Show, View};

/// The most sentences the log keeps.
const LOG_LIMIT: usize = 500;
/// The most log sentences said again on the normal screen at the end.
const SUMMARY: usize = 8;

/// Whether this process has the terminal in raw mode on the alternate
/// screen: set by [`Screen::enter`], cleared by whoever restores it first.
static TAKEN: AtomicBool = AtomicBool::new(false);

/// The board on a terminal, drawn to `out`.
#[derive(Debug)]
pub struct Screen<W: Write> {
    out: W,
    cols: u16,
    rows: u16,
    colour: bool,
    /// The rows on screen now (empty: draw everything).
    drawn: Vec<Line>,
    /// The last frame, for clicks.
    frame: Option<Frame>,
    log: Vec<String>,
    selected: Cell,
    notice: Option<String>,
    /// This screen took the terminal over.
    entered: bool,
    /// Something only the screen knows changed (the selection, a notice
    /// gone, the size): draw at the next chance.
    dirty: bool,
}

impl<W: Write> Screen<W> {
    /// A screen of `cols` x `rows` that draws to `out` and takes nothing
    /// over (for tests: [`Screen::enter`] is the real thing).
    pub fn new(out: W, cols: u16, rows: u16, colour: bool) -> Screen<W> {
        Screen {
            out,
            cols,
            rows,
            colour,
            drawn: Vec::new(),
            frame: None,
            log: Vec::new(),
            selected: Cell::ALL[4],
            notice: None,
            entered: false,
            dirty: true,
        }
    }

    /// Takes the terminal over: raw mode (single keys, no echo), the
    /// alternate screen (the shell's screen comes back at the end), no
    /// cursor, mouse clicks.
    pub fn enter(out: W, colour: bool) -> io::Result<Screen<W>> {
        let (cols, rows) = terminal::size()?;
        let mut screen = Screen::new(out, cols, rows, colour);
        terminal::enable_raw_mode()?;
        TAKEN.store(true, Ordering::SeqCst);
        screen.entered = true;
        execute!(
            screen.out,
            EnterAlternateScreen,
            Hide,
            EnableMouseCapture,
            Clear(ClearType::All)
        )?;
        Ok(screen)
    }

    /// What was written, for tests.
    pub fn output(&self) -> &W {
        &self.out
    }

    /// The last frame drawn, for tests.
    pub fn frame(&self) -> Option<&Frame> {
        self.frame.as_ref()
    }

    /// Draws the frame for `view`, writing only the rows that changed.
    fn draw(&mut self, view: &View, now: Instant) {
        let ui = Ui {
            log: &self.log,
            selected: Some(self.selected),
            notice: self.notice.as_deref(),
        };
        let frame = layout::frame(view, &ui, self.cols, self.rows, now);
        if self.drawn.len() != frame.lines.len() {
            self.drawn.clear();
            let _ = self.out.queue(Clear(ClearType::All));
        }
        for (row, line) in frame.lines.iter().enumerate() {
            if self.drawn.get(row) == Some(line) {
                continue;
            }
            let _ = self.write_row(row, line);
        }
        let _ = self.out.flush();
        self.drawn.clone_from(&frame.lines);
        self.frame = Some(frame);
        self.dirty = false;
    }

    fn write_row(&mut self, row: usize, line: &Line) -> io::Result<()> {
        self.out
            .queue(MoveTo(0, u16::try_from(row).unwrap_or(u16::MAX)))?;
        for span in &line.0 {
            self.paint(span.paint)?;
            self.out.queue(Print(&span.text))?;
            self.out.queue(SetAttribute(Attribute::Reset))?;
        }
        self.out.queue(Clear(ClearType::UntilNewLine))?;
        Ok(())
    }

    /// Sets the attributes for `paint`: colour only if allowed.
    fn paint(&mut self, paint: Paint) -> io::Result<()> {
        let (attributes, colour): (&[Attribute], Option<Color>) = match paint {
            Paint::Text => (&[], None),
            Paint::Strong | Paint::Question => (&[Attribute::Bold], None),
            Paint::Faint => (&[Attribute::Dim], None),
            Paint::Mark(Mark::X) => (&[Attribute::Bold], Some(Color::Red)),
            Paint::Mark(Mark::O) => (&[Attribute::Bold], Some(Color::Blue)),
            Paint::Selected => (&[Attribute::Reverse, Attribute::Bold], None),
            Paint::Title => (&[Attribute::Reverse], None),
            Paint::Notice => (&[Attribute::Bold], Some(Color::Yellow)),
        };
        for &attribute in attributes {
            self.out.queue(SetAttribute(attribute))?;
        }
        if let Some(colour) = colour.filter(|_| self.colour) {
            self.out.queue(SetForegroundColor(colour))?;
        }
        Ok(())
    }

    /// Moves the selection with an arrow, within the board.
    fn step(&mut self, arrow: Arrow) {
        let i = self.selected.index();
        let (row, col) = (i / 3, i % 3);
        let (row, col) = match arrow {
            Arrow::Up => (row.saturating_sub(1), col),
            Arrow::Down => ((row + 1).min(2), col),
            Arrow::Left => (row, col.saturating_sub(1)),
            Arrow::Right => (row, (col + 1).min(2)),
        };
        self.selected = Cell::ALL[row * 3 + col];
    }

    /// Keeps the selection on a free cell when a move is asked: the one
    /// nearest the centre.
    fn select_free(&mut self, view: &View) {
        let Some(game) = &view.game else { return };
        if view.ask != Some(Ask::Move) || game.board.cell(self.selected).is_none() {
            return;
        }
        let nearest = [5, 2, 4, 6, 8, 1, 3, 7, 9]
            .into_iter()
            .filter_map(Cell::new)
            .find(|&c| game.board.cell(c).is_none());
        if let Some(free) = nearest {
            self.selected = free;
        }
    }

    /// Gives the terminal back, if this screen took it.
    fn leave(&mut self) {
        if self.entered && TAKEN.swap(false, Ordering::SeqCst) {
            let _ = give_back(&mut self.out);
        }
        self.entered = false;
    }
}

/// The sentence a notice says at the board, where keys are pressed.
fn notice(note: &Note, view: &View) -> Option<String> {
    match note {
        Note::TypeACell => Some(prompts::press_a_cell().to_owned()),
        Note::NotYourTurn | Note::AnswerYesOrNo | Note::NothingToAnswer | Note::PlayingOn => {
            Some(note.sentence(view))
        }
        _ => None,
    }
}

impl<W: Write> Front for Screen<W> {
    fn show(&mut self, view: &View, shown: &[Show], now: Instant) {
        let mut noticed = false;
        for show in shown {
            match show {
                Show::Note(note) => match notice(note, view) {
                    Some(text) => {
                        self.notice = Some(text);
                        noticed = true;
                    }
                    None => {
                        self.log.push(note.sentence(view));
                        if self.log.len() > LOG_LIMIT {
                            self.log.drain(..self.log.len() - LOG_LIMIT);
                        }
                    }
                },
                Show::Ask if !noticed => self.notice = None,
                Show::Ask | Show::Board | Show::Clock => {}
            }
        }
        self.select_free(view);
        if self.dirty || !shown.is_empty() {
            self.draw(view, now);
        }
    }

    fn input(&mut self, input: Input, view: &View, now: Instant) -> Option<Act> {
        // A key answers the last notice: it goes (or is said again).
        self.dirty |= self.notice.take().is_some();
        let act = match input {
            Input::Resize(cols, rows) => {
                self.cols = cols;
                self.rows = rows;
                self.drawn.clear();
                None
            }
            Input::Line(line) => Some(Act::from_line(&line)),
            Input::Key(key) => self.key(key, view),
        };
        // An act goes to the session, and its step is shown next.
        if act.is_none() {
            self.draw(view, now);
        }
        act
    }

    fn echo(&mut self, _line: &str) {}

    fn interrupted(&mut self) {}

    fn finish(&mut self) {
        self.leave();
        // The alternate screen is gone: say again, on the shell's screen,
        // how it ended.
        let width = usize::from(self.cols).clamp(20, words::WIDTH);
        let start = self.log.len().saturating_sub(SUMMARY);
        for entry in &self.log[start..] {
            for line in words::wrap(entry, width) {
                let _ = writeln!(self.out, "{line}");
            }
        }
        let _ = self.out.flush();
    }
}

impl<W: Write> Screen<W> {
    /// What a key means now.
    fn key(&mut self, key: Key, view: &View) -> Option<Act> {
        let moving = view.ask == Some(Ask::Move);
        match key {
            Key::Char(c @ '1'..='9') => Cell::new(c as u8 - b'0').map(Act::Cell),
            Key::Char('y' | 'Y') => Some(Act::Yes),
            Key::Char('n' | 'N') => Some(Act::No),
            Key::Char('q' | 'Q') | Key::EndOfInput => Some(Act::Leave),
            Key::Char('c' | 'C') => Some(Act::Computer(None)),
            Key::Char(c) if view.ask == Some(Ask::Computer) && prompts::level_key(c).is_some() => {
                Some(Act::Computer(prompts::level_key(c)))
            }
            Key::Arrow(arrow) if moving => {
                self.step(arrow);
                self.dirty = true;
                None
            }
            Key::Enter if moving => Some(Act::Cell(self.selected)),
            Key::Click { col, row } => {
                let cell = self.frame.as_ref()?.cell_at(col, row)?;
                self.selected = cell;
                Some(Act::Cell(cell))
            }
            Key::Char(c) => Some(Act::Unknown(c.to_string())),
            Key::Arrow(_) | Key::Enter => Some(Act::Unknown(String::new())),
        }
    }
}

impl<W: Write> Drop for Screen<W> {
    fn drop(&mut self) {
        self.leave();
    }
}

/// Gives the terminal back to the shell as it was: for the panic hook and
/// an exit that cannot wait for the screen. Does nothing if no screen has
/// it (or it was given back already).
pub fn restore_terminal() {
    if TAKEN.swap(false, Ordering::SeqCst) {
        let _ = give_back(&mut io::stdout());
    }
}

fn give_back(out: &mut impl Write) -> io::Result<()> {
    let shown = execute!(
        out,
        SetAttribute(Attribute::Reset),
        DisableMouseCapture,
        ShowCursor,
        LeaveAlternateScreen
    );
    terminal::disable_raw_mode()?;
    shown
}

/// Throws away what was typed and not read (at a terminal), so that keys
/// pressed during the game do not spill into the shell after it.
pub fn discard_typeahead() {
    #[cfg(unix)]
    {
        let _ = rustix::termios::tcflush(io::stdin(), rustix::termios::QueueSelector::IFlush);
    }
}

#[cfg(test)]
mod tests;
