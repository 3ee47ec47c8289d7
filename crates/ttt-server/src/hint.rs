//! The addresses other machines can use to reach this server, for the
//! start-up message that tells the host what to give the other player.

use std::net::{IpAddr, SocketAddr};

/// The addresses a player on another machine could connect to.
///
/// A server bound to a specific address is reachable only there. One bound
/// to the unspecified address (`0.0.0.0` or `::`) is reachable on every
/// interface: those are listed, minus loopback (this machine only) and IPv6
/// link-local addresses (they need a `%interface` suffix that differs per
/// machine, so they are no use to paste).
pub fn lan_addresses(bound: SocketAddr) -> Vec<IpAddr> {
    let ip = bound.ip();
    if !ip.is_unspecified() {
        return if ip.is_loopback() {
            Vec::new()
        } else {
            vec![ip]
        };
    }
    let interfaces = match if_addrs::get_if_addrs() {
        Ok(interfaces) => interfaces,
        Err(e) => {
            log::warn!("cannot list network interfaces: {e}");
            return Vec::new();
        }
    };
    let mut addrs: Vec<IpAddr> = interfaces
        .into_iter()
        .map(|interface| interface.ip())
        .filter(|addr| !addr.is_loopback())
        // 0.0.0.0 listens on IPv4 only; :: usually takes both.
        .filter(|addr| ip.is_ipv6() || addr.is_ipv4())
        .filter(|addr| match addr {
            IpAddr::V6(v6) => !v6.is_unicast_link_local(),
            IpAddr::V4(_) => true,
        })
        .collect();
    addrs.sort();
    addrs.dedup();
    addrs
}

/// Ready-to-paste commands for joining at `ip`: the client, and `nc` (with
/// what a person then types).
pub fn join_commands(ip: IpAddr, port: u16) -> [String; 2] {
    [
        format!("HOST={ip} PORT={port} cargo run -p ttt-client"),
        format!("nc {ip} {port}    (then type: play <your-name>)"),
    ]
}
