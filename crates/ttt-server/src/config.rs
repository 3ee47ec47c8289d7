//! Command-line flags, each backed by an environment variable.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use clap::Parser;

/// The port players connect to when nothing else is said. Matches
/// `.env.example` and the client's default.
pub const DEFAULT_PORT: u16 = 1234;

/// Precedence, stated in `--help` and the README.
const PRECEDENCE: &str = "Each setting is taken from, in order: its flag, its environment variable, \
a .env file in the current directory (or a parent), then the default. \
HOST in .env is the client's setting; the server binds BIND.";

/// `ttt-server`: a blocking tic-tac-toe server that runs one game at a time.
#[derive(Debug, Parser)]
#[command(version, about, after_help = PRECEDENCE)]
pub struct Args {
    /// Address to listen on; 0.0.0.0 accepts players from the whole LAN,
    /// 127.0.0.1 only from this machine, :: all IPv6 (and usually IPv4).
    #[arg(long, env = "BIND", default_value_t = IpAddr::V4(Ipv4Addr::UNSPECIFIED))]
    pub bind: IpAddr,

    /// TCP port to listen on; 0 picks any free port (printed at start-up).
    #[arg(short, long, env = "PORT", default_value_t = DEFAULT_PORT)]
    pub port: u16,

    /// Time a player has for each move before forfeiting, e.g. 120, 1.5, 200ms; 0 = no limit.
    /// Also the time to answer a rematch offer.
    #[arg(long, env = "TURN_TIMEOUT", default_value = "120", value_parser = parse_timeout)]
    pub turn_timeout: Timeout,

    /// Time a new connection has to send HELLO before it is dropped; 0 = no limit.
    #[arg(long, env = "HANDSHAKE_TIMEOUT", default_value = "10", value_parser = parse_timeout)]
    pub handshake_timeout: Timeout,

    /// Time a client may leave the server's messages unread before it is
    /// treated as gone.
    #[arg(long, env = "WRITE_TIMEOUT", default_value = "5", value_parser = parse_limit)]
    pub write_timeout: Limit,

    /// More log detail (-v: every move; -vv: everything). Overrides RUST_LOG.
    #[arg(short, long, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,

    /// Less log detail (-q: warnings and errors only; -qq: nothing). Overrides RUST_LOG.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub quiet: u8,
}

/// A time limit; `None` means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeout(pub Option<Duration>);

/// Parses seconds (`120`, `0.5`), or a number with a unit (`200ms`, `2s`,
/// `3m`). Zero means no limit.
pub fn parse_timeout(s: &str) -> Result<Timeout, String> {
    let s = s.trim();
    let (number, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60.0)
    } else {
        (s, 1.0)
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| "expected seconds, such as 120, 1.5 or 200ms".to_owned())?;
    let secs = value * scale;
    // A day is far beyond any sensible turn; it also keeps Instant arithmetic safe.
    if !(0.0..=86_400.0).contains(&secs) {
        return Err("expected between 0 and 86400 seconds".to_owned());
    }
    Ok(Timeout((secs > 0.0).then(|| Duration::from_secs_f64(secs))))
}

/// A time limit that must be set: zero is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(pub Duration);

/// Parses like [`parse_timeout`], but zero (no limit) is not allowed.
pub fn parse_limit(s: &str) -> Result<Limit, String> {
    match parse_timeout(s)? {
        Timeout(Some(limit)) => Ok(Limit(limit)),
        Timeout(None) => Err("expected more than 0 seconds".to_owned()),
    }
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
}

impl Default for Settings {
    /// The defaults of the command line.
    fn default() -> Settings {
        Settings {
            turn_timeout: Some(Duration::from_secs(120)),
            handshake_timeout: Some(Duration::from_secs(10)),
            write_timeout: Duration::from_secs(5),
        }
    }
}

impl From<&Args> for Settings {
    fn from(args: &Args) -> Settings {
        Settings {
            turn_timeout: args.turn_timeout.0,
            handshake_timeout: args.handshake_timeout.0,
            write_timeout: args.write_timeout.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_parse_with_and_without_units() {
        let secs = |s: &str| parse_timeout(s).map(|t| t.0.map(|d| d.as_millis()));
        assert_eq!(secs("120"), Ok(Some(120_000)));
        assert_eq!(secs("0.2"), Ok(Some(200)));
        assert_eq!(secs("200ms"), Ok(Some(200)));
        assert_eq!(secs("2s"), Ok(Some(2000)));
        assert_eq!(secs("3m"), Ok(Some(180_000)));
        assert_eq!(secs("0"), Ok(None));
        assert!(parse_timeout("soon").is_err());
        assert!(parse_timeout("-1").is_err());
        assert!(parse_timeout("NaN").is_err());
        assert!(parse_timeout("1e300").is_err());
    }

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
        assert_eq!(settings.write_timeout, defaults.write_timeout);
    }

    #[test]
    fn the_write_timeout_cannot_be_switched_off() {
        assert!(Args::try_parse_from(["ttt-server", "--write-timeout", "0"]).is_err());
        let args = Args::try_parse_from(["ttt-server", "--write-timeout", "250ms"])
            .expect("a short write timeout parses");
        assert_eq!(args.write_timeout, Limit(Duration::from_millis(250)));
    }
}
