//! `ttt-client` binary: load `.env`, parse flags, connect, play.

use std::io::{self, IsTerminal};
use std::process::ExitCode;
use std::sync::mpsc;

use std::time::Instant;

use ttt_client::config::{Args, default_name};
use ttt_client::connect::{connect, host_port};
use ttt_client::events::{Event, Lost, spawn_server_reader, spawn_stdin_reader};
use ttt_client::play;
use ttt_client::render::Style;
use ttt_client::session::{Exit, Session};
use ttt_protocol::{LATEST_VERSION, PROTOCOL_VERSION};

/// The exit code of a program stopped by Ctrl-C (128 + SIGINT).
const INTERRUPTED: u8 = 130;

fn main() -> ExitCode {
    let args: Args = match ttt_cli::start() {
        Ok(args) => args,
        Err(code) => return code,
    };
    let server = host_port(&args.host, args.port);
    let liveness = args.liveness.0;
    match run(args) {
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
        Ok(Exit::OlderServer) => {
            eprintln!("error: {server} refused protocol {PROTOCOL_VERSION} too");
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

fn run(args: Args) -> Result<Exit, Box<dyn std::error::Error>> {
    // Bounded: a server flooding lines waits for the screen to keep up.
    let (events_tx, events) = mpsc::sync_channel(64);
    let keyboard = io::stdin().is_terminal();
    spawn_stdin_reader(events_tx.clone(), keyboard)?;
    // Ctrl-C leaves like q does, telling the server; if the loop cannot
    // take it (it is stuck, or gone), at once.
    let interrupts = events_tx.clone();
    ctrlc::set_handler(move || {
        if interrupts.try_send(Event::Interrupt).is_err() {
            std::process::exit(i32::from(INTERRUPTED));
        }
    })?;
    let stdout = io::stdout();
    let style = Style::detect(
        stdout.is_terminal(),
        std::env::var("NO_COLOR").ok().as_deref(),
    );
    let name = args.name.clone().unwrap_or_else(default_name);
    // Ask for the newest protocol; a server that only speaks version 1
    // refuses it, and is asked again in version 1.
    let mut held = Vec::new();
    for version in [LATEST_VERSION, PROTOCOL_VERSION] {
        let stream = connect(&args.host, args.port, args.connect_timeout.0)?;
        stream.set_nodelay(true)?;
        // The server's machine may vanish without a word: have the kernel
        // notice.
        ttt_cli::liveness::watch(&stream, args.liveness.0)?;
        let reader = spawn_server_reader(stream.try_clone()?, events_tx.clone())?;
        let session = Session::new(
            stdout.lock(),
            style,
            keyboard,
            name.clone(),
            version,
            args.timings(),
            Instant::now(),
        )
        .wants_computer(args.computer);
        match play::run(session, &stream, &events, std::mem::take(&mut held)) {
            Exit::OlderServer if version != PROTOCOL_VERSION => {
                // Set aside what was typed meanwhile, without this
                // connection's last words, before the next one speaks.
                let _ = stream.shutdown(std::net::Shutdown::Both);
                held = play::set_aside(&reader, &events);
            }
            exit => return Ok(exit),
        }
    }
    Ok(Exit::OlderServer)
}
