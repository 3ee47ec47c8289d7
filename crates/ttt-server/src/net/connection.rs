//! One client's socket: the only code that reads or writes its bytes.
//!
//! The socket is non-blocking and watched by the driver's poll, so nothing
//! here ever waits:
//!
//! - **reading**: [`Connection::read_line`] hands out complete lines from a
//!   fixed 512-byte buffer ([`LineReader`]), or says there is nothing more
//!   for now ([`Inbound::Pending`]). Each turn of the driver's loop a
//!   connection may read at most [`READ_PER_TURN`] bytes, whatever they
//!   make (lines, editing keys, telnet commands, WebSocket control frames):
//!   what is left waits for its next turn, after the others
//!   ([`Connection::has_more`]). The bytes that made no line are its
//!   *noise* ([`Connection::take_noise`]), which the lobby's conduct policy
//!   charges;
//! - **speaking**: the connection's [`Dialect`] (protocol lines, or a
//!   person's sentences) turns what the lobby tells into text;
//! - **writing**: [`Connection::send`] appends that text to an outbox, and
//!   [`Connection::flush`] writes what the kernel will take. A peer that
//!   stops reading makes the outbox wait; past [`MAX_OUTBOX`] bytes, or for
//!   longer than the write timeout, it is treated as gone. No write ever
//!   blocks the server for one slow client;
//! - **closing**: after the last line is flushed, the server shuts its
//!   sending side (the peer reads the end of the stream) and keeps reading
//!   and discarding for a moment ([`LINGER`]). Closing a socket with unread
//!   input makes the kernel send a reset, which can destroy the last line
//!   (say, `ERR ABUSE`) before the peer reads it. A lingering connection
//!   still holds its descriptor, so the driver caps how many linger, and
//!   closes the rest at once. A person's connection ends with a reset once
//!   the goodbye has had time to arrive ([`PERSON_GOODBYE`]): `nc` with a
//!   terminal ignores a plain close, and would sit there until Enter.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use ttt_protocol::{FrameError, LineReader};

pub use super::socket::READ_PER_TURN;
use super::socket::{Socket, Written, write_raw};
use super::websocket::{Liveness, Requested, WebLimits};
use super::websocket::{Received, Request, Web};
use crate::machine::Machine;
use crate::speech::{Dialect, Speech};
use crate::tell::{Broken, Tell};
use crate::who::Who;

/// The most output kept for a peer that does not read. A whole game sends
/// a few hundred bytes; a peer this far behind is not playing.
pub const MAX_OUTBOX: usize = 64 * 1024;

/// How long a closed connection keeps reading and discarding what the
/// peer still sends, so that its last line is not lost to a reset.
pub const LINGER: Duration = Duration::from_secs(2);

/// The most bytes discarded while lingering: a flooder is not waited for.
const LINGER_DISCARD: usize = 64 * 1024;

/// How long a person's connection lingers after the goodbye before it is
/// closed with a reset, which makes `nc` leave at once (it ignores a plain
/// close while its stdin is a terminal). A reset discards what the peer has
/// not acknowledged, so this is the time the goodbye has to arrive: on a LAN
/// a round trip is a millisecond, and a second covers the retransmissions of
/// a lost packet at the minimum timeout (200 ms, 400 ms). A person who
/// closes first ends it sooner, with a plain close.
pub const PERSON_GOODBYE: Duration = Duration::from_secs(1);

/// What [`Connection::read_line`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Inbound<'a> {
    /// A complete line, without its line ending.
    Line(&'a str),
    /// No complete line, and nothing more to read until the next readiness
    /// event.
    Pending,
    /// A line broke the framing; the stream cannot be read further.
    Broken(Broken),
    /// The peer closed its side, or the connection failed.
    Closed,
}

/// What [`Connection::flush`] achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flushed {
    /// Everything queued is with the kernel.
    Done,
    /// Everything queued is with the kernel, and the sending side has just
    /// been shut: the connection lingers from now on.
    Shut,
    /// The peer is not reading fast enough; the rest waits for the next
    /// writable event.
    Waiting,
    /// The connection failed.
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Open,
    /// Flushing its last lines, then it lingers.
    Closing,
    /// Sending side shut; discarding input until the peer closes or `until`.
    Lingering {
        until: Instant,
        discarded: usize,
        /// End with a reset at `until` (a person's `nc`).
        reset: bool,
    },
}

/// How lines travel on a connection.
// The line reader holds its 512-byte buffer inline, on the path every move
// takes; the rarer browser's state is boxed instead.
#[allow(clippy::large_enum_variant)]
enum Transport {
    /// The game port: lines ending in `\n`.
    Lines(LineReader<Socket>),
    /// The web port: an HTTP request, then (if it asked for `/ws`) a
    /// WebSocket whose text messages are the lines.
    Web(Box<Web>),
}

/// One client's connection.
pub struct Connection {
    transport: Transport,
    outbox: Vec<u8>,
    /// Since when queued output has been waiting for the peer to read.
    stalled_since: Option<Instant>,
    stage: Stage,
    peer: SocketAddr,
    /// The peer's side has ended: there is nothing to linger for.
    saw_end: bool,
    /// Why reading failed, if it failed rather than ended cleanly.
    failure: Option<io::ErrorKind>,
    /// How what the lobby tells is written.
    dialect: Dialect,
    /// Bytes that became lines (with their framing) since the connection
    /// began: what was read beyond it is noise.
    useful: u64,
    /// The noise already reported ([`Connection::take_noise`]).
    noise_told: u64,
}

impl Connection {
    /// Wraps an accepted, non-blocking stream.
    pub fn new(stream: TcpStream, peer: SocketAddr) -> Connection {
        let dialect = Dialect::default();
        let mut lines = LineReader::new(Socket::new(stream));
        lines.set_editing(dialect.edits_typing());
        Connection::with(Transport::Lines(lines), peer, dialect)
    }

    /// Wraps a non-blocking stream accepted on the web port: it first
    /// reads an HTTP request ([`Connection::read_request`]). Once upgraded,
    /// it is pinged after a third of the liveness bound in silence and
    /// given up after all of it ([`Connection::check_liveness`]).
    pub fn web(stream: TcpStream, peer: SocketAddr, now: Instant, limits: WebLimits) -> Connection {
        let web = Web::new(Socket::new(stream), now, limits, MAX_OUTBOX);
        Connection::with(Transport::Web(Box::new(web)), peer, Dialect::default())
    }

    fn with(transport: Transport, peer: SocketAddr, dialect: Dialect) -> Connection {
        Connection {
            transport,
            outbox: Vec::new(),
            stalled_since: None,
            stage: Stage::Open,
            peer,
            saw_end: false,
            failure: None,
            dialect,
            useful: 0,
            noise_told: 0,
        }
    }

    /// The handshake settled who this is: speak (and read) accordingly.
    pub fn settle(&mut self, who: Who) {
        self.dialect.settle(who);
        if let Transport::Lines(lines) = &mut self.transport {
            lines.set_editing(self.dialect.edits_typing());
        }
    }

    fn socket(&self) -> &Socket {
        match &self.transport {
            Transport::Lines(lines) => lines.get_ref(),
            Transport::Web(web) => web.socket(),
        }
    }

    fn socket_mut(&mut self) -> &mut Socket {
        match &mut self.transport {
            Transport::Lines(lines) => lines.get_mut(),
            Transport::Web(web) => web.socket_mut(),
        }
    }

    /// Whether this is a browser's connection that has not finished its
    /// HTTP request yet (and is not in the lobby).
    pub fn is_requesting(&self) -> bool {
        matches!(&self.transport, Transport::Web(web) if web.is_requesting())
    }

    /// On the web port, before the upgrade: reads what arrived of the
    /// request and, once it is whole, queues its answer.
    pub fn read_request(&mut self) -> Requested {
        let Transport::Web(web) = &mut self.transport else {
            return Requested::Closed;
        };
        match web.read_request() {
            Request::Pending => Requested::Pending,
            Request::Respond(bytes) => {
                self.outbox.extend_from_slice(&bytes);
                self.stage = Stage::Closing;
                Requested::Answered
            }
            Request::Upgraded => {
                // The request made the connection: no noise.
                self.useful = web.socket().read;
                Requested::Upgraded
            }
            Request::Closed => Requested::Closed,
        }
    }

    /// Queues what the lobby tells, in this connection's dialect. Returns
    /// false if the peer is so far behind that it must be treated as gone.
    pub fn tell(&mut self, tell: &Tell) -> bool {
        match self.dialect.speak(tell) {
            Some(speech) => self.send(&speech),
            None => true,
        }
    }

    /// The socket, to register it with the poll.
    pub fn stream_mut(&mut self) -> &mut TcpStream {
        &mut self.socket_mut().stream
    }

    /// The peer's address.
    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// The peer's machine, as the caps count them.
    pub fn machine(&self) -> Machine {
        Machine::of(self.peer.ip())
    }

    /// Whether the lobby still holds this connection.
    pub fn is_open(&self) -> bool {
        self.stage == Stage::Open
    }

    /// The poll said the socket is readable: reading may find more.
    pub fn readable(&mut self, now: Instant) {
        if let Transport::Web(web) = &mut self.transport {
            web.heard(now);
        }
        self.socket_mut().drained = false;
    }

    /// Starts this connection's turn of the loop: it may read up to
    /// [`READ_PER_TURN`] bytes from now on.
    pub fn begin_turn(&mut self) {
        if let Transport::Web(web) = &mut self.transport {
            web.begin_turn();
        }
        self.socket_mut().allowance = READ_PER_TURN;
    }

    /// Whether reading stopped because this turn's share was used up, not
    /// because the socket was empty: the rest waits for the next turn.
    /// (Readiness is edge-triggered, so no new event will say so.)
    pub fn has_more(&self) -> bool {
        if let Transport::Web(web) = &self.transport
            && web.paused()
        {
            return true;
        }
        let socket = self.socket();
        socket.allowance == 0 && !socket.drained
    }

    /// The bytes read since the last call that made no line: editing keys
    /// and what they erased, telnet commands, WebSocket control frames and
    /// empty fragments, and (until it is whole) a line still arriving,
    /// counted once. What the conduct policy charges.
    pub fn take_noise(&mut self) -> u64 {
        let noise = self.socket().read.saturating_sub(self.useful);
        let new = noise.saturating_sub(self.noise_told);
        self.noise_told = self.noise_told.max(noise);
        new
    }

    /// The next complete line, if one has arrived.
    pub fn read_line(&mut self) -> Inbound<'_> {
        let lines = match &mut self.transport {
            Transport::Lines(lines) => lines,
            Transport::Web(web) => {
                return match web.read_message() {
                    Received::Line(line, wire) => {
                        self.useful += wire;
                        Inbound::Line(line)
                    }
                    Received::Pending => Inbound::Pending,
                    Received::Broken(broken) => Inbound::Broken(broken),
                    Received::Closed(failure) => {
                        self.saw_end = true;
                        self.failure = failure;
                        Inbound::Closed
                    }
                };
            }
        };
        match lines.read_line() {
            Ok(Some(line)) => {
                // With its line ending, taken as `\r\n`: a byte of noise
                // unseen per line, rather than a byte charged that was not.
                self.useful += line.len() as u64 + 2;
                Inbound::Line(line)
            }
            Ok(None) | Err(FrameError::UnexpectedEof) => {
                self.saw_end = true;
                Inbound::Closed
            }
            Err(FrameError::TooLong) => Inbound::Broken(Broken::TooLong),
            Err(FrameError::InvalidUtf8) => Inbound::Broken(Broken::Utf8),
            Err(FrameError::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => Inbound::Pending,
            Err(FrameError::Io(e)) => {
                self.saw_end = true;
                self.failure = Some(e.kind());
                Inbound::Closed
            }
        }
    }

    /// Queues text already spoken. Returns false if the peer is so far
    /// behind that it must be treated as gone.
    pub fn send(&mut self, speech: &Speech) -> bool {
        if let Transport::Web(web) = &mut self.transport {
            // One line, one text message, without its line ending.
            let text = match speech {
                Speech::Line(msg) => msg.to_string(),
                Speech::Text(text) => text.trim_end().to_owned(),
            };
            return web.send(text);
        }
        match speech {
            // Writing into a Vec cannot fail.
            Speech::Line(msg) => {
                let _ = writeln!(self.outbox, "{msg}");
            }
            Speech::Text(text) => self.outbox.extend_from_slice(text.as_bytes()),
        }
        self.outbox.len() <= MAX_OUTBOX
    }

    /// Starts closing: the queued lines go out, then the sending side shuts.
    pub fn close(&mut self) {
        if self.stage == Stage::Open {
            self.stage = Stage::Closing;
        }
    }

    /// Makes the close, when the connection is dropped, a reset: at once,
    /// nothing queued sent, no lingering. For a flood's connections only.
    pub fn abort(&mut self) {
        self.outbox.clear();
        // If the option cannot be set, the drop is an ordinary close.
        let _ = socket2::SockRef::from(&self.socket().stream).set_linger(Some(Duration::ZERO));
    }

    /// Writes what the kernel takes of the outbox; when a closing
    /// connection's outbox is empty, shuts its sending side and starts
    /// lingering.
    pub fn flush(&mut self, now: Instant) -> Flushed {
        let closing = self.stage == Stage::Closing;
        // Frames go through tungstenite's buffer; the outbox holds only an
        // HTTP answer (the page, a refusal), never both.
        let frames = match &mut self.transport {
            Transport::Lines(_) => None,
            Transport::Web(web) => web.flush(closing),
        };
        let stream = match &self.transport {
            Transport::Lines(lines) => &lines.get_ref().stream,
            Transport::Web(web) => &web.socket().stream,
        };
        let written = match frames {
            Some(written) => written,
            None => write_raw(stream, &mut self.outbox),
        };
        match written {
            Written::All => {}
            Written::Blocked => {
                self.stalled_since.get_or_insert(now);
                return Flushed::Waiting;
            }
            Written::Failed => return Flushed::Failed,
        }
        self.stalled_since = None;
        if self.stage == Stage::Closing {
            if self.socket().stream.shutdown(Shutdown::Write).is_err() {
                return Flushed::Failed;
            }
            let reset = self.dialect.is_person();
            self.stage = Stage::Lingering {
                until: now + if reset { PERSON_GOODBYE } else { LINGER },
                discarded: 0,
                reset,
            };
            return Flushed::Shut;
        }
        Flushed::Done
    }

    /// While lingering: reads and discards what arrived. True when the
    /// connection is finished (the peer closed, failed, or sent too much).
    pub fn discard(&mut self) -> bool {
        let Stage::Lingering {
            until,
            discarded,
            reset,
        } = self.stage
        else {
            return false;
        };
        if self.saw_end {
            return true;
        }
        let mut sink = [0u8; 4096];
        let mut total = discarded;
        let finished = loop {
            match (&self.socket().stream).read(&mut sink) {
                Ok(0) => break true,
                Ok(n) => {
                    total += n;
                    if total > LINGER_DISCARD {
                        break true;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break false,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break true,
            }
        };
        self.stage = Stage::Lingering {
            until,
            discarded: total,
            reset,
        };
        finished
    }

    /// When the connection must be given up on: its output stalled for
    /// `write_timeout`, or its lingering is over.
    pub fn deadline(&self, write_timeout: Duration) -> Option<Instant> {
        let web = match &self.transport {
            Transport::Web(web) => Some(web),
            Transport::Lines(_) => None,
        };
        if let Some(due) = web.and_then(|web| web.request_due()) {
            return Some(due);
        }
        let own = match self.stage {
            Stage::Lingering { until, .. } => Some(until),
            Stage::Open | Stage::Closing => self.stalled_since.map(|since| since + write_timeout),
        };
        let open = self.stage == Stage::Open;
        let liveness = web.and_then(|web| web.liveness_due(open));
        own.into_iter().chain(liveness).min()
    }

    /// Takes the liveness step that is due at `now`, if one is: queues a
    /// ping (the caller flushes it), or marks the connection failed with
    /// a timeout, as the kernel's keepalive would (the caller closes it).
    pub fn check_liveness(&mut self, now: Instant) -> Liveness {
        let open = self.stage == Stage::Open;
        let Transport::Web(web) = &mut self.transport else {
            return Liveness::Fine;
        };
        let liveness = web.check_liveness(now, open);
        if liveness == Liveness::Gone {
            self.failure = Some(io::ErrorKind::TimedOut);
        }
        liveness
    }

    /// Whether the peer's machine stopped answering (keepalive probes or
    /// retransmissions unanswered): the kernel failed the socket with a
    /// timeout.
    pub fn went_unreachable(&self) -> bool {
        self.failure == Some(io::ErrorKind::TimedOut)
    }

    /// Whether its sending side is shut and it only lingers.
    pub fn is_lingering(&self) -> bool {
        matches!(self.stage, Stage::Lingering { .. })
    }

    /// Whether its lingering ends with a reset (a person's connection,
    /// which `nc` leaves only then).
    pub fn ends_with_reset(&self) -> bool {
        matches!(self.stage, Stage::Lingering { reset: true, .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::who::Who;
    use std::net::TcpListener;

    /// A connected pair: our end as a non-blocking `Connection`, and the
    /// peer's end as a plain blocking stream.
    fn pair() -> (Connection, std::net::TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let peer =
            std::net::TcpStream::connect(listener.local_addr().expect("addr")).expect("connect");
        let (ours, from) = listener.accept().expect("accept");
        ours.set_nonblocking(true).expect("non-blocking");
        (Connection::new(TcpStream::from_std(ours), from), peer)
    }

    /// Polls `read_line` for up to a second, until it is not `Pending`.
    fn next(conn: &mut Connection) -> String {
        let deadline = Instant::now() + Duration::from_secs(1);
        loop {
            conn.readable(Instant::now());
            match conn.read_line() {
                Inbound::Pending if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(1));
                }
                other => return format!("{other:?}"),
            }
        }
    }

    #[test]
    fn lines_arrive_whole_and_the_end_is_seen() {
        let (mut conn, mut peer) = pair();
        assert_eq!(conn.read_line(), Inbound::Pending);
        peer.write_all(b"HELLO 1 ann\r\nMO").expect("write");
        assert_eq!(next(&mut conn), "Line(\"HELLO 1 ann\")");
        // The partial line waits in the buffer; the socket has nothing more.
        assert_eq!(conn.read_line(), Inbound::Pending);
        peer.write_all(b"VE 5\n").expect("write");
        assert_eq!(next(&mut conn), "Line(\"MOVE 5\")");
        drop(peer);
        assert_eq!(next(&mut conn), "Closed");
    }

    #[test]
    fn framing_errors_are_reported() {
        let (mut conn, mut peer) = pair();
        peer.write_all(&[b'x'; 600]).expect("write");
        assert_eq!(next(&mut conn), "Broken(TooLong)");
        let (mut conn, mut peer) = pair();
        peer.write_all(b"\xfe\n").expect("write");
        assert_eq!(next(&mut conn), "Broken(Utf8)");
    }

    /// A peer that never reads makes the outbox wait, never the server:
    /// sends return at once, the stall is timed, and past `MAX_OUTBOX` the
    /// peer counts as gone.
    #[test]
    fn a_peer_that_never_reads_stalls_only_its_own_outbox() {
        let (mut conn, _peer) = pair();
        let msg = Speech::Text(format!("BYE {}\n", "x".repeat(400)));
        let start = Instant::now();
        let mut sends = 0;
        let stalled_at = loop {
            assert!(
                conn.send(&msg),
                "outbox overflowed before the kernel's buffers filled"
            );
            sends += 1;
            match conn.flush(start) {
                Flushed::Done => {}
                Flushed::Waiting => break sends,
                Flushed::Failed | Flushed::Shut => panic!("the connection failed or shut"),
            }
            assert!(sends < 1_000_000, "the kernel never pushed back");
        };
        assert!(start.elapsed() < Duration::from_secs(5), "a write blocked");
        assert!(stalled_at > 10);
        let timeout = Duration::from_millis(200);
        assert_eq!(conn.deadline(timeout), Some(start + timeout));
        // More output only grows the outbox, up to its limit.
        let mut overflowed = false;
        for _ in 0..MAX_OUTBOX / 400 + 2 {
            if !conn.send(&msg) {
                overflowed = true;
                break;
            }
        }
        assert!(overflowed, "the outbox grew past its limit");
    }

    /// Bytes that never make a line (a person's `a` and backspace, sent
    /// without pause) are read one share per turn, not until the socket
    /// is empty: the turn ends after [`READ_PER_TURN`] bytes and says there
    /// is more, and every one of those bytes is noise. Regression test for
    /// issue 29 (one connection froze the loop for as long as it sent).
    #[test]
    fn bytes_that_make_no_line_are_read_one_share_per_turn() {
        let (mut conn, mut peer) = pair();
        conn.settle(Who::Person);
        let flood = b"a\x08".repeat(4 * READ_PER_TURN);
        peer.write_all(&flood).expect("write");
        let deadline = Instant::now() + Duration::from_secs(1);
        for turn in 1..=3u64 {
            conn.begin_turn();
            loop {
                conn.readable(Instant::now());
                assert_eq!(conn.read_line(), Inbound::Pending, "turn {turn}");
                if conn.has_more() {
                    break;
                }
                // The flood has not all arrived yet.
                assert!(Instant::now() < deadline, "turn {turn} never filled");
                std::thread::sleep(Duration::from_millis(1));
            }
            assert_eq!(conn.socket().read, turn * READ_PER_TURN as u64);
            assert_eq!(conn.take_noise(), READ_PER_TURN as u64, "turn {turn}");
        }
        // A line after the flood is still read.
        peer.write_all(b"play zed\n").expect("write");
        let mut lines = Vec::new();
        while Instant::now() < deadline {
            conn.begin_turn();
            conn.readable(Instant::now());
            if let Inbound::Line(line) = conn.read_line() {
                lines.push(line.to_owned());
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(lines, ["play zed"]);
    }

    /// A line costs no noise, whatever its ending; a line still arriving
    /// is counted once, not again when it is whole.
    #[test]
    fn lines_are_not_noise() {
        let (mut conn, mut peer) = pair();
        peer.write_all(b"HELLO 1 ann\r\nMO").expect("write");
        assert_eq!(next(&mut conn), "Line(\"HELLO 1 ann\")");
        assert_eq!(conn.read_line(), Inbound::Pending);
        // The two bytes of the next line, not whole yet.
        assert_eq!(conn.take_noise(), 2);
        peer.write_all(b"VE 5\n").expect("write");
        assert_eq!(next(&mut conn), "Line(\"MOVE 5\")");
        assert_eq!(conn.take_noise(), 0);
    }

    /// Closing sends what was queued, then the end of the stream; the peer
    /// reads the last line even though it had unread input on our side.
    #[test]
    fn closing_delivers_the_last_line_then_the_end() {
        let (mut conn, mut peer) = pair();
        peer.write_all(b"lots of unread input\n").expect("write");
        conn.send(&Speech::Text("BYE goodbye\n".to_owned()));
        conn.close();
        let now = Instant::now();
        assert_eq!(conn.flush(now), Flushed::Shut);
        assert!(conn.is_lingering());
        assert_eq!(conn.flush(now), Flushed::Done, "shut once");
        assert_eq!(conn.deadline(Duration::from_secs(5)), Some(now + LINGER));
        peer.set_read_timeout(Some(Duration::from_secs(1)))
            .expect("timeout");
        let mut got = String::new();
        peer.read_to_string(&mut got).expect("read to the end");
        assert_eq!(got, "BYE goodbye\n");
        drop(peer);
        let deadline = Instant::now() + Duration::from_secs(1);
        while !conn.discard() {
            assert!(Instant::now() < deadline, "the peer's close was not seen");
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}
