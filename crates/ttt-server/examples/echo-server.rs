//! The lesson's blocking echo server, in Rust.
//!
//! Reads `PORT` (and `BIND`, default all interfaces) from the environment or
//! `.env`, accepts one connection at a time, and sends every chunk it
//! receives straight back. A second client waits in the listen backlog until
//! the first leaves: that is what "blocking" means here.
//!
//! ```sh
//! cargo run -p ttt-server --example echo-server
//! ```

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;

fn main() -> ExitCode {
    if let Err(line) = ttt_cli::load_dotenv() {
        eprintln!("error: {line}");
        return ExitCode::from(2);
    }
    let (bind, port) = match (
        ttt_cli::env_setting("BIND", IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        ttt_cli::env_setting("PORT", 1234u16),
    ) {
        (Ok(bind), Ok(port)) => (bind, port),
        (Err(line), _) | (_, Err(line)) => {
            eprintln!("error: {line}");
            return ExitCode::from(2);
        }
    };
    // The listening socket: it only accepts; each accepted connection is a
    // socket of its own.
    let listener = match TcpListener::bind(SocketAddr::new(bind, port)) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {bind}:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(addr) => println!("echo server listening on {addr}"),
        Err(e) => eprintln!("warning: cannot read the listening address: {e}"),
    }
    // `incoming()` blocks in accept() until a client connects, forever.
    for connection in listener.incoming() {
        match connection {
            Ok(stream) => echo(stream),
            Err(e) => eprintln!("accept failed: {e}"),
        }
    }
    ExitCode::SUCCESS
}

/// Echoes one client until it closes. `read` blocks until bytes arrive or the
/// peer closes; `write_all` blocks until the kernel has taken every byte.
fn echo(mut stream: TcpStream) {
    let peer = stream
        .peer_addr()
        .map_or_else(|_| "unknown peer".to_owned(), |a| a.to_string());
    println!("{peer} connected");
    let mut buf = [0u8; 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break, // the client closed its end
            Ok(n) => {
                if let Err(e) = stream.write_all(&buf[..n]) {
                    println!("{peer}: write failed: {e}");
                    break;
                }
            }
            Err(e) => {
                println!("{peer}: read failed: {e}");
                break;
            }
        }
    }
    println!("{peer} disconnected");
    // `stream` is dropped here, which closes the socket: Rust's `Drop` plays
    // the part of Python's `with` block.
}
