//! Waking the lobby out of `accept` when the waiting player leaves.
//!
//! While the first player waits for an opponent, the lobby is blocked in
//! `accept`, and a blocking `accept` cannot be interrupted. So when the
//! waiting player's reader thread sees them leave (`QUIT`, or the end of the
//! stream), it rings the doorbell: it opens (and at once closes) a connection
//! to the server's own listening address. `accept` returns, the lobby sees the
//! departure and closes the waiter's socket right away, instead of holding it
//! until the next real player arrives. The doorbell's own connection then
//! fails its handshake like any connection that closes before `HELLO`.
//!
//! This is the blocking-I/O cousin of the "self-pipe trick".

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How long ringing may take. Connecting to our own listener on this
/// machine is immediate unless its backlog is full, in which case the lobby
/// is busy accepting anyway.
const RING_TIMEOUT: Duration = Duration::from_secs(1);

/// A doorbell for one waiting player; clones share one armed flag.
#[derive(Debug, Clone)]
pub struct Doorbell {
    addr: SocketAddr,
    armed: Arc<AtomicBool>,
}

impl Doorbell {
    /// A doorbell that connects to the listener bound at `bound`.
    pub fn new(bound: SocketAddr) -> Doorbell {
        // An unspecified bind address cannot be connected to: use loopback.
        let ip = match bound.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        Doorbell {
            addr: SocketAddr::new(ip, bound.port()),
            armed: Arc::new(AtomicBool::new(true)),
        }
    }

    /// Wakes the lobby, once; does nothing after [`Doorbell::disarm`].
    pub fn ring(&self) {
        if self.armed.swap(false, Ordering::AcqRel) {
            log::debug!("waiting player left; waking the lobby");
            if let Err(e) = TcpStream::connect_timeout(&self.addr, RING_TIMEOUT) {
                log::warn!(
                    "cannot wake the lobby ({e}); the departure is seen at the next arrival"
                );
            }
        }
    }

    /// Stops the doorbell from ringing: the player is no longer waiting.
    pub fn disarm(&self) {
        self.armed.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn ringing_connects_once_and_not_after_disarming() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let bell = Doorbell::new(listener.local_addr().expect("addr"));
        bell.ring();
        listener.set_nonblocking(true).expect("nonblocking");
        assert!(listener.accept().is_ok(), "the first ring connects");
        bell.ring();
        assert!(listener.accept().is_err(), "a doorbell rings once");
        let other = Doorbell::new(listener.local_addr().expect("addr"));
        other.disarm();
        other.ring();
        assert!(listener.accept().is_err(), "a disarmed doorbell is silent");
    }

    #[test]
    fn unspecified_bind_addresses_ring_loopback() {
        let v4 = Doorbell::new("0.0.0.0:1234".parse().expect("addr"));
        assert_eq!(v4.addr, "127.0.0.1:1234".parse().expect("addr"));
        let v6 = Doorbell::new("[::]:1234".parse().expect("addr"));
        assert_eq!(v6.addr, "[::1]:1234".parse().expect("addr"));
    }
}
