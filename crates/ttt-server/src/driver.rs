//! The driver: one thread that waits for whichever socket is ready, or for
//! the next deadline, and does what the lobby says.
//!
//! This is the answer to the lesson's closing question (how could a
//! blocking server accept new connections "in the downtime"?): instead of
//! blocking in `accept` or in one client's `read`, the thread blocks in one
//! call that watches them all at once (`poll`, here through the `mio`
//! crate), and then does only what cannot block: it accepts the connections
//! that are waiting, reads the bytes that have arrived, writes what the
//! kernel will take. The sockets are `std::net` sockets set non-blocking;
//! there is no async runtime and no other thread.
//!
//! Each turn of the loop:
//!
//! 1. block in `poll` until a socket is ready or the next deadline (a
//!    handshake's, the turn clock's, a stalled write's) comes;
//! 2. let the lobby act on the time first: a move that arrives after its
//!    clock ran out is too late;
//! 3. accept, read lines and hand them to the lobby;
//! 4. carry out what the lobby returned: queue lines, flush, close.
//!
//! A move is read, judged and answered on this one thread: nothing is
//! handed from thread to thread on the way (see docs/PERFORMANCE.md).

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token, Waker};

use crate::computer::ComputerSettings;
use crate::config::Settings;
use crate::connection::{Connection, Flushed, Inbound};
use crate::lobby::{ConnId, Lobby, LobbySettings, Out, Status};

const LISTENER: Token = Token(0);
const WAKER: Token = Token(1);
/// Connection tokens start here and are never reused.
const FIRST_CONN: usize = 2;

/// Lines read from one connection before the others get a turn: a client
/// with a lot to say waits for the next round, others do not wait for it.
const LINES_PER_TURN: usize = 64;

/// Connections accepted in one turn before the others get theirs.
const ACCEPTS_PER_TURN: usize = 64;

/// How long to stop accepting when the process is out of file descriptors,
/// instead of spinning on a listener that stays ready.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// How long a stopping server waits for its goodbyes to go out.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

/// Stops a running [`Server`] from another thread (a signal handler).
#[derive(Clone)]
pub struct Stop {
    requested: Arc<AtomicBool>,
    waker: Arc<Waker>,
}

impl Stop {
    /// Asks the server to say goodbye to everyone and return from
    /// [`Server::run`]. Returns at once.
    pub fn stop(&self) {
        self.requested.store(true, Ordering::Release);
        if let Err(e) = self.waker.wake() {
            log::error!("cannot wake the server to stop it: {e}");
        }
    }
}

/// The server: a listener, the connections, the lobby.
pub struct Server {
    poll: Poll,
    /// `None` once stopping: no new connections.
    listener: Option<TcpListener>,
    conns: HashMap<Token, Connection>,
    lobby: Lobby,
    write_timeout: Duration,
    liveness: Duration,
    stop: Stop,
    next_token: usize,
    /// Connections with output to flush.
    dirty: Vec<Token>,
    /// Sources that had more to read (or accept) than one turn allows.
    again: Vec<Token>,
    /// Connections with a deadline of their own: a stalled write, a linger.
    timed: Vec<Token>,
    accept_paused_until: Option<Instant>,
    /// Accepting failed for want of file descriptors, and has not worked
    /// since: warned once, not every retry.
    out_of_fds: bool,
    last_status: Status,
    /// Told each new lobby status (discovery keeps its record current).
    on_status: Option<StatusHook>,
}

/// What [`Server::on_status_change`] calls.
type StatusHook = Box<dyn FnMut(&Status) + Send>;

impl Server {
    /// A server on an already bound listener. Taking a bound listener,
    /// rather than an address, lets the caller report the real port when
    /// port 0 was asked for.
    pub fn new(listener: std::net::TcpListener, settings: &Settings) -> io::Result<Server> {
        listener.set_nonblocking(true)?;
        let mut listener = TcpListener::from_std(listener);
        let poll = Poll::new()?;
        poll.registry()
            .register(&mut listener, LISTENER, Interest::READABLE)?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
        Ok(Server {
            poll,
            listener: Some(listener),
            conns: HashMap::new(),
            lobby: Lobby::new(LobbySettings {
                handshake_timeout: settings.handshake_timeout,
                table: ttt_rules::TableSettings {
                    turn_timeout: settings.turn_timeout,
                },
                computer: settings.computer_pause.map(|pause| ComputerSettings {
                    pause,
                    seed: seed(),
                }),
            }),
            write_timeout: settings.write_timeout,
            liveness: settings.liveness,
            stop: Stop {
                requested: Arc::new(AtomicBool::new(false)),
                waker,
            },
            next_token: FIRST_CONN,
            dirty: Vec::new(),
            again: Vec::new(),
            timed: Vec::new(),
            accept_paused_until: None,
            out_of_fds: false,
            last_status: Status::default(),
            on_status: None,
        })
    }

    /// A handle that stops this server from another thread.
    pub fn stopper(&self) -> Stop {
        self.stop.clone()
    }

    /// Serves until stopped; then says goodbye to every connection (for up
    /// to a second) and returns. Fails only if polling itself fails.
    pub fn run(mut self) -> io::Result<()> {
        let mut events = Events::with_capacity(256);
        let mut stopping: Option<Instant> = None;
        loop {
            let timeout = self.timeout(stopping);
            if let Err(e) = self.poll.poll(&mut events, timeout) {
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            let now = Instant::now();
            self.lobby.tick(now);
            let again = std::mem::take(&mut self.again);
            for event in &events {
                match event.token() {
                    LISTENER => self.accept(now),
                    WAKER => {}
                    token => {
                        if event.is_readable() || event.is_read_closed() || event.is_error() {
                            if let Some(conn) = self.conns.get_mut(&token) {
                                conn.readable();
                            }
                            self.read(token, now);
                        }
                        if event.is_writable() {
                            self.dirty.push(token);
                        }
                    }
                }
            }
            for token in again {
                match token {
                    LISTENER => self.accept(now),
                    token => self.read(token, now),
                }
            }
            if self.accept_paused_until.is_some_and(|until| until <= now) {
                self.accept_paused_until = None;
                self.accept(now);
            }
            if stopping.is_none() && self.stop.requested.load(Ordering::Acquire) {
                stopping = Some(now + SHUTDOWN_GRACE);
                self.begin_shutdown();
            }
            self.settle(now);
            self.expire(now);
            self.log_status();
            if let Some(deadline) = stopping
                && (self.conns.is_empty() || now >= deadline)
            {
                log::info!("stopped");
                return Ok(());
            }
        }
    }

    /// How long `poll` may block: until the nearest deadline, or not at all
    /// if a source has more to do.
    fn timeout(&self, stopping: Option<Instant>) -> Option<Duration> {
        if !self.again.is_empty() {
            return Some(Duration::ZERO);
        }
        let io = self
            .timed
            .iter()
            .filter_map(|t| self.conns.get(t)?.deadline(self.write_timeout));
        let nearest = io
            .chain(self.lobby.next_deadline())
            .chain(self.accept_paused_until)
            .chain(stopping)
            .min()?;
        Some(nearest.saturating_duration_since(Instant::now()))
    }

    /// Accepts the connections that are waiting.
    fn accept(&mut self, now: Instant) {
        if self.accept_paused_until.is_some() {
            return;
        }
        for _ in 0..ACCEPTS_PER_TURN {
            let Some(listener) = &self.listener else {
                return;
            };
            match listener.accept() {
                Ok((stream, peer)) => {
                    if std::mem::take(&mut self.out_of_fds) {
                        log::warn!("accepting connections again");
                    }
                    self.admit(stream, peer, now);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if out_of_descriptors(&e) => {
                    if !std::mem::replace(&mut self.out_of_fds, true) {
                        log::warn!(
                            "accept failed: {e}; retrying every {ACCEPT_BACKOFF:?} until \
                             connections close"
                        );
                    }
                    self.accept_paused_until = Some(now + ACCEPT_BACKOFF);
                    return;
                }
                // A connection reset before it was accepted, and the like:
                // that one is lost, the next may be fine.
                Err(e) => log::debug!("accept failed: {e}"),
            }
        }
        self.again.push(LISTENER);
    }

    /// Registers a new connection and hands it to the lobby.
    fn admit(&mut self, mut stream: TcpStream, peer: SocketAddr, now: Instant) {
        // Each message is one small write that must leave at once; Nagle's
        // algorithm would hold it back about 40 ms waiting for an ACK.
        if let Err(e) = stream.set_nodelay(true) {
            log::debug!("{peer}: cannot set TCP_NODELAY: {e}");
        }
        // A machine that vanishes says nothing: have the kernel notice.
        if let Err(e) = ttt_cli::liveness::watch(&stream, self.liveness) {
            log::warn!("{peer}: cannot set keepalive: {e}; a vanished machine may go unnoticed");
        }
        let token = Token(self.next_token);
        self.next_token += 1;
        if let Err(e) = self.poll.registry().register(
            &mut stream,
            token,
            Interest::READABLE | Interest::WRITABLE,
        ) {
            log::warn!("{peer}: cannot watch the connection: {e}; closing it");
            return;
        }
        log::info!("{peer}: connected");
        self.conns.insert(token, Connection::new(stream, peer));
        self.lobby.connect(id(token), peer, now);
    }

    /// Reads what arrived on a connection and hands each line to the lobby.
    fn read(&mut self, token: Token, now: Instant) {
        let Some(conn) = self.conns.get_mut(&token) else {
            return;
        };
        if conn.is_lingering() {
            if conn.discard() {
                self.remove(token);
            }
            return;
        }
        let id = id(token);
        for _ in 0..LINES_PER_TURN {
            if !self.lobby.knows(id) {
                return;
            }
            match conn.read_line() {
                Inbound::Line(line) => self.lobby.line(id, line, now),
                Inbound::Pending => return,
                Inbound::Broken(broken) => return self.lobby.broken(id, broken, now),
                Inbound::Closed => {
                    if conn.went_unreachable() {
                        log::info!(
                            "{}: no answer from its machine for {:?}; counting it as gone",
                            conn.peer(),
                            self.liveness
                        );
                    }
                    return self.lobby.closed(id, now);
                }
            }
        }
        self.again.push(token);
    }

    /// Carries out what the lobby said, and flushes, until nothing is left
    /// (a failed write is a departure, which may say more).
    fn settle(&mut self, now: Instant) {
        loop {
            let outs = self.lobby.take_out();
            if outs.is_empty() && self.dirty.is_empty() {
                return;
            }
            for out in outs {
                match out {
                    Out::Send(id, msg) => {
                        let token = token(id);
                        if let Some(conn) = self.conns.get_mut(&token) {
                            if !conn.send(&msg) {
                                log::info!("{}: not reading; closing", conn.peer());
                                self.lobby.closed(id, now);
                            }
                            self.dirty.push(token);
                        }
                    }
                    Out::Close(id) => {
                        let token = token(id);
                        if let Some(conn) = self.conns.get_mut(&token) {
                            conn.close();
                            self.dirty.push(token);
                        }
                    }
                }
            }
            for token in std::mem::take(&mut self.dirty) {
                self.flush(token, now);
            }
        }
    }

    fn flush(&mut self, token: Token, now: Instant) {
        let Some(conn) = self.conns.get_mut(&token) else {
            return;
        };
        match conn.flush(now) {
            // Just closed: discard what is already there; the peer may even
            // be gone already, and then there is nothing to linger for.
            Flushed::Done if conn.is_lingering() => {
                if conn.discard() {
                    self.remove(token);
                } else {
                    self.timed.push(token);
                }
            }
            Flushed::Done => {}
            Flushed::Waiting => self.timed.push(token),
            Flushed::Failed => {
                let id = id(token);
                self.remove(token);
                self.lobby.closed(id, now);
            }
        }
    }

    /// Gives up on connections whose own deadline passed: output stalled
    /// for the write timeout (the peer is not reading), or lingering done.
    fn expire(&mut self, now: Instant) {
        self.timed.sort();
        self.timed.dedup();
        for token in std::mem::take(&mut self.timed) {
            let Some(conn) = self.conns.get(&token) else {
                continue;
            };
            match conn.deadline(self.write_timeout) {
                Some(due) if due <= now => {
                    if !conn.is_lingering() {
                        log::info!(
                            "{}: not reading for {:?}; closing",
                            conn.peer(),
                            self.write_timeout
                        );
                    }
                    self.remove(token);
                    self.lobby.closed(id(token), now);
                }
                Some(_) => self.timed.push(token),
                None => {}
            }
        }
        // Departures above may have left the lobby something to say.
        self.settle(now);
    }

    /// Stops accepting, and has the lobby say goodbye to everyone.
    fn begin_shutdown(&mut self) {
        if let Some(mut listener) = self.listener.take() {
            let _ = self.poll.registry().deregister(&mut listener);
        }
        let told = self.conns.values().filter(|c| c.is_open()).count();
        log::info!("stopping; telling {told} connection(s) goodbye");
        self.lobby.shutdown();
    }

    /// Forgets a connection and closes its socket.
    fn remove(&mut self, token: Token) {
        if let Some(mut conn) = self.conns.remove(&token) {
            let _ = self.poll.registry().deregister(conn.stream_mut());
        }
    }

    /// Logs the lobby's state when it changes (at debug level, where it
    /// costs nothing when off).
    /// Has `hook` told the lobby's status each time it changes (who waits,
    /// who plays), and once now: the one stream of changes that the LAN
    /// announcement reads.
    pub fn on_status_change(&mut self, mut hook: impl FnMut(&Status) + Send + 'static) {
        hook(&self.last_status);
        self.on_status = Some(Box::new(hook));
    }

    fn log_status(&mut self) {
        if !log::log_enabled!(log::Level::Debug) && self.on_status.is_none() {
            return;
        }
        let status = self.lobby.status();
        if status != self.last_status {
            if let Some(hook) = &mut self.on_status {
                hook(&status);
            }
            let playing = match &status.playing {
                Some([a, b]) => format!("{a} and {b} playing"),
                None => "table free".to_owned(),
            };
            log::debug!(
                "lobby: {playing}; {} queued; {} greeting",
                status.queued.len(),
                status.greeting
            );
            self.last_status = status;
        }
    }
}

fn id(token: Token) -> ConnId {
    ConnId(token.0 as u64)
}

fn token(id: ConnId) -> Token {
    Token(usize::try_from(id.0).unwrap_or(usize::MAX))
}

/// Whether an `accept` error means the process or system has no file
/// descriptors left (EMFILE, ENFILE on Unix).
fn out_of_descriptors(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(23 | 24)) && cfg!(unix)
}

/// A seed for the computer's games: the time, so each run plays differently
/// (the engine itself is seeded, and replayable in tests).
fn seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}
