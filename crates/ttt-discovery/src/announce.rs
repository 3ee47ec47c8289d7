//! The server's side: register `_ttt._tcp` with a TXT record kept current,
//! and unregister (a "goodbye" packet, so browsers drop it at once) when
//! stopping.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use mdns_sd::{IfKind, ServiceDaemon, ServiceInfo};

use crate::listing::Listing;
use crate::{DiscoveryError, SERVICE_TYPE};

/// How long to wait for the goodbye to go out when stopping.
const GOODBYE_WAIT: Duration = Duration::from_secs(1);

/// A server announcing itself on the LAN, for as long as this lives.
pub struct Announcer {
    daemon: ServiceDaemon,
    instance: String,
    host: String,
    port: u16,
    interfaces: Vec<String>,
    fullname: String,
    listing: Listing,
}

impl Announcer {
    /// Announces a server called `instance` (on this host, `host_name`)
    /// listening on `bound`, on the named `interfaces` only (all but
    /// loopback, if none). Only addresses the server can be reached at are
    /// announced: its own if it is bound to one; IPv4 only if bound to
    /// `0.0.0.0` (which takes no IPv6 connections); both for `::`.
    pub fn start(
        instance: &str,
        host_name: &str,
        bound: SocketAddr,
        interfaces: &[String],
        listing: Listing,
    ) -> Result<Announcer, DiscoveryError> {
        let daemon = ServiceDaemon::new().map_err(DiscoveryError::from)?;
        // Each selection overrides the ones before it, address by address.
        if !interfaces.is_empty() {
            daemon
                .disable_interface(IfKind::All)
                .map_err(DiscoveryError::from)?;
            let names: Vec<IfKind> = interfaces.iter().map(IfKind::from).collect();
            daemon
                .enable_interface(names)
                .map_err(DiscoveryError::from)?;
        }
        match bound.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => daemon.disable_interface(IfKind::IPv6),
            IpAddr::V6(ip) if ip.is_unspecified() => Ok(()),
            ip => daemon
                .disable_interface(IfKind::All)
                .and_then(|()| daemon.enable_interface(IfKind::Addr(ip))),
        }
        .map_err(DiscoveryError::from)?;
        // Loopback addresses mean nothing to another machine.
        daemon
            .disable_interface(vec![IfKind::LoopbackV4, IfKind::LoopbackV6])
            .map_err(DiscoveryError::from)?;
        let port = bound.port();
        let mut announcer = Announcer {
            daemon,
            instance: instance.to_owned(),
            host: format!("{host_name}.local."),
            port,
            interfaces: interfaces.to_vec(),
            fullname: String::new(),
            listing,
        };
        let info = announcer.info(true)?;
        announcer.fullname = info.get_fullname().to_owned();
        announcer
            .daemon
            .register(info)
            .map_err(DiscoveryError::from)?;
        Ok(announcer)
    }

    /// The full DNS-SD name announced, e.g. `lan-party._ttt._tcp.local.`.
    pub fn fullname(&self) -> &str {
        &self.fullname
    }

    /// Announces `listing` if it differs from the last one.
    pub fn update(&mut self, listing: &Listing) {
        if *listing == self.listing {
            return;
        }
        self.listing = listing.clone();
        // The name was probed when first announced: an update needs no
        // second probe, so browsers see it within milliseconds.
        match self.info(false) {
            Ok(info) => {
                if let Err(e) = self.daemon.register(info) {
                    log::warn!("announce: could not update the TXT record: {e}");
                }
            }
            Err(e) => log::warn!("announce: {e}"),
        }
    }

    /// Unregisters (browsers drop the server at once) and stops the daemon.
    pub fn stop(self) {
        if let Ok(done) = self.daemon.unregister(&self.fullname) {
            let _ = done.recv_timeout(GOODBYE_WAIT);
        }
        if let Ok(done) = self.daemon.shutdown() {
            let _ = done.recv_timeout(GOODBYE_WAIT);
        }
    }

    fn info(&self, probe: bool) -> Result<ServiceInfo, DiscoveryError> {
        let txt: Vec<(&str, String)> = self.listing.to_txt();
        let info = ServiceInfo::new(
            SERVICE_TYPE,
            &self.instance,
            &self.host,
            "",
            self.port,
            &txt[..],
        )
        .map_err(DiscoveryError::from)?
        .enable_addr_auto();
        let mut info = info;
        info.set_requires_probe(probe);
        if !self.interfaces.is_empty() {
            info.set_interfaces(self.interfaces.iter().map(IfKind::from).collect());
        }
        Ok(info)
    }
}
