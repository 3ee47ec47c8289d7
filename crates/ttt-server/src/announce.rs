//! Announcing the server on the LAN (`--announce`, multicast DNS): the
//! lobby's status, turned into the listing players see in
//! `ttt-client --find`, kept current by an announcer on a thread of its own.

use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread;

use ttt_discovery::{Announcer, Listing, TableState};
use ttt_protocol::Version;

use crate::{Server, Settings, Status};

/// Starts announcing the server as `name`, and keeps its record current
/// from the lobby's status changes. The announcement lives on a thread of
/// its own (named for what it does), which the server's status hook feeds
/// through a channel; when the server is dropped, the channel closes and
/// the thread unregisters the server before it ends: join the handle to
/// let it say goodbye on the LAN.
pub fn announce(
    server: &mut Server,
    name: &str,
    bound: SocketAddr,
    interfaces: &[String],
    settings: &Settings,
) -> Result<thread::JoinHandle<()>, Box<dyn std::error::Error>> {
    let computer = settings.computer_pause.is_some();
    let mut announcer = Announcer::start(
        name,
        &dns_label(name),
        bound,
        interfaces,
        listing(&Status::default(), computer),
    )?;
    log::info!("announced on the LAN as {}", announcer.fullname());
    let (changes, listings) = mpsc::channel::<Listing>();
    server.on_status_change(move |status| {
        // The receiver ends only after the server: nothing to do if gone.
        let _ = changes.send(listing(status, computer));
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

/// What the LAN is told of a lobby in `status`.
fn listing(status: &Status, computer: bool) -> Listing {
    Listing {
        versions: Version::ALL.iter().map(|v| v.number()).collect(),
        state: match (&status.playing, status.queued.as_slice()) {
            (Some(_), queued) => TableState::Playing {
                queued: queued.len(),
            },
            (None, [one]) => TableState::Waiting(one.clone()),
            (None, _) => TableState::Open,
        },
        computer,
    }
}

/// This machine's host name, for the default server name.
pub fn host_name() -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use ttt_protocol::Name;

    fn name(s: &str) -> Name {
        s.parse().expect("test name")
    }

    /// The LAN hears whether the table is open, who waits alone, or that a
    /// game is on and how many wait.
    #[test]
    fn the_listing_says_what_the_lobby_is_doing() {
        let open = listing(&Status::default(), true);
        assert_eq!(open.state, TableState::Open);
        assert!(open.computer);
        let waiting = Status {
            queued: vec![name("ann")],
            ..Status::default()
        };
        assert_eq!(
            listing(&waiting, false).state,
            TableState::Waiting(name("ann"))
        );
        let playing = Status {
            playing: Some([name("ann"), name("bob")]),
            queued: vec![name("carol"), name("dave")],
            ..Status::default()
        };
        assert_eq!(
            listing(&playing, false).state,
            TableState::Playing { queued: 2 }
        );
    }

    #[test]
    fn a_dns_label_is_letters_digits_and_dashes() {
        assert_eq!(dns_label("Zoë's laptop"), "Zo--s-laptop");
        assert_eq!(dns_label("ümlaut"), "-mlaut");
        assert_eq!(dns_label("!!!"), "ttt-server");
        assert_eq!(dns_label(&"a".repeat(100)).len(), 63);
    }
}
