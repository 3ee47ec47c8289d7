//! The full-screen board, laid out: which text goes on which row, and how
//! it is painted. Pure: a [`View`], what the screen keeps (the log, the
//! selection, a notice) and a size in, a [`Frame`] out, so every layout is
//! unit-tested at every size without a terminal. `screen.rs` draws frames.
//!
//! Wide terminals (64 columns and more) get the board on the left and the
//! clocks and log on the right; narrower ones get them stacked. Everything
//! fits in the width (names are cut with `…` if they must be), down to
//! [`MIN_COLS`] x [`MIN_ROWS`]; below that the frame says so.

use std::ops::Range;
use std::time::Instant;

use ttt_protocol::{Board, Cell, Mark, words};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::prompts;
use crate::view::{Game, Stage, View, Watched};

/// The narrowest terminal the board is drawn in.
pub const MIN_COLS: u16 = 40;
/// The shortest terminal the board is drawn in.
pub const MIN_ROWS: u16 = 15;
/// From this width on, the log stands beside the board.
const WIDE: u16 = 64;

/// How a piece of text is painted. The screen maps these to attributes and
/// (unless `NO_COLOR`) colours; nothing here depends on colour to be read:
/// the last move is bracketed, the selection has arrows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paint {
    /// Ordinary text.
    Text,
    /// Bold.
    Strong,
    /// Dim: free cells' numbers, rules, key hints.
    Faint,
    /// A mark on the board: bold, and X red, O blue where colour is on.
    Mark(Mark),
    /// The selected cell: reverse video.
    Selected,
    /// The title bar: reverse video.
    Title,
    /// The question: bold.
    Question,
    /// A notice about the last key: bold, yellow where colour is on.
    Notice,
}

/// Text in one paint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The text: printable, no line break.
    pub text: String,
    /// How to paint it.
    pub paint: Paint,
}

/// One row of the screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line(pub Vec<Span>);

impl Line {
    fn push(&mut self, text: impl Into<String>, paint: Paint) {
        let text = text.into();
        if !text.is_empty() {
            self.0.push(Span { text, paint });
        }
    }

    fn of(text: impl Into<String>, paint: Paint) -> Line {
        let mut line = Line::default();
        line.push(text, paint);
        line
    }

    /// The columns the row takes.
    pub fn width(&self) -> usize {
        self.0.iter().map(|s| s.text.width()).sum()
    }

    /// The row's text without paint (for tests, and the summary).
    pub fn text(&self) -> String {
        self.0.iter().map(|s| s.text.as_str()).collect()
    }

    /// Pads with spaces in `paint` to `width` columns.
    fn pad(&mut self, width: usize, paint: Paint) {
        let have = self.width();
        if have < width {
            self.push(" ".repeat(width - have), paint);
        }
    }

    /// This row, then `other` from column `at`.
    fn beside(mut self, at: usize, other: Line) -> Line {
        self.pad(at, Paint::Text);
        self.0.extend(other.0);
        self
    }
}

/// Where a cell is on the screen, for clicks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The cell.
    pub cell: Cell,
    /// Its rows.
    pub rows: Range<u16>,
    /// Its columns.
    pub cols: Range<u16>,
}

/// A whole screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// Exactly as many rows as the screen has, none wider than it.
    pub lines: Vec<Line>,
    /// Where the board's cells are, if it is drawn.
    pub targets: Vec<Target>,
}

impl Frame {
    /// The cell at a column and row, if one is there.
    pub fn cell_at(&self, col: u16, row: u16) -> Option<Cell> {
        self.targets
            .iter()
            .find(|t| t.rows.contains(&row) && t.cols.contains(&col))
            .map(|t| t.cell)
    }
}

/// What the screen keeps besides the session's view.
#[derive(Debug, Clone, Copy)]
pub struct Ui<'a> {
    /// What happened, oldest first: one sentence each.
    pub log: &'a [String],
    /// The cell the arrows select, shown while a move is asked.
    pub selected: Option<Cell>,
    /// What the last key did not do, if it did nothing.
    pub notice: Option<&'a str>,
}

/// The screen for `view` at `cols` x `rows`.
pub fn frame(view: &View, ui: &Ui<'_>, cols: u16, rows: u16, now: Instant) -> Frame {
    let width = usize::from(cols);
    let height = usize::from(rows);
    let title = title(view, width);
    let bottom = bottom(view, ui, width, now);
    let middle = height.saturating_sub(title.len() + bottom.len());
    let narrow_needs = 7; // a small board and two clocks
    if cols < MIN_COLS || rows < MIN_ROWS || middle < narrow_needs {
        return too_small(cols, rows);
    }
    let (mut body, mut targets) = if cols >= WIDE {
        wide(view, ui, width, middle, now)
    } else {
        narrow(view, ui, width, middle, now)
    };
    body.resize(middle, Line::default());
    shift(&mut targets, title.len(), 0);
    let mut lines: Vec<Line> = title.into_iter().chain(body).chain(bottom).collect();
    lines.resize(height, Line::default());
    // Nothing in the last column of the last row, where a terminal may
    // scroll the whole screen up.
    if let Some(last) = lines.last_mut() {
        *last = clip(last, width.saturating_sub(1));
    }
    Frame { lines, targets }
}

/// Says the terminal is too small, centred as far as it fits.
fn too_small(cols: u16, rows: u16) -> Frame {
    let width = usize::from(cols).max(1);
    let text = prompts::too_small(cols, rows, MIN_COLS, MIN_ROWS);
    let mut lines: Vec<Line> = words::wrap(&text, width.saturating_sub(1).max(1))
        .into_iter()
        .map(|l| Line::of(fit(&l, width.saturating_sub(1)), Paint::Strong))
        .collect();
    lines.truncate(usize::from(rows));
    lines.resize(usize::from(rows), Line::default());
    Frame {
        lines,
        targets: Vec::new(),
    }
}

/// The title bar: who plays whom, and the score (on a second row if the
/// two do not fit on one; a long opponent's name is cut to fit).
fn title(view: &View, width: usize) -> Vec<Line> {
    let bar = |text: &str| {
        let mut line = Line::of(fit(text, width), Paint::Title);
        line.pad(width, Paint::Title);
        line
    };
    if let Some(watched) = view.watched_now() {
        let title = prompts::watching_title(view.me.as_str(), watched);
        return vec![bar(&format!(" {title}"))];
    }
    let Some(game) = &view.game else {
        return vec![bar(&format!(" {}", prompts::title(view.me.as_str())))];
    };
    let opponent = game.opponent.as_str();
    let players = |opponent: &str| {
        format!(
            " {} ({}) vs {opponent} ({})",
            view.me,
            game.mark,
            game.mark.other()
        )
    };
    let score = |opponent: &str| format!(" {} ", prompts::score_line(game.score, opponent));
    let (left, right) = (players(opponent), score(opponent));
    if left.width() + right.width() <= width {
        let right = right.trim_start();
        let gap = width - left.width() - right.width();
        return vec![bar(&format!("{left}{}{right}", " ".repeat(gap)))];
    }
    // Two rows, the opponent's name cut where either would not fit.
    let cut = |line: &str| line.width().saturating_sub(width);
    let room = opponent.width().saturating_sub(cut(&left).max(cut(&right)));
    let opponent = fit(opponent, room.max(4));
    vec![bar(&players(&opponent)), bar(&score(&opponent))]
}

/// The bottom: a notice, a rule, the question and the keys that answer it.
fn bottom(view: &View, ui: &Ui<'_>, width: usize, now: Instant) -> Vec<Line> {
    let (question, keys) = prompts::key_question(view, now);
    let mut lines = vec![
        Line::default().beside(
            1,
            Line::of(fit(ui.notice.unwrap_or_default(), width - 1), Paint::Notice),
        ),
        Line::of("─".repeat(width), Paint::Faint),
    ];
    // At most two rows each; a text that fits keeps its spacing.
    let wrapped = |text: &str, paint| -> Vec<Line> {
        if text.width() < width {
            return vec![Line::of(format!(" {text}"), paint)];
        }
        let mut rows: Vec<Line> = words::wrap(text, width - 1)
            .into_iter()
            .map(|l| Line::of(fit(&format!(" {l}"), width), paint))
            .collect();
        rows.truncate(2);
        rows
    };
    lines.extend(wrapped(&question, Paint::Question));
    lines.extend(wrapped(keys, Paint::Faint));
    lines
}

/// Board left; clocks, then the log, right.
fn wide(
    view: &View,
    ui: &Ui<'_>,
    width: usize,
    height: usize,
    now: Instant,
) -> (Vec<Line>, Vec<Target>) {
    let big = height >= 12;
    let (board, mut targets, mut right) = if let Some(watched) = view.watched_now() {
        let (board, targets) = board(Marks::watched(watched), None, big);
        let right_width = width.saturating_sub(board[0].width() + 6);
        (board, targets, watched_clocks(watched, right_width, now))
    } else if let Some(game) = view.game.as_ref().filter(|_| !waiting(view)) {
        let (board, targets) = board(Marks::of(game), selected(view, ui), big);
        let right_width = width.saturating_sub(board[0].width() + 6);
        (board, targets, clocks(view, game, right_width, now))
    } else {
        return (log(ui, width - 1, height, 2, true), Vec::new());
    };
    let left_width = board[0].width() + 4;
    let right_width = width.saturating_sub(left_width + 2);
    if !right.is_empty() {
        right.push(Line::default());
    }
    let log_rows = height.saturating_sub(right.len());
    right.extend(log(ui, right_width, log_rows, 0, true));
    let mut left = vec![Line::default()];
    left.extend(board.into_iter().map(|l| Line::default().beside(2, l)));
    shift(&mut targets, 1, 2);
    let rows = (0..height)
        .map(|i| {
            let l = left.get(i).cloned().unwrap_or_default();
            let r = right.get(i).cloned().unwrap_or_default();
            let mut rule = Line::of("│", Paint::Faint);
            rule.push(" ", Paint::Text);
            rule.0.extend(r.0);
            l.beside(left_width, rule)
        })
        .collect();
    (rows, targets)
}

/// Board, clocks, log, one under the other. Blank rows only where there is
/// room to spare: the log's newest lines come first.
fn narrow(
    view: &View,
    ui: &Ui<'_>,
    width: usize,
    height: usize,
    now: Instant,
) -> (Vec<Line>, Vec<Target>) {
    let (board, mut targets, clocks) = if let Some(watched) = view.watched_now() {
        let (board, targets) = board(Marks::watched(watched), None, false);
        (board, targets, watched_clocks(watched, width - 1, now))
    } else if let Some(game) = view.game.as_ref().filter(|_| !waiting(view)) {
        let (board, targets) = board(Marks::of(game), selected(view, ui), false);
        (board, targets, clocks(view, game, width - 1, now))
    } else {
        return (log(ui, width - 1, height, 1, false), Vec::new());
    };
    let spare = height - board.len() - clocks.len();
    let above = usize::from(spare >= 6);
    let mut rows = vec![Line::default(); above];
    rows.extend(board.into_iter().map(|l| Line::default().beside(2, l)));
    shift(&mut targets, above, 2);
    rows.extend(clocks.into_iter().map(|l| Line::default().beside(1, l)));
    let left = height.saturating_sub(rows.len());
    if left >= 3 {
        rows.push(Line::default());
        rows.extend(log(ui, width - 1, left - 1, 1, false));
    } else {
        rows.extend(log(ui, width - 1, left, 1, false));
    }
    (rows, targets)
}

/// In line (or only watching), with no watched game to show: the last
/// game's board is not drawn, the log has the room.
fn waiting(view: &View) -> bool {
    matches!(view.stage, Stage::Waiting(_) | Stage::Watching)
}

/// Both players of the watched game with their marks, the mover's clock
/// counting down; none once the game is over.
fn watched_clocks(watched: &Watched, width: usize, now: Instant) -> Vec<Line> {
    if watched.turn.is_none() {
        return Vec::new();
    }
    [Mark::X, Mark::O]
        .into_iter()
        .map(|mark| {
            let moving = watched.turn == Some(mark);
            let status = prompts::watched_status(mark, watched, now);
            player_line(watched.name(mark).as_str(), mark, moving, &status, width)
        })
        .collect()
}

/// A player beside the board: name, mark, and the clock's status.
fn player_line(name: &str, mark: Mark, moving: bool, status: &str, width: usize) -> Line {
    let room = width.saturating_sub(status.width() + 6);
    let mut line = Line::default();
    line.push(
        fit(name, room.max(4)),
        if moving { Paint::Strong } else { Paint::Text },
    );
    line.push(" (", Paint::Text);
    line.push(mark.to_string(), Paint::Mark(mark));
    line.push(")", Paint::Text);
    if !status.is_empty() {
        line.push("  ", Paint::Text);
        let paint = if moving { Paint::Strong } else { Paint::Faint };
        let room = width.saturating_sub(line.width());
        line.push(fit(status, room), paint);
    }
    clip(&line, width)
}

/// Moves the cells' targets `down` rows and `right` columns: the board
/// drawn there.
fn shift(targets: &mut [Target], down: usize, right: usize) {
    let (down, right) = (
        u16::try_from(down).unwrap_or(u16::MAX),
        u16::try_from(right).unwrap_or(u16::MAX),
    );
    for target in targets {
        target.rows = target.rows.start + down..target.rows.end + down;
        target.cols = target.cols.start + right..target.cols.end + right;
    }
}

/// The selection, while a move is asked.
fn selected(view: &View, ui: &Ui<'_>) -> Option<Cell> {
    matches!(view.ask, Some(crate::view::Ask::Move))
        .then_some(ui.selected)
        .flatten()
}

/// The board: free cells numbered (dim), marks bold (and coloured), the
/// last move bracketed, the selection in reverse video between arrows.
/// Small: cells 5 wide and 1 high; big: 7 wide and 3 high.
fn board(marks: Marks<'_>, selected: Option<Cell>, big: bool) -> (Vec<Line>, Vec<Target>) {
    let (cell_w, cell_h) = if big { (7, 3) } else { (5, 1) };
    let mut lines = Vec::new();
    let mut targets = Vec::new();
    for (r, row) in Cell::ALL.chunks(3).enumerate() {
        if r > 0 {
            let rule = vec!["─".repeat(cell_w); 3].join("┼");
            lines.push(Line::of(rule, Paint::Faint));
        }
        let top = u16::try_from(lines.len()).unwrap_or(0);
        for h in 0..cell_h {
            let middle = h == cell_h / 2;
            let mut line = Line::default();
            for (c, &cell) in row.iter().enumerate() {
                if c > 0 {
                    line.push("│", Paint::Faint);
                }
                let (text, paint) = if middle {
                    cell_face(marks, cell, selected)
                } else {
                    let paint = if selected == Some(cell) {
                        Paint::Selected
                    } else {
                        Paint::Text
                    };
                    (String::new(), paint)
                };
                line.push(centre(&text, cell_w), paint);
            }
            lines.push(line);
        }
        for (c, &cell) in row.iter().enumerate() {
            let left = u16::try_from(c * (cell_w + 1)).unwrap_or(0);
            let w = u16::try_from(cell_w).unwrap_or(0);
            targets.push(Target {
                cell,
                rows: top..top + u16::try_from(cell_h).unwrap_or(1),
                cols: left..left + w,
            });
        }
    }
    (lines, targets)
}

/// A board to draw, and its last move.
#[derive(Clone, Copy)]
struct Marks<'a> {
    board: &'a Board,
    last: Option<Cell>,
}

impl<'a> Marks<'a> {
    fn of(game: &'a Game) -> Marks<'a> {
        Marks {
            board: &game.board,
            last: game.last,
        }
    }

    fn watched(watched: &'a Watched) -> Marks<'a> {
        Marks {
            board: &watched.board,
            last: watched.last,
        }
    }
}

/// What one cell shows on its middle row.
fn cell_face(marks: Marks<'_>, cell: Cell, selected: Option<Cell>) -> (String, Paint) {
    match marks.board.cell(cell) {
        Some(mark) if marks.last == Some(cell) => (format!("[{mark}]"), Paint::Mark(mark)),
        Some(mark) => (mark.to_string(), Paint::Mark(mark)),
        None if selected == Some(cell) => (format!(">{cell}<"), Paint::Selected),
        None => (cell.to_string(), Paint::Faint),
    }
}

/// Each player with the mark and clock, the mover's counting down; none
/// once the game is over (the room goes to the log).
fn clocks(view: &View, game: &Game, width: usize, now: Instant) -> Vec<Line> {
    if game.turn.is_none() {
        return Vec::new();
    }
    [
        (view.me.as_str(), game.mark),
        (game.opponent.as_str(), game.mark.other()),
    ]
    .into_iter()
    .map(|(name, mark)| {
        let status = prompts::clock_status(mark, view, now);
        player_line(name, mark, game.turn == Some(mark), &status, width)
    })
    .collect()
}

/// The log's last `height` rows at `width`, from column `indent`: a
/// heading (if asked for and there is room), then the newest sentences
/// (the newest in bold).
fn log(ui: &Ui<'_>, width: usize, height: usize, indent: usize, heading: bool) -> Vec<Line> {
    let heading = heading && height >= 3;
    let room = height - usize::from(heading);
    let width = width.saturating_sub(indent).max(1);
    let mut rows: Vec<Line> = Vec::new();
    // Whole sentences, newest last; only the newest may be cut (at its
    // end, with `…`) if it alone is longer than the room.
    for (i, entry) in ui.log.iter().enumerate().rev() {
        let newest = i + 1 == ui.log.len();
        let paint = if newest { Paint::Strong } else { Paint::Text };
        let mut wrapped: Vec<String> = words::wrap(entry, width);
        if rows.len() + wrapped.len() > room {
            if newest && room > 0 {
                wrapped.truncate(room);
                if let Some(last) = wrapped.last_mut() {
                    *last = fit(&format!("{last} …"), width);
                }
            } else {
                break;
            }
        }
        let wrapped = wrapped
            .into_iter()
            .map(|l| Line::default().beside(indent, Line::of(fit(&l, width), paint)));
        rows.splice(0..0, wrapped);
    }
    let mut lines = Vec::new();
    if heading {
        let title = Line::of(prompts::log_heading(), Paint::Faint);
        lines.push(Line::default().beside(indent, title));
    }
    lines.extend(rows.split_off(rows.len().saturating_sub(room)));
    lines
}

/// `text` centred in `width` columns.
fn centre(text: &str, width: usize) -> String {
    let w = text.width();
    if w >= width {
        return fit(text, width);
    }
    let left = (width - w) / 2;
    format!("{}{text}{}", " ".repeat(left), " ".repeat(width - w - left))
}

/// `text` cut to `width` columns, with `…` where it was cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// `line` cut to `width` columns.
fn clip(line: &Line, width: usize) -> Line {
    let mut out = Line::default();
    let mut left = width;
    for span in &line.0 {
        if left == 0 {
            break;
        }
        let w = span.text.width();
        if w <= left {
            out.0.push(span.clone());
            left -= w;
        } else {
            out.push(fit(&span.text, left), span.paint);
            left = 0;
        }
    }
    out
}

#[cfg(test)]
mod tests;
