//! Connection floods against the server under a limit of 1024 open files
//! (soft and hard, as `ulimit -n 1024` sets them, so that raising the soft
//! limit cannot hide a leak):
//!
//! - **a stream**: an attacker thread opens silent connections as fast as
//!   it can ([`Flooder`]) and closes each one [`HOLD`] later, for
//!   [`STREAM_SPAN`], from one address or from 200; meanwhile honest pairs
//!   try to play, one pair every [`PAIR_EVERY`], each player from an
//!   address of its own. On the game port, or on the web port (`--web`):
//!   there the silent connections never send their HTTP request, and the
//!   honest pairs are browsers (a WebSocket upgrade, then `HELLO 2`);
//! - **a static flood**: [`STATIC_FLOOD`] silent connections opened and
//!   held, then two players (the time from the second `HELLO` to `START`),
//!   or two players queued behind a game (the time from its last move to
//!   the next `START`). While the flood is being opened, an honest client
//!   connects now and then and times its `WELCOME`.
//!
//! The server's open descriptors are sampled every few milliseconds
//! throughout. Machines are modelled by `127.0.x.y` source addresses; every
//! loop is bounded in count and in time.

use std::collections::{HashMap, VecDeque};
use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use mio::net::TcpStream as MioStream;
use mio::{Events, Interest, Poll, Token};
use socket2::{Domain, Socket, Type};
use ttt_test_support::Server;
use ttt_test_support::proc::fd_count;

use crate::{Bot, ms, percentile};

/// The open-files limit the server runs under, soft and hard.
pub const FD_LIMIT: u32 = 1024;
/// The attack rate of the issue that asked for these figures ("about
/// 14,000 a second"), at which the targets are read; each stream is also
/// run flat out, as fast as the attacker can.
pub const ISSUE_PACE: f64 = 14_000.0;
/// How long each stream of connections goes on.
const STREAM_SPAN: Duration = Duration::from_secs(10);
/// How long the attacker holds each connection before closing it.
const HOLD: Duration = Duration::from_secs(1);
/// How often an honest pair tries to play during a stream.
const PAIR_EVERY: Duration = Duration::from_millis(250);
/// How long an honest pair may take to be started before it counts as
/// locked out.
const PAIR_LIMIT: Duration = Duration::from_secs(3);
/// The target: honest pairs started within this.
const PROMPT: Duration = Duration::from_millis(100);
/// Silent connections in the static flood.
const STATIC_FLOOD: usize = 10_000;
/// The most connections the attacker holds at once, whatever its rate, so
/// that the benchmark stays within its own descriptor limit (raised to
/// the hard limit first: see [`raise_own_limit`]).
fn attacker_max_held() -> usize {
    let limit = ttt_server::OpenFiles::current().limit.unwrap_or(20_000);
    usize::try_from(limit)
        .unwrap_or(usize::MAX)
        .saturating_sub(2_000)
        .min(16_000)
}

/// Raises this benchmark's own open-files limit to its hard limit: the
/// attacker holds thousands of connections at once. Returns the limit.
pub fn raise_own_limit() -> Option<u64> {
    match ttt_server::raise_open_files_limit() {
        Ok(files) | Err((files, _)) => files.limit,
    }
}

/// What one stream of connections did to honest players.
pub struct Stream {
    /// The attacker's connections per second, achieved.
    pub rate: f64,
    /// Honest pairs that tried.
    pub pairs: usize,
    /// Start times of those that got `START` within [`PAIR_LIMIT`], from
    /// the first player's `connect` to both `START`s.
    pub started: Vec<Duration>,
    /// The most descriptors the server had open at a sample.
    pub peak_fds: usize,
    /// SYNs the kernel dropped for a full listen backlog meanwhile.
    pub listen_drops: u64,
}

impl Stream {
    /// Honest pairs started within [`PROMPT`], as a percentage of those
    /// that tried.
    pub fn prompt_pct(&self) -> f64 {
        let prompt = self.started.iter().filter(|&&t| t <= PROMPT).count();
        prompt as f64 * 100.0 / self.pairs.max(1) as f64
    }

    pub fn print(&self, label: &str) {
        println!(
            "  a stream from {label} ({:.0} connections/s, each closed after {} s, for {} s): \
             {}/{} honest pairs started, {:.0} % within {} ms; START p50 {:.2} ms, max {:.2} ms; \
             server peak fds {} of {FD_LIMIT}; {} SYNs dropped for a full backlog",
            self.rate,
            HOLD.as_secs(),
            STREAM_SPAN.as_secs(),
            self.started.len(),
            self.pairs,
            self.prompt_pct(),
            PROMPT.as_millis(),
            ms(percentile(&self.started, 50.0)),
            ms(self.started.iter().max().copied().unwrap_or_default()),
            self.peak_fds,
            self.listen_drops,
        );
    }

    pub fn key_values(&self, prefix: &str) -> String {
        format!(
            "{prefix}rate={:.0} {prefix}pairs={} {prefix}started={} {prefix}prompt_pct={:.1} \
             {prefix}start_p50_ms={:.2} {prefix}start_max_ms={:.2} {prefix}peak_fds={} \
             {prefix}listen_drops={}",
            self.rate,
            self.pairs,
            self.started.len(),
            self.prompt_pct(),
            ms(percentile(&self.started, 50.0)),
            ms(self.started.iter().max().copied().unwrap_or_default()),
            self.peak_fds,
            self.listen_drops
        )
    }
}

/// A stream of silent connections from `sources` (round robin), at up to
/// `pace` connections a second (`None`: as fast as the attacker can),
/// against a server under [`FD_LIMIT`] open files, while honest pairs try
/// to play.
pub fn stream(sources: &[Ipv4Addr], pace: Option<f64>, web: bool) -> io::Result<Stream> {
    let server = if web {
        Server::start_with_fd_limit(FD_LIMIT, &["--web", "0"])
    } else {
        Server::start_with_fd_limit(FD_LIMIT, &[])
    };
    let port = match server.web_port {
        Some(web_port) if web => web_port,
        _ => server.port,
    };
    let pid = server.pid();
    let done = AtomicBool::new(false);
    let peak = AtomicUsize::new(0);
    let drops = listen_drops();
    thread::scope(|scope| {
        let sampler = scope.spawn(|| sample_fds(pid, &done, &peak));
        let attacker = scope.spawn(|| attack(port, sources, pace, &done));
        let mut pairs = 0;
        let mut started = Vec::new();
        let begin = Instant::now();
        // Let the stream get going before the first pair.
        thread::sleep(Duration::from_millis(200));
        while begin.elapsed() + PAIR_LIMIT < STREAM_SPAN && pairs < 1_000 {
            let next = Instant::now() + PAIR_EVERY;
            let took = if web {
                honest_browsers(port, pairs)
            } else {
                honest_pair(port, pairs)
            };
            if let Some(took) = took {
                started.push(took);
            }
            pairs += 1;
            thread::sleep(next.saturating_duration_since(Instant::now()));
        }
        let opened = attacker
            .join()
            .map_err(|_| io::Error::other("the attacker panicked"))??;
        done.store(true, Ordering::Relaxed);
        let _ = sampler.join();
        Ok(Stream {
            rate: opened as f64 / STREAM_SPAN.as_secs_f64(),
            pairs,
            started,
            peak_fds: peak.load(Ordering::Relaxed),
            listen_drops: listen_drops().saturating_sub(drops),
        })
    })
}

/// The kernel's count of SYNs dropped because a listen backlog was full
/// (`TcpExt: ListenDrops` in `/proc/net/netstat`; 0 where unreadable). It
/// counts every listener on the machine, which here is the server's.
fn listen_drops() -> u64 {
    let netstat = std::fs::read_to_string("/proc/net/netstat").unwrap_or_default();
    let mut lines = netstat.lines().filter(|l| l.starts_with("TcpExt:"));
    let (Some(names), Some(values)) = (lines.next(), lines.next()) else {
        return 0;
    };
    names
        .split_whitespace()
        .zip(values.split_whitespace())
        .find(|(name, _)| *name == "ListenDrops")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0)
}

/// A flooder: connections started without waiting for them, up to
/// [`IN_FLIGHT`] handshakes at a time, each held from the moment it is
/// established. A SYN that a full backlog drops stalls only its own
/// handshake, never the flood, which is what a flooding program does (a
/// blocking `connect` in a loop would stop for a second at every drop).
struct Flooder {
    poll: Poll,
    events: Events,
    /// Handshakes under way, since when.
    pending: HashMap<Token, (Instant, MioStream)>,
    /// Established connections, oldest first, since when.
    held: VecDeque<(Instant, MioStream)>,
    next_token: usize,
    next_source: usize,
}

/// What a flood does.
#[derive(Clone, Copy)]
struct Plan {
    /// For how long at most.
    span: Duration,
    /// Connections started a second at most; `None`: as many as it can.
    pace: Option<f64>,
    /// How long each is held once established; `None`: kept.
    hold: Option<Duration>,
    /// How many to establish at most.
    target: usize,
}

/// Handshakes a flooder has under way at once.
const IN_FLIGHT: usize = 256;

/// How long any connection in this benchmark may take to be established.
const CONNECT_LIMIT: Duration = Duration::from_secs(1);

impl Flooder {
    fn new() -> io::Result<Flooder> {
        Ok(Flooder {
            poll: Poll::new()?,
            events: Events::with_capacity(IN_FLIGHT),
            pending: HashMap::new(),
            held: VecDeque::new(),
            next_token: 0,
            next_source: 0,
        })
    }

    /// Floods from `sources` in turn as `plan` says, until `stop` is set;
    /// never more than [`attacker_max_held`] are kept. Returns how many
    /// were established.
    fn flood(
        &mut self,
        port: u16,
        sources: &[Ipv4Addr],
        plan: &Plan,
        stop: &AtomicBool,
    ) -> io::Result<usize> {
        let Plan {
            span,
            pace,
            hold,
            target,
        } = *plan;
        let start = Instant::now();
        let max_held = attacker_max_held();
        let mut opened = 0;
        let mut started = 0usize;
        // Bounded by `span`; the count bounds it too.
        for _ in 0..100_000_000u64 {
            if start.elapsed() >= span || opened >= target || stop.load(Ordering::Relaxed) {
                break;
            }
            let allowed = pace.map_or(usize::MAX, |rate| {
                (start.elapsed().as_secs_f64() * rate) as usize
            });
            while self.pending.len() < IN_FLIGHT
                && opened + self.pending.len() < target
                && started < allowed
            {
                started += 1;
                let source = sources[self.next_source % sources.len()];
                self.next_source += 1;
                match start_connect(source, port) {
                    Ok(mut stream) => {
                        let token = Token(self.next_token);
                        self.next_token += 1;
                        self.poll
                            .registry()
                            .register(&mut stream, token, Interest::WRITABLE)?;
                        self.pending.insert(token, (Instant::now(), stream));
                    }
                    // Out of ports or descriptors for a moment.
                    Err(_) => break,
                }
            }
            self.poll
                .poll(&mut self.events, Some(Duration::from_millis(5)))?;
            let now = Instant::now();
            for event in &self.events {
                let Some((_, mut stream)) = self.pending.remove(&event.token()) else {
                    continue;
                };
                let _ = self.poll.registry().deregister(&mut stream);
                if matches!(stream.take_error(), Ok(None)) && stream.peer_addr().is_ok() {
                    opened += 1;
                    self.held.push_back((now, stream));
                }
            }
            self.pending
                .retain(|_, (since, _)| now.duration_since(*since) < CONNECT_LIMIT);
            while self.held.front().is_some_and(|(at, _)| {
                hold.is_some_and(|hold| now.duration_since(*at) >= hold)
                    || self.held.len() > max_held
            }) {
                self.held.pop_front();
            }
        }
        Ok(opened)
    }
}

/// Starts a connection from `source` without waiting for it. From
/// 127.0.0.1 the port is left to `connect`, which picks it for the whole
/// four-tuple, so one address can open tens of thousands.
fn start_connect(source: Ipv4Addr, port: u16) -> io::Result<MioStream> {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    socket.set_nonblocking(true)?;
    if source != Ipv4Addr::LOCALHOST {
        socket.bind(&SocketAddr::from((source, 0)).into())?;
    }
    match socket.connect(&SocketAddr::from((Ipv4Addr::LOCALHOST, port)).into()) {
        Ok(()) => {}
        Err(e) if e.raw_os_error() == Some(EINPROGRESS) => {}
        Err(e) => return Err(e),
    }
    Ok(MioStream::from_std(socket.into()))
}

/// What `connect` says on a non-blocking socket: the handshake goes on.
const EINPROGRESS: i32 = 115;

/// A stream of connections from `sources`: [`STREAM_SPAN`], each held
/// [`HOLD`], at up to `pace` a second. Returns how many were established.
fn attack(
    port: u16,
    sources: &[Ipv4Addr],
    pace: Option<f64>,
    stop: &AtomicBool,
) -> io::Result<usize> {
    let plan = Plan {
        span: STREAM_SPAN,
        pace,
        hold: Some(HOLD),
        target: usize::MAX,
    };
    Flooder::new()?.flood(port, sources, &plan, stop)
}

/// An honest player's connection from `source`, bounded by [`PAIR_LIMIT`].
fn connect_honest(source: Ipv4Addr, port: u16) -> io::Result<TcpStream> {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    socket.bind(&SocketAddr::from((source, 0)).into())?;
    socket.connect_timeout(
        &SocketAddr::from((Ipv4Addr::LOCALHOST, port)).into(),
        PAIR_LIMIT,
    )?;
    Ok(socket.into())
}

/// Samples the server's open descriptors every 5 ms until `done`, keeping
/// the most seen.
fn sample_fds(pid: u32, done: &AtomicBool, peak: &AtomicUsize) {
    // Bounded: the streams last seconds, and `done` is always set.
    for _ in 0..100_000 {
        if done.load(Ordering::Relaxed) {
            return;
        }
        peak.fetch_max(fd_count(pid), Ordering::Relaxed);
        thread::sleep(Duration::from_millis(5));
    }
}

/// Honest pair number `n`: each player from an address of its own (in
/// 127.1.0.0/16 and 127.2.0.0/16), joining, then leaving. The time
/// from the first player's `connect` until both have `START`, or `None` if
/// that took longer than [`PAIR_LIMIT`] or failed.
fn honest_pair(port: u16, n: usize) -> Option<Duration> {
    let host = |net: u8| Ipv4Addr::new(127, net, (n / 250 % 250) as u8, 1 + (n % 250) as u8);
    let begin = Instant::now();
    let join = |ip: Ipv4Addr, name: &str| -> io::Result<Bot> {
        let mut bot = Bot::wrap_with_timeout(connect_honest(ip, port)?, PAIR_LIMIT)?;
        bot.next()?; // WELCOME
        bot.send(&format!("HELLO 1 {name}\n"))?;
        Ok(bot)
    };
    let run = || -> io::Result<(Bot, Bot)> {
        let mut ann = join(host(1), &format!("ann{n}"))?;
        ann.next()?; // WAIT
        let mut bob = join(host(2), &format!("bob{n}"))?;
        bob.board()?;
        ann.board()?;
        Ok((ann, bob))
    };
    let result = run();
    let took = begin.elapsed();
    match result {
        Ok((mut ann, mut bob)) => {
            // Both leave, so that the next pair finds the table free: ann
            // quits the game, bob (back in line, first) quits the line.
            let _ = ann.send("QUIT\n");
            let _ = bob.send("QUIT\n");
            let _ = bob.until_bye();
            (took <= PAIR_LIMIT).then_some(took)
        }
        Err(_) => None,
    }
}

/// As [`honest_pair`], as two browsers on the web port: each upgrades to
/// a WebSocket and says `HELLO 2`; the time from the first's `connect` to
/// both `START`s.
fn honest_browsers(port: u16, n: usize) -> Option<Duration> {
    let host = |net: u8| Ipv4Addr::new(127, net, (n / 250 % 250) as u8, 1 + (n % 250) as u8);
    let begin = Instant::now();
    let join = |ip: Ipv4Addr, name: &str| -> io::Result<Browser> {
        let stream = connect_honest(ip, port)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(PAIR_LIMIT))?;
        let url = format!("ws://127.0.0.1:{port}/ws");
        let (ws, _) = tungstenite::client(url, stream).map_err(io::Error::other)?;
        let mut browser = Browser(ws);
        browser.until("WELCOME")?;
        browser.send(&format!("HELLO 2 {name}"))?;
        Ok(browser)
    };
    let run = || -> io::Result<(Browser, Browser)> {
        let mut ann = join(host(1), &format!("ann{n}"))?;
        ann.until("WAIT")?;
        let mut bob = join(host(2), &format!("bob{n}"))?;
        bob.until("START")?;
        ann.until("START")?;
        Ok((ann, bob))
    };
    let result = run();
    let took = begin.elapsed();
    match result {
        Ok((mut ann, mut bob)) => {
            let _ = ann.send("QUIT");
            let _ = bob.send("QUIT");
            let _ = bob.until("BYE");
            (took <= PAIR_LIMIT).then_some(took)
        }
        Err(_) => None,
    }
}

/// An honest browser's WebSocket, one line per text message.
struct Browser(tungstenite::WebSocket<TcpStream>);

impl Browser {
    fn send(&mut self, line: &str) -> io::Result<()> {
        self.0
            .send(tungstenite::Message::text(line))
            .map_err(io::Error::other)
    }

    /// Reads until a message that starts with `prefix`.
    fn until(&mut self, prefix: &str) -> io::Result<()> {
        loop {
            if let tungstenite::Message::Text(text) = self.0.read().map_err(io::Error::other)?
                && text.as_str().starts_with(prefix)
            {
                return Ok(());
            }
        }
    }
}

/// What the static flood did.
pub struct Static {
    /// From the second `HELLO` to both `START`s, after the flood was open.
    pub start: Duration,
    /// From the last move of a game to the next `START`, for two players
    /// queued behind it after the flood.
    pub queued_start: Duration,
    /// The slowest `WELCOME` an honest client got while the flood was
    /// being opened (from its `connect`), and how many probes there were.
    pub connect_max: Duration,
    pub probes: usize,
    /// The attacker's connections per second while opening the flood.
    pub rate: f64,
    /// The most descriptors the server had open at a sample.
    pub peak_fds: usize,
}

impl Static {
    pub fn print(&self) {
        println!(
            "  {STATIC_FLOOD} silent connections from 100 addresses ({:.0}/s): while they arrive, \
             the slowest of {} honest WELCOMEs {:.2} ms; then two players START {:.2} ms after \
             the second HELLO; two queued behind a game START {:.2} ms after its last move; \
             server peak fds {} of {FD_LIMIT}",
            self.rate,
            self.probes,
            ms(self.connect_max),
            ms(self.start),
            ms(self.queued_start),
            self.peak_fds
        );
    }

    pub fn key_values(&self) -> String {
        format!(
            "static_start_ms={:.2} static_queued_start_ms={:.2} static_welcome_max_ms={:.2} \
             static_peak_fds={}",
            ms(self.start),
            ms(self.queued_start),
            ms(self.connect_max),
            self.peak_fds
        )
    }
}

/// The static flood: [`STATIC_FLOOD`] silent connections, opened and held.
pub fn static_flood() -> io::Result<Static> {
    let sources: Vec<Ipv4Addr> = (1..=100).map(|h| Ipv4Addr::new(127, 4, 0, h)).collect();
    let server = Server::start_with_fd_limit(FD_LIMIT, &[]);
    let done = AtomicBool::new(false);
    let peak = AtomicUsize::new(0);
    thread::scope(|scope| -> io::Result<Static> {
        let sampler = scope.spawn(|| sample_fds(server.pid(), &done, &peak));
        let result = static_flood_run(&server, &sources, scope);
        // Stops the sampler whatever happened, so that an error is
        // reported at once rather than after the sampler's last sample.
        done.store(true, Ordering::Relaxed);
        let _ = sampler.join();
        let (start, queued_start, probes, rate) = result?;
        Ok(Static {
            start,
            queued_start,
            connect_max: probes.iter().max().copied().unwrap_or_default(),
            probes: probes.len(),
            rate,
            peak_fds: peak.load(Ordering::Relaxed),
        })
    })
}

/// The static flood's steps (see [`static_flood`]): the time to `START`,
/// the queued pair's time to `START`, the probes' `WELCOME` times, and the
/// rate the flood was opened at.
fn static_flood_run<'scope>(
    server: &'scope Server,
    sources: &'scope [Ipv4Addr],
    scope: &'scope thread::Scope<'scope, '_>,
) -> io::Result<(Duration, Duration, Vec<Duration>, f64)> {
    let port = server.port;
    {
        // Open the flood, while an honest client times its WELCOME now and
        // then.
        let opening = Instant::now();
        let flood = scope.spawn(move || open_flood(port, sources));
        let mut probes = Vec::new();
        while !flood.is_finished() && probes.len() < 1_000 {
            let t = Instant::now();
            let probe = connect_honest(Ipv4Addr::new(127, 5, 0, 1), port)
                .and_then(|stream| Bot::wrap_with_timeout(stream, PAIR_LIMIT))
                .and_then(|mut probe| probe.next());
            // A probe that got no WELCOME within the limit counts as that.
            probes.push(if probe.is_ok() {
                t.elapsed()
            } else {
                PAIR_LIMIT
            });
            thread::sleep(Duration::from_millis(20));
        }
        let held = flood
            .join()
            .map_err(|_| io::Error::other("the flood thread panicked"))??;
        let rate = STATIC_FLOOD as f64 / opening.elapsed().as_secs_f64();
        // Let the server drain its backlog.
        thread::sleep(Duration::from_millis(500));
        let mut ann = Bot::join(port, "ann")?;
        ann.next()?; // WAIT
        let mut bob = Bot::connect(port)?;
        bob.next()?; // WELCOME
        let t = Instant::now();
        bob.send("HELLO 1 bob\n")?;
        bob.board()?;
        ann.board()?;
        let start = t.elapsed();
        // The same game goes on; the flood is closed, a second one arrives
        // while the game runs, two players queue behind it, and it ends.
        drop(held);
        let second = open_flood(port, sources)?;
        let mut carol = Bot::join(port, "carol")?;
        carol.next()?; // WAIT
        let mut dave = Bot::join(port, "dave")?;
        dave.next()?; // WAIT
        let mut players = [&mut ann, &mut bob];
        for cell in [1, 4, 2, 5] {
            // Both read each board, so that the next mover has seen its
            // turn come before it moves.
            players[0].send(&format!("MOVE {cell}\n"))?;
            players[0].board()?;
            players[1].board()?;
            players.swap(0, 1);
        }
        let t = Instant::now();
        ann.send("MOVE 3\n")?;
        carol.board()?;
        let queued_start = t.elapsed();
        drop(second);
        Ok((start, queued_start, probes, rate))
    }
}

/// Opens [`STATIC_FLOOD`] silent connections from `sources` in turn, as
/// fast as it can, and returns them, open. Gives up after 30 s.
fn open_flood(port: u16, sources: &[Ipv4Addr]) -> io::Result<Flooder> {
    let mut flooder = Flooder::new()?;
    let never = AtomicBool::new(false);
    let plan = Plan {
        span: Duration::from_secs(30),
        pace: None,
        hold: None,
        target: STATIC_FLOOD,
    };
    let opened = flooder.flood(port, sources, &plan, &never)?;
    if opened < STATIC_FLOOD {
        return Err(io::Error::other(format!(
            "only {opened} of {STATIC_FLOOD} flood connections established in 30 s"
        )));
    }
    Ok(flooder)
}
