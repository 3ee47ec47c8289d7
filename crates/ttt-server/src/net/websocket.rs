//! A browser's connection on the web port: first an HTTP request, answered
//! from its bytes alone ([`super::web::answer`]); then, if it asked for
//! `/ws`, a WebSocket (tungstenite over the same non-blocking socket) whose
//! text messages are the lines. Its own liveness too: a browser silent for
//! a third of the bound is pinged, and gone at the bound.
//!
//! One [`Phase`] says where it is; [`super::connection::Connection`] holds
//! a `Web` as its transport and keeps what every connection has (the
//! outbox, the lingering close).

use std::io::{self, Read};
use std::time::{Duration, Instant};

use ttt_protocol::MAX_LINE_LEN;
use tungstenite::protocol::{Role, WebSocket, WebSocketConfig};
use tungstenite::{Error as WsError, Message};

use super::socket::{Socket, Written, write_raw};
use super::web::{self, Answer};
use crate::tell::Broken;

/// The most WebSocket control frames (pings, pongs) read from one browser
/// in one turn. Each ping is answered with a pong, a system call: a turn's
/// share of bytes holds hundreds of empty pings, so frames are counted
/// too. A browser sends one pong per ping of ours, a few a minute.
pub const CONTROLS_PER_TURN: usize = 32;

/// The time limits of a browser's connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebLimits {
    /// To send the whole HTTP request: [`web::REQUEST_TIMEOUT`], or the
    /// handshake timeout if that is shorter (the request is the first part
    /// of a browser's handshake).
    pub request: Duration,
    /// The liveness bound: pinged after a third of it in silence, gone
    /// after all of it.
    pub liveness: Duration,
}

impl WebLimits {
    /// The limits for a server's handshake timeout and liveness bound.
    pub fn new(handshake_timeout: Option<Duration>, liveness: Duration) -> WebLimits {
        WebLimits {
            request: handshake_timeout
                .map_or(web::REQUEST_TIMEOUT, |h| h.min(web::REQUEST_TIMEOUT)),
            liveness,
        }
    }
}

/// What a browser's silence calls for, once its deadline comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Liveness {
    /// Nothing: it spoke lately, or it is no upgraded browser.
    Fine,
    /// Silent for a third of the bound: a ping has been queued, which any
    /// browser answers by itself (the page need not be running).
    Pinged,
    /// Silent for the whole bound, the ping unanswered: gone.
    Gone,
}

/// What reading a browser's request found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requested {
    /// Not all of the request has arrived.
    Pending,
    /// Answered (the page, or a refusal): the answer goes out, then the
    /// connection closes.
    Answered,
    /// Upgraded: from now on the connection carries lines as WebSocket
    /// text messages.
    Upgraded,
    /// The peer closed, or sent more than a request can be.
    Closed,
}

/// What [`Web::read_request`] asks of the connection.
#[derive(Debug, PartialEq, Eq)]
pub enum Request {
    /// Not whole yet.
    Pending,
    /// Send these bytes (the page, a refusal), then close: no frame follows.
    Respond(Vec<u8>),
    /// The upgrade is written: frames from now on.
    Upgraded,
    /// The peer closed, or sent more than a request can be.
    Closed,
}

/// Where a browser's connection is.
#[derive(Debug)]
enum Phase {
    /// Sending its HTTP request: what arrived so far, and when it must be
    /// whole (see [`WebLimits::request`]).
    Requesting {
        /// The request read so far.
        request: Vec<u8>,
        /// When it must be whole.
        due: Instant,
    },
    /// Upgraded: text messages are lines.
    Open,
    /// Answered, or a close frame queued: nothing more is said on it.
    Closing,
}

/// A browser's connection.
pub struct Web {
    /// Raw bytes before the upgrade, frames after it.
    ws: WebSocket<Socket>,
    phase: Phase,
    /// The last text message read, lent out as a line.
    text: String,
    /// The liveness bound: a browser silent this long is gone.
    liveness: Duration,
    /// When bytes last arrived from the browser.
    heard: Instant,
    /// A ping has gone out since.
    pinged: bool,
    /// Control frames read in this turn (see [`CONTROLS_PER_TURN`]).
    controls: usize,
}

impl Web {
    /// A browser's connection accepted at `now`, about to send its request.
    pub fn new(socket: Socket, now: Instant, limits: WebLimits, max_outbox: usize) -> Web {
        // A message is a line: one protocol line's bytes, in one frame or
        // in fragments (tungstenite counts them together). Pongs and the
        // close reply are queued in the same bounded buffer as our lines.
        let config = WebSocketConfig::default()
            .read_buffer_size(4096)
            .write_buffer_size(0)
            .max_write_buffer_size(max_outbox)
            .max_message_size(Some(MAX_LINE_LEN))
            .max_frame_size(Some(MAX_LINE_LEN));
        Web {
            ws: WebSocket::from_raw_socket(socket, Role::Server, Some(config)),
            phase: Phase::Requesting {
                request: Vec::new(),
                due: now + limits.request,
            },
            text: String::new(),
            liveness: limits.liveness,
            heard: now,
            pinged: false,
            controls: 0,
        }
    }

    /// The socket underneath.
    pub fn socket(&self) -> &Socket {
        self.ws.get_ref()
    }

    /// The socket underneath, mutably.
    pub fn socket_mut(&mut self) -> &mut Socket {
        self.ws.get_mut()
    }

    /// Whether its HTTP request has not been answered yet.
    pub fn is_requesting(&self) -> bool {
        matches!(self.phase, Phase::Requesting { .. })
    }

    /// When its request must be whole, while it is sending it.
    pub fn request_due(&self) -> Option<Instant> {
        match self.phase {
            Phase::Requesting { due, .. } => Some(due),
            Phase::Open | Phase::Closing => None,
        }
    }

    /// Reads what arrived of the request (within this turn's share) and,
    /// once it is whole, says what it gets. An upgrade's answer is written
    /// here, before any frame: tungstenite writes its frames to the socket
    /// itself.
    pub fn read_request(&mut self) -> Request {
        let Phase::Requesting { request, .. } = &mut self.phase else {
            return Request::Closed;
        };
        let mut chunk = [0u8; 1024];
        loop {
            match self.ws.get_mut().read(&mut chunk) {
                Ok(0) => return Request::Closed,
                Ok(n) => {
                    if request.len() + n > web::MAX_REQUEST {
                        return Request::Closed;
                    }
                    request.extend_from_slice(&chunk[..n]);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Request::Closed,
            }
        }
        match web::answer(request) {
            Answer::Incomplete => Request::Pending,
            Answer::Respond(bytes) => {
                // Nothing more is said on it: no close frame either.
                self.phase = Phase::Closing;
                Request::Respond(bytes)
            }
            Answer::Upgrade(mut bytes) => {
                // An empty socket buffer takes these 130 bytes at once;
                // one that does not is no peer.
                if write_raw(&self.ws.get_ref().stream, &mut bytes) != Written::All {
                    return Request::Closed;
                }
                self.phase = Phase::Open;
                Request::Upgraded
            }
        }
    }

    /// Bytes arrived at `now`: the browser is alive.
    pub fn heard(&mut self, now: Instant) {
        self.heard = now;
        self.pinged = false;
    }

    /// Starts a turn of the loop: control frames are counted afresh.
    pub fn begin_turn(&mut self) {
        self.controls = 0;
    }

    /// Whether this turn's control frames are used up.
    pub fn paused(&self) -> bool {
        self.controls >= CONTROLS_PER_TURN
    }

    /// Queues a line as a text message. False if the browser is so far
    /// behind that it must be treated as gone.
    pub fn send(&mut self, text: String) -> bool {
        if !matches!(self.phase, Phase::Open) {
            // Not upgraded yet (the lobby never speaks first), or already
            // closing: nothing to say it with.
            return true;
        }
        match self.ws.write(Message::text(text)) {
            Ok(()) => true,
            Err(WsError::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => true,
            Err(_) => false,
        }
    }

    /// Writes the queued frames, after a close frame if `closing` (once).
    /// `None` when they are with the kernel; else how far it got.
    pub fn flush(&mut self, closing: bool) -> Option<Written> {
        if closing && matches!(self.phase, Phase::Open) {
            self.phase = Phase::Closing;
            // Ends the WebSocket politely; an error here is one the flush
            // below reports.
            let _ = self.ws.close(None);
        }
        if self.is_requesting() {
            return None;
        }
        match self.ws.flush() {
            Ok(()) | Err(WsError::ConnectionClosed) => None,
            Err(WsError::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => Some(Written::Blocked),
            Err(_) => Some(Written::Failed),
        }
    }

    /// When its silence calls for the next step (while it is upgraded and
    /// `open` in the lobby): a ping at a third of the bound, the end at
    /// the bound. TCP keepalive still runs underneath (it notices a
    /// machine gone, this a browser that no longer answers on a machine
    /// still there, or a proxy between).
    pub fn liveness_due(&self, open: bool) -> Option<Instant> {
        if !open || !matches!(self.phase, Phase::Open) {
            return None;
        }
        let after = if self.pinged {
            self.liveness
        } else {
            self.liveness / 3
        };
        Some(self.heard + after)
    }

    /// Takes the liveness step due at `now`, if one is: queues a ping (the
    /// caller flushes it), or says the browser is gone.
    pub fn check_liveness(&mut self, now: Instant, open: bool) -> Liveness {
        match self.liveness_due(open) {
            Some(due) if due <= now => {}
            _ => return Liveness::Fine,
        }
        if self.pinged {
            return Liveness::Gone;
        }
        self.pinged = true;
        match self.ws.write(Message::Ping(Default::default())) {
            Ok(()) => Liveness::Pinged,
            Err(WsError::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => Liveness::Pinged,
            Err(_) => Liveness::Gone,
        }
    }

    /// The next text message, as a line, with the bytes it took on the
    /// wire. Pings are answered by tungstenite (the pong goes out at its
    /// next read, with our next output, or here), at most
    /// [`CONTROLS_PER_TURN`] a turn; a binary message is not text, so it is
    /// refused as a line that is not UTF-8 would be.
    pub fn read_message(&mut self) -> Received<'_> {
        if self.is_requesting() {
            return Received::Pending;
        }
        loop {
            match self.ws.read() {
                Ok(Message::Text(text)) => {
                    self.text.clear();
                    self.text.push_str(text.as_str());
                    let wire = client_frame_len(self.text.len());
                    return Received::Line(&self.text, wire);
                }
                Ok(Message::Binary(_)) => return Received::Broken(Broken::Utf8),
                Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_)) => {
                    self.controls += 1;
                    if self.paused() {
                        // The rest waits for this connection's next turn;
                        // the last pong goes now if the kernel takes it
                        // (each read sends the one before).
                        let _ = self.ws.flush();
                        return Received::Pending;
                    }
                }
                Ok(Message::Close(_)) | Err(WsError::ConnectionClosed | WsError::AlreadyClosed) => {
                    return Received::Closed(None);
                }
                Err(WsError::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => {
                    return Received::Pending;
                }
                Err(WsError::Capacity(_)) => return Received::Broken(Broken::TooLong),
                Err(WsError::Utf8) => return Received::Broken(Broken::Utf8),
                Err(WsError::Io(e)) => return Received::Closed(Some(e.kind())),
                // A protocol violation (an unmasked frame, a bad opcode, a
                // fragmented control frame, ...): the stream cannot be read
                // further, and the peer is no client of ours.
                Err(_) => return Received::Closed(None),
            }
        }
    }
}

/// What [`Web::read_message`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Received<'a> {
    /// A text message, and the bytes it took on the wire.
    Line(&'a str, u64),
    /// Nothing more this turn.
    Pending,
    /// The message broke the protocol's framing.
    Broken(Broken),
    /// The browser closed, or the connection failed (and how).
    Closed(Option<io::ErrorKind>),
}

/// The bytes a browser's text message of `len` bytes takes on the wire
/// in one frame: a 2-byte header, 2 more past 125 bytes, the 4-byte mask.
fn client_frame_len(len: usize) -> u64 {
    let header = if len < 126 { 2 } else { 4 };
    (header + 4 + len) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A browser's request is the first part of its handshake: a shorter
    /// handshake timeout shortens it.
    #[test]
    fn a_browsers_request_time_is_the_shorter_of_its_own_and_the_handshakes() {
        let liveness = Duration::from_secs(12);
        let short = Duration::from_millis(500);
        assert_eq!(WebLimits::new(Some(short), liveness).request, short);
        let long = Duration::from_secs(60);
        assert_eq!(
            WebLimits::new(Some(long), liveness).request,
            web::REQUEST_TIMEOUT
        );
        assert_eq!(WebLimits::new(None, liveness).request, web::REQUEST_TIMEOUT);
    }

    #[test]
    fn a_text_frame_takes_its_header_and_mask() {
        assert_eq!(client_frame_len(6), 12);
        assert_eq!(client_frame_len(125), 131);
        assert_eq!(client_frame_len(126), 134);
    }
}
