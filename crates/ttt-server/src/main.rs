//! `ttt-server` binary: load `.env`, parse flags, bind, print how to join,
//! serve until Ctrl-C. Wiring only: every part is in the library.

use std::io::{self, IsTerminal, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use ttt_server::{
    Args, Server, Settings, announce, bind_error, host_name, init_logging, join_hint, listen,
    raise_open_files_limit,
};

fn main() -> ExitCode {
    let args: Args = match ttt_cli::start() {
        Ok(args) => args,
        Err(code) => return code,
    };
    init_logging(args.verbose, args.quiet);
    match raise_open_files_limit() {
        Ok(files) => log::debug!("{}", files.describe()),
        Err((files, e)) => log::warn!(
            "cannot raise the open-files limit ({e}); {}",
            files.describe()
        ),
    }
    match serve(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Binds the ports, tells the host how to join, and serves until stopped.
fn serve(args: &Args) -> Result<(), String> {
    let (listener, bound) = bind(SocketAddr::new(args.bind, args.port))?;
    let settings = Settings::from(args);
    let mut server =
        Server::new(listener, &settings).map_err(|e| format!("cannot start the server: {e}"))?;
    let web = match args.web {
        Some(port) => {
            let (listener, web) = bind(SocketAddr::new(args.bind, port))?;
            server
                .serve_web(listener)
                .map_err(|e| format!("cannot serve the web port: {e}"))?;
            Some(web)
        }
        None => None,
    };
    // The first Ctrl-C (or SIGTERM) asks the server to say goodbye to
    // everyone and stop; a second one stops at once.
    let stop = server.stopper();
    let asked = AtomicBool::new(false);
    let handler = ctrlc::set_handler(move || {
        if asked.swap(true, Ordering::AcqRel) {
            std::process::exit(1);
        }
        stop.stop();
    });
    if let Err(e) = handler {
        log::warn!("cannot catch Ctrl-C ({e}); players will not be told when the server stops");
    }
    let name = args.name.clone().unwrap_or_else(host_name);
    let announcer = if args.announce {
        let announcer = announce(&mut server, &name, bound, &args.announce_on, &settings)
            .map_err(|e| format!("cannot announce the server on the LAN: {e}"))?;
        Some(announcer)
    } else {
        None
    };
    let announced = announcer.as_ref().map(|_| name.as_str());
    // Write errors are ignored: a closed stdout (`ttt-server | head -1`)
    // must not stop the server, which has nothing more to print there.
    let mut out = io::stdout().lock();
    for line in join_hint(bound, web, announced, io::stdout().is_terminal()) {
        if writeln!(out, "{line}").is_err() {
            break;
        }
    }
    drop(out);
    let served = server.run();
    // Stopped: say goodbye on the LAN too, so the server vanishes from
    // players' lists at once, before the process exits.
    if let Some(announcer) = announcer {
        let _ = announcer.join();
    }
    served.map_err(|e| format!("the server failed: {e}"))
}

/// Binds `addr`; returns the listener and the address bound (with the real
/// port, if 0 was asked for).
fn bind(addr: SocketAddr) -> Result<(std::net::TcpListener, SocketAddr), String> {
    let listener = listen(addr).map_err(|e| bind_error(addr, &e))?;
    let bound = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    Ok((listener, bound))
}
