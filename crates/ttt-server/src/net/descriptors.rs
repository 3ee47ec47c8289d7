//! File descriptors: the one resource every connection costs, from accept
//! until its socket is closed, lingering included.
//!
//! A process that runs out of them cannot accept anyone, so the server
//! budgets them like any other resource:
//!
//! - at start-up the soft open-files limit is raised to the hard limit where
//!   the OS allows it ([`raise_open_files_limit`], as Go's runtime does on
//!   Linux and macOS): the soft limit's usual 1024 is a default for programs
//!   that forget to close files, not a ceiling a server must live under;
//! - [`RESERVED`] descriptors are kept for the server itself, and the rest is
//!   the connection budget ([`connection_budget`]); the driver never holds
//!   more connections than that, making room first when it must, so that
//!   `accept` always has a descriptor for an honest newcomer.
//!
//! The caps on greeting connections, on the queue and on lingering closes
//! keep the server far below the budget under the usual limit of 1024; the
//! budget is what still holds when the limit is small, or the caps add up
//! to more than it.

use std::io;

/// Descriptors kept for the server itself, beyond its connections: the
/// three standard streams, the poll and its waker, the listener, the Ctrl-C
/// handler's pipe, the LAN announcer's multicast sockets (one or two per
/// network interface), and room for what a library opens now and then. The
/// server without `--announce` uses 8; with it, on a machine with a few
/// interfaces, under 20. (With a limit under twice this, half the limit is
/// kept instead.)
pub const RESERVED: usize = 64;

/// The open-files limit, as start-up found and left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenFiles {
    /// The soft limit in force now; `None` where the OS has none (Windows)
    /// or it cannot be read.
    pub limit: Option<u64>,
    /// The soft limit before it was raised, if it was.
    pub raised_from: Option<u64>,
}

impl OpenFiles {
    /// The limit in force now, as found (nothing raised).
    pub fn current() -> OpenFiles {
        OpenFiles {
            limit: current_limit(),
            raised_from: None,
        }
    }

    /// One line for the log, e.g. "open files: limit 524288 (raised from
    /// 1024); up to 524224 connections at once".
    pub fn describe(&self) -> String {
        let budget = connection_budget(self.limit);
        match (self.limit, self.raised_from) {
            (Some(limit), Some(from)) => format!(
                "open files: limit {limit} (raised from {from}); up to {budget} connections at once"
            ),
            (Some(limit), None) => {
                format!("open files: limit {limit}; up to {budget} connections at once")
            }
            (None, _) => "open files: no limit from the OS".to_owned(),
        }
    }
}

/// Raises this process's soft open-files limit to its hard limit, where
/// the OS allows it, and returns the limit in force. Never fails: if the
/// limit cannot be raised, the one in force is kept (and said in `Err`).
pub fn raise_open_files_limit() -> Result<OpenFiles, (OpenFiles, io::Error)> {
    let before = current_limit();
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(_) => {
            let after = current_limit();
            Ok(OpenFiles {
                limit: after,
                raised_from: before.filter(|&b| after.is_some_and(|a| a > b)),
            })
        }
        Err(e) => Err((
            OpenFiles {
                limit: before,
                raised_from: None,
            },
            e,
        )),
    }
}

/// The soft open-files limit in force, where the OS has one.
pub fn current_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        rlimit::Resource::NOFILE.get().ok().map(|(soft, _)| soft)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// How many connections the server may hold at once under an open-files
/// `limit`: the limit less [`RESERVED`] (or less half the limit, if it is
/// under twice that), and never none. No limit, no budget beyond the caps.
pub fn connection_budget(limit: Option<u64>) -> usize {
    let Some(limit) = limit else {
        return usize::MAX;
    };
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let reserved = RESERVED.min(limit / 2);
    limit.saturating_sub(reserved).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_keeps_descriptors_for_the_server() {
        assert_eq!(connection_budget(Some(1024)), 1024 - RESERVED);
        assert_eq!(connection_budget(Some(1 << 20)), (1 << 20) - RESERVED);
        // A small limit keeps half for the server.
        assert_eq!(connection_budget(Some(64)), 32);
        assert_eq!(connection_budget(Some(20)), 10);
        assert_eq!(connection_budget(Some(1)), 1);
        assert_eq!(connection_budget(Some(0)), 1);
        assert_eq!(connection_budget(Some(u64::MAX)), usize::MAX - RESERVED);
        assert_eq!(connection_budget(None), usize::MAX);
    }

    #[test]
    fn the_limit_is_described_in_one_line() {
        let raised = OpenFiles {
            limit: Some(524_288),
            raised_from: Some(1024),
        };
        assert_eq!(
            raised.describe(),
            "open files: limit 524288 (raised from 1024); up to 524224 connections at once"
        );
        let kept = OpenFiles {
            limit: Some(1024),
            raised_from: None,
        };
        assert_eq!(
            kept.describe(),
            "open files: limit 1024; up to 960 connections at once"
        );
    }

    /// Raising is idempotent: after it, the soft limit is the hard one.
    #[cfg(unix)]
    #[test]
    fn raising_leaves_the_soft_limit_at_the_hard_one() {
        let Ok(files) = raise_open_files_limit() else {
            return; // An OS that refuses: nothing to check.
        };
        let (soft, hard) = rlimit::Resource::NOFILE.get().expect("read the limit");
        assert_eq!(files.limit, Some(soft));
        assert!(soft == hard || cfg!(target_os = "macos"), "{soft} < {hard}");
    }
}
