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
}

impl<R: Read> LineReader<R> {
    /// Wraps a byte stream.
    pub fn new(inner: R) -> LineReader<R> {
        LineReader {
            inner,
            buf: [0; MAX_LINE_LEN],
            start: 0,
            end: 0,
        }
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
            self.end += n;
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
