//! `ttt-server` binary: load `.env`, parse flags, bind, print how to join, serve.

use std::io::{self, IsTerminal, Write};
use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use std::sync::mpsc;
use std::thread;

use ttt_discovery::{Announcer, Listing, TableState};
use ttt_protocol::Version;
use ttt_server::{
    Args, Server, Settings, Status, join_commands, lan_addresses, listen, raise_open_files_limit,
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
    let addr = SocketAddr::new(args.bind, args.port);
    let listener = match listen(addr) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: {}", bind_error(addr, &e));
            return ExitCode::FAILURE;
        }
    };
    let bound = match listener.local_addr() {
        Ok(bound) => bound,
        Err(e) => {
            eprintln!("error: cannot read the listening address: {e}");
            return ExitCode::FAILURE;
        }
    };
    let settings = Settings::from(&args);
    let mut server = match Server::new(listener, &settings) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: cannot start the server: {e}");
            return ExitCode::FAILURE;
        }
    };
    let web = match args.web {
        Some(port) => match serve_web(&mut server, SocketAddr::new(args.bind, port)) {
            Ok(web) => Some(web),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        },
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
    let announcing = if args.announce {
        let name = args.name.clone().unwrap_or_else(host_name);
        match announce(&mut server, &name, bound, &args.announce_on, &settings) {
            Ok(announcing) => Some((name, announcing)),
            Err(e) => {
                eprintln!("error: cannot announce the server on the LAN: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        None
    };
    print_join_hint(
        bound,
        web,
        announcing.as_ref().map(|(name, _)| name.as_str()),
    );
    let served = server.run();
    // Stopped: say goodbye on the LAN too, so the server vanishes from
    // players' lists at once, before the process exits.
    if let Some((_, announcer)) = announcing {
        let _ = announcer.join();
    }
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: the server failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Starts announcing the server, and keeps its record current from the
/// lobby's status changes. The announcement lives on a thread of its own
/// (named for what it does), which the server's status hook feeds through a
/// channel; when the server is dropped, the channel closes and the thread
/// unregisters the server before it ends.
fn announce(
    server: &mut Server,
    name: &str,
    bound: SocketAddr,
    interfaces: &[String],
    settings: &Settings,
) -> Result<thread::JoinHandle<()>, Box<dyn std::error::Error>> {
    let computer = settings.computer_pause.is_some();
    let listing = move |status: &Status| Listing {
        versions: Version::ALL.iter().map(|v| v.number()).collect(),
        state: match (&status.playing, status.queued.as_slice()) {
            (Some(_), queued) => TableState::Playing {
                queued: queued.len(),
            },
            (None, [one]) => TableState::Waiting(one.clone()),
            (None, _) => TableState::Open,
        },
        computer,
    };
    let mut announcer = Announcer::start(
        name,
        &dns_label(name),
        bound,
        interfaces,
        listing(&Status::default()),
    )?;
    log::info!("announced on the LAN as {}", announcer.fullname());
    let (changes, listings) = mpsc::channel::<Listing>();
    server.on_status_change(move |status| {
        // The receiver ends only after the server: nothing to do if gone.
        let _ = changes.send(listing(status));
    });
    let handle = thread::Builder::new()
        .name("announcer".into())
        .spawn(move || {
            for listing in listings {
                announcer.update(&listing);
            }
            announcer.stop();
        })?;
    Ok(handle)
}

/// Binds the web port and has the server serve it; returns the address
/// bound (with the real port, if 0 was asked for).
fn serve_web(server: &mut Server, addr: SocketAddr) -> Result<SocketAddr, String> {
    let listener = listen(addr).map_err(|e| bind_error(addr, &e))?;
    let bound = listener
        .local_addr()
        .map_err(|e| format!("cannot read the web port's address: {e}"))?;
    server
        .serve_web(listener)
        .map_err(|e| format!("cannot serve the web port: {e}"))?;
    Ok(bound)
}

/// This machine's host name, for the default server name.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "ttt-server".to_owned())
}

/// A DNS host label from any name: letters, digits and `-` only.
fn dns_label(name: &str) -> String {
    let label: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(63)
        .collect();
    if label.trim_matches('-').is_empty() {
        "ttt-server".to_owned()
    } else {
        label
    }
}

/// Tells the host where the server listens and what the players should type.
/// The first line is stable: scripts and tests read the port from it (and,
/// with `--web`, the web port from the second).
///
/// Write errors are ignored: a closed stdout (`ttt-server | head -1`) must
/// not stop the server, which has nothing more to print there.
fn print_join_hint(bound: SocketAddr, web: Option<SocketAddr>, announced: Option<&str>) {
    let port = bound.port();
    let mut lines = vec![format!("ttt-server listening on {bound}")];
    if let Some(web) = web {
        lines.push(format!(
            "ttt-server page for browsers on port {}",
            web.port()
        ));
        lines.extend(page_lines(web));
    }
    if bound.ip().is_unspecified() || bound.ip().is_loopback() {
        lines.push(format!(
            "  on this machine:  HOST=127.0.0.1 PORT={port} cargo run -p ttt-client"
        ));
    }
    let lan = lan_addresses(bound);
    if lan.is_empty() {
        lines.push(
            "  no LAN address: other machines cannot reach it (--bind 0.0.0.0 lets them)".into(),
        );
    }
    for ip in lan {
        let [client, nc] = join_commands(ip, port);
        lines.push(format!("  from the LAN:     {client}"));
        lines.push(format!("             or:    {nc}"));
    }
    match announced {
        Some(name) => {
            lines.push(format!(
                "  announced on the LAN as \"{name}\"; players find it with:"
            ));
            lines.push("                    cargo run -p ttt-client -- --find".into());
        }
        None => lines.push(
            "  (--announce lets players find it with ttt-client --find, no address to type)".into(),
        ),
    }
    // Two lines: at 80 columns one would wrap.
    lines.push("one game at a time; later players wait their turn (winner stays on).".into());
    lines.push("Ctrl-C stops the server.".into());
    let mut out = io::stdout().lock();
    for line in lines {
        if writeln!(out, "{line}").is_err() {
            break;
        }
    }
}

/// Where a browser opens the page: on this machine, and at each LAN
/// address; then, on a terminal, a QR code of the first LAN address, for a
/// phone's camera.
fn page_lines(web: SocketAddr) -> Vec<String> {
    let port = web.port();
    let mut lines = Vec::new();
    if web.ip().is_unspecified() || web.ip().is_loopback() {
        lines.push(format!("  in a browser here: http://127.0.0.1:{port}/"));
    }
    let lan = lan_addresses(web);
    for ip in &lan {
        lines.push(format!("  phones, laptops:   {}", page_url(*ip, port)));
    }
    if let Some(ip) = lan.first()
        && io::stdout().is_terminal()
    {
        let url = page_url(*ip, port);
        match qr_code(&url) {
            Some(code) => {
                lines.push(format!(
                    "  or scan this code with a phone's camera ({url}):"
                ));
                lines.extend(code.lines().map(|row| format!("  {row}")));
            }
            None => log::debug!("no QR code fits {url}"),
        }
    }
    lines
}

/// The page's address at `ip` (an IPv6 address in brackets).
fn page_url(ip: IpAddr, port: u16) -> String {
    format!("http://{}/", SocketAddr::new(ip, port))
}

/// A QR code of `text`, two rows of modules per line of text (half blocks):
/// about 33 columns for a LAN address. Drawn light on dark, as a terminal
/// with a dark background shows it, with the quiet zone a scanner needs.
fn qr_code(text: &str) -> Option<String> {
    use qrcode::render::unicode::Dense1x2;
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::L).ok()?;
    Some(
        code.render::<Dense1x2>()
            .dark_color(Dense1x2::Light)
            .light_color(Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    )
}

/// One line for a failed bind, with the usual cause spelled out.
fn bind_error(addr: SocketAddr, e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::AddrInUse => format!(
            "cannot listen on {addr}: port {} is already in use (another ttt-server?); \
             choose another with --port or PORT, or 0 for any free port",
            addr.port()
        ),
        io::ErrorKind::AddrNotAvailable => {
            format!("cannot listen on {addr}: no interface of this machine has that address")
        }
        io::ErrorKind::PermissionDenied => {
            format!("cannot listen on {addr}: permission denied (ports below 1024 need privileges)")
        }
        _ => format!("cannot listen on {addr}: {e}"),
    }
}

/// Logs to stderr, one timestamped line per event. `-v`/`-q` win over
/// `RUST_LOG`; with neither, the level is `info`.
fn init_logging(verbose: u8, quiet: u8) {
    let mut builder = env_logger::Builder::new();
    builder.format_timestamp_millis().format_target(false);
    let level = match (verbose, quiet) {
        (0, 0) => None,
        (1, _) => Some(log::LevelFilter::Debug),
        (v, _) if v > 1 => Some(log::LevelFilter::Trace),
        (_, 1) => Some(log::LevelFilter::Warn),
        _ => Some(log::LevelFilter::Off),
    };
    match (level, std::env::var("RUST_LOG")) {
        (Some(level), _) => builder.filter_level(level),
        (None, Ok(spec)) => builder.parse_filters(&spec),
        (None, Err(_)) => builder.filter_level(log::LevelFilter::Info),
    };
    builder.init();
}
