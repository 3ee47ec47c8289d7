//! `ttt-client` binary: load `.env`, parse flags, find the server, play,
//! and say how it ended. Wiring only: every part is in the library.

use std::process::ExitCode;

use ttt_client::config::Args;
use ttt_client::events::Lost;
use ttt_client::find;
use ttt_client::screen;
use ttt_client::session::Exit;
use ttt_client::sessions::{self, INTERRUPTED};
use ttt_protocol::Version;

fn main() -> ExitCode {
    let args: Args = match ttt_cli::start() {
        Ok(args) => args,
        Err(code) => return code,
    };
    let target = match find::target(&args) {
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
    match sessions::run(args, &target) {
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
