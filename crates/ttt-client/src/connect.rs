//! Opening the TCP connection, with an error a person can act on.

use std::io;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use thiserror::Error;
use ttt_protocol::text::printable;

/// Why the client could not connect.
#[derive(Debug, Error)]
pub enum ConnectError {
    /// Occurs when the host name does not resolve.
    #[error("unknown host {host:?}: {source}")]
    UnknownHost {
        /// The host as given.
        host: String,
        /// The resolver's error.
        source: io::Error,
    },
    /// Occurs when nothing listens at the address.
    #[error("no server at {addr}, is ttt-server running?")]
    Refused {
        /// `host:port` as given.
        addr: String,
    },
    /// Occurs when the address does not answer in time.
    #[error("no answer from {addr} within {} s; is the address right and the server's firewall open?", .timeout.as_secs_f64())]
    TimedOut {
        /// `host:port` as given.
        addr: String,
        /// The connect timeout.
        timeout: Duration,
    },
    /// Occurs when there is no route to the address.
    #[error("{addr} is unreachable from this machine: {source}")]
    Unreachable {
        /// `host:port` as given.
        addr: String,
        /// The system's error.
        source: io::Error,
    },
    /// Occurs for any other failure.
    #[error("cannot connect to {addr}: {source}")]
    Other {
        /// `host:port` as given.
        addr: String,
        /// The system's error.
        source: io::Error,
    },
}

/// Where to connect: an address typed (or the default), or a server found
/// on the LAN.
pub enum Target {
    /// `HOST` and `PORT` (or `--host`, `--port`).
    Address {
        /// The host name or address.
        host: String,
        /// The port.
        port: u16,
    },
    /// A server found on the LAN (`--find`).
    Found {
        /// Its name, as it announced itself (not yet printable).
        name: String,
        /// Its addresses, best first.
        addrs: Vec<SocketAddr>,
    },
}

impl Target {
    /// How errors name the server.
    pub fn label(&self) -> String {
        match self {
            Target::Address { host, port } => host_port(host, *port),
            Target::Found { name, addrs } => match addrs.first() {
                Some(addr) => format!("{} ({addr})", printable(name)),
                None => printable(name),
            },
        }
    }

    /// Connects, each address tried within `timeout`.
    pub fn connect(&self, timeout: Duration) -> Result<TcpStream, ConnectError> {
        match self {
            Target::Address { host, port } => connect(host, *port, timeout),
            Target::Found { addrs, .. } => connect_to(addrs, &self.label(), timeout),
        }
    }
}

/// Connects to `target` within `timeout`, and sets the connection up for
/// a game: no Nagle delay, and the kernel watching for a server whose
/// machine vanishes without a word (after `liveness`).
pub fn open(
    target: &Target,
    timeout: Duration,
    liveness: Duration,
) -> Result<TcpStream, Box<dyn std::error::Error>> {
    let stream = target.connect(timeout)?;
    stream.set_nodelay(true)?;
    ttt_cli::liveness::watch(&stream, liveness)?;
    Ok(stream)
}

/// `host:port` as people write it: bare IPv6 literals (`::1`) need brackets.
pub fn host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Resolves `host` and connects to the first address that answers, each
/// attempt bounded by `timeout`.
pub fn connect(host: &str, port: u16, timeout: Duration) -> Result<TcpStream, ConnectError> {
    let candidates: Vec<_> = (host, port)
        .to_socket_addrs()
        .map_err(|source| ConnectError::UnknownHost {
            host: host.to_owned(),
            source,
        })?
        .collect();
    connect_to(&candidates, &host_port(host, port), timeout)
}

/// Connects to the first of `candidates` that answers, each attempt bounded
/// by `timeout`; `addr` names the server in an error.
pub fn connect_to(
    candidates: &[SocketAddr],
    addr: &str,
    timeout: Duration,
) -> Result<TcpStream, ConnectError> {
    let addr = addr.to_owned();
    let mut last = io::Error::new(io::ErrorKind::NotFound, "the host name has no addresses");
    for candidate in candidates {
        match TcpStream::connect_timeout(candidate, timeout) {
            Ok(stream) => return Ok(stream),
            Err(e) => last = e,
        }
    }
    Err(match last.kind() {
        io::ErrorKind::ConnectionRefused => ConnectError::Refused { addr },
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
            ConnectError::TimedOut { addr, timeout }
        }
        io::ErrorKind::HostUnreachable | io::ErrorKind::NetworkUnreachable => {
            ConnectError::Unreachable { addr, source: last }
        }
        io::ErrorKind::NotFound => ConnectError::UnknownHost {
            host: addr,
            source: last,
        },
        _ => ConnectError::Other { addr, source: last },
    })
}
