//! `ttt-client` binary: load `.env`, parse flags, connect, play.

use std::io::{self, IsTerminal};
use std::process::ExitCode;
use std::sync::mpsc;

use ttt_client::config::{Args, default_name};
use ttt_client::connect::connect;
use ttt_client::events::{spawn_server_reader, spawn_stdin_reader};
use ttt_client::play::{Exit, Session};
use ttt_client::render::Style;

fn main() -> ExitCode {
    let args: Args = match ttt_cli::start() {
        Ok(args) => args,
        Err(code) => return code,
    };
    match run(args) {
        Ok(Exit::Done) => ExitCode::SUCCESS,
        Ok(Exit::Lost) => {
            eprintln!("error: connection to server lost");
            ExitCode::FAILURE
        }
        Ok(Exit::Refused(why)) => {
            eprintln!("error: {why}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<Exit, Box<dyn std::error::Error>> {
    let stream = connect(&args.host, args.port, args.connect_timeout.0)?;
    stream.set_nodelay(true)?;
    // Bounded: a server flooding lines waits for the screen to keep up.
    let (events_tx, events) = mpsc::sync_channel(64);
    spawn_server_reader(stream.try_clone()?, events_tx.clone())?;
    spawn_stdin_reader(events_tx)?;
    let stdout = io::stdout();
    let style = Style::detect(
        stdout.is_terminal(),
        std::env::var("NO_COLOR").ok().as_deref(),
    );
    let name = args.name.unwrap_or_else(default_name);
    let session = Session::new(
        stdout.lock(),
        stream,
        style,
        io::stdin().is_terminal(),
        name,
    )
    .queue_notice_after(args.queue_notice.0);
    Ok(session.run(&events))
}
