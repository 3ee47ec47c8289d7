//! `ttt-client` binary: load `.env`, parse flags, connect, play.

use std::io::{self, BufRead, BufWriter, IsTerminal};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ttt_client::config::{Args, default_name};
use ttt_client::connect::{ConnectError, connect, connect_to, host_port};
use ttt_client::events::{Event, Incoming, Lost, spawn_server_reader, spawn_stdin_reader};
use ttt_client::find::{self, Choice};
use ttt_client::front::{Front, Mode, Surroundings};
use ttt_client::input::Act;
use ttt_client::plain::Plain;
use ttt_client::reconnect::{Next, Reconnect};
use ttt_client::screen::{self, Screen};
use ttt_client::script::Script;
use ttt_client::session::{Exit, Options, Session};
use ttt_client::view::{Note, Show, Stage, View};
use ttt_client::{keys, play};
use ttt_protocol::Version;
use ttt_protocol::text::printable;

/// The exit code of a program stopped by Ctrl-C (128 + SIGINT).
const INTERRUPTED: u8 = 130;

fn main() -> ExitCode {
    let args: Args = match ttt_cli::start() {
        Ok(args) => args,
        Err(code) => return code,
    };
    let target = match target(&args) {
        Ok(Some(target)) => target,
        Ok(None) => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let server = target.label();
    let liveness = args.liveness.0;
    // A panic gives the terminal back before it is reported.
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        screen::restore_terminal();
        report(info);
    }));
    match run(args, &target) {
        Ok(Exit::Done) => ExitCode::SUCCESS,
        Ok(Exit::Interrupted) => ExitCode::from(INTERRUPTED),
        Ok(Exit::Lost(Lost::Unreachable)) => {
            eprintln!(
                "error: lost the connection to {server}: no answer from its machine for {} s",
                liveness.as_secs_f64()
            );
            ExitCode::FAILURE
        }
        Ok(Exit::Lost(lost)) => {
            eprintln!("error: lost the connection to {server}: {lost}");
            ExitCode::FAILURE
        }
        Ok(Exit::NotBack(lost)) => {
            eprintln!("error: lost the connection to {server}: {lost}");
            eprintln!("{}", ttt_protocol::words::could_not_come_back());
            ExitCode::FAILURE
        }
        Ok(Exit::OlderServer) => {
            eprintln!("error: {server} refused protocol {} too", Version::V1);
            ExitCode::FAILURE
        }
        Ok(Exit::Refused(why)) => {
            eprintln!("error: {why}");
            ExitCode::FAILURE
        }
        Ok(Exit::NotTtt(said)) => {
            eprintln!("error: {server} is not a ttt server (it said: {said:?})");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Where to connect: an address typed (or the default), or a server found
/// on the LAN.
enum Target {
    Address {
        host: String,
        port: u16,
    },
    Found {
        name: String,
        addrs: Vec<SocketAddr>,
    },
}

impl Target {
    /// How errors name the server.
    fn label(&self) -> String {
        match self {
            Target::Address { host, port } => host_port(host, *port),
            Target::Found { name, addrs } => match addrs.first() {
                Some(addr) => format!("{} ({addr})", printable(name)),
                None => printable(name),
            },
        }
    }

    fn connect(&self, timeout: std::time::Duration) -> Result<TcpStream, ConnectError> {
        match self {
            Target::Address { host, port } => connect(host, *port, timeout),
            Target::Found { addrs, .. } => connect_to(addrs, &self.label(), timeout),
        }
    }
}

/// The server to play on: `--find` browses the LAN (and with `--list`
/// only lists what it found: `None`); otherwise `HOST` and `PORT`.
fn target(args: &Args) -> Result<Option<Target>, Box<dyn std::error::Error>> {
    let Some(wanted) = &args.find else {
        return Ok(Some(Target::Address {
            host: args.host.clone(),
            port: args.port,
        }));
    };
    let wanted = Some(wanted.as_str()).filter(|w| !w.is_empty());
    let wait = args.find_wait.0;
    if args.watch {
        let mut browser = ttt_discovery::Browser::start()?;
        let started = std::time::Instant::now();
        let mut shown = std::collections::HashMap::new();
        while let Some(changed) = browser.next_change(started + wait) {
            // A record can come again unchanged, or with only an address
            // more: print what a person would see change.
            let line = find::describe(&changed);
            if shown.insert(changed.name.clone(), line.clone()).as_ref() != Some(&line) {
                println!("+{:.3} s  {line}", started.elapsed().as_secs_f64());
            }
        }
        browser.finish();
        return Ok(None);
    }
    let found = ttt_discovery::browse(wait)?;
    let listed = find::list(&found);
    if args.list {
        if found.is_empty() {
            println!(
                "no ttt server found on the LAN within {} s",
                wait.as_secs_f64()
            );
        }
        for line in listed {
            println!("{line}");
        }
        return Ok(None);
    }
    let index = match find::choose(&found, wanted) {
        Choice::Connect(i) => i,
        Choice::NoneFound => {
            return Err(format!(
                "no ttt server found on the LAN within {} s (is it started with --announce? \
                 you can also give its address: HOST=... or --host)",
                wait.as_secs_f64()
            )
            .into());
        }
        Choice::NoSuchName => {
            let names: Vec<String> = found.iter().map(|f| printable(&f.name)).collect();
            return Err(format!(
                "no ttt server called {:?} on the LAN; found: {}",
                wanted.unwrap_or_default(),
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                }
            )
            .into());
        }
        Choice::Ask if !io::stdin().is_terminal() => {
            return Err(format!(
                "{} ttt servers on the LAN; name one with --find NAME: {}",
                found.len(),
                listed.join("; ")
            )
            .into());
        }
        Choice::Ask => {
            println!("ttt servers on the LAN:");
            for line in &listed {
                println!("  {line}");
            }
            ask_which(&found)?
        }
    };
    let chosen = found.into_iter().nth(index).ok_or("no such server")?;
    println!("Joining {}.", printable(&chosen.name));
    Ok(Some(Target::Found {
        name: chosen.name,
        addrs: chosen.addrs,
    }))
}

/// Asks at the keyboard which server to join, until the answer is one.
fn ask_which(found: &[ttt_discovery::Found]) -> Result<usize, Box<dyn std::error::Error>> {
    let stdin = io::stdin();
    let mut line = String::new();
    loop {
        print!("Which one? (1-{}, or a name): ", found.len());
        io::Write::flush(&mut io::stdout())?;
        line.clear();
        if stdin.lock().read_line(&mut line)? == 0 {
            return Err("no server chosen".into());
        }
        if let Some(i) = find::pick(found, &line) {
            return Ok(i);
        }
    }
}

fn run(args: Args, target: &Target) -> Result<Exit, Box<dyn std::error::Error>> {
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
    let stream = target.connect(timeout)?;
    stream.set_nodelay(true)?;
    // The server's machine may vanish without a word: have the kernel
    // notice.
    ttt_cli::liveness::watch(&stream, args.liveness.0)?;
    Ok(stream)
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
