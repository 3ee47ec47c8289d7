//! The lesson's blocking echo client, in Rust.
//!
//! Reads `HOST` and `PORT` from the environment or `.env`, connects, then for
//! each line on stdin sends it and prints what comes back. Exits on end of
//! input, or with one line when the server goes away.
//!
//! ```sh
//! cargo run -p ttt-client --example echo-client
//! ```

use std::io::{self, BufRead, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;

use ttt_client::config::CONNECT_TIMEOUT;
use ttt_client::connect::connect;

fn main() -> ExitCode {
    if let Err(line) = ttt_cli::load_dotenv() {
        eprintln!("error: {line}");
        return ExitCode::from(2);
    }
    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".to_owned());
    let port = match std::env::var("PORT").map(|p| p.trim().parse::<u16>()) {
        Err(_) => 1234,
        Ok(Ok(port)) => port,
        Ok(Err(e)) => {
            eprintln!("error: invalid PORT: {e}");
            return ExitCode::from(2);
        }
    };
    // connect() blocks until the server's kernel accepts the TCP handshake
    // (or the timeout): this works even while the server is busy with another
    // client, because the connection waits in its listen backlog.
    let mut stream = match connect(&host, port, CONNECT_TIMEOUT) {
        Ok(stream) => stream,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    for line in io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        match round_trip(&mut stream, &line) {
            Ok(reply) => println!("{reply}"),
            Err(e) => {
                eprintln!("error: server went away: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
    // `stream` drops here and the socket closes; the server sees end of stream.
}

/// Sends one line and reads back as many bytes as were sent. TCP is a byte
/// stream: the echo may come back in several pieces, so one `read` is not enough.
fn round_trip(stream: &mut TcpStream, line: &str) -> io::Result<String> {
    let sent = format!("{line}\n");
    stream.write_all(sent.as_bytes())?;
    let mut reply = vec![0u8; sent.len()];
    stream.read_exact(&mut reply)?;
    Ok(String::from_utf8_lossy(&reply).trim_end().to_owned())
}
