//! The listening socket, with a backlog sized for bursts, and the options
//! every connection needs.

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use socket2::{Domain, SockRef, Socket, Type};

/// Completed connections the kernel holds until the server accepts them.
///
/// When this queue is full, Linux drops the next SYN, and the client tries
/// again only after a second (then 3 s, 7 s...): honest and hostile alike
/// wait, even though the server is idle a moment later. The standard
/// library's 128 is overrun by any burst that arrives while the server is
/// busy for a millisecond or two (measured: a single client connecting in a
/// loop stalled for 1 s twice in 2 s against it, and never against 4096).
/// A queued connection costs kernel memory only, no descriptor, so a deep
/// queue is cheap. 4096 is the default ceiling on Linux since 5.4
/// (`net.core.somaxconn`), which silently lowers larger values; macOS caps
/// it at its own `kern.ipc.somaxconn`.
pub const LISTEN_BACKLOG: i32 = 4096;

/// A listener on `addr`, with [`LISTEN_BACKLOG`]. Like the standard
/// library's, it reuses the address on Unix (a restarted server can bind
/// while old connections are in `TIME_WAIT`) and leaves IPv6-only to the
/// system's default.
pub fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    if cfg!(unix) {
        socket.set_reuse_address(true)?;
    }
    socket.bind(&addr.into())?;
    socket.listen(LISTEN_BACKLOG)?;
    Ok(socket.into())
}

/// The kernel's send buffer for each connection, in bytes (Linux doubles
/// it for its bookkeeping). Left to itself, Linux grows a connection's
/// buffer to megabytes (1.6 MB was queued to one peer that never read, on
/// loopback), so a peer that stops reading, a spectator say, would hold
/// that much kernel memory before its stall is even noticed, and a
/// thousand of them gigabytes. The server's lines are tiny (the longest
/// burst, a person's help, is 2 KB), so 64 KiB is still far more than a
/// turn ever needs, and with the outbox ([`super::connection::MAX_OUTBOX`])
/// bounds what one slow peer costs.
pub const SEND_BUFFER: usize = 64 * 1024;

/// Whether connections accepted from a listener set up by
/// [`set_connection_options`] have the options already: on Linux an
/// accepted socket is a copy of its listener, options included (the test
/// below checks it), which saves six system calls a connection, a tenth of
/// the server's work per connection in a flood. Elsewhere each connection is
/// set up after `accept`.
pub const ACCEPTED_INHERIT: bool = cfg!(any(target_os = "linux", target_os = "android"));

/// Sets the options every connection needs, on `socket` (a connection, or
/// a listener whose connections inherit them):
///
/// - `TCP_NODELAY`: each message is one small write that must leave at
///   once; Nagle's algorithm would hold it back about 40 ms waiting for an
///   ACK;
/// - keepalive and `TCP_USER_TIMEOUT` (`ttt_cli::liveness`): a machine that
///   vanishes says nothing, so the kernel is asked to notice within
///   `liveness`;
/// - a send buffer of [`SEND_BUFFER`]: see there.
pub fn set_connection_options<S>(socket: &S, liveness: Duration) -> io::Result<()>
where
    for<'s> SockRef<'s>: From<&'s S>,
{
    SockRef::from(socket).set_tcp_nodelay(true)?;
    SockRef::from(socket).set_send_buffer_size(SEND_BUFFER)?;
    ttt_cli::liveness::watch(socket, liveness)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The assumption behind [`ACCEPTED_INHERIT`]: on Linux, a connection
    /// accepted from a listener with the options has them.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn accepted_connections_inherit_the_listeners_options() {
        let listener = listen("127.0.0.1:0".parse().expect("addr")).expect("listen");
        set_connection_options(&listener, Duration::from_secs(12)).expect("options");
        let addr = listener.local_addr().expect("addr");
        let _client = std::net::TcpStream::connect(addr).expect("connect");
        let (accepted, _) = listener.accept().expect("accept");
        let socket = SockRef::from(&accepted);
        assert!(socket.tcp_nodelay().expect("nodelay"));
        assert!(socket.keepalive().expect("keepalive"));
        assert_eq!(
            socket.tcp_keepalive_time().expect("idle"),
            Duration::from_secs(4)
        );
        assert_eq!(
            socket.tcp_keepalive_interval().expect("interval"),
            Duration::from_secs(2)
        );
        assert_eq!(socket.tcp_keepalive_retries().expect("retries"), 3);
        // Linux reports the doubled figure it uses.
        assert_eq!(
            socket.send_buffer_size().expect("send buffer"),
            2 * SEND_BUFFER
        );
        assert_eq!(
            socket.tcp_user_timeout().expect("user timeout"),
            Some(Duration::from_secs(12))
        );
    }

    #[test]
    fn it_listens_and_accepts_on_loopback() {
        let listener = listen("127.0.0.1:0".parse().expect("addr")).expect("listen");
        let addr = listener.local_addr().expect("addr");
        assert_ne!(addr.port(), 0);
        let _client = std::net::TcpStream::connect(addr).expect("connect");
        let (_, peer) = listener.accept().expect("accept");
        assert!(peer.ip().is_loopback());
        // The port is taken while it listens.
        let again = listen(addr).expect_err("a second listener on the same port");
        assert_eq!(again.kind(), io::ErrorKind::AddrInUse);
    }
}
