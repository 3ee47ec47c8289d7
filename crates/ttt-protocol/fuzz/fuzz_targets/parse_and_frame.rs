//! Fuzz target: any bytes through the line framing, and every line through
//! both parsers. The properties: no panic, and every message that parses
//! encodes back to a line that parses to the same message.
//!
//! Run (stable toolchain, no sanitizer): see docs/RELIABILITY.md.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ttt_protocol::{ClientMsg, LineReader, ServerMsg};

fuzz_target!(|data: &[u8]| {
    let mut reader = LineReader::new(data);
    while let Ok(Some(line)) = reader.read_line() {
        if let Ok(msg) = line.parse::<ClientMsg>() {
            assert_eq!(msg.to_string().parse::<ClientMsg>().ok(), Some(msg));
        }
        if let Ok(msg) = line.parse::<ServerMsg>() {
            assert_eq!(msg.to_string().parse::<ServerMsg>().ok(), Some(msg));
        }
    }
});
