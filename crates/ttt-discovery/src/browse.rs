//! The player's side: look for `_ttt._tcp` servers for a short while, and
//! gather what each one says. A server can resolve in several events (IPv4
//! first, IPv6 later, a TXT update): they are merged by name.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr, SocketAddrV6};
use std::time::{Duration, Instant};

use mdns_sd::{IfKind, ScopedIp, ServiceDaemon, ServiceEvent};

use crate::listing::Listing;
use crate::{DiscoveryError, SERVICE_TYPE};

/// A server found on the LAN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Its name (the DNS-SD instance name), e.g. `lan-party`.
    pub name: String,
    /// Addresses to try, best first (see [`order_addresses`]).
    pub addrs: Vec<SocketAddr>,
    /// What its TXT record says, or why it could not be read.
    pub listing: Result<Listing, String>,
    /// It said goodbye (stopped) while we looked.
    pub gone: bool,
}

/// Browses for `wait`, on every interface but loopback, and returns the
/// servers found, by name, those that stopped meanwhile marked `gone`.
pub fn browse(wait: Duration) -> Result<Vec<Found>, DiscoveryError> {
    let mut browser = Browser::start()?;
    let deadline = Instant::now() + wait;
    while browser.next_change(deadline).is_some() {}
    Ok(browser.finish())
}

/// A browse in progress, seen change by change (for a display that follows
/// the servers as they come, change state and go).
pub struct Browser {
    daemon: ServiceDaemon,
    events: mdns_sd::Receiver<ServiceEvent>,
    found: BTreeMap<String, Found>,
}

impl Browser {
    /// Starts looking, on every interface but loopback.
    pub fn start() -> Result<Browser, DiscoveryError> {
        let daemon = ServiceDaemon::new().map_err(DiscoveryError::from)?;
        let _ = daemon.disable_interface(vec![IfKind::LoopbackV4, IfKind::LoopbackV6]);
        let events = daemon.browse(SERVICE_TYPE).map_err(DiscoveryError::from)?;
        Ok(Browser {
            daemon,
            events,
            found: BTreeMap::new(),
        })
    }

    /// Waits until `deadline` for a server to appear, change, or go, and
    /// returns it as it is now; `None` at the deadline.
    pub fn next_change(&mut self, deadline: Instant) -> Option<Found> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            let event = self.events.recv_timeout(left).ok()?;
            if let Some(changed) = self.apply(event) {
                return Some(changed);
            }
        }
    }

    /// Stops looking, and returns every server seen, by name.
    pub fn finish(self) -> Vec<Found> {
        let _ = self.daemon.stop_browse(SERVICE_TYPE);
        if let Ok(done) = self.daemon.shutdown() {
            let _ = done.recv_timeout(Duration::from_millis(500));
        }
        self.found.into_values().collect()
    }

    /// Merges one event; returns the server if what is known of it changed.
    fn apply(&mut self, event: ServiceEvent) -> Option<Found> {
        match event {
            ServiceEvent::ServiceResolved(service) => {
                let name = instance_name(service.get_fullname());
                let port = service.get_port();
                let listing = Listing::from_txt(|k| service.get_property_val_str(k))
                    .map_err(|e| e.to_string());
                let entry = self.found.entry(name.clone()).or_insert_with(|| Found {
                    name,
                    addrs: Vec::new(),
                    listing: listing.clone(),
                    gone: false,
                });
                let before = entry.clone();
                entry.listing = listing;
                entry.gone = false;
                let mut addrs = entry.addrs.clone();
                addrs.extend(
                    service
                        .get_addresses()
                        .iter()
                        .map(|ip| socket_addr(ip, port)),
                );
                entry.addrs = order_addresses(addrs);
                (*entry != before || before.addrs.is_empty()).then(|| entry.clone())
            }
            ServiceEvent::ServiceRemoved(_, fullname) => {
                let entry = self.found.get_mut(&instance_name(&fullname))?;
                entry.gone = true;
                Some(entry.clone())
            }
            _ => None,
        }
    }
}

/// A socket address for a resolved IP, with the interface's scope for an
/// IPv6 link-local address (without it, `fe80::...` cannot be reached).
fn socket_addr(ip: &ScopedIp, port: u16) -> SocketAddr {
    match ip {
        ScopedIp::V6(v6) if v6.addr().is_unicast_link_local() => {
            SocketAddr::V6(SocketAddrV6::new(*v6.addr(), port, 0, v6.scope_id().index))
        }
        other => SocketAddr::new(other.to_ip_addr(), port),
    }
}

/// `lan-party._ttt._tcp.local.` -> `lan-party` (DNS-SD escapes undone).
fn instance_name(fullname: &str) -> String {
    let name = fullname
        .strip_suffix(SERVICE_TYPE)
        .map_or(fullname, |n| n.strip_suffix('.').unwrap_or(n));
    name.replace("\\.", ".").replace("\\\\", "\\")
}

/// Addresses to try, most likely reachable first: IPv4, then IPv6 with a
/// global or unique-local address, then IPv6 link-local (scoped); loopback
/// never (it would be this machine, not the server's). Duplicates dropped.
pub fn order_addresses(mut addrs: Vec<SocketAddr>) -> Vec<SocketAddr> {
    let rank = |a: &SocketAddr| match a.ip() {
        IpAddr::V4(_) => 0,
        IpAddr::V6(v6) if v6.is_unicast_link_local() => 2,
        IpAddr::V6(_) => 1,
    };
    addrs.retain(|a| !a.ip().is_loopback() && !a.ip().is_unspecified());
    addrs.sort_by_key(|a| (rank(a), *a));
    addrs.dedup();
    addrs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_the_service_type_and_escapes() {
        assert_eq!(instance_name("lan-party._ttt._tcp.local."), "lan-party");
        assert_eq!(instance_name("v1\\.2 box._ttt._tcp.local."), "v1.2 box");
    }

    #[test]
    fn reachable_addresses_come_first() {
        let a = |s: &str| s.parse::<SocketAddr>().expect("addr");
        let ordered = order_addresses(vec![
            a("[fe80::1%3]:1234"),
            a("[fd00::2]:1234"),
            a("127.0.0.1:1234"),
            a("10.0.0.2:1234"),
            a("10.0.0.2:1234"),
        ]);
        assert_eq!(
            ordered,
            [
                a("10.0.0.2:1234"),
                a("[fd00::2]:1234"),
                a("[fe80::1%3]:1234")
            ]
        );
    }
}
