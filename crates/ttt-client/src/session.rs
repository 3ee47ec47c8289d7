//! The client's session as a state machine: what to send and what to show,
//! for each event, with time passed in.
//!
//! [`Session::handle`] takes one [`Event`] (a server message, an [`Act`]
//! of the player's, Ctrl-C) and [`Session::tick`] lets time pass; both
//! return a [`Step`]: the messages to send, what changed for the screen
//! ([`Show`] values, never text or escape codes), and at the end how to
//! exit. [`Session::view`] is everything the screen shows. No socket, no
//! clock, no terminal: the loop in [`crate::play`] owns those, and the
//! renderers (`plain.rs`, `screen.rs`) turn views and notes into output.
//!
//! The session decides nothing about the game. It checks only that an act
//! means something now; whether the cell is free, whose turn it is, who won
//! and how long a move may take are the server's word.

use std::time::{Duration, Instant};

use ttt_protocol::{
    BoardV2, Cell, ClientMsg, ErrorCode, Feature, Level, Limit, Mark, Name, Place, Score,
    ServerMsg, Token, Version, WatchMode, Watched as Players,
};

use crate::events::{Event, Lost};
use crate::input::Act;
use crate::view::{Ask, Clock, Game, Note, Show, Stage, View, Watched, Whose};

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
    /// The connection was lost and the client could not get back to the
    /// seat the server held (set by the caller that reconnects): exit
    /// code 1.
    NotBack(Lost),
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
    /// What changed for the screen, in order.
    pub show: Vec<Show>,
    /// The session is over.
    pub exit: Option<Exit>,
}

/// How long the client waits for things before telling the player or
/// giving up. Settings, so tests need not wait for real seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timings {
    /// Nothing at all from the server for this long: say it seems busy.
    pub queue_notice: Duration,
    /// After leaving, wait this long for the server's goodbye, then leave
    /// anyway.
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

/// How the session is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// A person at a keyboard (not a script): leaving a game asks first,
    /// and the computer is offered to a player waiting alone.
    pub keyboard: bool,
    /// A live screen redraws the clocks every second: ticks say
    /// [`Show::Clock`] once a second while a clock runs.
    pub live_clock: bool,
    /// The protocol version to ask for.
    pub version: Version,
    /// Play the server's computer at this level, if it has one.
    pub computer: Option<Level>,
    /// Only watch the table (`WATCH ONLY`, version 2): never play.
    pub spectate: bool,
}

/// Where the session is. One state, each holding what only it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Connected; nothing heard yet. `noticed`: the player was told the
    /// server seems busy.
    Connecting { noticed: bool },
    /// `HELLO` sent.
    Greeting,
    /// In line for the table. `offer_at`: when to offer the computer.
    Waiting {
        place: Option<Place>,
        offer_at: Option<Instant>,
    },
    /// A game is on: who moves, by when (when the server said), and our
    /// move in flight, if any (since when, and whether its silence was
    /// reported).
    Playing {
        turn: Mark,
        deadline: Option<Instant>,
        sent: Option<(Instant, bool)>,
    },
    /// The game ended; the server says next what follows.
    Over,
    /// The server offers a rematch.
    Rematch {
        deadline: Option<Instant>,
        said_yes: bool,
    },
    /// We made way; the server asks whether to join the line again.
    Rejoin { deadline: Option<Instant> },
    /// Only watching (`WATCH ONLY` sent).
    Watching,
    /// We said we leave; the server closes the connection, or `until`
    /// passes.
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
    /// Said no to a question (rematch, rejoin).
    Declined,
    /// Left the line, or between games.
    Line,
}

/// The "leave this game?" question: open over the phase (an opponent's move
/// changes the phase but must not close it), and whether Ctrl-C opened it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Confirm {
    by_interrupt: bool,
}

/// One connection's worth of playing.
#[derive(Debug)]
pub struct Session {
    options: Options,
    timings: Timings,
    me: Name,
    phase: Phase,
    game: Option<Game>,
    /// Leaving the game is asked about.
    confirm: Option<Confirm>,
    /// Ctrl-C was pressed: exit code 130.
    interrupted: bool,
    /// When the session began, for the queue notice.
    started: Instant,
    /// The server offers its computer (feature granted).
    computer_available: bool,
    /// The next once-a-second tick of a live clock.
    next_clock: Option<Instant>,
    /// The way back the server gave (`TOKEN`), and its grace: what the
    /// caller reconnects with if the connection drops.
    comeback: Option<(Token, Duration)>,
    /// Come back with this token instead of saying hello.
    resume: Option<Token>,
    /// Coming back: the table is told again, and is not news.
    resuming: bool,
    /// The game at the table, watched.
    watched: Option<Watched>,
}

impl Session {
    /// A session for `me`.
    pub fn new(me: Name, options: Options, timings: Timings, now: Instant) -> Session {
        Session {
            options,
            timings,
            me,
            phase: Phase::Connecting { noticed: false },
            game: None,
            confirm: None,
            interrupted: false,
            started: now,
            computer_available: false,
            next_clock: None,
            comeback: None,
            resume: None,
            resuming: false,
            watched: None,
        }
    }

    /// Has this session come back to a held seat or place with `token`
    /// (from an earlier session's [`Session::comeback`]) instead of
    /// saying hello.
    pub fn come_back_with(&mut self, token: Token) {
        self.resume = Some(token);
    }

    /// The way back to this seat or place if the connection drops: the
    /// server's token and how long it holds the place. `None` when there
    /// is nothing to come back to (not seated or queued, or leaving).
    pub fn comeback(&self) -> Option<(Token, Duration)> {
        match self.phase {
            Phase::Connecting { .. }
            | Phase::Greeting
            | Phase::Leaving { .. }
            | Phase::Watching => None,
            _ => self.comeback.clone(),
        }
    }

    /// Everything the screen shows now.
    pub fn view(&self) -> View {
        View {
            me: self.me.clone(),
            game: self.game.clone(),
            stage: match self.phase {
                Phase::Connecting { .. } | Phase::Greeting => Stage::Connecting,
                Phase::Waiting { place, .. } => Stage::Waiting(place),
                Phase::Playing { .. } => Stage::Playing,
                Phase::Over | Phase::Rematch { .. } | Phase::Rejoin { .. } => Stage::Over,
                Phase::Watching => Stage::Watching,
                Phase::Leaving { .. } => Stage::Leaving,
            },
            ask: self.ask(),
            clock: self.clock(),
            watched: self.watched.clone(),
        }
    }

    /// The question open now.
    fn ask(&self) -> Option<Ask> {
        if self.confirm.is_some() {
            return Some(Ask::Leave {
                opponent: self.game.as_ref()?.opponent.clone(),
            });
        }
        match self.phase {
            Phase::Playing {
                turn, sent: None, ..
            } if self.mark() == Some(turn) => Some(Ask::Move),
            Phase::Rematch {
                said_yes: false, ..
            } => Some(Ask::Rematch),
            Phase::Rejoin { .. } => Some(Ask::Rejoin),
            Phase::Waiting { place, .. }
                if self.computer_available
                    && self.options.keyboard
                    && place.is_none_or(|p| !p.game_on) =>
            {
                Some(Ask::Computer)
            }
            _ => None,
        }
    }

    /// The clock running now.
    fn clock(&self) -> Option<Clock> {
        match self.phase {
            Phase::Playing {
                turn,
                deadline: Some(deadline),
                ..
            } => Some(Clock {
                whose: if self.mark() == Some(turn) {
                    Whose::Mine
                } else {
                    Whose::Theirs
                },
                deadline,
            }),
            Phase::Rematch {
                deadline: Some(deadline),
                said_yes: false,
            }
            | Phase::Rejoin {
                deadline: Some(deadline),
            } => Some(Clock {
                whose: Whose::Answer,
                deadline,
            }),
            _ => None,
        }
    }

    fn mark(&self) -> Option<Mark> {
        self.game.as_ref().map(|g| g.mark)
    }

    /// Reacts to one event at `now`.
    pub fn handle(&mut self, event: Event, now: Instant) -> Step {
        let mut step = Step::default();
        let asked = self.ask();
        match event {
            Event::Server(ServerMsg::Welcome { .. })
                if matches!(self.phase, Phase::Connecting { .. }) =>
            {
                self.phase = Phase::Greeting;
                let v2 = self.options.version.has_v2();
                if let Some(token) = self.resume.take().filter(|_| v2) {
                    self.resuming = true;
                    step.send.push(ClientMsg::Resume(token));
                } else if self.options.spectate && v2 {
                    self.phase = Phase::Watching;
                    step.send.push(ClientMsg::Watch(WatchMode::Only));
                } else {
                    // Version 1's HELLO takes no features.
                    let features = if v2 {
                        vec![
                            Feature::computer(),
                            Feature::stay(),
                            Feature::watch(),
                            Feature::resume(),
                        ]
                    } else {
                        vec![]
                    };
                    step.send.push(ClientMsg::Hello {
                        version: self.options.version.into(),
                        name: self.me.clone(),
                        features,
                    });
                }
            }
            // The first line of a ttt server is always WELCOME.
            Event::Server(msg) if matches!(self.phase, Phase::Connecting { .. }) => {
                step.exit = Some(Exit::NotTtt(msg.to_string()));
            }
            Event::ServerJunk { line, .. } if matches!(self.phase, Phase::Connecting { .. }) => {
                step.exit = Some(Exit::NotTtt(line));
            }
            Event::Server(msg) => self.on_server(msg, now, &mut step),
            Event::ServerJunk { error, .. } => note(&mut step, Note::Unreadable(error)),
            Event::ServerGone(lost) => {
                step.exit = Some(match self.phase {
                    Phase::Leaving { .. } => self.left(),
                    _ => Exit::Lost(lost),
                });
            }
            Event::Act(act) => self.on_act(act, now, &mut step),
            // A script that ended, with something asked or nothing to
            // play next (the script decides when: see `crate::script`).
            Event::InputEnd if !self.options.keyboard => {
                note(&mut step, Note::EndOfInput);
                self.leave(now, &mut step);
            }
            // Ctrl-D at a keyboard: the same as q.
            Event::InputEnd => self.on_leave_key(now, &mut step),
            Event::Interrupt => self.on_interrupt(now, &mut step),
        }
        if self.ask() != asked {
            step.show.push(Show::Ask);
        }
        self.arm_clock(now);
        step
    }

    /// Lets time pass: notices, the leaving deadline, the live clock.
    pub fn tick(&mut self, now: Instant) -> Step {
        let mut step = Step::default();
        match &mut self.phase {
            Phase::Leaving {
                until: Some(until), ..
            } if *until <= now => {
                note(&mut step, Note::LeavingAnyway);
                step.exit = Some(self.left());
                return step;
            }
            Phase::Connecting { noticed }
                if !*noticed && now >= self.started + self.timings.queue_notice =>
            {
                *noticed = true;
                note(&mut step, Note::UnseenInQueue);
            }
            Phase::Playing {
                sent: Some((at, noticed)),
                ..
            } if !*noticed && now >= *at + self.timings.answer_notice => {
                *noticed = true;
                note(&mut step, Note::NoAnswer(self.timings.answer_notice));
            }
            Phase::Waiting { offer_at, .. } if offer_at.is_some_and(|at| at <= now) => {
                *offer_at = None;
                note(&mut step, Note::ComputerOffer);
            }
            _ => {}
        }
        if self.next_clock.is_some_and(|at| at <= now) {
            step.show.push(Show::Clock);
            self.next_clock = None;
        }
        self.arm_clock(now);
        step
    }

    /// The next instant [`Session::tick`] has something to do.
    pub fn next_deadline(&self) -> Option<Instant> {
        let phase = match self.phase {
            Phase::Leaving { until, .. } => until,
            Phase::Connecting { noticed: false } => Some(self.started + self.timings.queue_notice),
            Phase::Playing {
                sent: Some((at, false)),
                ..
            } => Some(at + self.timings.answer_notice),
            Phase::Waiting { offer_at, .. } => offer_at,
            _ => None,
        };
        [phase, self.next_clock].into_iter().flatten().min()
    }

    /// Keeps a live clock ticking once a second while one runs.
    fn arm_clock(&mut self, now: Instant) {
        if !self.options.live_clock {
            return;
        }
        let watched = match self.phase {
            Phase::Waiting { .. } | Phase::Watching => self
                .watched
                .as_ref()
                .filter(|w| w.turn.is_some())
                .and_then(|w| w.deadline),
            _ => None,
        };
        let deadline = self.clock().map(|c| c.deadline).or(watched);
        match deadline {
            Some(deadline) if self.next_clock.is_none() => {
                // On the second boundary of the time left, so the figure
                // shown changes exactly when it should.
                let left = deadline.saturating_duration_since(now);
                let fraction = Duration::from_nanos(u64::from(left.subsec_nanos()));
                let step = if fraction.is_zero() {
                    Duration::from_secs(1)
                } else {
                    fraction
                };
                self.next_clock = Some(now + step.min(left.max(Duration::from_millis(1))));
            }
            Some(_) => {}
            None => self.next_clock = None,
        }
    }

    fn on_server(&mut self, msg: ServerMsg, now: Instant, step: &mut Step) {
        match msg {
            ServerMsg::Welcome { .. } => {}
            ServerMsg::Hello { name, features, .. } => {
                if name != self.me {
                    note(
                        step,
                        Note::Renamed {
                            asked: self.me.clone(),
                            shown: name.clone(),
                        },
                    );
                    self.me = name;
                }
                self.computer_available = features.contains(&Feature::computer());
                if self.resuming {
                    // The table follows, told again: not news.
                    note(step, Note::YouAreBack);
                } else if features.contains(&Feature::watch()) && self.options.computer.is_none() {
                    // Watch the table while waiting for it (the computer
                    // plays at once: nothing to wait for).
                    step.send.push(ClientMsg::Watch(WatchMode::On));
                }
                match self.options.computer {
                    Some(level) if self.computer_available => {
                        step.send.push(ClientMsg::Computer(Some(level)));
                    }
                    Some(_) => note(step, Note::NoComputer),
                    None => {}
                }
            }
            ServerMsg::Wait(place) => {
                self.confirm = None;
                let alone = place.is_some_and(|p| !p.game_on);
                let offer_at = (alone
                    && self.computer_available
                    && self.options.keyboard
                    && self.options.computer.is_none())
                .then(|| now + self.timings.computer_offer);
                let again = self.game.is_some();
                self.move_on(Phase::Waiting { place, offer_at });
                if !std::mem::take(&mut self.resuming) {
                    note(step, Note::Waiting { place, again });
                }
            }
            ServerMsg::Start {
                mark,
                opponent,
                limit,
            } => {
                // A rematch keeps the table's score; a new table starts one.
                let rematch = matches!(
                    self.phase,
                    Phase::Rematch { said_yes: true, .. } | Phase::Over
                ) && self.game.as_ref().is_some_and(|g| g.opponent == opponent);
                let score = match &self.game {
                    Some(game) if rematch => game.score,
                    _ => Score::default(),
                };
                let limit = limit.and_then(Limit::seconds).map(secs);
                self.game = Some(Game {
                    mark,
                    opponent: opponent.clone(),
                    board: ttt_protocol::Board::new(),
                    last: None,
                    turn: None,
                    score,
                    limit,
                });
                self.confirm = None;
                self.move_on(Phase::Over);
                if !self.resuming {
                    note(
                        step,
                        Note::Start {
                            mark,
                            opponent,
                            limit,
                        },
                    );
                }
            }
            ServerMsg::Board { board, turn, v2 } => {
                let told_again = std::mem::take(&mut self.resuming);
                let before = step.show.len();
                self.on_board(board, turn, v2, now, step);
                if told_again {
                    // The board as it stands: our own last move is no
                    // news, the opponent's (played while we were away,
                    // perhaps) is.
                    let shown = step.show.split_off(before);
                    step.show.extend(
                        shown
                            .into_iter()
                            .filter(|s| !matches!(s, Show::Note(Note::Moved { mine: true, .. }))),
                    );
                }
            }
            ServerMsg::Clock { seconds, mover }
                if !matches!(self.phase, Phase::Playing { .. }) && self.watched.is_some() =>
            {
                if let Some(watched) = &mut self.watched {
                    watched.turn = mover.or(watched.turn);
                    watched.deadline = Some(now + secs(seconds));
                }
            }
            ServerMsg::Clock { seconds, mover } => {
                let mine = mover.is_none() || mover == self.mark();
                if let Phase::Playing { deadline, .. } = &mut self.phase {
                    *deadline = Some(now + secs(seconds));
                }
                note(
                    step,
                    Note::Hurry {
                        left: secs(seconds),
                        mine,
                    },
                );
            }
            ServerMsg::Result(outcome) => {
                self.confirm = None;
                self.move_on(Phase::Over);
                note(step, Note::Result(outcome));
            }
            ServerMsg::Score(score) => {
                if let Some(game) = &mut self.game {
                    game.score = score;
                }
                if !self.resuming {
                    note(step, Note::Score(score));
                }
            }
            ServerMsg::Rematch(limit) => {
                self.resuming = false;
                let deadline = limit.and_then(|l| l.seconds()).map(|s| now + secs(s));
                self.move_on(Phase::Rematch {
                    deadline,
                    said_yes: false,
                });
            }
            ServerMsg::Left { name, how } => {
                // The offer is gone with them; WAIT follows.
                self.confirm = None;
                self.move_on(Phase::Over);
                note(step, Note::PartnerLeft { name, how });
            }
            // To a spectator, an empty line is no news.
            ServerMsg::Line { waiting: 0, .. } if matches!(self.phase, Phase::Watching) => {}
            ServerMsg::Line { waiting, next } => note(step, Note::Line { waiting, next }),
            ServerMsg::Rejoin(limit) => {
                let deadline = limit.seconds().map(|s| now + secs(s));
                self.confirm = None;
                self.move_on(Phase::Rejoin { deadline });
            }
            ServerMsg::Error {
                code: ErrorCode::Token,
                ..
            } if self.resuming => {
                step.exit = Some(Exit::Refused(
                    ttt_protocol::words::could_not_come_back().to_owned(),
                ));
            }
            ServerMsg::Error {
                code: ErrorCode::Full,
                text,
            } if matches!(self.phase, Phase::Watching) => {
                step.exit = Some(Exit::Refused(format!("the server said: {text}")));
            }
            ServerMsg::Token { token, grace } => {
                self.comeback = (grace > 0).then(|| (token, secs(grace)));
            }
            ServerMsg::Away { name, seconds } => note(
                step,
                Note::Away {
                    name,
                    left: secs(seconds),
                },
            ),
            ServerMsg::Back(name) => note(step, Note::Back(name)),
            ServerMsg::Watching(players) => self.on_watching(players, step),
            ServerMsg::View { board, turn, v2 } => {
                let Some(watched) = &mut self.watched else {
                    return;
                };
                if let Some(cell) = v2.last
                    && let Some(mark) = board.cell(cell)
                    && watched.board.cell(cell).is_none()
                {
                    let name = watched.name(mark).clone();
                    note(step, Note::WatchedMove { name, mark, cell });
                }
                watched.board = board;
                watched.last = v2.last;
                watched.turn = turn;
                watched.deadline = v2.left.seconds().map(|s| now + secs(s));
                step.show.push(Show::Board);
            }
            ServerMsg::Ended(verdict) => {
                let Some(watched) = &mut self.watched else {
                    return;
                };
                watched.turn = None;
                watched.deadline = None;
                let (x, o) = (watched.x.clone(), watched.o.clone());
                note(step, Note::WatchedEnd { verdict, x, o });
            }
            ServerMsg::Tally { x, o, ties } => {
                // A fresh table's 0 0 0, told when watching starts, is
                // no news.
                let Some(watched) = self.watched.as_ref().filter(|_| x + o + ties > 0) else {
                    return;
                };
                let (xn, on) = (watched.x.clone(), watched.o.clone());
                note(
                    step,
                    Note::Tally {
                        x: (xn, x),
                        o: (on, o),
                        ties,
                    },
                );
            }
            ServerMsg::Error { code, text } if code.is_fatal() => {
                step.exit = Some(
                    if code == ErrorCode::NoProto && self.options.version.has_v2() {
                        Exit::OlderServer
                    } else {
                        Exit::Refused(format!("the server closed the connection: {text}"))
                    },
                );
            }
            ServerMsg::Error { text, .. } => {
                if let Phase::Playing { sent, .. } = &mut self.phase {
                    *sent = None;
                }
                note(step, Note::ServerSays(text));
            }
            ServerMsg::Bye(text) => {
                match self.phase {
                    Phase::Leaving {
                        why: Leaving::Declined,
                        ..
                    } => note(step, Note::Declined),
                    Phase::Leaving { .. } => {}
                    _ if text.is_empty() => {}
                    _ => note(step, Note::ServerSays(text)),
                }
                step.exit = Some(self.left());
            }
        }
    }

    /// `WATCHING`: a game begins at the watched table, or none is on.
    fn on_watching(&mut self, players: Option<Players>, step: &mut Step) {
        match players {
            Some(Players { x, o, limit }) => {
                let limit = limit.seconds().map(secs);
                self.watched = Some(Watched {
                    x: x.clone(),
                    o: o.clone(),
                    board: ttt_protocol::Board::new(),
                    last: None,
                    turn: None,
                    limit,
                    deadline: None,
                });
                note(step, Note::Watching { x, o, limit });
                step.show.push(Show::Board);
            }
            None => {
                let had = self.watched.take().is_some();
                // To one in line, an empty table is no news: the wait says it.
                if matches!(self.phase, Phase::Watching) {
                    note(step, Note::NoGameOn);
                }
                if had {
                    step.show.push(Show::Board);
                }
            }
        }
    }

    fn on_board(
        &mut self,
        board: ttt_protocol::Board,
        turn: Option<Mark>,
        v2: Option<BoardV2>,
        now: Instant,
        step: &mut Step,
    ) {
        let Some(game) = &mut self.game else {
            return;
        };
        let last = v2
            .and_then(|v| v.last)
            .or_else(|| newly_taken(&game.board, &board));
        if let Some(cell) = last
            && let Some(by) = board.cell(cell)
        {
            note(
                step,
                Note::Moved {
                    cell,
                    mine: by == game.mark,
                },
            );
        }
        game.board = board;
        game.last = last;
        game.turn = turn;
        step.show.push(Show::Board);
        let deadline = v2.and_then(|v| v.left.seconds()).map(|s| now + secs(s));
        match turn {
            Some(turn) => self.move_on(Phase::Playing {
                turn,
                deadline,
                sent: None,
            }),
            None => self.move_on(Phase::Over),
        };
    }

    /// An act of the player's.
    fn on_act(&mut self, act: Act, now: Instant, step: &mut Step) {
        if self.confirm.is_some() {
            match act {
                Act::Yes => {
                    self.confirm = None;
                    self.leave(now, step);
                }
                Act::No => {
                    self.confirm = None;
                    note(step, Note::PlayingOn);
                }
                Act::Nothing => {}
                _ => note(step, Note::AnswerYesOrNo),
            }
            return;
        }
        match (self.phase, act) {
            (_, Act::Nothing) | (Phase::Leaving { .. }, _) => {}
            (Phase::Playing { .. }, Act::Leave) => self.on_leave_key(now, step),
            (Phase::Playing { turn, sent, .. }, Act::Cell(cell)) => {
                if self.mark() != Some(turn) || sent.is_some() {
                    note(step, Note::NotYourTurn);
                } else {
                    if let Phase::Playing { sent, .. } = &mut self.phase {
                        *sent = Some((now, false));
                    }
                    step.send.push(ClientMsg::Move(cell));
                }
            }
            (
                Phase::Playing {
                    turn, sent: None, ..
                },
                _,
            ) if self.mark() == Some(turn) => {
                note(step, Note::TypeACell);
            }
            (Phase::Playing { .. }, _) => note(step, Note::NotYourTurn),
            (
                Phase::Rematch {
                    said_yes: false,
                    deadline,
                },
                Act::Yes,
            ) => {
                step.send.push(ClientMsg::Rematch(true));
                self.phase = Phase::Rematch {
                    deadline,
                    said_yes: true,
                };
                note(step, Note::AwaitingAnswer);
            }
            (Phase::Rejoin { .. }, Act::Yes) => {
                step.send.push(ClientMsg::Rematch(true));
                self.phase = Phase::Waiting {
                    place: None,
                    offer_at: None,
                };
            }
            (Phase::Rematch { .. } | Phase::Rejoin { .. }, Act::No | Act::Leave) => {
                self.leave(now, step);
            }
            (
                Phase::Rematch {
                    said_yes: false, ..
                }
                | Phase::Rejoin { .. },
                _,
            ) => {
                note(step, Note::AnswerYesOrNo);
            }
            (Phase::Waiting { .. }, Act::Computer(level)) if self.computer_available => {
                if let Phase::Waiting { offer_at, .. } = &mut self.phase {
                    *offer_at = None;
                }
                step.send.push(ClientMsg::Computer(level));
            }
            (_, Act::Leave) => self.leave(now, step),
            (_, _) => note(step, Note::NothingToAnswer),
        }
    }

    /// q, Ctrl-D: in a running game at a keyboard, ask first; otherwise
    /// leave.
    fn on_leave_key(&mut self, now: Instant, step: &mut Step) {
        match self.phase {
            Phase::Playing { .. } if self.options.keyboard => {
                if self.confirm.is_none() {
                    self.confirm = Some(Confirm {
                        by_interrupt: false,
                    });
                }
            }
            _ => self.leave(now, step),
        }
    }

    /// Ctrl-C: like q, but a second Ctrl-C (or one while leaving) leaves at
    /// once, without waiting for the server's word.
    fn on_interrupt(&mut self, now: Instant, step: &mut Step) {
        let at_once = self.confirm.is_some() || matches!(self.phase, Phase::Leaving { .. });
        self.interrupted = true;
        if !at_once {
            self.on_leave_key(now, step);
            if let Some(confirm) = &mut self.confirm {
                confirm.by_interrupt = true;
            }
            return;
        }
        self.confirm = None;
        self.leave(now, step);
        if step.exit.is_none() {
            if let Phase::Leaving {
                why: Leaving::Forfeit,
                ..
            } = self.phase
            {
                note(step, Note::Forfeited);
            }
            step.exit = Some(Exit::Interrupted);
        }
    }

    /// Tells the server we leave, and how long to wait for its word.
    fn leave(&mut self, now: Instant, step: &mut Step) {
        self.confirm = None;
        let until = Some(now + self.timings.quit_wait);
        match self.phase {
            Phase::Leaving { .. } => {}
            Phase::Playing { .. } => {
                step.send.push(ClientMsg::Quit);
                // The server answers with the result and goodbye; if it does
                // not (its machine is gone, say), leave anyway, soon.
                self.phase = Phase::Leaving {
                    why: Leaving::Forfeit,
                    until,
                };
            }
            Phase::Rematch { .. } | Phase::Rejoin { .. } => {
                step.send.push(ClientMsg::Rematch(false));
                self.phase = Phase::Leaving {
                    why: Leaving::Declined,
                    until,
                };
            }
            Phase::Connecting { .. }
            | Phase::Greeting
            | Phase::Waiting { .. }
            | Phase::Over
            | Phase::Watching => {
                step.send.push(ClientMsg::Quit);
                self.phase = Phase::Leaving {
                    why: Leaving::Line,
                    until: None,
                };
                note(
                    step,
                    Note::LeftTheLine {
                        played: self.game.is_some(),
                    },
                );
                // Nothing more to hear from the server.
                step.exit = Some(self.left());
            }
        }
    }

    /// Moves to `phase` as the server says, unless we are leaving.
    fn move_on(&mut self, phase: Phase) {
        if !matches!(self.phase, Phase::Leaving { .. }) {
            self.phase = phase;
        }
    }

    /// How to exit once we left: interrupted or not.
    fn left(&self) -> Exit {
        if self.interrupted {
            Exit::Interrupted
        } else {
            Exit::Done
        }
    }
}

/// Adds a note to what a step shows.
fn note(step: &mut Step, note: Note) {
    step.show.push(Show::Note(note));
}

fn secs(s: u32) -> Duration {
    Duration::from_secs(u64::from(s))
}

/// The cell that is empty on `before` and taken on `after`, if exactly
/// one is: the last move, for a server of version 1.
fn newly_taken(before: &ttt_protocol::Board, after: &ttt_protocol::Board) -> Option<Cell> {
    let mut taken = Cell::ALL
        .into_iter()
        .filter(|&c| before.cell(c).is_none() && after.cell(c).is_some());
    let first = taken.next()?;
    taken.next().is_none().then_some(first)
}

#[cfg(test)]
mod tests;
