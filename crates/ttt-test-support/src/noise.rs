//! Floods of bytes that make no line (issue 29): what one connection sends
//! to try to hold the server's loop, in every shape the tests and the
//! benchmark throw at it. Each is an opening (to reach a state: a person's
//! hello, a spectator, an unfinished WebSocket message) and a unit repeated
//! without pause until the server stops taking it or the span is over.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

/// One flood.
#[derive(Debug, Clone)]
pub struct Flood {
    /// What it is, for a report.
    pub name: String,
    /// Sent on the web port, after an upgrade (else the game port).
    pub web: bool,
    /// Whether the server must cut it for its noise (the random floods may
    /// be cut for something else first: a line too long, a bad frame).
    pub noise: bool,
    /// Sent once, first.
    pub opening: Vec<u8>,
    /// Sent over and over.
    pub unit: Vec<u8>,
}

/// A masked client frame with an empty payload; `first` is the FIN bit and
/// the opcode.
pub fn empty_frame(first: u8) -> Vec<u8> {
    vec![first, 0x80, 1, 2, 3, 4]
}

/// `payload` (under 126 bytes) as one masked client frame with `first`.
pub fn masked_frame(first: u8, payload: &[u8]) -> Vec<u8> {
    let mask = [7u8, 1, 9, 3];
    let mut frame = vec![first, 0x80 | payload.len() as u8];
    frame.extend_from_slice(&mask);
    frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    frame
}

/// Every flood of issue 29, then random bytes with no line ending before
/// and after a person's hello and after an unfinished WebSocket message
/// (three seeds each): whatever they make of the reader, the editing and
/// the framing, they make no line.
pub fn floods() -> Vec<Flood> {
    let named = |name: &str, web: bool, opening: Vec<u8>, unit: Vec<u8>| Flood {
        name: name.to_owned(),
        web,
        noise: true,
        opening,
        unit,
    };
    // A text message begun and never finished: its continuations are empty.
    let unfinished = empty_frame(0x01);
    let mut floods = vec![
        named("telnet IAC NOP before HELLO", false, vec![], vec![255, 241]),
        named("backspaces before HELLO", false, vec![], vec![0x08]),
        named(
            "a and backspace after play zed",
            false,
            b"play zed\n".to_vec(),
            b"a\x08".to_vec(),
        ),
        named(
            "empty continuation frames before HELLO",
            true,
            unfinished.clone(),
            empty_frame(0x00),
        ),
        named(
            "empty continuation frames as a spectator",
            true,
            [masked_frame(0x81, b"WATCH ONLY"), unfinished].concat(),
            empty_frame(0x00),
        ),
        named("unasked pongs", true, vec![], empty_frame(0x8A)),
        named("empty pings before HELLO", true, vec![], empty_frame(0x89)),
        named(
            "125-byte pings (the issue's control)",
            true,
            vec![],
            masked_frame(0x89, &[b'p'; 125]),
        ),
    ];
    for seed in 1..=3u64 {
        let mut bytes = crate::random_bytes(seed, 4096);
        bytes.retain(|&b| b != b'\n');
        for (label, opening, web) in [
            ("before HELLO", Vec::new(), false),
            ("after play zed", b"play zed\n".to_vec(), false),
            ("in an unfinished message", empty_frame(0x01), true),
        ] {
            floods.push(Flood {
                name: format!("random bytes {seed} {label}"),
                web,
                noise: false,
                opening,
                unit: bytes.clone(),
            });
        }
    }
    floods
}

/// A connection to the server for `flood`: the game port, or the web port
/// upgraded by hand (its `WELCOME` unread). Reads give up after 5 s.
pub fn open(flood: &Flood, port: u16, web_port: Option<u16>) -> std::io::Result<TcpStream> {
    let port = if flood.web {
        web_port.ok_or_else(|| std::io::Error::other("no web port"))?
    } else {
        port
    };
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    if flood.web {
        stream.write_all(
            b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
              Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        )?;
        let mut head = Vec::new();
        let mut byte = [0u8];
        while !head.ends_with(b"\r\n\r\n") {
            stream.read_exact(&mut byte)?;
            head.push(byte[0]);
        }
        if !head.starts_with(b"HTTP/1.1 101 ") {
            return Err(std::io::Error::other("the upgrade was refused"));
        }
    }
    Ok(stream)
}

/// Sends `flood` on `stream` until the server stops taking it or `span`
/// is over; returns how long it was taken. What the server says is read
/// and dropped meanwhile, so that its goodbye never waits on us.
pub fn run(mut stream: TcpStream, flood: &Flood, span: Duration) -> Duration {
    let started = Instant::now();
    let drain = stream.try_clone().ok().map(|mut reader| {
        thread::spawn(move || {
            let mut sink = [0u8; 4096];
            while matches!(reader.read(&mut sink), Ok(n) if n > 0) {}
        })
    });
    let _ = stream.write_all(&flood.opening);
    let batch = flood.unit.repeat((4096 / flood.unit.len()).max(1));
    let _ = stream.set_write_timeout(Some(Duration::from_millis(100)));
    while started.elapsed() < span {
        if stream.write_all(&batch).is_err() {
            break;
        }
    }
    let taken = started.elapsed();
    let _ = stream.shutdown(Shutdown::Both);
    if let Some(drain) = drain {
        let _ = drain.join();
    }
    taken
}
