//! What the host is told at start-up: where the server listens, the
//! commands the other players type to join (the client, `nc`), the page's
//! addresses for phones (and a QR code of one), and a failed bind in one
//! line with its usual cause. Every line fits 80 columns.

use std::io;
use std::net::{IpAddr, SocketAddr};

/// The addresses a player on another machine could connect to.
///
/// A server bound to a specific address is reachable only there. One bound
/// to the unspecified address (`0.0.0.0` or `::`) is reachable on every
/// interface: those are listed, minus loopback (this machine only) and IPv6
/// link-local addresses (they need a `%interface` suffix that differs per
/// machine, so they are no use to paste).
fn lan_addresses(bound: SocketAddr) -> Vec<IpAddr> {
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
fn join_commands(ip: IpAddr, port: u16) -> [String; 2] {
    [
        format!("HOST={ip} PORT={port} cargo run -p ttt-client"),
        format!("nc {ip} {port}    (then type: play <your-name>)"),
    ]
}

/// The start-up lines: where the server listens and what the players
/// should type, for a server bound at `bound` (and serving the page at
/// `web`, announced as `announced`). A QR code of the page's address is
/// added when `terminal` (a phone's camera reads it off the screen).
///
/// The first line is stable: scripts and tests read the port from it (and,
/// with `--web`, the web port from the second).
pub fn join_hint(
    bound: SocketAddr,
    web: Option<SocketAddr>,
    announced: Option<&str>,
    terminal: bool,
) -> Vec<String> {
    let pages = web.map(|web| (web, lan_addresses(web)));
    hint_lines(bound, &lan_addresses(bound), pages, announced, terminal)
}

/// [`join_hint`] with the LAN addresses given: no I/O.
fn hint_lines(
    bound: SocketAddr,
    lan: &[IpAddr],
    web: Option<(SocketAddr, Vec<IpAddr>)>,
    announced: Option<&str>,
    terminal: bool,
) -> Vec<String> {
    let port = bound.port();
    let mut lines = vec![format!("ttt-server listening on {bound}")];
    if let Some((web, pages)) = web {
        lines.push(format!(
            "ttt-server page for browsers on port {}",
            web.port()
        ));
        lines.extend(page_lines(web, &pages, terminal));
    }
    if bound.ip().is_unspecified() || bound.ip().is_loopback() {
        lines.push(format!(
            "  on this machine:  HOST=127.0.0.1 PORT={port} cargo run -p ttt-client"
        ));
    }
    if lan.is_empty() {
        lines.push(
            "  no LAN address: other machines cannot reach it (--bind 0.0.0.0 lets them)".into(),
        );
    }
    for &ip in lan {
        let [client, nc] = join_commands(ip, port);
        lines.push(format!("  from the LAN:     {client}"));
        lines.push(format!("             or:    {nc}"));
    }
    match announced {
        Some(name) => {
            lines.push(format!(
                "  announced on the LAN as \"{name}\"; players find it with:"
            ));
            lines.push("                    cargo run -p ttt-client -- --find".into());
        }
        None => lines.push(
            "  (--announce lets players find it with ttt-client --find, no address to type)".into(),
        ),
    }
    // Two lines: at 80 columns one would wrap.
    lines.push("one game at a time; later players wait their turn (winner stays on).".into());
    lines.push("Ctrl-C stops the server.".into());
    lines
}

/// Where a browser opens the page: on this machine, and at each LAN
/// address; then, on a terminal, a QR code of the first LAN address.
fn page_lines(web: SocketAddr, lan: &[IpAddr], terminal: bool) -> Vec<String> {
    let port = web.port();
    let mut lines = Vec::new();
    if web.ip().is_unspecified() || web.ip().is_loopback() {
        lines.push(format!("  in a browser here: http://127.0.0.1:{port}/"));
    }
    for &ip in lan {
        lines.push(format!("  phones, laptops:   {}", page_url(ip, port)));
    }
    if let Some(&ip) = lan.first()
        && terminal
    {
        let url = page_url(ip, port);
        match qr_code(&url) {
            Some(code) => {
                lines.push(format!(
                    "  or scan this code with a phone's camera ({url}):"
                ));
                lines.extend(code.lines().map(|row| format!("  {row}")));
            }
            None => log::debug!("no QR code fits {url}"),
        }
    }
    lines
}

/// The page's address at `ip` (an IPv6 address in brackets).
fn page_url(ip: IpAddr, port: u16) -> String {
    format!("http://{}/", SocketAddr::new(ip, port))
}

/// A QR code of `text`, two rows of modules per line of text (half blocks):
/// about 33 columns for a LAN address. Drawn light on dark, as a terminal
/// with a dark background shows it, with the quiet zone a scanner needs.
fn qr_code(text: &str) -> Option<String> {
    use qrcode::render::unicode::Dense1x2;
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::L).ok()?;
    Some(
        code.render::<Dense1x2>()
            .dark_color(Dense1x2::Light)
            .light_color(Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    )
}

/// One line for a failed bind, with the usual cause spelled out.
pub fn bind_error(addr: SocketAddr, e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::AddrInUse => format!(
            "cannot listen on {addr}: port {} is already in use (another ttt-server?); \
             choose another with --port or PORT, or 0 for any free port",
            addr.port()
        ),
        io::ErrorKind::AddrNotAvailable => {
            format!("cannot listen on {addr}: no interface of this machine has that address")
        }
        io::ErrorKind::PermissionDenied => {
            format!("cannot listen on {addr}: permission denied (ports below 1024 need privileges)")
        }
        _ => format!("cannot listen on {addr}: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ttt_protocol::words::columns;

    fn addr(s: &str) -> SocketAddr {
        s.parse().expect("test address")
    }

    /// The start-up lines name the port first, give a command per LAN
    /// address, the page's addresses and a QR code on a terminal, and fit
    /// 80 columns.
    #[test]
    fn the_hint_says_where_and_how_to_join_within_80_columns() {
        let lan: Vec<IpAddr> = vec!["192.168.1.20".parse().expect("ip")];
        let web = Some((addr("0.0.0.0:8080"), lan.clone()));
        let lines = hint_lines(addr("0.0.0.0:1234"), &lan, web, Some("den"), true);
        assert_eq!(lines[0], "ttt-server listening on 0.0.0.0:1234");
        assert_eq!(lines[1], "ttt-server page for browsers on port 8080");
        let text = lines.join("\n");
        for want in [
            "http://127.0.0.1:8080/",
            "phones, laptops:   http://192.168.1.20:8080/",
            "or scan this code with a phone's camera (http://192.168.1.20:8080/):",
            "HOST=127.0.0.1 PORT=1234 cargo run -p ttt-client",
            "from the LAN:     HOST=192.168.1.20 PORT=1234 cargo run -p ttt-client",
            "or:    nc 192.168.1.20 1234    (then type: play <your-name>)",
            "announced on the LAN as \"den\"",
        ] {
            assert!(text.contains(want), "{want} not in:\n{text}");
        }
        for line in &lines {
            assert!(columns(line) <= 80, "{} columns: {line}", columns(line));
        }
        // Not on a terminal (piped, a log): no QR code.
        let lan: Vec<IpAddr> = vec!["192.168.1.20".parse().expect("ip")];
        let piped = hint_lines(
            addr("0.0.0.0:1234"),
            &lan,
            Some((addr("0.0.0.0:8080"), lan.clone())),
            None,
            false,
        );
        assert!(!piped.join("\n").contains("scan"), "{piped:?}");
        // Bound to loopback: nobody else can reach it, and it says so.
        let alone = hint_lines(addr("127.0.0.1:1234"), &[], None, None, false);
        assert!(alone.join("\n").contains("no LAN address"), "{alone:?}");
    }

    #[test]
    fn a_failed_bind_says_the_usual_cause() {
        let addr = addr("0.0.0.0:1234");
        let in_use = bind_error(addr, &io::ErrorKind::AddrInUse.into());
        assert!(in_use.contains("port 1234 is already in use"), "{in_use}");
        let denied = bind_error(addr, &io::ErrorKind::PermissionDenied.into());
        assert!(denied.contains("ports below 1024"), "{denied}");
    }
}
