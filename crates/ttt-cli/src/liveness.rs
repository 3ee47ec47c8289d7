//! Noticing a machine that is gone: TCP keepalive, and a bound on data that
//! is never acknowledged.
//!
//! A player who closes a laptop lid, or whose Wi-Fi drops, sends no FIN and
//! no RST: without help, the other end waits for data that will never come
//! (an idle connection can look alive for hours), or retransmits for the
//! kernel's limit (about 15 minutes) if it was sending. Both ends therefore
//! ask the kernel to notice on its own, within a bound `L` (`--liveness`):
//!
//! - **keepalive**: after `L/3` without traffic, send a probe every `L/6`;
//!   an answer resets the count, and a peer that never answers is declared
//!   gone. A healthy idle peer costs one tiny probe and its ACK every `L/3`;
//! - **`TCP_USER_TIMEOUT`** (Linux): data left unacknowledged for `L` ends
//!   the connection. It also caps keepalive, so both paths end within `L`.
//!
//! The kernel then fails the socket (`ETIMEDOUT`), which the program sees as
//! an ended connection. This works for every peer, including a person in
//! `nc` who can answer nothing new: the probes are answered by their kernel.

use std::io;
use std::time::Duration;

use socket2::{SockRef, TcpKeepalive};

/// The default bound: well under the 15 s a player should wait to learn
/// that the other machine is gone, and long enough that a Wi-Fi hiccup of a
/// few seconds is forgiven.
pub const DEFAULT_LIVENESS: Duration = Duration::from_secs(12);

/// The keepalive settings for a bound: idle `L/3`, probes every `L/6`, three
/// of them (each at least a second: the kernel counts in whole seconds).
pub fn keepalive(bound: Duration) -> TcpKeepalive {
    let at_least_a_second = |d: Duration| d.max(Duration::from_secs(1));
    let keepalive = TcpKeepalive::new()
        .with_time(at_least_a_second(bound / 3))
        .with_interval(at_least_a_second(bound / 6));
    #[cfg(not(any(
        windows,
        target_os = "openbsd",
        target_os = "redox",
        target_os = "solaris"
    )))]
    let keepalive = keepalive.with_retries(3);
    keepalive
}

/// Asks the kernel to end `socket`'s connection when the peer has been
/// unreachable for about `bound`.
pub fn watch<S>(socket: &S, bound: Duration) -> io::Result<()>
where
    for<'s> SockRef<'s>: From<&'s S>,
{
    let socket = SockRef::from(socket);
    socket.set_tcp_keepalive(&keepalive(bound))?;
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "fuchsia"))]
    socket.set_tcp_user_timeout(Some(bound))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{TcpListener, TcpStream};

    /// A connected loopback stream (and its listener, kept alive).
    fn connected() -> (TcpListener, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let stream = TcpStream::connect(listener.local_addr().expect("addr")).expect("connect");
        (listener, stream)
    }

    #[test]
    fn the_settings_reach_the_socket() {
        let (_listener, stream) = connected();
        watch(&stream, Duration::from_secs(12)).expect("set");
        let socket = SockRef::from(&stream);
        assert!(socket.keepalive().expect("read SO_KEEPALIVE"));
        #[cfg(target_os = "linux")]
        {
            assert_eq!(
                socket.tcp_keepalive_time().expect("idle"),
                Duration::from_secs(4)
            );
            assert_eq!(
                socket.tcp_keepalive_interval().expect("interval"),
                Duration::from_secs(2)
            );
            assert_eq!(socket.tcp_keepalive_retries().expect("retries"), 3);
            assert_eq!(
                socket.tcp_user_timeout().expect("user timeout"),
                Some(Duration::from_secs(12))
            );
        }
    }

    #[test]
    fn short_bounds_keep_whole_seconds() {
        let (_listener, stream) = connected();
        watch(&stream, Duration::from_secs(2)).expect("set");
        #[cfg(target_os = "linux")]
        {
            let socket = SockRef::from(&stream);
            assert_eq!(
                socket.tcp_keepalive_time().expect("idle"),
                Duration::from_secs(1)
            );
            assert_eq!(
                socket.tcp_keepalive_interval().expect("interval"),
                Duration::from_secs(1)
            );
        }
    }
}
