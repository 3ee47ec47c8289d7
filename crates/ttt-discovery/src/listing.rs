//! What a server tells the LAN about itself, in its DNS-SD TXT record, and
//! how a player reads it back. Pure: no sockets, unit-tested here.
//!
//! The keys are part of the protocol (docs/PROTOCOL.md):
//!
//! | Key | Value | Meaning |
//! |---|---|---|
//! | `proto` | `1,2` | the protocol versions the server speaks |
//! | `state` | `open`, `waiting` or `playing` | nobody there; one player waiting for an opponent; a game on |
//! | `waiting` | a name | who waits, when `state=waiting` |
//! | `queue` | a number | players waiting in line, when `state=playing` |
//! | `computer` | `yes` or `no` | whether the server has a computer opponent |
//!
//! A reader ignores keys it does not know, so keys can be added.

use std::fmt;

use ttt_protocol::Name;

/// What the table is doing, as the LAN sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableState {
    /// Nobody is there: the next player waits for an opponent.
    Open,
    /// One player waits for an opponent: the next player plays them.
    Waiting(Name),
    /// A game is on, with this many waiting in line.
    Playing {
        /// Players waiting for the table.
        queued: usize,
    },
}

/// A server's announcement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// Protocol versions spoken.
    pub versions: Vec<u32>,
    /// The table's state.
    pub state: TableState,
    /// Whether the server has a computer opponent.
    pub computer: bool,
}

/// Why a TXT record is not a ttt listing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListingError {
    /// A key this version needs is missing.
    #[error("no {0} in the TXT record")]
    Missing(&'static str),
    /// A value is not what the key allows.
    #[error("bad {key} in the TXT record: {value:?}")]
    Invalid {
        /// The key.
        key: &'static str,
        /// Its value (shortened).
        value: String,
    },
}

impl Listing {
    /// The TXT properties, as key and value.
    pub fn to_txt(&self) -> Vec<(&'static str, String)> {
        let versions: Vec<String> = self.versions.iter().map(u32::to_string).collect();
        let mut txt = vec![("proto", versions.join(","))];
        match &self.state {
            TableState::Open => txt.push(("state", "open".to_owned())),
            TableState::Waiting(name) => {
                txt.push(("state", "waiting".to_owned()));
                txt.push(("waiting", name.to_string()));
            }
            TableState::Playing { queued } => {
                txt.push(("state", "playing".to_owned()));
                txt.push(("queue", queued.to_string()));
            }
        }
        let computer = if self.computer { "yes" } else { "no" };
        txt.push(("computer", computer.to_owned()));
        txt
    }

    /// Reads a listing from a TXT record, given a lookup of its values.
    pub fn from_txt<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Result<Listing, ListingError> {
        let invalid = |key, value: &str| ListingError::Invalid {
            key,
            value: value.chars().take(40).collect(),
        };
        let proto = get("proto").ok_or(ListingError::Missing("proto"))?;
        let versions = proto
            .split(',')
            .map(|v| v.trim().parse().map_err(|_| invalid("proto", proto)))
            .collect::<Result<Vec<u32>, _>>()?;
        let state = match get("state").ok_or(ListingError::Missing("state"))? {
            "open" => TableState::Open,
            "waiting" => {
                let name = get("waiting").ok_or(ListingError::Missing("waiting"))?;
                TableState::Waiting(name.parse().map_err(|_| invalid("waiting", name))?)
            }
            "playing" => {
                let queue = get("queue").unwrap_or("0");
                TableState::Playing {
                    queued: queue.parse().map_err(|_| invalid("queue", queue))?,
                }
            }
            other => return Err(invalid("state", other)),
        };
        Ok(Listing {
            versions,
            state,
            computer: get("computer") == Some("yes"),
        })
    }
}

impl fmt::Display for TableState {
    /// For people: "ann is waiting for an opponent".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TableState::Open => f.write_str("open: nobody there yet"),
            TableState::Waiting(name) => write!(f, "{name} is waiting for an opponent"),
            TableState::Playing { queued: 0 } => f.write_str("game in progress"),
            TableState::Playing { queued } => write!(f, "game in progress, {queued} queued"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn round_trip(listing: &Listing) -> Result<Listing, ListingError> {
        let txt: HashMap<&str, String> = listing.to_txt().into_iter().collect();
        Listing::from_txt(|k| txt.get(k).map(String::as_str))
    }

    #[test]
    fn every_state_round_trips() {
        for state in [
            TableState::Open,
            TableState::Waiting("ann".parse().expect("name")),
            TableState::Playing { queued: 0 },
            TableState::Playing { queued: 3 },
        ] {
            let listing = Listing {
                versions: vec![1, 2],
                state,
                computer: true,
            };
            assert_eq!(round_trip(&listing), Ok(listing));
        }
    }

    #[test]
    fn the_keys_are_as_documented() {
        let listing = Listing {
            versions: vec![1, 2],
            state: TableState::Waiting("ann".parse().expect("name")),
            computer: false,
        };
        assert_eq!(
            listing.to_txt(),
            [
                ("proto", "1,2".to_owned()),
                ("state", "waiting".to_owned()),
                ("waiting", "ann".to_owned()),
                ("computer", "no".to_owned()),
            ]
        );
    }

    #[test]
    fn a_record_that_is_not_ours_is_an_error_not_a_panic() {
        let none = Listing::from_txt(|_| None);
        assert_eq!(none, Err(ListingError::Missing("proto")));
        let bad = |k: &str| match k {
            "proto" => Some("1,two"),
            "state" => Some("open"),
            _ => None,
        };
        assert!(matches!(
            Listing::from_txt(bad),
            Err(ListingError::Invalid { key: "proto", .. })
        ));
        let odd_state = |k: &str| match k {
            "proto" => Some("1"),
            "state" => Some("sleeping"),
            _ => None,
        };
        assert!(Listing::from_txt(odd_state).is_err());
    }

    #[test]
    fn states_read_well() {
        let ann: Name = "ann".parse().expect("name");
        assert_eq!(
            TableState::Waiting(ann).to_string(),
            "ann is waiting for an opponent"
        );
        assert_eq!(
            TableState::Playing { queued: 2 }.to_string(),
            "game in progress, 2 queued"
        );
    }
}
