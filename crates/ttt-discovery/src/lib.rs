//! Finding `ttt` servers on the LAN without typing an address: DNS-SD
//! (RFC 6763) over multicast DNS (RFC 6762), the way printers and media
//! players are found (Bonjour, Avahi).
//!
//! The map:
//!
//! - [`listing`]: what a server says about itself in its TXT record (the
//!   protocol versions, whether someone waits, whether a game is on), as
//!   data; pure, and part of the protocol;
//! - [`announce`]: the server's side, [`Announcer`]: register, keep the
//!   record current, say goodbye when stopping;
//! - [`browse`](mod@browse): the player's side, [`browse()`](fn@browse):
//!   look for a moment, merge what each server said, order its addresses
//!   by how likely they are to be reachable.
//!
//! Discovery is not game logic: it reads the lobby's state and never
//! touches the table. It sends multicast, so both programs do it only when
//! asked (`--announce`, `--find`), and the tests that exercise it run only
//! inside network namespaces they create (`.ci/lan-find.sh`).

pub mod announce;
pub mod browse;
pub mod listing;

pub use announce::Announcer;
pub use browse::{Browser, Found, browse, order_addresses};
pub use listing::{Listing, ListingError, TableState};

/// The DNS-SD service type of a `ttt` server.
pub const SERVICE_TYPE: &str = "_ttt._tcp.local.";

/// Why discovery could not start.
#[derive(Debug, thiserror::Error)]
#[error("service discovery: {0}")]
pub struct DiscoveryError(String);

impl From<mdns_sd::Error> for DiscoveryError {
    fn from(e: mdns_sd::Error) -> DiscoveryError {
        DiscoveryError(e.to_string())
    }
}
