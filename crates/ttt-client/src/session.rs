//! The client's session as a state machine: what the player sees and what
//! to send, for each event, with time passed in.
//!
//! [`Session::handle`] takes one [`Event`] (a server message, a typed line,
//! Ctrl-D, Ctrl-C) and [`Session::tick`] lets time pass; both write the
//! screen to any [`Write`] and return a [`Step`]: the messages to send and,
//! at the end, how to exit. No socket, no clock, no thread: the loop in
//! [`crate::play`] owns those, and every screen is unit-tested here.
//!
//! The session decides nothing about the game. It checks only that what the
//! player typed is a move at all; whether the cell is free, whose turn it
//! is, who won, and how long a move may take are the server's word.

use std::collections::VecDeque;
use std::io::Write;
use std::time::{Duration, Instant};

use ttt_protocol::{
    Board, BoardV2, Cell, ClientMsg, ErrorCode, Feature, Level, Mark, Name, Place, Score,
    ServerMsg, Version, words,
};

use crate::events::{Event, Lost};
use crate::render::{self, Style};

/// How the session ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Exit {
    /// The server said goodbye, or the player left: exit code 0.
    Done,
    /// The player pressed Ctrl-C: exit code 130, as for any interrupted
    /// program (after telling the server, when it could).
    Interrupted,
    /// The connection ended without a goodbye, and why: exit code 1.
    Lost(Lost),
    /// The server refused us (cut off, say): exit code 1.
    Refused(String),
    /// The server speaks only an older protocol than the one asked for:
    /// connect again and speak version 1.
    OlderServer,
    /// What answered is not a ttt server; this is what it said first:
    /// exit code 1.
    NotTtt(String),
}

/// What one event or tick asks of the caller.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Step {
    /// Messages to send to the server, in order.
    pub send: Vec<ClientMsg>,
    /// The session is over.
    pub exit: Option<Exit>,
}

/// How long the client waits for things, before telling the player or
/// giving up. Settings, so tests need not wait for real seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timings {
    /// Nothing at all from the server for this long: say it seems busy.
    pub queue_notice: Duration,
    /// After quitting during a game, wait this long for the server's
    /// goodbye, then leave anyway.
    pub quit_wait: Duration,
    /// A move unanswered for this long: say so (and keep waiting).
    pub answer_notice: Duration,
    /// Waiting alone this long for an opponent: offer the computer.
    pub computer_offer: Duration,
}

impl Default for Timings {
    fn default() -> Timings {
        Timings {
            queue_notice: Duration::from_secs(3),
            quit_wait: Duration::from_millis(1500),
            answer_notice: Duration::from_secs(3),
            computer_offer: Duration::from_secs(5),
        }
    }
}

/// Where the session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Connected; nothing heard yet.
    Connecting,
    /// `HELLO` sent.
    Greeting,
    /// In line for the table.
    Waiting,
    /// A game is on: who moves, and by when (when the server said).
    Playing {
        turn: Mark,
        deadline: Option<Instant>,
    },
    /// The game ended; the server says next what follows.
    Over,
    /// The server offers a rematch.
    Rematch {
        deadline: Option<Instant>,
        said_yes: bool,
    },
    /// We made way for the next in line; the server asks whether to join
    /// the back of the line.
    Rejoin { deadline: Option<Instant> },
    /// We said we leave; the server closes the connection.
    Leaving {
        why: Leaving,
        until: Option<Instant>,
    },
}

/// Why we are leaving, to say the right thing when the server closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leaving {
    /// Quit a running game: the server forfeits it.
    Forfeit,
    /// Said no to the rematch.
    Declined,
    /// Left the line, or between games.
    Line,
}

/// The game being played, as the server told it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Game {
    mark: Mark,
    opponent: Name,
    board: Board,
    last: Option<Cell>,
    score: Option<Score>,
}

/// One connection's worth of playing, over any screen.
pub struct Session<W: Write> {
    out: W,
    style: Style,
    /// Stdin is a terminal: a person is typing, rather than a script piping.
    interactive: bool,
    me: Name,
    version: Version,
    timings: Timings,
    phase: Phase,
    game: Option<Game>,
    /// "Leave this game?" is on screen; it survives the opponent's moves.
    confirm: bool,
    /// Lines piped ahead, kept for the next question.
    typed: VecDeque<String>,
    input_ended: bool,
    interrupted: bool,
    /// When the session began, for the queue notice.
    started: Instant,
    queue_noticed: bool,
    /// A move was sent at this instant; the server's answer is due.
    move_sent: Option<Instant>,
    answer_noticed: bool,
    /// What the screen shows last: a question without its newline (the
    /// prompt), and above it a live clock line that ticks may redraw.
    prompt_open: bool,
    live: Option<Instant>,
    /// The computer: asked for at start (`--computer`), and whether the
    /// server offers one.
    computer: Computer,
}

/// The computer opponent, as far as the session knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Computer {
    /// Asked for at start, at this level.
    wanted: Option<Level>,
    /// The server granted the feature.
    available: bool,
    /// When to offer it to a player waiting alone.
    offer_at: Option<Instant>,
}

impl<W: Write> Session<W> {
    /// A session for `me`, asking the server for protocol `version`,
    /// writing for the player to `out`.
    pub fn new(
        out: W,
        style: Style,
        interactive: bool,
        me: Name,
        version: Version,
        timings: Timings,
        now: Instant,
    ) -> Session<W> {
        Session {
            out,
            style,
            interactive,
            me,
            version,
            timings,
            phase: Phase::Connecting,
            game: None,
            confirm: false,
            typed: VecDeque::new(),
            input_ended: false,
            interrupted: false,
            started: now,
            queue_noticed: false,
            move_sent: None,
            answer_noticed: false,
            prompt_open: false,
            live: None,
            computer: Computer::default(),
        }
    }

    /// Plays the server's computer opponent at `level` as soon as the
    /// server says it has one (`--computer`).
    pub fn wants_computer(mut self, level: Option<Level>) -> Session<W> {
        self.computer.wanted = level;
        self
    }

    /// What the player typed that the session has not used yet: lines a
    /// script piped ahead, and its end. Given to the next session when the
    /// client connects again (to an older server, in version 1).
    pub fn unused_input(&mut self) -> Vec<Event> {
        let mut events: Vec<Event> = self.typed.drain(..).map(Event::Input).collect();
        if self.input_ended {
            events.push(Event::InputEnd);
        }
        events
    }

    /// The screen, for tests.
    pub fn screen(&self) -> &W {
        &self.out
    }

    /// Reacts to one event at `now`.
    pub fn handle(&mut self, event: Event, now: Instant) -> Step {
        let mut step = Step::default();
        match event {
            Event::Server(ServerMsg::Welcome { .. }) if self.phase == Phase::Connecting => {
                self.phase = Phase::Greeting;
                // Version 1's HELLO takes no features.
                let features = if self.version.has_v2() {
                    vec![Feature::computer(), Feature::stay()]
                } else {
                    vec![]
                };
                step.send.push(ClientMsg::Hello {
                    version: self.version.into(),
                    name: self.me.clone(),
                    features,
                });
            }
            // The first line of a ttt server is always WELCOME.
            Event::Server(msg) if self.phase == Phase::Connecting => {
                step.exit = Some(Exit::NotTtt(msg.to_string()));
            }
            Event::ServerJunk { line, .. } if self.phase == Phase::Connecting => {
                step.exit = Some(Exit::NotTtt(line));
            }
            Event::Server(msg) => self.on_server(msg, now, &mut step),
            Event::ServerJunk { line, error } => self.say(&format!(
                "(ignoring a line from the server this client does not understand: {error} \
                 in {line:?})"
            )),
            Event::ServerGone(lost) => {
                step.exit = Some(match self.phase {
                    Phase::Leaving { .. } => self.left(),
                    _ => Exit::Lost(lost),
                });
            }
            Event::Input(line) => self.on_line(line, now, &mut step),
            Event::InputEnd if self.interactive => {
                // Ctrl-D at the keyboard: the same as q.
                self.end_prompt_line();
                self.on_leave_key(now, &mut step);
            }
            Event::InputEnd => self.input_ended = true,
            Event::Interrupt => self.on_interrupt(now, &mut step),
        }
        if step.exit.is_none() {
            self.feed_typed(now, &mut step);
        }
        if step.exit.is_none() {
            self.show_prompt(now);
        } else {
            self.end_prompt_line();
        }
        let _ = self.out.flush();
        step
    }

    /// Lets time pass: notices, the leaving deadline, the live clock.
    pub fn tick(&mut self, now: Instant) -> Step {
        let mut step = Step::default();
        if let Phase::Leaving {
            until: Some(until), ..
        } = self.phase
            && until <= now
        {
            self.say("(no answer from the server; leaving anyway)");
            step.exit = Some(self.left());
            return step;
        }
        if self.phase == Phase::Connecting
            && !self.queue_noticed
            && now >= self.started + self.timings.queue_notice
        {
            self.queue_noticed = true;
            self.say(
                "The server is busy with another game; you are in its queue and will be \
                 greeted when it ends (q or Ctrl-C to give up).",
            );
        }
        if let Some(sent) = self.move_sent
            && !self.answer_noticed
            && now >= sent + self.timings.answer_notice
        {
            self.answer_noticed = true;
            self.say(&format!(
                "(no answer from the server for {} s; it may be gone: keep waiting, or q to \
                 leave)",
                self.timings.answer_notice.as_secs_f64()
            ));
        }
        if self.computer.offer_at.is_some_and(|at| at <= now) {
            self.computer.offer_at = None;
            if self.phase == Phase::Waiting {
                self.say(
                    "No opponent yet: type c to play the computer (or c easy, c fair, \
                     c perfect), q to leave.",
                );
            }
        }
        if self.live.is_some_and(|at| at <= now) {
            self.redraw_clock(now);
        }
        self.show_prompt(now);
        let _ = self.out.flush();
        step
    }

    /// The next instant [`Session::tick`] has something to do.
    pub fn next_deadline(&self) -> Option<Instant> {
        let leaving = match self.phase {
            Phase::Leaving { until, .. } => until,
            _ => None,
        };
        let queue = (self.phase == Phase::Connecting && !self.queue_noticed)
            .then(|| self.started + self.timings.queue_notice);
        let answer = self
            .move_sent
            .filter(|_| !self.answer_noticed)
            .map(|sent| sent + self.timings.answer_notice);
        [leaving, queue, answer, self.live, self.computer.offer_at]
            .into_iter()
            .flatten()
            .min()
    }

    fn on_server(&mut self, msg: ServerMsg, now: Instant, step: &mut Step) {
        match msg {
            ServerMsg::Welcome { .. } => {}
            ServerMsg::Hello { name, features, .. } => {
                if name != self.me {
                    let text = words::renamed(self.me.as_str(), name.as_str());
                    self.say(&text);
                    self.me = name;
                }
                self.computer.available = features.contains(&Feature::computer());
                match self.computer.wanted {
                    Some(level) if self.computer.available => {
                        step.send.push(ClientMsg::Computer(Some(level)));
                    }
                    Some(_) => self
                        .say("This server has no computer opponent; waiting for a person instead."),
                    None => {}
                }
            }
            ServerMsg::Wait(place) => self.on_wait(place, now),
            ServerMsg::Start {
                mark,
                opponent,
                limit,
            } => {
                self.computer.offer_at = None;
                let score = self
                    .game
                    .as_ref()
                    .filter(|g| g.opponent == opponent)
                    .and_then(|g| g.score);
                let limit = limit
                    .and_then(|l| l.seconds())
                    .map(|s| Duration::from_secs(u64::from(s)));
                let line = words::start(mark, opponent.as_str(), limit);
                self.say("");
                self.say(&line);
                self.game = Some(Game {
                    mark,
                    opponent,
                    board: Board::new(),
                    last: None,
                    score,
                });
                // Until the first BOARD says who moves.
                self.phase = Phase::Over;
            }
            ServerMsg::Board { board, turn, v2 } => self.on_board(board, turn, v2, now),
            ServerMsg::Clock { seconds, mover } => self.on_clock(seconds, mover, now),
            ServerMsg::Result(outcome) => {
                self.move_sent = None;
                self.move_on(Phase::Over);
                self.confirm = false;
                let text = words::outcome(outcome, &self.opponent());
                self.say(&text);
            }
            ServerMsg::Score(score) => {
                if let Some(game) = &mut self.game {
                    game.score = Some(score);
                }
                let text = words::score(score, &self.opponent());
                self.say(&text);
            }
            ServerMsg::Rematch(limit) => {
                let deadline = limit
                    .and_then(|l| l.seconds())
                    .map(|s| now + Duration::from_secs(u64::from(s)));
                let offered = self.move_on(Phase::Rematch {
                    deadline,
                    said_yes: false,
                });
                if let Some(secs) = limit.and_then(|l| l.seconds())
                    && offered
                    && !self.interactive
                {
                    self.say(&format!("(the offer stands for {secs} s)"));
                }
            }
            ServerMsg::Error { code, text } if code.is_fatal() => {
                step.exit = Some(if code == ErrorCode::NoProto && self.version.has_v2() {
                    Exit::OlderServer
                } else {
                    Exit::Refused(format!("the server closed the connection: {text}"))
                });
            }
            ServerMsg::Error { text, .. } => {
                self.say(&format!("Server: {text}"));
                self.move_sent = None;
            }
            ServerMsg::Left { name, how } => {
                // The offer is gone with them; WAIT follows.
                self.confirm = false;
                self.move_on(Phase::Over);
                self.say(&words::partner_left(name.as_str(), how));
            }
            ServerMsg::Line { waiting, next } => {
                let text = words::line(waiting, next.as_ref().map(Name::as_str));
                self.say(&text);
            }
            ServerMsg::Rejoin(limit) => {
                let deadline = limit
                    .seconds()
                    .map(|s| now + Duration::from_secs(u64::from(s)));
                self.confirm = false;
                self.move_on(Phase::Rejoin { deadline });
            }
            ServerMsg::Bye(text) => {
                match self.phase {
                    Phase::Leaving {
                        why: Leaving::Declined,
                        ..
                    } => self.say("You declined the rematch. Thanks for playing!"),
                    Phase::Leaving { .. } => {}
                    _ if text.is_empty() => {}
                    _ => self.say(&format!("Server: {text}")),
                }
                step.exit = Some(self.left());
            }
        }
    }

    fn on_wait(&mut self, place: Option<Place>, now: Instant) {
        self.phase = Phase::Waiting;
        self.confirm = false;
        self.live = None;
        // Alone with a free table: if nobody comes soon, offer the computer.
        let alone = place.is_some_and(|p| !p.game_on);
        self.computer.offer_at = (alone && self.computer.available && self.interactive)
            .then(|| now + self.timings.computer_offer);
        let text = match (place, &self.game) {
            (Some(place @ Place { game_on: true, .. }), _) => words::place(place),
            (_, again) => words::waiting(again.is_some()),
        };
        self.say(&format!("{text} (q to leave)"));
    }

    fn on_board(&mut self, board: Board, turn: Option<Mark>, v2: Option<BoardV2>, now: Instant) {
        self.move_sent = None;
        let Some(game) = &mut self.game else {
            return;
        };
        let last = v2
            .and_then(|v| v.last)
            .or_else(|| newly_taken(&game.board, &board));
        game.board = board;
        game.last = last;
        let mine = game.mark;
        let header = self.header();
        let moved = last.and_then(|cell| {
            let by = board.cell(cell)?;
            Some(words::moved(cell, by == mine, &self.opponent()))
        });
        if let Some(moved) = moved {
            self.say(&moved);
        }
        let drawn = render::board(&board, last, self.style);
        self.say(&format!("\n{header}\n{drawn}\n"));
        let deadline = v2
            .and_then(|v| v.left.seconds())
            .map(|s| now + Duration::from_secs(u64::from(s)));
        match turn {
            Some(turn) => {
                self.move_on(Phase::Playing { turn, deadline });
                if turn != mine {
                    let text = match self.clock_text(now) {
                        Some(clock) => self.waiting_for(&clock),
                        None => self.waiting_for(""),
                    };
                    self.say_live(&text, now);
                } else if !self.interactive
                    && let Some(secs) = deadline.map(|d| d.saturating_duration_since(now))
                {
                    self.say(&format!("({} s to move)", secs.as_secs()));
                }
            }
            None => {
                self.move_on(Phase::Over);
                self.live = None;
            }
        }
    }

    fn on_clock(&mut self, seconds: u32, mover: Option<Mark>, now: Instant) {
        let mine = self.game.as_ref().map(|g| g.mark);
        let yours = mover.is_none() || mover == mine;
        if let Phase::Playing { deadline, .. } = &mut self.phase {
            *deadline = Some(now + Duration::from_secs(u64::from(seconds)));
        }
        let left = Duration::from_secs(u64::from(seconds));
        if yours {
            self.say(&words::hurry(left));
        } else {
            let text = words::their_clock(&self.opponent(), left);
            self.say_live(&text, now);
        }
    }

    /// A typed line.
    fn on_line(&mut self, line: String, now: Instant, step: &mut Step) {
        self.prompt_open = false;
        self.live = None;
        if !self.interactive {
            // A script answers questions in order; keep the line for the
            // next one (see `feed_typed`).
            self.typed.push_back(line);
            return;
        }
        self.answer(&line, now, step);
    }

    /// Answers whatever is asked with `line`.
    fn answer(&mut self, line: &str, now: Instant, step: &mut Step) {
        let word = line.trim().to_ascii_lowercase();
        let leave_word = matches!(word.as_str(), "q" | "quit");
        if self.confirm {
            match word.as_str() {
                "y" | "yes" => {
                    self.confirm = false;
                    self.leave(now, step);
                }
                "n" | "no" => {
                    self.confirm = false;
                    self.say("Playing on.");
                }
                _ => self.say("Please answer y or n."),
            }
            return;
        }
        match self.phase {
            Phase::Leaving { .. } => {}
            Phase::Playing { .. } | Phase::Over if leave_word => self.on_leave_key(now, step),
            Phase::Playing { turn, .. } if self.my_move(turn) => match line.parse::<ClientMsg>() {
                Ok(ClientMsg::Move(cell)) => {
                    self.move_sent = Some(now);
                    self.answer_noticed = false;
                    step.send.push(ClientMsg::Move(cell));
                }
                _ if word.is_empty() => {}
                _ => self.say(
                    "Type the number of an empty cell, 1 to 9 (as on the board), or q to \
                         leave.",
                ),
            },
            Phase::Playing { .. } if word.is_empty() => {}
            Phase::Playing { .. } => {
                let text = format!("Not your turn yet: waiting for {}.", self.opponent());
                self.say(&text);
            }
            Phase::Rematch {
                said_yes: false,
                deadline,
            } => match word.as_str() {
                "y" | "yes" => {
                    step.send.push(ClientMsg::Rematch(true));
                    self.phase = Phase::Rematch {
                        deadline,
                        said_yes: true,
                    };
                    let text = words::awaiting_answer(&self.opponent());
                    self.say(&text);
                }
                "n" | "no" | "q" | "quit" => self.leave(now, step),
                _ => self.say("Please answer y or n."),
            },
            Phase::Rejoin { .. } => match word.as_str() {
                "y" | "yes" => {
                    step.send.push(ClientMsg::Rematch(true));
                    self.phase = Phase::Waiting;
                }
                "n" | "no" | "q" | "quit" => self.leave(now, step),
                _ => self.say("Please answer y or n."),
            },
            _ if leave_word => self.leave(now, step),
            _ if word.is_empty() => {}
            Phase::Waiting if self.computer.available => match computer_word(&word) {
                Some(level) => {
                    self.computer.offer_at = None;
                    step.send.push(ClientMsg::Computer(level));
                }
                None => self.say("Nothing to answer yet: c plays the computer, q leaves."),
            },
            _ => self.say("Nothing to answer yet; q leaves."),
        }
    }

    /// Answers questions from lines piped ahead; when they ran out and
    /// input has ended, leaves.
    fn feed_typed(&mut self, now: Instant, step: &mut Step) {
        if self.interactive {
            return;
        }
        loop {
            if step.exit.is_some() || self.leaving() {
                return;
            }
            let asked = self.question().is_some();
            // Put back in line: a `q` piped ahead is answered now. (Between
            // a game's end and what follows, RESULT is still to come.)
            let waiting = self.phase == Phase::Waiting;
            let front_leaves = self
                .typed
                .front()
                .is_some_and(|l| matches!(l.to_ascii_lowercase().as_str(), "q" | "quit"));
            let leaves_the_line = waiting && front_leaves;
            if !asked && !leaves_the_line {
                if waiting && self.typed.is_empty() && self.input_ended {
                    // A script that has ended has nothing to play next.
                    self.say("(end of input: leaving)");
                    self.leave(now, step);
                }
                return;
            }
            let Some(line) = self.typed.pop_front() else {
                if self.input_ended && asked {
                    self.say("(end of input: leaving)");
                    self.leave(now, step);
                }
                return;
            };
            // Piped input is not echoed by a terminal: show it after the
            // question it answers.
            if let Some(question) = self.question() {
                self.end_prompt_line();
                let _ = writeln!(self.out, "{question}{line}");
            }
            self.prompt_open = false;
            self.answer(&line, now, step);
            if self.move_sent.is_some() {
                return;
            }
        }
    }

    /// q, Ctrl-D: in a running game at a terminal, ask first; otherwise
    /// leave.
    fn on_leave_key(&mut self, now: Instant, step: &mut Step) {
        match self.phase {
            Phase::Playing { .. } if self.interactive && !self.confirm => {
                self.confirm = true;
            }
            Phase::Playing { .. } if self.confirm => {}
            _ => self.leave(now, step),
        }
    }

    /// Ctrl-C: like q, but a second Ctrl-C (or one while leaving) leaves at
    /// once, without waiting for the server's word.
    fn on_interrupt(&mut self, now: Instant, step: &mut Step) {
        self.end_prompt_line();
        let at_once = self.confirm || self.leaving();
        self.interrupted = true;
        if !at_once {
            self.on_leave_key(now, step);
            return;
        }
        self.leave(now, step);
        if step.exit.is_none() {
            self.say_forfeit_if_playing();
            step.exit = Some(Exit::Interrupted);
        }
    }

    /// When we leave mid-game without waiting for the server's word.
    fn say_forfeit_if_playing(&mut self) {
        if let Phase::Leaving {
            why: Leaving::Forfeit,
            ..
        } = self.phase
        {
            let text = format!("You left; {} wins by forfeit.", self.opponent());
            self.say(&text);
        }
    }

    /// Tells the server we leave, and how long to wait for its word.
    fn leave(&mut self, now: Instant, step: &mut Step) {
        self.confirm = false;
        self.live = None;
        match self.phase {
            Phase::Leaving { .. } => {}
            Phase::Playing { .. } => {
                step.send.push(ClientMsg::Quit);
                // The server answers with the result and goodbye; if it does
                // not (its machine is gone, say), leave anyway, soon.
                self.phase = Phase::Leaving {
                    why: Leaving::Forfeit,
                    until: Some(now + self.timings.quit_wait),
                };
            }
            Phase::Rematch { .. } | Phase::Rejoin { .. } => {
                step.send.push(ClientMsg::Rematch(false));
                self.phase = Phase::Leaving {
                    why: Leaving::Declined,
                    until: Some(now + self.timings.quit_wait),
                };
            }
            Phase::Connecting | Phase::Greeting | Phase::Waiting | Phase::Over => {
                step.send.push(ClientMsg::Quit);
                self.phase = Phase::Leaving {
                    why: Leaving::Line,
                    until: None,
                };
                let text = if self.game.is_some() {
                    "You left. Thanks for playing!"
                } else {
                    "You left the line."
                };
                self.say(text);
                // Nothing more to hear from the server.
                step.exit = Some(self.left());
            }
        }
    }

    /// Whether we said we leave: then the server's last words change
    /// nothing but what is shown.
    fn leaving(&self) -> bool {
        matches!(self.phase, Phase::Leaving { .. })
    }

    /// Moves to `phase` as the server says, unless we are leaving; returns
    /// whether it did.
    fn move_on(&mut self, phase: Phase) -> bool {
        if self.leaving() {
            return false;
        }
        self.phase = phase;
        true
    }

    /// How to exit once we left: interrupted or not.
    fn left(&self) -> Exit {
        if self.interrupted {
            Exit::Interrupted
        } else {
            Exit::Done
        }
    }

    fn my_move(&self, turn: Mark) -> bool {
        self.move_sent.is_none() && self.game.as_ref().is_some_and(|g| g.mark == turn)
    }

    /// The question on screen, if any.
    fn question(&self) -> Option<String> {
        if self.confirm {
            return Some(format!(
                "{} (y/n{}): ",
                words::leave_question(&self.opponent()),
                if self.interactive {
                    ", Ctrl-C again leaves now"
                } else {
                    ""
                }
            ));
        }
        match self.phase {
            Phase::Playing { turn, .. } if self.my_move(turn) => {
                Some("Your move (1-9, q to leave): ".to_owned())
            }
            Phase::Rematch {
                said_yes: false, ..
            } => Some("Play again, marks swapped? (y/n): ".to_owned()),
            Phase::Rejoin { .. } => Some(format!("{} (y/n): ", words::rejoin_offer(None))),
            _ => None,
        }
    }

    /// The clock line for the current phase: "25 s left".
    fn clock_text(&self, now: Instant) -> Option<String> {
        let (deadline, what) = match self.phase {
            Phase::Playing {
                deadline: Some(d),
                turn,
            } if self.game.as_ref().is_some_and(|g| g.mark == turn) => (d, "left for your move"),
            Phase::Playing {
                deadline: Some(d), ..
            } => (d, "left"),
            Phase::Rematch {
                deadline: Some(d), ..
            }
            | Phase::Rejoin { deadline: Some(d) } => (d, "left to answer"),
            _ => return None,
        };
        let left = deadline.saturating_duration_since(now);
        let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        Some(format!("{secs} s {what}"))
    }

    /// Shows the open question, if it is not on screen yet; at a terminal,
    /// with a live clock line above it.
    fn show_prompt(&mut self, now: Instant) {
        if self.prompt_open {
            return;
        }
        let Some(question) = self.question() else {
            return;
        };
        if !self.interactive && !self.typed.is_empty() {
            return;
        }
        if self.interactive
            && let Some(clock) = self.clock_text(now)
        {
            let _ = writeln!(self.out, "[{clock}]");
            self.live = Some(next_second(now));
        }
        let _ = write!(self.out, "{question}");
        self.prompt_open = true;
    }

    /// Redraws the live clock line (the line above the cursor's), keeping
    /// what the player is typing: save the cursor, rewrite, restore.
    fn redraw_clock(&mut self, now: Instant) {
        let Some(clock) = self.clock_text(now) else {
            self.live = None;
            return;
        };
        let text = if self.prompt_open {
            format!("[{clock}]")
        } else {
            self.waiting_for(&clock)
        };
        let _ = write!(self.out, "\x1b7\x1b[1A\r\x1b[2K{text}\x1b8");
        self.live = Some(next_second(now));
    }

    /// "Waiting for bob (O): 25 s left", while the opponent moves.
    fn waiting_for(&self, clock: &str) -> String {
        let mark = match self.phase {
            Phase::Playing { turn, .. } => format!(" ({})", self.style.mark(turn)),
            _ => String::new(),
        };
        let opponent = self.opponent();
        if clock.is_empty() {
            format!("Waiting for {opponent}{mark}...")
        } else {
            format!("Waiting for {opponent}{mark}: {clock}")
        }
    }

    /// A line that a tick may redraw while nothing else is printed.
    fn say_live(&mut self, text: &str, now: Instant) {
        self.say(text);
        if self.interactive && self.clock_text(now).is_some() {
            self.live = Some(next_second(now));
        }
    }

    /// Names, marks and the running score, above each board.
    fn header(&self) -> String {
        let Some(game) = &self.game else {
            return String::new();
        };
        let score = game.score.map_or(String::new(), |s| {
            format!(
                "   score: you {}, {} {}, ties {}",
                s.wins, game.opponent, s.losses, s.ties
            )
        });
        format!(
            "{} ({}) vs {} ({}){score}",
            self.me,
            self.style.mark(game.mark),
            game.opponent,
            self.style.mark(game.mark.other())
        )
    }

    fn opponent(&self) -> String {
        self.game
            .as_ref()
            .map_or_else(|| "your opponent".to_owned(), |g| g.opponent.to_string())
    }

    /// Ends an open prompt's line so the next output starts on its own line.
    fn end_prompt_line(&mut self) {
        if std::mem::take(&mut self.prompt_open) {
            let _ = writeln!(self.out);
        }
    }

    /// Prints a line for the player. Errors are ignored: with stdout gone
    /// there is no one to tell, and the game itself can go on.
    fn say(&mut self, text: &str) {
        self.end_prompt_line();
        self.live = None;
        let _ = writeln!(self.out, "{text}");
    }
}

/// `c`, `c perfect`, `computer easy`: a request for the computer, and the
/// level if one was named (`Some(None)`: the server's default).
fn computer_word(word: &str) -> Option<Option<Level>> {
    let mut words = word.split_whitespace();
    match words.next() {
        Some("c" | "computer") => {}
        _ => return None,
    }
    match (words.next(), words.next()) {
        (None, _) => Some(None),
        (Some(level), None) => level.parse().ok().map(Some),
        _ => None,
    }
}

/// The cell that is empty on `before` and taken on `after`, if exactly
/// one is: the last move, for a server of version 1.
fn newly_taken(before: &Board, after: &Board) -> Option<Cell> {
    let mut taken = Cell::ALL
        .into_iter()
        .filter(|&c| before.cell(c).is_none() && after.cell(c).is_some());
    let first = taken.next()?;
    taken.next().is_none().then_some(first)
}

/// The next redraw of a live clock.
fn next_second(now: Instant) -> Instant {
    now + Duration::from_secs(1)
}

#[cfg(test)]
mod tests;
