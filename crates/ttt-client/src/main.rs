//! `ttt-client` binary: load `.env`, parse flags, connect, play.

use std::io::{self, IsTerminal};
use std::process::ExitCode;
use std::sync::mpsc;

use clap::{CommandFactory, Parser};
use ttt_client::config::{Args, CONNECT_TIMEOUT, default_name};
use ttt_client::connect::connect;
use ttt_client::events::{spawn_server_reader, spawn_stdin_reader};
use ttt_client::play::{Exit, Session};
use ttt_client::render::Style;

fn main() -> ExitCode {
    if let Err(e) = dotenvy::dotenv()
        && !e.not_found()
    {
        eprintln!("error: .env: {e}");
        return ExitCode::from(2);
    }
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => return usage_error(e),
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
    let stream = connect(&args.host, args.port, CONNECT_TIMEOUT)?;
    stream.set_nodelay(true)?;
    let (events_tx, events) = mpsc::channel();
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
    );
    Ok(session.run(&events))
}

/// Prints a flag or environment error as one line and returns exit code 2;
/// `--help` and `--version` print as usual and succeed.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let rendered = e.render().to_string();
    let mut line = rendered
        .lines()
        .next()
        .unwrap_or("error: invalid arguments")
        .to_owned();
    // Name the environment variable too: the bad value may have come from it.
    if let Some(ContextValue::String(flag)) = e.get(ContextKind::InvalidArg) {
        let env = Args::command()
            .get_arguments()
            .find(|arg| flag.starts_with(&format!("--{}", arg.get_long().unwrap_or_default())))
            .and_then(|arg| arg.get_env().map(|env| env.to_string_lossy().into_owned()));
        if let Some(env) = env {
            line = line.replacen(&format!("'{flag}'"), &format!("'{flag}' (env {env})"), 1);
        }
    }
    eprintln!("{line}");
    ExitCode::from(2)
}
