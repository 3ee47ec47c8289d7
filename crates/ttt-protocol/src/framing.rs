//! Line framing over any byte stream: read one bounded line, write one line.
//!
//! This is the only code that turns bytes into lines. It works over any
//! [`Read`]/[`Write`], so it is tested on byte slices and used on sockets.

use std::fmt;
use std::io::{self, Read, Write};

use thiserror::Error;

/// The longest line, in bytes, including its line ending.
///
/// 512 is IRC's limit: far more than any message needs (the longest is an
/// `ERR` with its text), small enough that a peer cannot make us buffer more
/// than this per connection, however much it sends.
pub const MAX_LINE_LEN: usize = 512;

/// Why a line could not be read.
#[derive(Debug, Error)]
pub enum FrameError {
    /// Occurs when no line ending arrives within [`MAX_LINE_LEN`] bytes.
    #[error("line longer than {MAX_LINE_LEN} bytes")]
    TooLong,
    /// Occurs when a complete line is not valid UTF-8.
    #[error("line is not valid UTF-8")]
    InvalidUtf8,
    /// Occurs when the stream ends after part of a line.
    #[error("connection closed in the middle of a line")]
    UnexpectedEof,
    /// Occurs when the underlying read fails (reset, timeout, ...).
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// Reads lines of at most [`MAX_LINE_LEN`] bytes from a byte stream.
///
/// The buffer is a fixed array: memory per connection is bounded whatever the
/// peer sends. Lines end with `\n`; a `\r` just before it is dropped, so both
/// Unix `nc` and telnet's `\r\n` work. Bytes may arrive in any pieces, one at a
/// time included (Windows telnet sends each keystroke as it is typed).
///
/// ```
/// use ttt_protocol::LineReader;
/// let mut reader = LineReader::new(&b"HELLO 1 ann\r\nMOVE 5\n"[..]);
/// assert_eq!(reader.read_line().unwrap(), Some("HELLO 1 ann"));
/// assert_eq!(reader.read_line().unwrap(), Some("MOVE 5"));
/// assert_eq!(reader.read_line().unwrap(), None); // clean end of stream
/// ```
pub struct LineReader<R> {
    inner: R,
    buf: [u8; MAX_LINE_LEN],
    /// Start of the unread bytes in `buf`.
    start: usize,
    /// End of the unread bytes in `buf`.
    end: usize,
    /// Line editing for a person at a terminal, if on.
    typing: Option<Typing>,
}

/// What a terminal does with what a person types, applied to bytes as they
/// arrive ([`LineReader::set_editing`]): backspace (`BS`, 0x08) and delete
/// (`DEL`, 0x7f) erase the character before them, telnet's commands
/// (`IAC ...`, which telnet clients send unasked) are removed, and `CR NUL`
/// (telnet's Enter) ends a line as `CR LF` does. Nothing is ever answered:
/// a plain `nc` user sees no negotiation.
#[derive(Debug, Clone, Copy, Default)]
struct Typing {
    telnet: Telnet,
    /// The last byte kept was a `CR`.
    after_cr: bool,
}

/// Where a telnet command is, between reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Telnet {
    /// Ordinary bytes.
    #[default]
    Data,
    /// After `IAC`.
    Command,
    /// After `IAC WILL|WONT|DO|DONT`: one option byte follows.
    Option,
    /// Inside `IAC SB ... IAC SE`.
    Sub,
    /// After an `IAC` inside a subnegotiation.
    SubCommand,
}

/// Telnet's "interpret as command" byte, and the commands that matter.
const IAC: u8 = 255;
const SB: u8 = 250;
const SE: u8 = 240;
/// Erase character, erase line.
const EC: u8 = 247;
const EL: u8 = 248;
const WILL_WONT_DO_DONT: std::ops::RangeInclusive<u8> = 251..=254;

impl<R: Read> LineReader<R> {
    /// Wraps a byte stream.
    pub fn new(inner: R) -> LineReader<R> {
        LineReader {
            inner,
            buf: [0; MAX_LINE_LEN],
            start: 0,
            end: 0,
            typing: None,
        }
    }

    /// Turns line editing for a person on or off, for the bytes that
    /// arrive from now on (see `Typing`): a program's bytes are never
    /// edited, a person's are edited as a terminal would.
    pub fn set_editing(&mut self, on: bool) {
        self.typing = match (on, self.typing) {
            (true, Some(typing)) => Some(typing),
            (true, None) => Some(Typing::default()),
            (false, _) => None,
        };
    }

    /// Reads the next line, without its line ending.
    ///
    /// Returns `Ok(None)` on a clean end of stream (no partial line pending),
    /// [`FrameError::UnexpectedEof`] if the stream ends mid-line. After
    /// [`FrameError::TooLong`] the stream cannot be resynchronised; the caller
    /// should give up on it.
    pub fn read_line(&mut self) -> Result<Option<&str>, FrameError> {
        let newline = loop {
            if let Some(pos) = self.buf[self.start..self.end]
                .iter()
                .position(|&b| b == b'\n')
            {
                break self.start + pos;
            }
            if self.end - self.start == MAX_LINE_LEN {
                return Err(FrameError::TooLong);
            }
            if self.start > 0 {
                // Move the partial line to the front to make room after it.
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            let n = match self.inner.read(&mut self.buf[self.end..]) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(FrameError::Io(e)),
            };
            if n == 0 {
                return if self.start == self.end {
                    Ok(None)
                } else {
                    Err(FrameError::UnexpectedEof)
                };
            }
            self.end = match &mut self.typing {
                Some(typing) => typing.edit(&mut self.buf, self.start, self.end, n),
                None => self.end + n,
            };
        };
        let line_start = self.start;
        self.start = newline + 1;
        let mut line = &self.buf[line_start..newline];
        if let [rest @ .., b'\r'] = line {
            line = rest;
        }
        std::str::from_utf8(line)
            .map(Some)
            .map_err(|_| FrameError::InvalidUtf8)
    }

    /// The wrapped stream.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The wrapped stream, mutably (for example to change its read timeout).
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }
}

impl Typing {
    /// Edits the `fresh` bytes just read into `buf[end..]`, in place, and
    /// returns the new end. `buf[start..end]` is what is already there.
    fn edit(&mut self, buf: &mut [u8], start: usize, end: usize, fresh: usize) -> usize {
        // The line being typed starts after the last newline kept.
        let mut line_start = buf[start..end]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(start, |i| start + i + 1);
        let mut w = end;
        for r in end..end + fresh {
            let b = buf[r];
            match self.telnet {
                Telnet::Command => {
                    self.telnet = match b {
                        SB => Telnet::Sub,
                        b if WILL_WONT_DO_DONT.contains(&b) => Telnet::Option,
                        _ => Telnet::Data,
                    };
                    match b {
                        EC => w = erase_char(buf, line_start, w),
                        EL => w = line_start,
                        _ => {}
                    }
                    continue;
                }
                Telnet::Option => {
                    self.telnet = Telnet::Data;
                    continue;
                }
                Telnet::Sub => {
                    if b == IAC {
                        self.telnet = Telnet::SubCommand;
                    }
                    continue;
                }
                Telnet::SubCommand => {
                    self.telnet = if b == SE { Telnet::Data } else { Telnet::Sub };
                    continue;
                }
                Telnet::Data => {}
            }
            let after_cr = std::mem::take(&mut self.after_cr);
            match b {
                IAC => self.telnet = Telnet::Command,
                // Telnet's Enter: the CR kept just before becomes the end.
                0 if after_cr && w > line_start => {
                    buf[w - 1] = b'\n';
                    line_start = w;
                }
                0x08 | 0x7f => w = erase_char(buf, line_start, w),
                _ => {
                    buf[w] = b;
                    w += 1;
                    self.after_cr = b == b'\r';
                    if b == b'\n' {
                        line_start = w;
                    }
                }
            }
        }
        w
    }
}

/// Erases the last character of the line `buf[line_start..w]` (all its
/// UTF-8 bytes); returns the new end.
fn erase_char(buf: &[u8], line_start: usize, mut w: usize) -> usize {
    if w > line_start {
        w -= 1;
        while w > line_start && buf[w] & 0xC0 == 0x80 {
            w -= 1;
        }
    }
    w
}

/// Writes `msg` and a `\n` as a single `write_all` of one buffer.
///
/// One write per message matters with `TCP_NODELAY`: writing the text and the
/// line ending separately would send two packets. A message that would not fit
/// in [`MAX_LINE_LEN`] is refused with [`io::ErrorKind::InvalidInput`] rather
/// than sent to a peer that must reject it.
///
/// ```
/// use ttt_protocol::{write_message, ClientMsg};
/// let mut out = Vec::new();
/// write_message(&mut out, &ClientMsg::Quit).unwrap();
/// assert_eq!(out, b"QUIT\n");
/// ```
pub fn write_message<W: Write + ?Sized>(out: &mut W, msg: &dyn fmt::Display) -> io::Result<()> {
    let mut line = msg.to_string();
    line.push('\n');
    if line.len() > MAX_LINE_LEN {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "message of {} bytes exceeds the {MAX_LINE_LEN}-byte line limit",
                line.len()
            ),
        ));
    }
    out.write_all(line.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out one byte per `read`, like a slow telnet.
    struct OneByteAtATime<'a>(&'a [u8]);

    impl Read for OneByteAtATime<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            match (self.0.split_first(), out.first_mut()) {
                (Some((&b, rest)), Some(slot)) => {
                    *slot = b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    fn lines(input: &[u8]) -> Vec<Result<String, String>> {
        let mut reader = LineReader::new(input);
        let mut out = Vec::new();
        loop {
            match reader.read_line() {
                Ok(Some(line)) => out.push(Ok(line.to_owned())),
                Ok(None) => return out,
                Err(e) => {
                    out.push(Err(e.to_string()));
                    return out;
                }
            }
        }
    }

    fn edited(input: &[u8]) -> Vec<Result<String, String>> {
        let mut reader = LineReader::new(OneByteAtATime(input));
        reader.set_editing(true);
        let mut out = Vec::new();
        loop {
            match reader.read_line() {
                Ok(Some(line)) => out.push(Ok(line.to_owned())),
                Ok(None) => return out,
                Err(e) => {
                    out.push(Err(e.to_string()));
                    return out;
                }
            }
        }
    }

    /// Backspace and delete erase as a terminal would, a whole character
    /// at a time, never past the start of the line.
    #[test]
    fn editing_erases_with_backspace_and_delete() {
        assert_eq!(edited(b"4\x085\n"), [Ok("5".into())]);
        assert_eq!(edited(b"4\x7f5\r\n"), [Ok("5".into())]);
        assert_eq!(edited(b"\x08\x08play ann\n"), [Ok("play ann".into())]);
        assert_eq!(edited("Zoë\x08e\n".as_bytes()), [Ok("Zoe".into())]);
        assert_eq!(edited(b"a\nb\x08\x08c\n"), [Ok("a".into()), Ok("c".into())]);
        // Without editing, the bytes are the line's (a program's).
        assert_eq!(lines(b"4\x085\n"), [Ok("4\x085".into())]);
    }

    /// Telnet's negotiation is removed, wherever the reads split it, and
    /// its erase commands work; CR NUL ends a line.
    #[test]
    fn editing_removes_telnet_commands_and_takes_cr_nul() {
        // IAC DO ECHO, IAC WILL SGA, IAC SB TTYPE ... IAC SE, IAC NOP.
        let negotiation = b"\xff\xfd\x01\xff\xfb\x03\xff\xfa\x18\x00ANSI\xff\xf0\xff\xf1";
        let mut input = negotiation.to_vec();
        input.extend_from_slice(b"play ann\r\x00");
        input.extend_from_slice(b"47\xff\xf75\r\n");
        input.extend_from_slice(b"junk\xff\xf8q\r\n");
        assert_eq!(
            edited(&input),
            [Ok("play ann".into()), Ok("45".into()), Ok("q".into())]
        );
        let mut reader = LineReader::new(&input[..]);
        reader.set_editing(true);
        assert_eq!(reader.read_line().ok().flatten(), Some("play ann"));
        // A bare CR (no NUL, no LF) stays content, as for programs.
        assert_eq!(edited(b"a\rb\n"), [Ok("a\rb".into())]);
    }

    #[test]
    fn accepts_lf_and_crlf() {
        assert_eq!(
            lines(b"a\nb\r\n\n"),
            [Ok("a".into()), Ok("b".into()), Ok("".into())]
        );
    }

    #[test]
    fn bare_cr_is_kept_as_content() {
        assert_eq!(lines(b"a\rb\n"), [Ok("a\rb".into())]);
    }

    #[test]
    fn exactly_max_length_is_accepted() {
        let mut input = vec![b'a'; MAX_LINE_LEN - 1];
        input.push(b'\n');
        assert_eq!(lines(&input), [Ok("a".repeat(MAX_LINE_LEN - 1))]);

        let mut crlf = vec![b'a'; MAX_LINE_LEN - 2];
        crlf.extend_from_slice(b"\r\n");
        assert_eq!(lines(&crlf), [Ok("a".repeat(MAX_LINE_LEN - 2))]);
    }

    #[test]
    fn one_over_max_length_is_rejected() {
        let mut input = vec![b'a'; MAX_LINE_LEN];
        input.push(b'\n');
        let mut reader = LineReader::new(&input[..]);
        assert!(matches!(reader.read_line(), Err(FrameError::TooLong)));

        let mut crlf = vec![b'a'; MAX_LINE_LEN - 1];
        crlf.extend_from_slice(b"\r\n");
        let mut reader = LineReader::new(&crlf[..]);
        assert!(matches!(reader.read_line(), Err(FrameError::TooLong)));
    }

    #[test]
    fn a_megabyte_without_newline_is_rejected_after_one_buffer() {
        let input = vec![b'x'; 1 << 20];
        let mut source = &input[..];
        let mut reader = LineReader::new(&mut source);
        assert!(matches!(reader.read_line(), Err(FrameError::TooLong)));
        // Only one buffer's worth was consumed: memory stayed bounded.
        assert_eq!(source.len(), input.len() - MAX_LINE_LEN);
    }

    #[test]
    fn long_lines_after_short_ones_still_fit() {
        // A max-length line that starts mid-buffer must be compacted, not refused.
        let mut input = b"hi\n".to_vec();
        input.extend(vec![b'b'; MAX_LINE_LEN - 1]);
        input.push(b'\n');
        let got = lines(&input);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1], Ok("b".repeat(MAX_LINE_LEN - 1)));
    }

    #[test]
    fn invalid_utf8_is_a_typed_error() {
        let mut reader = LineReader::new(&b"ok\n\xff\xfe\n"[..]);
        assert_eq!(reader.read_line().ok().flatten(), Some("ok"));
        assert!(matches!(reader.read_line(), Err(FrameError::InvalidUtf8)));
    }

    #[test]
    fn eof_mid_line_differs_from_clean_eof() {
        let mut reader = LineReader::new(&b"MOVE 5\nMOV"[..]);
        assert_eq!(reader.read_line().ok().flatten(), Some("MOVE 5"));
        assert!(matches!(reader.read_line(), Err(FrameError::UnexpectedEof)));
        let mut empty = LineReader::new(&b""[..]);
        assert!(matches!(empty.read_line(), Ok(None)));
    }

    #[test]
    fn byte_at_a_time_input_works() {
        let input = b"HELLO 1 tel\r\nMOVE 5\r\n";
        let mut reader = LineReader::new(OneByteAtATime(input));
        assert_eq!(reader.read_line().ok().flatten(), Some("HELLO 1 tel"));
        assert_eq!(reader.read_line().ok().flatten(), Some("MOVE 5"));
        assert!(matches!(reader.read_line(), Ok(None)));
    }

    #[test]
    fn write_is_one_line_and_refuses_oversize() {
        let mut out = Vec::new();
        write_message(&mut out, &"MOVE 5").expect("fits");
        assert_eq!(out, b"MOVE 5\n");
        let huge = "x".repeat(MAX_LINE_LEN);
        let err = write_message(&mut out, &huge).expect_err("too long");
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }
}
