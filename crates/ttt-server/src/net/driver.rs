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
//!
//! Every connection costs a file descriptor until its socket is closed,
//! lingering included, so the driver keeps within a budget
//! ([`super::descriptors`]): at most [`MAX_LINGERING`] closes linger (and
//! [`MAX_LINGERING_PER_MACHINE`] from one machine), the rest close at once;
//! and when the budget is full, a lingering close makes room before the
//! next `accept`, or a greeting connection once a newcomer is accepted (the
//! reserve lends it the descriptor meanwhile), so the listener always has a
//! descriptor for a newcomer and nobody is closed for a backlog that turned
//! out empty.

use std::collections::{HashMap, HashSet};
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token, Waker};

use super::connection::{Connection, Flushed, Inbound};
use super::descriptors;
use super::listener;
use super::pressure::{Bites, Pressure};
use super::web;
use super::websocket::{Liveness, Requested, WebLimits};
use crate::computer::ComputerSettings;
use crate::config::Settings;
use crate::lobby::{ConnId, Lobby, LobbySettings, Out, Status};
use crate::machine::{Arrivals, Crowd, Machine};

const LISTENER: Token = Token(0);
const WAKER: Token = Token(1);
/// The web port's listener (`--web`).
const WEB: Token = Token(2);
/// Connection tokens start here and are never reused.
const FIRST_CONN: usize = 3;

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

/// Closed connections that may linger at once (see `connection.rs`: a
/// lingering close keeps the peer's last line from being destroyed by a
/// reset). Past it, the lingering close of the machine holding the most is
/// cut short, so that a flood of closes never holds more descriptors than
/// this. Honest closes are few at a time: two players at the end of a game,
/// a queued player who leaves.
pub const MAX_LINGERING: usize = 128;

/// Closed connections from one machine that may linger at once; past it,
/// that machine's oldest lingering close is cut short.
pub const MAX_LINGERING_PER_MACHINE: usize = 8;

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
    /// The web port, if served; `None` once stopping.
    web: Option<TcpListener>,
    /// Browsers' connections still sending their HTTP request, by
    /// machine: not in the lobby yet, so capped here, by the rule the
    /// lobby makes room among greeting connections with.
    requesting: Crowd<Token>,
    /// How often each machine has connected to the web port lately: who
    /// makes room first among machines holding equally many requests.
    web_arrivals: Arrivals,
    conns: HashMap<Token, Connection>,
    lobby: Lobby,
    write_timeout: Duration,
    liveness: Duration,
    web_limits: WebLimits,
    /// Accepted connections have `TCP_NODELAY` and keepalive from the
    /// listener already (see `listener::ACCEPTED_INHERIT`).
    inherited: bool,
    stop: Stop,
    next_token: usize,
    /// Connections with output to flush.
    dirty: Vec<Token>,
    /// Sources that had more to read (or accept) than one turn allows.
    again: Vec<Token>,
    /// The connections read in this turn, in the order their events came
    /// (kept, with `read_once`, to reuse the allocations).
    reads: Vec<Token>,
    read_once: HashSet<Token>,
    /// Connections with a deadline of their own: a stalled write, a linger.
    timed: Vec<Token>,
    accept_paused_until: Option<Instant>,
    /// Accepting stopped for want of file descriptors (or of room in the
    /// budget), and the backlog has not been emptied since: warned once,
    /// not at every retry.
    out_of_fds: bool,
    /// The most connections held at once (lingering ones included).
    budget: usize,
    /// Lingering connections, by machine: whose close is cut short first.
    lingering: Crowd<Token>,
    /// Floods, told once each.
    pressure: Pressure,
    /// The limits that bit in this turn of the loop.
    bites: Bites,
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
        // Set once here, where accepted connections inherit it; else on
        // each connection in `admit`.
        let inherited = listener::ACCEPTED_INHERIT
            && match listener::set_connection_options(&listener, settings.liveness) {
                Ok(()) => true,
                Err(e) => {
                    log::debug!("cannot set connection options on the listener: {e}");
                    false
                }
            };
        let mut listener = TcpListener::from_std(listener);
        let poll = Poll::new()?;
        poll.registry()
            .register(&mut listener, LISTENER, Interest::READABLE)?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
        Ok(Server {
            poll,
            listener: Some(listener),
            web: None,
            requesting: Crowd::new(),
            web_arrivals: Arrivals::new(Instant::now()),
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
                grace: settings.grace,
            }),
            write_timeout: settings.write_timeout,
            liveness: settings.liveness,
            web_limits: WebLimits::new(settings.handshake_timeout, settings.liveness),
            inherited,
            stop: Stop {
                requested: Arc::new(AtomicBool::new(false)),
                waker,
            },
            next_token: FIRST_CONN,
            dirty: Vec::new(),
            again: Vec::new(),
            reads: Vec::new(),
            read_once: HashSet::new(),
            timed: Vec::new(),
            accept_paused_until: None,
            out_of_fds: false,
            budget: descriptors::connection_budget(descriptors::current_limit()),
            lingering: Crowd::new(),
            pressure: Pressure::new(),
            bites: Bites::default(),
            last_status: Status::default(),
            on_status: None,
        })
    }

    /// Also serves browsers on `listener` (bound by the caller, as for
    /// the game port): the page, and the game over a WebSocket.
    pub fn serve_web(&mut self, listener: std::net::TcpListener) -> io::Result<()> {
        listener.set_nonblocking(true)?;
        if self.inherited
            && let Err(e) = listener::set_connection_options(&listener, self.liveness)
        {
            log::debug!("cannot set connection options on the web listener: {e}");
        }
        let mut listener = TcpListener::from_std(listener);
        self.poll
            .registry()
            .register(&mut listener, WEB, Interest::READABLE)?;
        self.web = Some(listener);
        Ok(())
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
            // Each connection with something to read gets one turn, with
            // one share of reading, whether its socket just became
            // readable, still had more from the last turn, or both.
            let mut reads = std::mem::take(&mut self.reads);
            for event in &events {
                match event.token() {
                    LISTENER | WEB => self.accept(event.token(), now),
                    WAKER => {}
                    token => {
                        if event.is_readable() || event.is_read_closed() || event.is_error() {
                            if let Some(conn) = self.conns.get_mut(&token) {
                                conn.readable(now);
                            }
                            reads.push(token);
                        }
                        if event.is_writable() {
                            self.dirty.push(token);
                        }
                    }
                }
            }
            for token in std::mem::take(&mut self.again) {
                match token {
                    LISTENER | WEB => self.accept(token, now),
                    token => reads.push(token),
                }
            }
            // Once each, in the order the events came: two players' lines
            // that arrive in one turn are judged in the order they came.
            self.read_once.clear();
            reads.retain(|&token| self.read_once.insert(token));
            for &token in &reads {
                self.read(token, now);
            }
            reads.clear();
            self.reads = reads;
            if self.accept_paused_until.is_some_and(|until| until <= now) {
                self.accept_paused_until = None;
                self.accept(LISTENER, now);
                self.accept(WEB, now);
            }
            if stopping.is_none() && self.stop.requested.load(Ordering::Acquire) {
                stopping = Some(now + SHUTDOWN_GRACE);
                self.begin_shutdown();
            }
            self.settle(now);
            self.expire(now);
            self.note_pressure(now);
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
            .chain(self.pressure.next_deadline())
            .chain(self.accept_paused_until)
            .chain(stopping)
            .min()?;
        Some(nearest.saturating_duration_since(Instant::now()))
    }

    /// The listener behind `which`, if it is (still) listening.
    fn listener(&self, which: Token) -> Option<&TcpListener> {
        if which == WEB {
            self.web.as_ref()
        } else {
            self.listener.as_ref()
        }
    }

    /// Accepts the connections waiting on listener `which`.
    fn accept(&mut self, which: Token, now: Instant) {
        if self.accept_paused_until.is_some() {
            return;
        }
        for _ in 0..ACCEPTS_PER_TURN {
            if self.listener(which).is_none() {
                return;
            }
            let full = self.conns.len() >= self.budget;
            if full && !self.lingering.is_empty() {
                // A lingering close costs nobody anything: cut it first.
                self.make_room(now);
            } else if full && !self.lobby.can_make_room() {
                // Every connection is a player: wait for one to leave, as
                // when the process is out of descriptors.
                if !std::mem::replace(&mut self.out_of_fds, true) {
                    log::warn!(
                        "all {} connections the open-files limit allows are players; \
                         accepting again when one leaves",
                        self.budget
                    );
                }
                self.accept_paused_until = Some(now + ACCEPT_BACKOFF);
                return;
            }
            let Some(listener) = self.listener(which) else {
                return;
            };
            match listener.accept() {
                Ok((stream, peer)) => {
                    // Room is made once a newcomer is in hand, from the
                    // descriptors kept in reserve: made before `accept`,
                    // it would close a greeting connection for a backlog
                    // that may be empty, and the last honest client to
                    // connect would be closed for nobody.
                    if self.conns.len() >= self.budget {
                        self.make_room(now);
                    }
                    self.admit(stream, peer, which == WEB, now);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    // Said once the backlog is empty, not at the first
                    // success: under a flood, a success and the next
                    // failure come a moment apart.
                    if std::mem::take(&mut self.out_of_fds) {
                        log::warn!("accepting connections again: everyone waiting is in");
                    }
                    return self.settle(now);
                }
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
        self.again.push(which);
        // Close at once whom the newcomers pushed out, rather than at the
        // end of the turn: in a flood, each turn's batch would otherwise
        // hold twice its size in descriptors.
        self.settle(now);
    }

    /// Registers a new connection and hands it to the lobby.
    fn admit(&mut self, mut stream: TcpStream, peer: SocketAddr, web: bool, now: Instant) {
        if !self.inherited
            && let Err(e) = listener::set_connection_options(&stream, self.liveness)
        {
            log::warn!(
                "{peer}: cannot set TCP_NODELAY and keepalive: {e}; a vanished machine may go \
                 unnoticed"
            );
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
        // In a burst, one line for the burst instead (see `pressure.rs`).
        if !self.pressure.is_on() {
            log::info!("{peer}: connected");
        }
        if web {
            // Not in the lobby until it asks for the WebSocket: the page
            // itself is served and closed without the lobby knowing.
            self.conns
                .insert(token, Connection::web(stream, peer, now, self.web_limits));
            self.timed.push(token);
            self.request_room(Machine::of(peer.ip()), token, now);
            return;
        }
        self.conns.insert(token, Connection::new(stream, peer));
        self.lobby.connect(id(token), peer, now);
    }

    /// Counts a browser's connection that has yet to send its request;
    /// past the caps, closes the oldest of its machine, or else as the
    /// game port makes room among greeting connections: the oldest of the
    /// machine holding the most, between equals the one that connected
    /// most often lately ([`Crowd::to_evict_by`]), so that a stream from
    /// many addresses pushes out its own, not the honest.
    fn request_room(&mut self, machine: Machine, token: Token, now: Instant) {
        self.web_arrivals.arrived(machine, now);
        self.requesting.join(machine, token);
        if self.requesting.count(machine) > web::MAX_REQUESTING_PER_MACHINE
            && let Some(oldest) = self.requesting.oldest_of(machine)
        {
            self.bites.evicted += 1;
            self.remove(oldest);
        }
        while self.requesting.len() > web::MAX_REQUESTING {
            let arrivals = &self.web_arrivals;
            let busy = |m: Machine| arrivals.recent(m, now);
            let Some((_, victim)) = self.requesting.to_evict_by(busy) else {
                break;
            };
            self.bites.evicted += 1;
            self.remove(victim);
        }
    }

    /// Reads what arrived of a browser's request, and acts on it once it
    /// is whole: the answer goes out, and an upgraded connection joins the
    /// lobby as a connection like any other.
    fn read_request(&mut self, token: Token, now: Instant) {
        let Some(conn) = self.conns.get_mut(&token) else {
            return;
        };
        let machine = conn.machine();
        let peer = conn.peer();
        match conn.read_request() {
            Requested::Pending => {
                if conn.has_more() {
                    self.again.push(token);
                }
                return;
            }
            Requested::Answered => {
                self.dirty.push(token);
            }
            Requested::Upgraded => {
                log::info!("{peer}: a browser connected");
                self.dirty.push(token);
                self.lobby.connect(id(token), peer, now);
            }
            Requested::Closed => self.remove(token),
        }
        self.requesting.leave(machine, token);
    }

    /// Gives a connection its turn: reads what arrived, within its share,
    /// hands each line to the lobby, and charges the lobby's conduct
    /// policy with the bytes that made no line.
    fn read(&mut self, token: Token, now: Instant) {
        let Some(conn) = self.conns.get_mut(&token) else {
            return;
        };
        conn.begin_turn();
        if conn.is_requesting() {
            // A browser waits for the answer before it sends frames, so
            // there is nothing more to read until the next event.
            return self.read_request(token, now);
        }
        if conn.is_lingering() {
            if conn.discard() {
                self.remove(token);
            }
            return;
        }
        self.read_lines(token, now);
        if let Some(conn) = self.conns.get_mut(&token) {
            let noise = conn.take_noise();
            if noise > 0 {
                self.lobby.noise(id(token), noise, now);
            }
        }
    }

    /// Reads lines for the lobby, up to [`LINES_PER_TURN`] and the
    /// connection's share of bytes; queues the connection for another turn
    /// if either ran out before the socket did.
    fn read_lines(&mut self, token: Token, now: Instant) {
        let Some(conn) = self.conns.get_mut(&token) else {
            return;
        };
        let id = id(token);
        for _ in 0..LINES_PER_TURN {
            if !self.lobby.knows(id) {
                return;
            }
            match conn.read_line() {
                Inbound::Line(line) => self.lobby.line(id, line, now),
                Inbound::Pending => {
                    if conn.has_more() {
                        self.again.push(token);
                    }
                    return;
                }
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
                    Out::Send(id, tell) => {
                        let token = token(id);
                        if let Some(conn) = self.conns.get_mut(&token) {
                            if !conn.tell(&tell) {
                                log::info!("{}: not reading; closing", conn.peer());
                                self.lobby.closed(id, now);
                            }
                            self.dirty.push(token);
                        }
                    }
                    Out::Speak(id, speaker) => {
                        if let Some(conn) = self.conns.get_mut(&token(id)) {
                            conn.settle(speaker);
                        }
                    }
                    Out::Close(id) => {
                        let token = token(id);
                        if let Some(conn) = self.conns.get_mut(&token) {
                            conn.close();
                            self.dirty.push(token);
                        }
                    }
                    Out::Drop(id) => self.remove(token(id)),
                    Out::Evict(id) => {
                        let token = token(id);
                        let held = self.conns.len();
                        if let Some(conn) = self.conns.get_mut(&token) {
                            let room = self.lingering.count(conn.machine())
                                < MAX_LINGERING_PER_MACHINE
                                && self.lingering.len() < MAX_LINGERING
                                && held < self.budget;
                            if room {
                                conn.close();
                                self.dirty.push(token);
                            } else {
                                // A flood: its goodbye could linger only by
                                // cutting another's short, and a reset costs
                                // the server one system call where the kind
                                // goodbye costs three, and a descriptor.
                                conn.abort();
                                self.bites.cut_short += 1;
                                self.remove(token);
                            }
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
            Flushed::Shut => {
                if conn.discard() {
                    self.remove(token);
                } else {
                    let machine = conn.machine();
                    self.linger(token, machine);
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
    /// for the write timeout (the peer is not reading), lingering done, or
    /// a browser silent for the liveness bound; pings a browser silent for
    /// a third of it.
    fn expire(&mut self, now: Instant) {
        self.timed.sort();
        self.timed.dedup();
        for token in std::mem::take(&mut self.timed) {
            let Some(conn) = self.conns.get(&token) else {
                continue;
            };
            match conn.deadline(self.write_timeout) {
                Some(due) if due <= now => {
                    let Some(conn) = self.conns.get_mut(&token) else {
                        continue;
                    };
                    match conn.check_liveness(now) {
                        Liveness::Fine => {}
                        Liveness::Pinged => {
                            self.dirty.push(token);
                            self.timed.push(token);
                            continue;
                        }
                        Liveness::Gone => {
                            log::info!(
                                "{}: no answer from the browser for {:?}; counting it as gone",
                                conn.peer(),
                                self.liveness
                            );
                            self.remove(token);
                            self.lobby.closed(id(token), now);
                            continue;
                        }
                    }
                    if conn.ends_with_reset()
                        && let Some(conn) = self.conns.get_mut(&token)
                    {
                        conn.abort();
                    }
                    let Some(conn) = self.conns.get(&token) else {
                        continue;
                    };
                    if conn.is_requesting() {
                        log::debug!("{}: no whole HTTP request in time; closing", conn.peer());
                    } else if !conn.is_lingering() {
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

    /// Lets a just-closed connection linger, within the caps: past them,
    /// the lingering close of the machine holding the most is cut short
    /// (this one, if its machine is that one). With the descriptor budget
    /// full, nothing lingers: the next `accept` needs the room.
    fn linger(&mut self, token: Token, machine: Machine) {
        self.lingering.join(machine, token);
        self.timed.push(token);
        if self.lingering.count(machine) > MAX_LINGERING_PER_MACHINE
            && let Some(oldest) = self.lingering.oldest_of(machine)
        {
            self.bites.cut_short += 1;
            self.remove(oldest);
        }
        while self.lingering.len() > MAX_LINGERING
            || (self.conns.len() >= self.budget && !self.lingering.is_empty())
        {
            let Some((_, victim)) = self.lingering.to_evict() else {
                break;
            };
            self.bites.cut_short += 1;
            self.remove(victim);
        }
    }

    /// Frees one descriptor, when the budget is full: cuts a lingering
    /// close short, or else has the lobby close a greeting connection (the
    /// oldest from the machine holding the most), which then does not
    /// linger. False if every connection is a player.
    fn make_room(&mut self, now: Instant) -> bool {
        let held = self.conns.len();
        if let Some((_, victim)) = self.lingering.to_evict() {
            self.remove(victim);
        } else if self.lobby.make_room() {
            // Its goodbye goes out now, and its close finds the budget full.
            self.settle(now);
        }
        self.bites.budget_full += 1;
        self.conns.len() < held
    }

    /// Tells the operator when a burst of connections begins and ends.
    fn note_pressure(&mut self, now: Instant) {
        self.bites.evicted += self.lobby.take_evicted();
        let bites = std::mem::take(&mut self.bites);
        if let Some(line) = self.pressure.note(bites, now) {
            log::warn!("{line}");
        }
        if let Some(line) = self.pressure.tick(now) {
            log::info!("{line}");
        }
    }

    /// Stops accepting, and has the lobby say goodbye to everyone.
    fn begin_shutdown(&mut self) {
        for mut listener in [self.listener.take(), self.web.take()]
            .into_iter()
            .flatten()
        {
            let _ = self.poll.registry().deregister(&mut listener);
        }
        let told = self.conns.values().filter(|c| c.is_open()).count();
        log::info!("stopping; telling {told} connection(s) goodbye");
        self.lobby.shutdown();
    }

    /// Forgets a connection and closes its socket.
    fn remove(&mut self, token: Token) {
        if let Some(mut conn) = self.conns.remove(&token) {
            if conn.is_lingering() {
                self.lingering.leave(conn.machine(), token);
            }
            if conn.is_requesting() {
                self.requesting.leave(conn.machine(), token);
            }
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
