//! The play loop: the one place that owns the connection and the clock.
//!
//! It waits on the event channel (server lines, keys or typed lines,
//! Ctrl-C) until the session's next deadline, hands each event or tick to
//! the [`Session`], sends what the session asks and has the [`Front`] show
//! what changed. A piped [`Script`] answers the session's questions in
//! order. Nothing here decides anything: the session does (without
//! sockets), and the server decides the game.

use std::io::Write;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ttt_protocol::{ClientMsg, write_message};

use crate::events::{Event, Incoming, Lost};
use crate::front::Front;
use crate::input::Act;
use crate::input::Input;
use crate::script::{Feed, Script};
use crate::session::{Exit, Session, Step};

/// The session wired to its front end and script: what the loop does with
/// each thing that comes, without the socket or the clock (so the tests
/// play whole transcripts through it).
pub struct Player<'a> {
    session: Session,
    front: &'a mut dyn Front,
    script: Option<&'a mut Script>,
}

/// What to send, and whether the session is over, after one thing came.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Messages for the server, in order.
    pub send: Vec<ClientMsg>,
    /// The session is over.
    pub exit: Option<Exit>,
}

impl<'a> Player<'a> {
    /// Plays `session` on `front`; with a `script`, typed lines are kept
    /// for the questions to come. Draws the first frame.
    pub fn new(
        session: Session,
        front: &'a mut dyn Front,
        script: Option<&'a mut Script>,
        now: Instant,
    ) -> Player<'a> {
        front.show(&session.view(), &[], now);
        Player {
            session,
            front,
            script,
        }
    }

    /// The session, for a look at its view.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// When to call [`Player::tick`] next, if nothing comes first.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.session.next_deadline()
    }

    /// Time passed to `now`.
    pub fn tick(&mut self, now: Instant) -> Outcome {
        let step = self.session.tick(now);
        let mut outcome = Outcome::default();
        self.apply(step, now, &mut outcome);
        outcome
    }

    /// Something came: a server line, the player's input, Ctrl-C.
    pub fn take(&mut self, incoming: Incoming, now: Instant) -> Outcome {
        let mut outcome = Outcome::default();
        let step = match (incoming, self.script.as_deref_mut()) {
            (Incoming::Event(Event::InputEnd), Some(script)) => {
                script.end();
                Step::default()
            }
            (Incoming::Input(Input::Line(line)), Some(script)) => {
                script.push(line);
                Step::default()
            }
            (Incoming::Event(Event::Interrupt), _) => {
                self.front.interrupted();
                self.session.handle(Event::Interrupt, now)
            }
            (Incoming::Event(event), _) => self.session.handle(event, now),
            (Incoming::Input(input), _) => {
                match self.front.input(input, &self.session.view(), now) {
                    Some(act) => self.session.handle(Event::Act(act), now),
                    None => Step::default(),
                }
            }
        };
        self.apply(step, now, &mut outcome);
        self.feed(now, &mut outcome);
        outcome
    }

    /// Lets the script answer what is asked now. Each turn takes a line
    /// or ends the script, so this ends.
    fn feed(&mut self, now: Instant, outcome: &mut Outcome) {
        while outcome.exit.is_none() {
            let Some(script) = self.script.as_deref_mut() else {
                return;
            };
            let Some(feed) = script.next(&self.session.view()) else {
                return;
            };
            let step = match feed {
                Feed::Line(line) => {
                    self.front.echo(&line);
                    self.session.handle(Event::Act(Act::from_line(&line)), now)
                }
                Feed::End => self.session.handle(Event::InputEnd, now),
            };
            self.apply(step, now, outcome);
        }
    }

    /// Shows what a step changed; keeps what it sends and its exit.
    fn apply(&mut self, step: Step, now: Instant, outcome: &mut Outcome) {
        self.front.show(&self.session.view(), &step.show, now);
        outcome.send.extend(step.send);
        if outcome.exit.is_none() {
            outcome.exit = step.exit;
        }
    }
}

/// Plays until the session exits: waits on `events` (taking the inputs
/// `held`, typed while an earlier connection was given up, first) until
/// the session's next deadline, and sends what it asks over `conn`.
/// Returns how it ended, and the session (which holds the way back, if the
/// connection was lost).
pub fn run<C: Write>(
    player: Player<'_>,
    conn: C,
    events: &Receiver<Incoming>,
    held: Vec<Incoming>,
) -> (Exit, Session) {
    let mut player = player;
    let exit = run_until_exit(&mut player, conn, events, held);
    (exit, player.session)
}

fn run_until_exit<C: Write>(
    player: &mut Player<'_>,
    mut conn: C,
    events: &Receiver<Incoming>,
    held: Vec<Incoming>,
) -> Exit {
    let mut held = held.into_iter();
    loop {
        let received = match (held.next(), player.next_deadline()) {
            (Some(incoming), _) => Ok(incoming),
            (None, Some(at)) => events.recv_timeout(at.saturating_duration_since(Instant::now())),
            (None, None) => events.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        let now = Instant::now();
        let outcome = match received {
            Ok(incoming) => player.take(incoming, now),
            Err(RecvTimeoutError::Timeout) => player.tick(now),
            Err(RecvTimeoutError::Disconnected) => return Exit::Lost(Lost::Closed),
        };
        for msg in &outcome.send {
            // A failed write means the connection is gone; the server
            // reader reports that, and the session ends there with the
            // right message.
            let _ = write_message(&mut conn, msg);
        }
        if let Some(exit) = outcome.exit {
            return exit;
        }
    }
}

/// After a connection was given up (`conn` shut, `reader` its server
/// reader): the inputs that came meanwhile, in order, without that
/// connection's own events. Its reader ends with one
/// [`Event::ServerGone`]; the channel is drained while it finishes, so a
/// full channel cannot hold it.
pub fn set_aside(reader: &JoinHandle<()>, events: &Receiver<Incoming>) -> Vec<Incoming> {
    let mut held = Vec::new();
    let mut gone_seen = false;
    loop {
        let finished = reader.is_finished();
        while let Ok(incoming) = events.try_recv() {
            match incoming {
                Incoming::Event(Event::ServerGone(_)) if !gone_seen => gone_seen = true,
                Incoming::Event(Event::Server(_) | Event::ServerJunk { .. }) => {}
                incoming => held.push(incoming),
            }
        }
        if finished {
            return held;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}
