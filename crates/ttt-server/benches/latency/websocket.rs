//! What the web port costs a move: two servers of the same binary, both
//! with `--web` (a server seats one game at a time), two players over
//! plain TCP on one and two over WebSocket on the other (the harness
//! speaking WebSocket itself, through tungstenite's client, as a browser
//! would), the same paced games in alternating rounds, so both see the
//! machine at the same moment. Then what a browser gets: the page's size on the wire, and its
//! time to first paint in headless Chromium on loopback.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use ttt_test_support::browser::Driver;
use ttt_test_support::{Server, proc::cpu_ns};
use tungstenite::{Message, WebSocket};

use super::{PACE, READ_LIMIT, percentile, us};

/// Rounds of [`GAMES`] games on each transport in turn.
const ROUNDS: usize = 30;
const GAMES: usize = 10;
/// One tie, every cell played: X 1 3 4 8 9, O 2 5 6 7.
const TIE: [u8; 9] = [1, 2, 3, 5, 4, 6, 8, 7, 9];
/// Page loads timed in the browser.
const LOADS: usize = 20;

/// One player's connection: a line out, a line in, whatever carries it.
trait Wire {
    fn send(&mut self, line: &str) -> io::Result<()>;
    fn recv(&mut self) -> io::Result<String>;

    /// Reads until a line that starts with `prefix`; returns it.
    fn until(&mut self, prefix: &str) -> io::Result<String> {
        loop {
            let line = self.recv()?;
            if line.starts_with(prefix) {
                return Ok(line);
            }
        }
    }
}

/// Lines over plain TCP, as `ttt-client` sends them.
struct Lines {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Wire for Lines {
    fn send(&mut self, line: &str) -> io::Result<()> {
        self.writer.write_all(format!("{line}\n").as_bytes())
    }

    fn recv(&mut self) -> io::Result<String> {
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(io::Error::other("server closed the connection"));
        }
        Ok(line.trim_end().to_owned())
    }
}

/// One line per text message, as the page sends them.
struct Frames(WebSocket<TcpStream>);

impl Wire for Frames {
    fn send(&mut self, line: &str) -> io::Result<()> {
        self.0.send(Message::text(line)).map_err(io::Error::other)
    }

    fn recv(&mut self) -> io::Result<String> {
        loop {
            match self.0.read().map_err(io::Error::other)? {
                Message::Text(text) => return Ok(text.as_str().to_owned()),
                Message::Ping(_) | Message::Pong(_) => {}
                other => return Err(io::Error::other(format!("not a line: {other:?}"))),
            }
        }
    }
}

/// A TCP connection as both kinds of player open it: `TCP_NODELAY` (as
/// browsers set it), reads bounded.
fn socket(port: u16) -> io::Result<TcpStream> {
    let stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(READ_LIMIT))?;
    Ok(stream)
}

fn lines(port: u16) -> io::Result<Box<dyn Wire>> {
    let stream = socket(port)?;
    Ok(Box::new(Lines {
        reader: BufReader::new(stream.try_clone()?),
        writer: stream,
    }))
}

fn frames(port: u16) -> io::Result<Box<dyn Wire>> {
    let url = format!("ws://127.0.0.1:{port}/ws");
    let (ws, _) = tungstenite::client(url, socket(port)?).map_err(io::Error::other)?;
    Ok(Box::new(Frames(ws)))
}

/// Two players seated at the table, in version 2 (what the page speaks),
/// with the mark each plays.
struct Pair {
    players: [Box<dyn Wire>; 2],
    /// Which of `players` plays X.
    x: usize,
}

impl Pair {
    fn seat(mut a: Box<dyn Wire>, mut b: Box<dyn Wire>) -> io::Result<Pair> {
        a.until("WELCOME")?;
        a.send("HELLO 2 benchx")?;
        a.until("WAIT")?;
        b.until("WELCOME")?;
        b.send("HELLO 2 bencho")?;
        let start = b.until("START")?;
        a.until("START")?;
        let mut pair = Pair {
            players: [a, b],
            x: 0,
        };
        pair.set_marks(&start, 1);
        for p in &mut pair.players {
            p.until("BOARD")?;
        }
        Ok(pair)
    }

    /// `start` is what player `who` was told: `START <mark> ...`.
    fn set_marks(&mut self, start: &str, who: usize) {
        let x = start.split(' ').nth(1) == Some("X");
        self.x = if x { who } else { 1 - who };
    }

    /// Plays [`TIE`], paced, keeping each non-final move's round trip (the
    /// mover's `MOVE` to its `BOARD`); then both take the rematch.
    fn game(&mut self, times: &mut Vec<Duration>) -> io::Result<()> {
        for (i, cell) in TIE.iter().enumerate() {
            let mover = if i % 2 == 0 { self.x } else { 1 - self.x };
            std::thread::sleep(PACE);
            let sent = Instant::now();
            self.players[mover].send(&format!("MOVE {cell}"))?;
            self.players[mover].until("BOARD")?;
            if i + 1 < TIE.len() {
                times.push(sent.elapsed());
            }
            self.players[1 - mover].until("BOARD")?;
        }
        for p in &mut self.players {
            p.until("REMATCH")?;
            p.send("YES")?;
        }
        let start = self.players[0].until("START")?;
        self.players[1].until("START")?;
        self.set_marks(&start, 0);
        for p in &mut self.players {
            p.until("BOARD")?;
        }
        Ok(())
    }
}

/// Round trips and the server's CPU for the moves over one transport.
#[derive(Default)]
pub struct Side {
    times: Vec<Duration>,
    cpu_ns: u64,
    /// Moves played in all, the final ones too (the CPU is theirs).
    moves: u64,
}

impl Side {
    fn p50(&self) -> f64 {
        us(percentile(&self.times, 50.0))
    }

    fn cpu_us_per_move(&self) -> f64 {
        self.cpu_ns as f64 / 1e3 / self.moves.max(1) as f64
    }
}

/// The moves over both transports.
pub struct Transports {
    pub tcp: Side,
    pub ws: Side,
}

/// Plays the games, alternating transports round by round (and which goes
/// first, so neither always follows the other).
pub fn measure() -> io::Result<Transports> {
    let plain = Server::start(&["-q", "--web", "0"]);
    let web = Server::start(&["-q", "--web", "0"]);
    let web_port = web
        .web_port
        .ok_or_else(|| io::Error::other("no web port"))?;
    let mut tcp = Pair::seat(lines(plain.port)?, lines(plain.port)?)?;
    let mut ws = Pair::seat(frames(web_port)?, frames(web_port)?)?;
    let (mut tcp_side, mut ws_side) = (Side::default(), Side::default());
    for round in 0..ROUNDS {
        let mut order = [
            (&mut tcp, &mut tcp_side, plain.pid()),
            (&mut ws, &mut ws_side, web.pid()),
        ];
        if round % 2 == 1 {
            order.reverse();
        }
        for (pair, side, pid) in order {
            let cpu = cpu_ns(pid);
            for _ in 0..GAMES {
                pair.game(&mut side.times)?;
            }
            side.cpu_ns += cpu_ns(pid).saturating_sub(cpu);
            side.moves += (GAMES * TIE.len()) as u64;
        }
    }
    Ok(Transports {
        tcp: tcp_side,
        ws: ws_side,
    })
}

impl Transports {
    pub fn print(&self, how: &str) {
        println!(
            "\nA move over the web port ({ROUNDS} rounds of {GAMES} paced games on each transport, alternating, on two servers alike; {how}):"
        );
        for (name, s) in [("plain TCP", &self.tcp), ("WebSocket", &self.ws)] {
            println!(
                "  {name:<10} {:>6} moves  p50 {:>6.1} us  p99 {:>7.1} us  server CPU {:>6.2} us/move",
                s.times.len(),
                s.p50(),
                us(percentile(&s.times, 99.0)),
                s.cpu_us_per_move()
            );
        }
        println!(
            "  a move over WebSocket takes {:.2}x the p50 of one over plain TCP (target: at most 1.3x)",
            self.p50_ratio()
        );
    }

    fn p50_ratio(&self) -> f64 {
        self.ws.p50() / self.tcp.p50()
    }

    pub fn key_values(&self, prefix: &str) -> String {
        format!(
            "{prefix}tcp_p50_us={:.1} {prefix}ws_p50_us={:.1} {prefix}ws_p50_ratio={:.2} \
             {prefix}tcp_p99_us={:.0} {prefix}ws_p99_us={:.0} \
             {prefix}tcp_cpu_us={:.2} {prefix}ws_cpu_us={:.2}",
            self.tcp.p50(),
            self.ws.p50(),
            self.p50_ratio(),
            us(percentile(&self.tcp.times, 99.0)),
            us(percentile(&self.ws.times, 99.0)),
            self.tcp.cpu_us_per_move(),
            self.ws.cpu_us_per_move(),
        )
    }
}

/// The page as a browser gets it: bytes on the wire (headers and body),
/// and, with chromedriver installed, the median time to first paint and
/// to first contentful paint over [`LOADS`] loads, each a fresh navigation
/// (the page is sent `no-store`). Returns its key=value figures.
pub fn measure_page() -> io::Result<String> {
    let server = Server::start(&["-q", "--web", "0"]);
    let web = server
        .web_port
        .ok_or_else(|| io::Error::other("no web port"))?;
    let mut stream = socket(web)?;
    stream.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply)?;
    let head = reply
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(reply.len(), |i| i + 4);
    println!(
        "\nThe page: {} bytes on the wire for GET / ({} of headers, {} of HTML with its CSS and script, sent as is)",
        reply.len(),
        head,
        reply.len() - head
    );
    let mut kv = format!("page_bytes={}", reply.len());
    let Some(driver) = Driver::start() else {
        println!("  time to first paint: skipped (chromedriver is not installed)");
        return Ok(kv);
    };
    let page = driver.page();
    let url = format!("http://127.0.0.1:{web}/");
    let (mut fp, mut fcp, mut loaded) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..LOADS {
        page.open(&url);
        // Paint entries appear a frame after the load; ask until they do.
        let deadline = Instant::now() + READ_LIMIT;
        let figures = loop {
            let text = page.run(
                "const p = Object.fromEntries(performance.getEntriesByType('paint')\
                   .map((e) => [e.name, e.startTime]));\
                 const n = performance.getEntriesByType('navigation')[0];\
                 return [p['first-paint'], p['first-contentful-paint'], n && n.loadEventEnd]\
                   .map((t) => t === undefined ? '' : String(t)).join(' ');",
            );
            let parsed: Vec<f64> = text.split(' ').filter_map(|t| t.parse().ok()).collect();
            if parsed.len() == 3 && parsed[2] > 0.0 {
                break parsed;
            }
            if Instant::now() > deadline {
                return Err(io::Error::other(format!("no paint timing: {text:?}")));
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        for (list, ms) in [
            (&mut fp, figures[0]),
            (&mut fcp, figures[1]),
            (&mut loaded, figures[2]),
        ] {
            list.push(Duration::from_secs_f64(ms / 1e3));
        }
    }
    let median = |v: &[Duration]| percentile(v, 50.0).as_secs_f64() * 1e3;
    println!(
        "  in headless Chromium as a phone (360 px), median of {LOADS} loads from navigation start: first paint {:.1} ms, first contentful paint {:.1} ms, load event done {:.1} ms",
        median(&fp),
        median(&fcp),
        median(&loaded)
    );
    kv.push_str(&format!(
        " page_first_paint_ms={:.1} page_fcp_ms={:.1} page_load_ms={:.1}",
        median(&fp),
        median(&fcp),
        median(&loaded)
    ));
    Ok(kv)
}
