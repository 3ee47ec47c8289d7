//! What `ttt`'s integration tests and benchmark share. Not published.
//!
//! - [`binary`]: a workspace binary (`ttt-server`, an example), built in the
//!   same profile as the test that asks for it, so `cargo test --release`
//!   runs release binaries;
//! - [`Server`]: the real `ttt-server` on `127.0.0.1` port 0, killed on drop;
//! - [`Peer`]: a raw protocol client that reads line by line with a bound on
//!   every wait, from `127.0.0.1` or any other loopback address
//!   ([`Peer::connect_from`]), to model players on different machines;
//! - [`proc`]: readings from `/proc` (descriptors, memory, CPU time);
//! - [`Terminal`] (Unix): a program in a real pseudo-terminal of a given
//!   size, its output turned into a screen by a terminal emulator;
//! - [`kill_client_sockets`]: a connection cut under a running program;
//! - [`noise`]: floods of bytes that make no line, in every shape;
//! - [`wait_until`], [`random_bytes`], [`play`].
//!
//! Every wait is bounded: a missing line fails the test after
//! [`LINE_TIMEOUT`] instead of hanging it.

mod binaries;
pub mod browser;
pub mod noise;
mod peer;
pub mod proc;
mod server;
mod sockets;
#[cfg(unix)]
mod terminal;

pub use binaries::{binary, profile_dir};
pub use peer::{LINE_TIMEOUT, Peer, connect_from};
pub use server::Server;
pub use sockets::kill_client_sockets;
#[cfg(unix)]
pub use terminal::Terminal;

use std::time::{Duration, Instant};

/// Plays `moves` alternately, `mover` first, checking that both players see
/// each board, and returns the last board line.
pub fn play(mover: &mut Peer, other: &mut Peer, moves: &[u8]) -> String {
    let mut players = [mover, other];
    let mut last = String::new();
    for &cell in moves {
        players[0].send(&cell.to_string());
        let a = players[0].expect_prefix("BOARD ");
        let b = players[1].expect_prefix("BOARD ");
        assert_eq!(a, b, "both players see the same board");
        last = a;
        players.swap(0, 1);
    }
    last
}

/// Polls `condition` every 10 ms for up to [`LINE_TIMEOUT`]; true once it holds.
pub fn wait_until(mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + LINE_TIMEOUT;
    while Instant::now() < deadline {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    condition()
}

/// `n` pseudo-random bytes (xorshift), the same for the same seed.
pub fn random_bytes(seed: u64, n: usize) -> Vec<u8> {
    let mut state = seed | 1;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}
