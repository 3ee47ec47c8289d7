//! Command-line flags, each backed by an environment variable.

use std::time::Duration;

use clap::Parser;
use ttt_cli::{Limit, parse_limit};
use ttt_protocol::{Level, Name};

use crate::session::Timings;

/// The port to connect to when nothing else is said; the server's default.
pub const DEFAULT_PORT: u16 = 1234;

/// The default for `--connect-timeout`. A few seconds: on a LAN a live
/// server answers in milliseconds, and an address that swallows packets
/// should not leave the player staring at nothing.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

const PRECEDENCE: &str = "Each setting is taken from, in order: its flag, its environment variable, \
a .env file in the current directory (or a parent), then the default. \
At a terminal the board fills the screen: press a cell's number (1-9), or move with the arrows \
and press Enter, or click; q leaves. Elsewhere (a pipe, TERM=dumb, --plain) the game is a plain \
transcript, one line per event, and moves are typed lines. NO_COLOR turns colours off.";

/// `ttt-client`: play tic-tac-toe against another person through a ttt-server.
#[derive(Debug, Parser)]
#[command(version, about, after_help = PRECEDENCE, max_term_width = 80)]
pub struct Args {
    /// Server to connect to: an IP address (IPv4 or IPv6) or a host name.
    #[arg(long, env = "HOST", default_value = "127.0.0.1")]
    pub host: String,

    /// Find a ttt server on the LAN instead of typing its address (servers
    /// announce themselves with --announce): join the only one found, or the
    /// one called NAME, or choose from a list. HOST is then not used.
    #[arg(long, env = "TTT_FIND", value_name = "NAME", num_args = 0..=1, default_missing_value = "")]
    pub find: Option<String>,

    /// With --find: list the servers found, with what each is doing, and exit.
    #[arg(long, requires = "find")]
    pub list: bool,

    /// With --find: follow the servers for --find-wait, printing each one as
    /// it appears, changes (someone waiting, a game on) and goes; then exit.
    #[arg(long, requires = "find", conflicts_with = "list")]
    pub watch: bool,

    /// How long --find looks for servers.
    #[arg(long, env = "TTT_FIND_WAIT", default_value = "1.5", value_parser = parse_limit)]
    pub find_wait: Limit,

    /// Server port.
    #[arg(short, long, env = "PORT", default_value_t = DEFAULT_PORT, value_parser = ttt_cli::parse_port)]
    pub port: u16,

    /// Your name as the opponent sees it (letters, digits, - _ .; up to 24).
    /// Default: your login name.
    #[arg(short, long, env = "TTT_NAME", value_parser = parse_name)]
    pub name: Option<Name>,

    /// Time to wait for the server to accept the connection, e.g. 5, 0.5, 500ms.
    #[arg(long, env = "TTT_CONNECT_TIMEOUT", default_value = "5", value_parser = parse_limit)]
    pub connect_timeout: Limit,

    /// Time after which a server whose machine stopped answering (asleep,
    /// unplugged, out of Wi-Fi range) is reported as lost.
    #[arg(long, env = "TTT_LIVENESS", default_value = "12", value_parser = parse_limit)]
    pub liveness: Limit,

    /// Time without a greeting from the server before saying that it seems
    /// busy and this client is waiting in its queue.
    #[arg(long, env = "TTT_QUEUE_NOTICE", default_value = "3", value_parser = parse_limit)]
    pub queue_notice: Limit,

    /// After quitting a game, time to wait for the server's goodbye before
    /// leaving anyway.
    #[arg(long, env = "TTT_QUIT_WAIT", default_value = "1.5", value_parser = parse_limit, hide = true)]
    pub quit_wait: Limit,

    /// Time a move may go unanswered before the client says so.
    #[arg(long, env = "TTT_ANSWER_NOTICE", default_value = "3", value_parser = parse_limit, hide = true)]
    pub answer_notice: Limit,

    /// Play the server's computer opponent instead of waiting for a person:
    /// easy, fair (the default) or perfect.
    #[arg(long, env = "TTT_COMPUTER", num_args = 0..=1, default_missing_value = "fair",
          value_parser = parse_level, value_name = "LEVEL")]
    pub computer: Option<Level>,

    /// A plain transcript instead of the full-screen board, even at a
    /// terminal: one line per event, nothing redrawn (for screen readers,
    /// and for terminals that cannot draw the board).
    #[arg(long, env = "TTT_PLAIN", action = clap::ArgAction::SetTrue,
          value_parser = clap::builder::BoolishValueParser::new())]
    pub plain: bool,

    /// Only watch the game at the server's table, never play: see every
    /// move of each game there, the results and the score (servers of
    /// protocol 2 and later).
    #[arg(long, env = "TTT_SPECTATE", action = clap::ArgAction::SetTrue,
          value_parser = clap::builder::BoolishValueParser::new(), conflicts_with = "computer")]
    pub spectate: bool,

    /// Time waiting alone for an opponent before the client offers the
    /// computer.
    #[arg(long, env = "TTT_COMPUTER_OFFER", default_value = "5", value_parser = parse_limit)]
    pub computer_offer: Limit,
}

impl Args {
    /// The session's timings.
    pub fn timings(&self) -> Timings {
        Timings {
            queue_notice: self.queue_notice.0,
            quit_wait: self.quit_wait.0,
            answer_notice: self.answer_notice.0,
            computer_offer: self.computer_offer.0,
        }
    }
}

fn parse_level(s: &str) -> Result<Level, String> {
    s.parse()
        .map_err(|e: ttt_protocol::ParseError| e.to_string())
}

fn parse_name(s: &str) -> Result<Name, String> {
    s.parse()
        .map_err(|e: ttt_protocol::ParseError| e.to_string())
}

/// The name to play under when none is given: the login name made valid,
/// else `player-` and a number from the process id, so two players with no
/// login name on one LAN are told apart (the server also adds a suffix to a
/// name already taken).
pub fn default_name() -> Name {
    ["USER", "LOGNAME", "USERNAME"]
        .into_iter()
        .filter_map(|var| std::env::var(var).ok())
        .find_map(|login| Name::sanitize(&login))
        .unwrap_or_else(|| numbered_player(std::process::id()))
}

fn numbered_player(id: u32) -> Name {
    format!("player-{}", id % 10_000)
        .parse()
        .expect("'player-' and digits make a valid name")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connect_timeout_default_is_the_constant() {
        let args = Args::try_parse_from(["ttt-client"]).expect("defaults parse");
        assert_eq!(args.connect_timeout, Limit(CONNECT_TIMEOUT));
        assert_eq!(args.timings(), Timings::default());
        assert_eq!(args.liveness, Limit(ttt_cli::liveness::DEFAULT_LIVENESS));
        assert!(Args::try_parse_from(["ttt-client", "--connect-timeout", "0"]).is_err());
    }

    #[test]
    fn computer_alone_means_fair() {
        let parse = |args: &[&str]| Args::try_parse_from(args).map(|a| a.computer);
        assert_eq!(parse(&["ttt-client"]).expect("parses"), None);
        assert_eq!(
            parse(&["ttt-client", "--computer"]).expect("parses"),
            Some(Level::Fair)
        );
        assert_eq!(
            parse(&["ttt-client", "--computer", "perfect"]).expect("parses"),
            Some(Level::Perfect)
        );
        assert!(parse(&["ttt-client", "--computer", "genius"]).is_err());
    }

    #[test]
    fn plain_is_a_switch() {
        let parse = |args: &[&str]| Args::try_parse_from(args).map(|a| a.plain);
        assert!(!parse(&["ttt-client"]).expect("parses"));
        assert!(parse(&["ttt-client", "--plain"]).expect("parses"));
    }

    #[test]
    fn with_no_login_name_players_are_numbered() {
        assert_eq!(numbered_player(123_456).as_str(), "player-3456");
    }
}
