//! Command-line flags, each backed by an environment variable.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use clap::Parser;
use ttt_cli::{Limit, Timeout, parse_limit, parse_timeout};

/// The port players connect to when nothing else is said. Matches
/// `.env.example` and the client's default.
pub const DEFAULT_PORT: u16 = 1234;

/// Precedence, stated in `--help` and the README.
const PRECEDENCE: &str = "Each setting is taken from, in order: its flag, its environment variable, \
a .env file in the current directory (or a parent), then the default. \
HOST in .env is the client's setting; the server binds BIND.";

/// `ttt-server`: a blocking tic-tac-toe server that runs one game at a time.
#[derive(Debug, Parser)]
#[command(version, about, after_help = PRECEDENCE, max_term_width = 80)]
pub struct Args {
    /// Address to listen on; 0.0.0.0 accepts players from the whole LAN,
    /// 127.0.0.1 only from this machine, :: all IPv6 (and usually IPv4).
    #[arg(long, env = "BIND", default_value_t = IpAddr::V4(Ipv4Addr::UNSPECIFIED))]
    pub bind: IpAddr,

    /// TCP port to listen on; 0 picks any free port (printed at start-up).
    #[arg(short, long, env = "PORT", default_value_t = DEFAULT_PORT, value_parser = ttt_cli::parse_port)]
    pub port: u16,

    /// Time a player has for each move before forfeiting, in whole seconds (a
    /// fraction is rounded up, as the protocol says times in seconds); 0 = no
    /// limit. Also the time to answer a rematch offer.
    #[arg(long, env = "TURN_TIMEOUT", default_value = "120", value_parser = parse_timeout)]
    pub turn_timeout: Timeout,

    /// Time a new connection has to say HELLO (or a person to type
    /// `play <name>`) before it is dropped; 0 = no limit. Long enough for a
    /// typist: silent connections cannot crowd anyone out anyway.
    #[arg(long, env = "HANDSHAKE_TIMEOUT", default_value = "60", value_parser = parse_timeout)]
    pub handshake_timeout: Timeout,

    /// Time the seat or place of a player whose connection dropped is held
    /// for them to come back (clients that ask, and people in nc, who are
    /// shown a code), in whole seconds; 0 = a drop is final at once.
    #[arg(long, env = "GRACE", default_value = "30", value_parser = parse_timeout)]
    pub grace: Timeout,

    /// Time a client may leave the server's messages unread before it is
    /// treated as gone.
    #[arg(long, env = "WRITE_TIMEOUT", default_value = "5", value_parser = parse_limit)]
    pub write_timeout: Limit,

    /// Time after which a player whose machine is unreachable (lid closed,
    /// Wi-Fi gone: no goodbye at all) counts as gone, in every state.
    #[arg(long, env = "LIVENESS", default_value = "12", value_parser = parse_limit)]
    pub liveness: Limit,

    /// Announce this server on the LAN (multicast DNS service discovery),
    /// so players find it with `ttt-client --find`. Off unless asked.
    #[arg(long, env = "ANNOUNCE", action = clap::ArgAction::SetTrue,
          value_parser = clap::builder::BoolishValueParser::new())]
    pub announce: bool,

    /// The name players see when they find this server. Default: this
    /// machine's host name.
    #[arg(long, env = "SERVER_NAME", value_parser = parse_server_name)]
    pub name: Option<String>,

    /// Announce only on these network interfaces (comma-separated, e.g.
    /// eth0,wlan0). Default: every interface but loopback.
    #[arg(long, env = "ANNOUNCE_ON", value_delimiter = ',')]
    pub announce_on: Vec<String>,

    /// Also serve the game to browsers on this TCP port (a phone or a laptop
    /// opens http://<this machine>:PORT/, nothing to install); --web alone
    /// uses 8080; 0 picks any free port. Off unless asked.
    #[arg(long, env = "WEB_PORT", value_name = "PORT", num_args = 0..=1,
          default_missing_value = "8080", value_parser = ttt_cli::parse_port)]
    pub web: Option<u16>,

    /// No computer opponent: players wait for each other (a LAN that wants
    /// people only).
    #[arg(long, env = "NO_COMPUTER", action = clap::ArgAction::SetTrue,
          value_parser = clap::builder::BoolishValueParser::new())]
    pub no_computer: bool,

    /// Time the computer opponent waits before each move, so people see it
    /// happen, e.g. 0.6, 300ms; 0 = at once.
    #[arg(long, env = "COMPUTER_PAUSE", default_value = "0.6", value_parser = parse_timeout)]
    pub computer_pause: Timeout,

    /// More log detail (-v: every move; -vv: everything). Overrides RUST_LOG.
    #[arg(short, long, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,

    /// Less log detail (-q: warnings and errors only; -qq: nothing). Overrides RUST_LOG.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub quiet: u8,
}

/// The settings the server needs, in the form it uses them.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Time per move (and per rematch answer); `None` for no limit.
    pub turn_timeout: Option<Duration>,
    /// Time to complete the handshake; `None` for no limit.
    pub handshake_timeout: Option<Duration>,
    /// Time a client may leave output unread before it counts as gone.
    pub write_timeout: Duration,
    /// Time an unreachable client's machine takes to count as gone.
    pub liveness: Duration,
    /// The computer opponent's pause before each move; `None`: there is
    /// no computer opponent.
    pub computer_pause: Option<Duration>,
    /// How long a dropped player's seat or place is held; `None`: not at all.
    pub grace: Option<Duration>,
}

impl Default for Settings {
    /// The defaults of the command line.
    fn default() -> Settings {
        Settings {
            turn_timeout: Some(Duration::from_secs(120)),
            handshake_timeout: Some(Duration::from_secs(60)),
            write_timeout: Duration::from_secs(5),
            liveness: ttt_cli::liveness::DEFAULT_LIVENESS,
            computer_pause: Some(Duration::from_millis(600)),
            grace: Some(Duration::from_secs(30)),
        }
    }
}

impl From<&Args> for Settings {
    fn from(args: &Args) -> Settings {
        Settings {
            turn_timeout: args.turn_timeout.0.map(whole_seconds),
            handshake_timeout: args.handshake_timeout.0,
            write_timeout: args.write_timeout.0,
            liveness: args.liveness.0,
            computer_pause: (!args.no_computer)
                .then(|| args.computer_pause.0.unwrap_or(Duration::ZERO)),
            grace: args.grace.0.map(whole_seconds),
        }
    }
}

/// `d` rounded up to whole seconds: the protocol tells times in seconds, so
/// a limit of 1.5 s would be said as 2 and a client counting down would be
/// half a second late. With whole seconds, what is said is what is meant.
fn whole_seconds(d: Duration) -> Duration {
    Duration::from_secs(d.as_secs() + u64::from(d.subsec_nanos() > 0))
}

/// A server name: what a DNS-SD instance name may hold, within reason.
fn parse_server_name(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.is_empty() || s.len() > 63 || s.chars().any(char::is_control) {
        Err(format!(
            "{s:?} is not a server name (1 to 63 bytes, no control characters)"
        ))
    } else {
        Ok(s.to_owned())
    }
}

/// Logs to stderr, one timestamped line per event. `-v`/`-q` win over
/// `RUST_LOG`; with neither, the level is `info`.
pub fn init_logging(verbose: u8, quiet: u8) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_serve_the_lan() {
        let args = Args::try_parse_from(["ttt-server"]).expect("defaults parse");
        assert_eq!(args.bind, IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        assert_eq!(args.port, DEFAULT_PORT);
        assert_eq!(args.turn_timeout, Timeout(Some(Duration::from_secs(120))));
        let settings = Settings::from(&args);
        let defaults = Settings::default();
        assert_eq!(settings.turn_timeout, defaults.turn_timeout);
        assert_eq!(settings.handshake_timeout, defaults.handshake_timeout);
        // A person typing `play <name>` into nc has a minute.
        assert_eq!(defaults.handshake_timeout, Some(Duration::from_secs(60)));
        assert_eq!(settings.write_timeout, defaults.write_timeout);
        assert_eq!(settings.liveness, defaults.liveness);
        assert_eq!(settings.computer_pause, defaults.computer_pause);
        let humans_only = Args::try_parse_from(["ttt-server", "--no-computer"]).expect("parses");
        assert_eq!(Settings::from(&humans_only).computer_pause, None);
        let at_once =
            Args::try_parse_from(["ttt-server", "--computer-pause", "0"]).expect("parses");
        assert_eq!(
            Settings::from(&at_once).computer_pause,
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn announcing_is_off_unless_asked() {
        let quiet = Args::try_parse_from(["ttt-server"]).expect("parses");
        assert!(!quiet.announce);
        let args = Args::try_parse_from([
            "ttt-server",
            "--announce",
            "--name",
            "lan party",
            "--announce-on",
            "eth0,wlan0",
        ])
        .expect("parses");
        assert!(args.announce);
        assert_eq!(args.name.as_deref(), Some("lan party"));
        assert_eq!(args.announce_on, ["eth0", "wlan0"]);
        assert!(Args::try_parse_from(["ttt-server", "--name", ""]).is_err());
    }

    /// The turn limit is whole seconds, as the protocol says it.
    #[test]
    fn the_turn_limit_is_whole_seconds() {
        let turn = |flag: &str| {
            let args =
                Args::try_parse_from(["ttt-server", "--turn-timeout", flag]).expect("parses");
            Settings::from(&args).turn_timeout
        };
        assert_eq!(turn("1.5"), Some(Duration::from_secs(2)));
        assert_eq!(turn("200ms"), Some(Duration::from_secs(1)));
        assert_eq!(turn("120"), Some(Duration::from_secs(120)));
        assert_eq!(turn("0"), None);
    }

    #[test]
    fn the_write_timeout_cannot_be_switched_off() {
        assert!(Args::try_parse_from(["ttt-server", "--write-timeout", "0"]).is_err());
        let args = Args::try_parse_from(["ttt-server", "--write-timeout", "250ms"])
            .expect("a short write timeout parses");
        assert_eq!(args.write_timeout, Limit(Duration::from_millis(250)));
    }
}
