//! One session per connection, for as long as the player plays: the
//! front end and the readers set up once, then a [`Session`] on each
//! connection, again in version 1 for an older server, and again with the
//! token after a lost connection while the server holds the seat (when to
//! try is [`crate::reconnect`]'s to say). Returns how the client ends.

use std::io::{self, BufWriter, IsTerminal};
use std::net::TcpStream;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ttt_protocol::Version;

use crate::config::{Args, default_name};
use crate::connect::{self, Target};
use crate::events::{Event, Incoming, spawn_server_reader, spawn_stdin_reader};
use crate::front::{Front, Mode, Surroundings};
use crate::input::Act;
use crate::plain::Plain;
use crate::reconnect::{Next, Reconnect};
use crate::screen::{self, Screen};
use crate::script::Script;
use crate::session::{Exit, Options, Session};
use crate::view::{Note, Show, Stage, View};
use crate::{keys, play};

/// The exit code of a program stopped by Ctrl-C (128 + SIGINT).
pub const INTERRUPTED: u8 = 130;

/// Plays on `target` until the player or the server ends it.
pub fn run(args: Args, target: &Target) -> Result<Exit, Box<dyn std::error::Error>> {
    // Bounded: a server flooding lines waits for the screen to keep up.
    let (events_tx, events) = mpsc::sync_channel(64);
    let stdin_terminal = io::stdin().is_terminal();
    let stdout_terminal = io::stdout().is_terminal();
    let term = std::env::var("TERM").ok();
    let mode = Mode::choose(Surroundings {
        plain_asked: args.plain,
        stdin_terminal,
        stdout_terminal,
        term: term.as_deref(),
        windows: cfg!(windows),
    });
    // Ctrl-C leaves like q does, telling the server; if the loop cannot
    // take it (it is stuck, or gone), at once, giving the terminal back.
    let interrupts = events_tx.clone();
    ctrlc::set_handler(move || {
        if interrupts
            .try_send(Incoming::Event(Event::Interrupt))
            .is_err()
        {
            screen::restore_terminal();
            std::process::exit(i32::from(INTERRUPTED));
        }
    })?;
    let mut name = args.name.clone().unwrap_or_else(default_name);
    // The way back to a held seat, once a connection was lost.
    let mut comeback = None;
    // Connect before taking the screen: a server that is not there is
    // one line on the shell's screen, not a flash of the board.
    let mut stream = open(target, &args)?;
    let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut front: Box<dyn Front> = match mode {
        Mode::Screen => {
            let screen = Screen::enter(BufWriter::with_capacity(1 << 16, io::stdout()), colour)?;
            keys::spawn_key_reader(events_tx.clone())?;
            Box::new(screen)
        }
        Mode::Plain => {
            spawn_stdin_reader(events_tx.clone(), stdin_terminal)?;
            let width = crossterm::terminal::size()
                .ok()
                .filter(|_| stdout_terminal)
                .map_or(ttt_protocol::words::WIDTH, |(cols, _)| usize::from(cols));
            Box::new(Plain::new(io::stdout(), width, stdin_terminal))
        }
    };
    // A piped stdin is a script: its lines answer questions in order.
    let mut script = (!stdin_terminal).then(Script::default);
    let mut held = Vec::new();
    // Ask for the newest protocol; a server that only speaks version 1
    // refuses it, and is asked again in version 1.
    let mut version = Version::LATEST;
    let ended = loop {
        let reader = spawn_server_reader(stream.try_clone()?, events_tx.clone())?;
        let options = Options {
            keyboard: stdin_terminal,
            live_clock: mode == Mode::Screen,
            version,
            computer: args.computer,
            spectate: args.spectate,
        };
        let mut session = Session::new(name.clone(), options, args.timings(), Instant::now());
        if let Some(token) = comeback.take() {
            session.come_back_with(token);
        }
        let player = play::Player::new(session, front.as_mut(), script.as_mut(), Instant::now());
        match play::run(player, &stream, &events, std::mem::take(&mut held)) {
            (Exit::Lost(lost), session) => {
                // Nothing held for us: the loss is the end.
                let Some((token, grace)) = session.comeback() else {
                    break Ok(Exit::Lost(lost));
                };
                let _ = stream.shutdown(std::net::Shutdown::Both);
                held = play::set_aside(&reader, &events);
                name = session.view().me;
                let again = Comeback {
                    target,
                    args: &args,
                    events: &events,
                    grace,
                    script: !stdin_terminal,
                };
                match again.run(&session, front.as_mut(), &mut held) {
                    Ok(next) => {
                        stream = next;
                        comeback = Some(token);
                    }
                    Err(exit) => break Ok(exit.unwrap_or(Exit::NotBack(lost))),
                }
            }
            (Exit::OlderServer, _) if version != Version::V1 => {
                // Set aside what was typed meanwhile, without this
                // connection's last words, before the next one speaks.
                let _ = stream.shutdown(std::net::Shutdown::Both);
                held = play::set_aside(&reader, &events);
                version = Version::V1;
                match open(target, &args) {
                    Ok(next) => stream = next,
                    Err(e) => break Err(e),
                }
            }
            (exit, _) => break Ok(exit),
        }
    };
    front.finish();
    drop(front);
    if stdin_terminal {
        screen::discard_typeahead();
    }
    ended
}

/// Connects, and sets the connection up for a game.
fn open(target: &Target, args: &Args) -> Result<TcpStream, Box<dyn std::error::Error>> {
    open_within(target, args, args.connect_timeout.0)
}

/// [`open`], giving up connecting after `timeout`.
fn open_within(
    target: &Target,
    args: &Args,
    timeout: Duration,
) -> Result<TcpStream, Box<dyn std::error::Error>> {
    connect::open(target, timeout, args.liveness.0)
}

/// Connecting again after a lost connection, while the server holds the
/// seat: the tries and pauses of a [`Reconnect`], each try said, stopped
/// if the player leaves (q, Ctrl-C).
struct Comeback<'a> {
    target: &'a Target,
    args: &'a Args,
    events: &'a mpsc::Receiver<Incoming>,
    /// The seat is held for this long from the loss.
    grace: Duration,
    /// Stdin is a piped script, whose lines are kept for what is asked
    /// once back.
    script: bool,
}

impl Comeback<'_> {
    /// A new connection, or how to exit (`None`: as the loss said).
    fn run(
        &self,
        session: &Session,
        front: &mut dyn Front,
        held: &mut Vec<Incoming>,
    ) -> Result<TcpStream, Option<Exit>> {
        // Nothing is asked while there is no connection: the screen says
        // it connects, and the transcript asks nothing again.
        let view = View {
            stage: Stage::Connecting,
            ask: None,
            clock: None,
            ..session.view()
        };
        let mut again = Reconnect::new(Instant::now(), self.grace, self.args.connect_timeout.0);
        let mut next = again.next(Instant::now());
        loop {
            match next {
                Next::Wait(due) => {
                    if let Some(exit) = self.pause(due, &view, front, held) {
                        return Err(Some(exit));
                    }
                    next = again.next(Instant::now());
                }
                Next::Try {
                    attempt,
                    left,
                    timeout,
                } => {
                    let note = Note::Reconnecting { attempt, left };
                    front.show(&view, &[Show::Note(note)], Instant::now());
                    if let Ok(stream) = open_within(self.target, self.args, timeout) {
                        return Ok(stream);
                    }
                    next = again.failed(Instant::now());
                }
                Next::GiveUp => {
                    front.show(&view, &[Show::Note(Note::CouldNotComeBack)], Instant::now());
                    return Err(None);
                }
            }
        }
    }

    /// Waits until `until`, unless the player leaves meanwhile (then how
    /// to exit). Other input is kept for the next connection.
    fn pause(
        &self,
        until: Instant,
        view: &View,
        front: &mut dyn Front,
        held: &mut Vec<Incoming>,
    ) -> Option<Exit> {
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(Incoming::Event(Event::Interrupt)) => return Some(Exit::Interrupted),
                Ok(Incoming::Event(Event::InputEnd)) => return Some(Exit::Done),
                Ok(Incoming::Input(input)) => {
                    if front.input(input.clone(), view, Instant::now()) == Some(Act::Leave) {
                        let note = Note::LeftTheLine { played: true };
                        front.show(view, &[Show::Note(note)], Instant::now());
                        return Some(Exit::Done);
                    }
                    // A script's lines wait for their questions; a key
                    // pressed now answers nothing, and is not kept.
                    if self.script {
                        held.push(Incoming::Input(input));
                    }
                }
                // The lost connection's last words.
                Ok(Incoming::Event(_)) => {}
                Err(_) => return None,
            }
        }
    }
}
