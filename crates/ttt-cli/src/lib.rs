//! What `ttt-server` and `ttt-client` share: at start-up, loading `.env`,
//! parsing flags (and durations in them: [`parse_timeout`]), and turning a
//! configuration mistake into one line on stderr and exit code 2; on every
//! connection, the [`liveness`] settings that notice a vanished machine.
//!
//! Precedence is flag > environment > `.env` > default: `.env` is loaded
//! first without overriding variables already set, then `clap` reads flags,
//! falling back to the environment.

pub mod liveness;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, Parser};

/// The exit code for a usage or configuration error, as `clap` and ripgrep use.
pub const USAGE_EXIT: u8 = 2;

/// Loads `.env`, then parses the flags into `A`. On any mistake, prints one
/// line and returns the exit code to leave with (0 for `--help`/`--version`).
pub fn start<A: Parser>() -> Result<A, ExitCode> {
    if let Err(line) = load_dotenv() {
        eprintln!("error: {line}");
        return Err(ExitCode::from(USAGE_EXIT));
    }
    A::try_parse().map_err(usage_error::<A>)
}

/// Loads the first `.env` found in the current directory or its parents,
/// without overriding variables already set. A missing file is fine; a
/// malformed one is an error naming the file and the line.
pub fn load_dotenv() -> Result<Option<PathBuf>, String> {
    let Some(path) = find_dotenv() else {
        return Ok(None);
    };
    match dotenvy::from_path(&path) {
        Ok(()) => Ok(Some(path)),
        Err(dotenvy::Error::LineParse(text, _)) => Err(format!(
            "{}: cannot parse line {}: {:?}",
            path.display(),
            line_number(&path, &text),
            text.lines().next().unwrap_or_default()
        )),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

fn find_dotenv() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors()
        .map(|dir| dir.join(".env"))
        .find(|path| path.is_file())
}

/// The 1-based line of `.env` where the unparsable `text` starts.
fn line_number(path: &Path, text: &str) -> usize {
    let contents = std::fs::read_to_string(path).unwrap_or_default();
    let at = contents.find(text).unwrap_or(0);
    contents[..at].matches('\n').count() + 1
}

/// Prints a flag or environment error as one line, naming the environment
/// variable behind the flag, and returns exit code 2; `--help` and
/// `--version` print as usual and succeed.
pub fn usage_error<A: CommandFactory>(e: clap::Error) -> ExitCode {
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
    // The bad value came from the flag if it was given, else from its
    // environment variable: name that one.
    if let Some(ContextValue::String(flag)) = e.get(ContextKind::InvalidArg) {
        let command = A::command();
        let arg = command.get_arguments().find(|arg| {
            arg.get_long()
                .is_some_and(|long| flag.starts_with(&format!("--{long} ")))
        });
        let given = arg.is_some_and(|arg| flag_given(arg, std::env::args_os().skip(1)));
        let env = arg.and_then(|arg| arg.get_env().map(|env| env.to_string_lossy().into_owned()));
        if let (Some(env), false) = (env, given) {
            line = line.replacen(&format!("'{flag}'"), &format!("env {env}"), 1);
        }
    }
    eprintln!("{line}");
    ExitCode::from(USAGE_EXIT)
}

/// Whether `arg` is among `args` (as `--long`, `--long=...`, `-s` or `-s...`).
fn flag_given(arg: &clap::Arg, args: impl Iterator<Item = std::ffi::OsString>) -> bool {
    args.map(|a| a.to_string_lossy().into_owned()).any(|a| {
        let long = arg
            .get_long()
            .is_some_and(|long| a == format!("--{long}") || a.starts_with(&format!("--{long}=")));
        let short = arg
            .get_short()
            .is_some_and(|short| a.starts_with(&format!("-{short}")) && !a.starts_with("--"));
        long || short
    })
}

/// Parses a TCP port, saying the range in words when it is not one.
pub fn parse_port(s: &str) -> Result<u16, String> {
    let s = s.trim();
    match s.parse::<u64>() {
        Ok(n) => u16::try_from(n).map_err(|_| "expected a port number from 0 to 65535".to_owned()),
        Err(_) => Err("expected a port number from 0 to 65535".to_owned()),
    }
}

/// A setting read from the environment (after `.env`), with a default,
/// for the lesson's small examples that take no flags. A bad value is one
/// line naming the variable.
pub fn env_setting<T: std::str::FromStr>(name: &str, default: T) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    match std::env::var(name) {
        Err(_) => Ok(default),
        Ok(value) => value
            .trim()
            .parse()
            .map_err(|e| format!("invalid {name} {value:?}: {e}")),
    }
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
    fn ports_are_said_in_words() {
        assert_eq!(parse_port("1234"), Ok(1234));
        assert_eq!(parse_port("0"), Ok(0));
        for bad in ["99999", "abc", "-1", ""] {
            assert_eq!(
                parse_port(bad),
                Err("expected a port number from 0 to 65535".to_owned()),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_flag_is_given_in_any_of_its_forms() {
        let arg = clap::Arg::new("port").long("port").short('p');
        let given = |args: &[&str]| flag_given(&arg, args.iter().map(std::ffi::OsString::from));
        assert!(given(&["--port", "x"]));
        assert!(given(&["--port=x"]));
        assert!(given(&["-p", "x"]));
        assert!(given(&["-px"]));
        assert!(!given(&["--portly"]));
        assert!(!given(&["--name", "p"]));
    }

    #[test]
    fn a_limit_must_be_more_than_zero() {
        assert_eq!(parse_limit("0.5"), Ok(Limit(Duration::from_millis(500))));
        assert!(parse_limit("0").is_err());
        assert!(parse_limit("0ms").is_err());
    }
}
