//! The real `ttt-server` binary, measured: move latency and CPU against a
//! same-shape floor (interleaved in one run, unpinned and pinned to one
//! CPU), the lobby under attack, connection floods under 1024 open files
//! (`flood.rs`), whole games, memory and idle CPU. Run with:
//!
//! ```sh
//! cargo bench -p ttt-server
//! TTT_BENCH_GAMES=1000 cargo bench -p ttt-server   # more whole games
//! TTT_BENCH_ROLE=floods cargo bench -p ttt-server  # the floods alone
//! TTT_BENCH_ROLE=static cargo bench -p ttt-server  # the static flood alone
//! TTT_BENCH_ROLE=watchers cargo bench -p ttt-server  # what spectators cost
//! TTT_BENCH_ROLE=web cargo bench -p ttt-server       # the web port alone
//! TTT_BENCH_ROLE=starve cargo bench -p ttt-server    # floods of noise, a pair playing
//! ```
//!
//! Everything runs on loopback with ports chosen by the kernel. Figures are
//! printed, never asserted: the targets are read from the last line (see
//! docs/PERFORMANCE.md).
//!
//! **The floor** is a minimal single-threaded server in a process of its
//! own (this benchmark, re-run with `TTT_BENCH_ROLE=floor`): blocking
//! reads, `TCP_NODELAY`, and one reply line per line read. The same client
//! code times it and the real server, in alternating rounds, so both see
//! the same machine at the same moment.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use ttt_protocol::{Board, Cell, Level, Mark, ServerMsg};
use ttt_rules::Engine;
use ttt_test_support::proc::{context_switches, cpu_ns, fd_count, status_field};
use ttt_test_support::{Server, connect_from, wait_until};

mod flood;
mod starve;
mod watchers;
mod websocket;

/// Back to back: rounds of [`GAMES_PER_ROUND`] server games, each round
/// followed by as many floor round trips as its games had moves.
const ROUNDS: usize = 40;
/// Server games per back-to-back round, all on the same two connections.
const GAMES_PER_ROUND: usize = 20;
/// Paced: server games, each followed by as many floor round trips.
const PACED_GAMES: usize = 300;
/// The pause before every exchange when paced: people think between moves,
/// so every move finds the server (and its CPU) asleep.
const PACE: Duration = Duration::from_millis(1);
/// The sizes of a move and its answer, so the floor moves the same bytes.
const MOVE_LINE: &str = "MOVE 5\n";
const BOARD_LINE: &[u8] = b"BOARD ....X.... O\n";
/// How long the server is left waiting for a move while its CPU time is read.
const IDLE_SPAN: Duration = Duration::from_secs(5);
/// How long the blank-line flood may go on.
const FLOOD_SPAN: Duration = Duration::from_secs(5);
/// Any single read in the benchmark gives up after this: a bug fails fast.
const READ_LIMIT: Duration = Duration::from_secs(10);
/// A round trip or move slower than this is a stall (Nagle's 40 ms delay).
const STALL: Duration = Duration::from_millis(40);

fn main() -> io::Result<()> {
    match std::env::var("TTT_BENCH_ROLE").as_deref() {
        Ok("floor") => return floor_server(),
        Ok("floor2") => return floor2_server(),
        Ok("floods") => return measure_floods().map(|_| ()),
        Ok("static") => {
            flood::static_flood()?.print();
            return Ok(());
        }
        Ok("watchers") => return measure_watchers().map(|_| ()),
        Ok("web") => return measure_web().map(|_| ()),
        Ok("starve") => return measure_starve().map(|_| ()),
        Ok("starve-pinned") => {
            println!("{}", starve::measure()?.key_values("starve_pinned_"));
            return Ok(());
        }
        Ok("web-pinned") => {
            println!("{}", websocket::measure()?.key_values("web_pinned_"));
            return Ok(());
        }
        Ok("watchers-pinned") => {
            println!("{}", watchers::measure()?.key_values("watch_pinned_"));
            return Ok(());
        }
        Ok("pinned") => {
            let paced = measure_moves(Some(PACE))?;
            let b2b = measure_moves(None)?;
            println!(
                "{} {} stalls={}",
                paced.key_values("pinned_"),
                b2b.key_values("pinned_b2b_"),
                paced.stalls() + b2b.stalls()
            );
            return Ok(());
        }
        _ => {}
    }
    println!("ttt-server benchmark: {} CPUs\n", cpus());

    // First, while nothing else runs: the engine builds its table once, at
    // the first perfect engine, so this is the cold figure.
    let engine = measure_engine();
    engine.print();
    println!();

    let paced = measure_moves(Some(PACE))?;
    println!(
        "Moves, paced ({} ms pause before each), {PACED_GAMES} games, each followed by as many floor round trips; unpinned:",
        PACE.as_millis()
    );
    paced.print();
    let b2b = measure_moves(None)?;
    println!(
        "\nMoves, back to back, {ROUNDS} rounds of {GAMES_PER_ROUND} games, each round followed by as many floor round trips; unpinned:"
    );
    b2b.print();
    let pinned = measure_pinned()?;
    let watched = measure_watchers()?;
    let web = measure_web()?;
    let starved = measure_starve()?;

    println!("\nThe lobby under attack:");
    let lobby_start = measure_lobby_start()?;
    println!(
        "  20 silent + 20 trickling connections, then two players: both START {:.2} ms after the second HELLO",
        ms(lobby_start)
    );
    let queued_start = measure_queued_start()?;
    println!(
        "  200 silent connections during a game, then two players queue: the next game STARTs {:.2} ms after the last move",
        ms(queued_start)
    );
    let flood = measure_flood()?;
    println!(
        "  a blank-line flood while waiting: cut with {}; the flooder's writes stopped after {} KiB (kernel socket buffers); server CPU {:.2} % over {} s",
        flood.reason.trim(),
        flood.bytes_taken / 1024,
        flood.cpu_pct,
        FLOOD_SPAN.as_secs()
    );

    let (streams, static_flood) = measure_floods()?;

    let games = measure_whole_games()?;
    games.print();

    println!();
    let pinned_stalls: usize = pinned
        .split_whitespace()
        .find_map(|kv| kv.strip_prefix("stalls=")?.parse().ok())
        .unwrap_or(0);
    let pinned = pinned
        .split_whitespace()
        .filter(|kv| !kv.starts_with("stalls="))
        .collect::<Vec<_>>()
        .join(" ");
    println!(
        "{} {} {} stalls_over_40ms={} server_rss_kib={} idle_cpu_ms={} lobby_start_ms={:.2} queued_start_ms={:.2} flood_cpu_pct={:.2} {} {} {} {} {} {}",
        paced.key_values(""),
        b2b.key_values("b2b_"),
        pinned,
        paced.stalls() + b2b.stalls() + pinned_stalls,
        games.peak_rss,
        games.idle_cpu_ms,
        ms(lobby_start),
        ms(queued_start),
        flood.cpu_pct,
        streams
            .iter()
            .map(|(key, stream)| stream.key_values(key))
            .collect::<Vec<_>>()
            .join(" "),
        static_flood.key_values(),
        engine.key_values(),
        watched,
        web,
        starved,
    );
    Ok(())
}

/// The connection floods of [`flood`], printed as they finish: each stream
/// at the issue's rate and flat out, then the static flood.
fn measure_floods() -> io::Result<(Vec<(String, flood::Stream)>, flood::Static)> {
    let own = flood::raise_own_limit();
    println!(
        "\nConnection floods, the server under {} open files (soft and hard), the attacker under {}:",
        flood::FD_LIMIT,
        own.map_or("no limit".to_owned(), |l| l.to_string())
    );
    let one = vec![Ipv4Addr::LOCALHOST];
    let many: Vec<Ipv4Addr> = (1..=200).map(|h| Ipv4Addr::new(127, 3, 0, h)).collect();
    let mut streams = Vec::new();
    for web in [false, true] {
        let (port, pairs) = if web {
            ("web_", "browser pairs on the web port")
        } else {
            ("", "TCP pairs on the game port")
        };
        println!("  {pairs}:");
        for (key, label, sources, pace) in [
            ("stream_one_", "one address", &one, Some(flood::ISSUE_PACE)),
            (
                "stream_200_",
                "200 addresses",
                &many,
                Some(flood::ISSUE_PACE),
            ),
            ("stream_one_max_", "one address, flat out", &one, None),
            ("stream_200_max_", "200 addresses, flat out", &many, None),
        ] {
            let stream = flood::stream(sources, pace, web)?;
            stream.print(label);
            streams.push((format!("{port}{key}"), stream));
        }
    }
    let static_flood = flood::static_flood()?;
    static_flood.print();
    Ok((streams, static_flood))
}

/// The computer opponent's cost: building perfect's table, and a move at
/// each level in every position a game can reach.
struct EngineCost {
    build: Duration,
    /// Per level: (positions, median move, worst move).
    levels: Vec<(Level, usize, Duration, Duration)>,
}

impl EngineCost {
    fn print(&self) {
        println!("The computer opponent (ttt_rules::Engine), in-process:");
        println!(
            "  perfect's table of position values, built once: {:.2} ms",
            ms(self.build)
        );
        for (level, positions, median, worst) in &self.levels {
            println!(
                "  {level:<7} a move, over all {positions} positions a game can reach: median {:.2} us, worst {:.2} us",
                us(*median),
                us(*worst)
            );
        }
    }

    fn key_values(&self) -> String {
        let mut kv = format!("engine_build_ms={:.2}", ms(self.build));
        for (level, _, median, worst) in &self.levels {
            kv.push_str(&format!(
                " engine_{level}_median_us={:.2} engine_{level}_worst_us={:.2}",
                us(*median),
                us(*worst)
            ));
        }
        kv
    }
}

fn measure_engine() -> EngineCost {
    let start = Instant::now();
    let _ = Engine::new(Level::Perfect, 1);
    let build = start.elapsed();
    // Every board a game can reach with a move left to make.
    let mut positions = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![(Board::new(), Mark::X)];
    while let Some((board, to_move)) = stack.pop() {
        if !seen.insert(board) || ttt_rules::engine::winner(&board).is_some() || board.is_full() {
            continue;
        }
        positions.push((board, to_move));
        for cell in Cell::ALL {
            let mut next = board;
            if next.place(cell, to_move).is_ok() {
                stack.push((next, to_move.other()));
            }
        }
    }
    let levels = Level::ALL
        .into_iter()
        .map(|level| {
            let mut engine = Engine::new(level, 1);
            // Each position's time is the median of a few tries, so one
            // interrupt does not make a worst case.
            let mut times: Vec<Duration> = positions
                .iter()
                .map(|(board, to_move)| {
                    let mut tries: Vec<Duration> = (0..5)
                        .map(|_| {
                            let start = Instant::now();
                            std::hint::black_box(engine.choose(board, *to_move));
                            start.elapsed()
                        })
                        .collect();
                    tries.sort();
                    tries[tries.len() / 2]
                })
                .collect();
            times.sort();
            let median = times[times.len() / 2];
            let worst = times.last().copied().unwrap_or_default();
            (level, positions.len(), median, worst)
        })
        .collect();
    EngineCost { build, levels }
}

/// The two-player floor: accept two connections, then read a line from
/// each in turn and answer it with one line to the other and one to the
/// sender, which is all the I/O a move needs, and nothing else.
fn floor2_server() -> io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    println!("floor listening on {}", listener.local_addr()?);
    io::stdout().flush()?;
    let (a, _) = listener.accept()?;
    let (b, _) = listener.accept()?;
    let mut readers = [
        BufReader::new(a.try_clone()?),
        BufReader::new(b.try_clone()?),
    ];
    let mut writers = [a, b];
    for w in &writers {
        w.set_nodelay(true)?;
    }
    let mut line = Vec::new();
    for mover in [0, 1].into_iter().cycle() {
        line.clear();
        if readers[mover].read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        writers[1 - mover].write_all(BOARD_LINE)?;
        writers[mover].write_all(BOARD_LINE)?;
    }
    Ok(())
}

/// The floor: accept, answer every line with one board line, repeat.
fn floor_server() -> io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    println!("floor listening on {}", listener.local_addr()?);
    io::stdout().flush()?;
    for stream in listener.incoming() {
        let stream = stream?;
        stream.set_nodelay(true)?;
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut writer = stream;
        let mut line = Vec::new();
        loop {
            line.clear();
            if reader.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            writer.write_all(BOARD_LINE)?;
        }
    }
    Ok(())
}

/// The floor process, killed when dropped.
struct Floor {
    child: Child,
    port: u16,
}

impl Floor {
    /// Starts the floor process in `role`: `floor` or `floor2`.
    fn start(role: &str) -> io::Result<Floor> {
        let mut child = Command::new(std::env::current_exe()?)
            .env("TTT_BENCH_ROLE", role)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| io::Error::other("floor stdout"))?;
        let mut first = String::new();
        BufReader::new(stdout).read_line(&mut first)?;
        let port = first
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| io::Error::other(format!("no port in {first:?}")))?;
        Ok(Floor { child, port })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Floor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// This benchmark re-run as `role` with everything (the harness, the
/// servers, the floors) pinned to CPU 0 by `taskset -c 0`: the last line
/// it printed (its figures), or why there is none.
fn pinned_run(role: &str) -> Result<String, String> {
    let exe = std::env::current_exe().map_err(|e| format!("no executable path ({e})"))?;
    let out = Command::new("taskset")
        .args(["-c", "0"])
        .arg(exe)
        .env("TTT_BENCH_ROLE", role)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run taskset ({e})"))?;
    if !out.status.success() {
        return Err(format!("it failed ({})", out.status));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text.lines().last().unwrap_or_default().to_owned())
}

/// Adds `role`'s pinned figures to `kv`, printing them.
fn add_pinned(role: &str, kv: &mut String) {
    match pinned_run(role) {
        Ok(line) => {
            println!("  pinned to CPU 0 (taskset -c 0): {line}");
            kv.push(' ');
            kv.push_str(&line);
        }
        Err(why) => println!("  pinned run skipped: {why}"),
    }
}

/// Floods of noise from one connection while a pair plays, unpinned here
/// and pinned to CPU 0 in a re-run of this benchmark; returns both
/// figures' key=value pairs.
fn measure_starve() -> io::Result<String> {
    let unpinned = starve::measure()?;
    unpinned.print("unpinned");
    let mut kv = unpinned.key_values("starve_");
    add_pinned("starve-pinned", &mut kv);
    Ok(kv)
}

/// What spectators cost, unpinned here and pinned to CPU 0 in a re-run of
/// this benchmark; returns both figures' key=value pairs.
fn measure_watchers() -> io::Result<String> {
    let unpinned = watchers::measure()?;
    unpinned.print("unpinned");
    let mut kv = unpinned.key_values("watch_");
    add_pinned("watchers-pinned", &mut kv);
    Ok(kv)
}

/// The web port: a move over WebSocket against one over plain TCP,
/// unpinned and then pinned to CPU 0, and the page's size and first paint.
fn measure_web() -> io::Result<String> {
    let unpinned = websocket::measure()?;
    unpinned.print("unpinned");
    let mut kv = unpinned.key_values("web_");
    add_pinned("web-pinned", &mut kv);
    kv.push(' ');
    kv.push_str(&websocket::measure_page()?);
    Ok(kv)
}

/// Re-runs the move measurement with everything pinned to CPU 0; returns
/// its `pinned_*` figures.
fn measure_pinned() -> io::Result<String> {
    let line = match pinned_run("pinned") {
        Ok(line) => line,
        Err(why) => {
            println!("\npinned run skipped: {why}");
            return Ok(String::new());
        }
    };
    println!("\nMoves measured the same two ways, everything pinned to CPU 0 (taskset -c 0):");
    let figure = |key: &str| -> f64 {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('=')?.parse().ok())
            .unwrap_or(f64::NAN)
    };
    for (name, prefix) in [("paced", "pinned_"), ("back to back", "pinned_b2b_")] {
        println!(
            "  {name:<12}  floor p50 {:.1} us, move p50 {:.1} us ({:.2}x); CPU per move {:.1} us vs floor {:.1} us ({:.2}x)",
            figure(&format!("{prefix}floor_p50_us")),
            figure(&format!("{prefix}move_p50_us")),
            figure(&format!("{prefix}move_p50_ratio")),
            figure(&format!("{prefix}server_cpu_us_per_move")),
            figure(&format!("{prefix}floor_cpu_us_per_rt")),
            figure(&format!("{prefix}cpu_per_move_ratio")),
        );
    }
    Ok(line)
}

/// A raw protocol client that knows its mark.
struct Bot {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    line: String,
    mark: Mark,
}

impl Bot {
    /// Connects, without reading anything.
    fn connect(port: u16) -> io::Result<Bot> {
        Bot::wrap(TcpStream::connect(("127.0.0.1", port))?)
    }

    fn wrap(stream: TcpStream) -> io::Result<Bot> {
        Bot::wrap_with_timeout(stream, READ_LIMIT)
    }

    /// Wraps a connected stream whose every read gives up after `limit`.
    fn wrap_with_timeout(stream: TcpStream, limit: Duration) -> io::Result<Bot> {
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(limit))?;
        Ok(Bot {
            reader: BufReader::new(stream.try_clone()?),
            writer: stream,
            line: String::new(),
            mark: Mark::X,
        })
    }

    /// Connects, reads `WELCOME`, says hello.
    fn join(port: u16, name: &str) -> io::Result<Bot> {
        let mut bot = Bot::connect(port)?;
        bot.next()?;
        bot.send(&format!("HELLO 1 {name}\n"))?;
        Ok(bot)
    }

    fn send(&mut self, line: &str) -> io::Result<()> {
        self.writer.write_all(line.as_bytes())
    }

    fn next(&mut self) -> io::Result<ServerMsg> {
        self.line.clear();
        if self.reader.read_line(&mut self.line)? == 0 {
            return Err(io::Error::other("server closed the connection"));
        }
        let msg = self
            .line
            .trim_end()
            .parse()
            .map_err(|e| io::Error::other(format!("{e}: {:?}", self.line)))?;
        if let ServerMsg::Start { mark, .. } = msg {
            self.mark = mark;
        }
        Ok(msg)
    }

    /// Reads until a board arrives.
    fn board(&mut self) -> io::Result<(Board, Option<Mark>)> {
        loop {
            if let ServerMsg::Board { board, turn, .. } = self.next()? {
                return Ok((board, turn));
            }
        }
    }

    /// Reads until `BYE`.
    fn until_bye(&mut self) -> io::Result<()> {
        while !matches!(self.next()?, ServerMsg::Bye(_)) {}
        Ok(())
    }

    /// Reads until `REMATCH`.
    fn rematch(&mut self) -> io::Result<()> {
        while !matches!(self.next()?, ServerMsg::Rematch(_)) {}
        Ok(())
    }
}

/// Latency samples and CPU totals of one kind of exchange.
#[derive(Default)]
struct Series {
    times: Vec<Duration>,
    /// CPU time of the answering process over the measured exchanges.
    cpu_ns: u64,
    /// Context switches of the answering process over them.
    switches: u64,
    /// Exchanges the CPU and switches were measured over.
    counted: u64,
}

impl Series {
    fn cpu_us_each(&self) -> f64 {
        self.cpu_ns as f64 / 1e3 / self.counted.max(1) as f64
    }

    fn switches_each(&self) -> f64 {
        self.switches as f64 / self.counted.max(1) as f64
    }
}

/// What [`measure_moves`] found.
struct Moves {
    floor: Series,
    /// The two-player floor: a move's I/O (one line in, one to each player).
    floor2: Series,
    moves: Series,
    /// The exchanges where the server writes several lines in a row: the
    /// last move to the mover's `REMATCH`, and the second `YES` to the
    /// first board. A lost `TCP_NODELAY` stalls there first.
    bursts: Vec<Duration>,
}

impl Moves {
    fn print(&self) {
        println!(
            "  {:<16} {:>7} {:>8} {:>8} {:>8} {:>11} {:>9}",
            "exchange", "samples", "p50 us", "p99 us", "max us", "CPU us/ex", "cs/ex"
        );
        for (name, series) in [
            ("floor", &self.floor),
            ("two-player floor", &self.floor2),
            ("move via server", &self.moves),
        ] {
            println!(
                "  {name:<16} {:>7} {:>8.1} {:>8.1} {:>8.1} {:>11.2} {:>9.2}",
                series.times.len(),
                us(percentile(&series.times, 50.0)),
                us(percentile(&series.times, 99.0)),
                us(max(&series.times)),
                series.cpu_us_each(),
                series.switches_each(),
            );
        }
        println!(
            "  {:<16} {:>7} {:>8.1} {:>8.1} {:>8.1}",
            "start/end burst",
            self.bursts.len(),
            us(percentile(&self.bursts, 50.0)),
            us(percentile(&self.bursts, 99.0)),
            us(max(&self.bursts)),
        );
        println!(
            "  move p50 {:.2}x the floor's ({:.2}x the two-player floor's); server CPU per move {:.2}x the floor's ({:.2}x)",
            self.p50_ratio(),
            us(percentile(&self.moves.times, 50.0)) / us(percentile(&self.floor2.times, 50.0)),
            self.cpu_ratio(),
            self.moves.cpu_us_each() / self.floor2.cpu_us_each(),
        );
    }

    fn p50_ratio(&self) -> f64 {
        us(percentile(&self.moves.times, 50.0)) / us(percentile(&self.floor.times, 50.0))
    }

    fn cpu_ratio(&self) -> f64 {
        self.moves.cpu_us_each() / self.floor.cpu_us_each()
    }

    fn stalls(&self) -> usize {
        self.moves
            .times
            .iter()
            .chain(&self.bursts)
            .chain(&self.floor.times)
            .chain(&self.floor2.times)
            .filter(|d| **d > STALL)
            .count()
    }

    fn key_values(&self, prefix: &str) -> String {
        format!(
            "{prefix}floor_p50_us={:.1} {prefix}floor2_p50_us={:.1} {prefix}move_p50_us={:.1} \
             {prefix}move_p50_ratio={:.2} {prefix}move_p99_us={:.0} \
             {prefix}floor_cpu_us_per_rt={:.2} {prefix}server_cpu_us_per_move={:.2} \
             {prefix}cpu_per_move_ratio={:.2}",
            us(percentile(&self.floor.times, 50.0)),
            us(percentile(&self.floor2.times, 50.0)),
            us(percentile(&self.moves.times, 50.0)),
            self.p50_ratio(),
            us(percentile(&self.moves.times, 99.0)),
            self.floor.cpu_us_each(),
            self.moves.cpu_us_each(),
            self.cpu_ratio(),
        )
    }
}

/// Moves through the server and round trips through the floor, in
/// alternation, each side's CPU read the same way around equal windows.
///
/// Paced (`Some(pause)`): a pause before every exchange on both sides, and
/// each game is followed by as many floor round trips. Back to back
/// (`None`): rounds of games, each followed by as many floor round trips
/// in windows of the same sizes, so that both sides run long enough to
/// settle into the same steady state.
fn measure_moves(pace: Option<Duration>) -> io::Result<Moves> {
    let server = Server::start(&["-q"]);
    let floor = Floor::start("floor")?;
    let mut floor_bot = Bot::connect(floor.port)?;
    let floor2 = Floor::start("floor2")?;
    let mut floor2_bots = [Bot::connect(floor2.port)?, Bot::connect(floor2.port)?];
    let mut x = Bot::join(server.port, "botx")?;
    x.next()?; // WAIT
    let mut o = Bot::join(server.port, "boto")?;
    x.board()?;
    o.board()?;
    let mut result = Moves {
        floor: Series::default(),
        floor2: Series::default(),
        moves: Series::default(),
        bursts: Vec::new(),
    };
    let mut rng = Lcg(0x5eed);
    let (rounds, games) = match pace {
        Some(_) => (PACED_GAMES, 1),
        None => (ROUNDS, GAMES_PER_ROUND),
    };
    for _ in 0..rounds {
        let mut windows = Vec::with_capacity(games);
        for _ in 0..games {
            windows.push(play_rematch_game(
                &mut x,
                &mut o,
                &mut rng,
                pace,
                server.pid(),
                &mut result,
            )?);
        }
        for &n in &windows {
            floor_round(&mut floor_bot, n, pace, floor.pid(), &mut result.floor)?;
        }
        for &n in &windows {
            floor2_round(&mut floor2_bots, n, pace, floor2.pid(), &mut result.floor2)?;
        }
    }
    Ok(result)
}

/// Plays one game with random legal moves, then both accept the rematch;
/// returns how many moves were played. Every move's latency is kept. The
/// server's CPU is read before the first move and before the last one, so
/// it counts the moves that do not end the game (the last one also writes
/// the result); the harness knows which move is last from the board.
fn play_rematch_game(
    x: &mut Bot,
    o: &mut Bot,
    rng: &mut Lcg,
    pace: Option<Duration>,
    pid: u32,
    out: &mut Moves,
) -> io::Result<usize> {
    let (mut board, mut turn) = (Board::new(), Some(Mark::X));
    let mut last = Instant::now();
    let mut played = 0;
    let (cpu0, cs0) = (cpu_ns(pid), context_switches(pid));
    while let Some(mark) = turn {
        let (mover, other) = if x.mark == mark {
            (&mut *x, &mut *o)
        } else {
            (&mut *o, &mut *x)
        };
        let free: Vec<Cell> = Cell::ALL
            .into_iter()
            .filter(|&c| board.cell(c).is_none())
            .collect();
        let cell = free[rng.below(free.len())];
        if ends_game(&board, mark, cell) {
            out.moves.cpu_ns += cpu_ns(pid) - cpu0;
            out.moves.switches += context_switches(pid) - cs0;
            out.moves.counted += played as u64;
        }
        if let Some(pause) = pace {
            thread::sleep(pause);
        }
        let t = Instant::now();
        mover.send(&format!("MOVE {cell}\n"))?;
        (board, turn) = mover.board()?;
        out.moves.times.push(t.elapsed());
        last = t;
        played += 1;
        other.board()?;
    }
    // The last mover's burst: BOARD, RESULT, SCORE, REMATCH.
    let (mover, other) = if x.mark == board_last_mover(&board) {
        (&mut *x, &mut *o)
    } else {
        (&mut *o, &mut *x)
    };
    mover.rematch()?;
    out.bursts.push(last.elapsed());
    other.rematch()?;
    x.send("YES\n")?;
    let t = Instant::now();
    o.send("YES\n")?;
    o.board()?;
    out.bursts.push(t.elapsed());
    x.board()?;
    Ok(played)
}

/// Whether `mark` on `cell` ends the game: a line, or the last cell.
fn ends_game(board: &Board, mark: Mark, cell: Cell) -> bool {
    let mut after = *board;
    if after.place(cell, mark).is_err() {
        return false;
    }
    let line = ttt_protocol::Line::ALL
        .into_iter()
        .any(|line| line.cells().iter().all(|&c| after.cell(c) == Some(mark)));
    line || after.is_full()
}

/// Who made the last move on a finished board: X made it if X has more
/// marks, else O.
fn board_last_mover(board: &Board) -> Mark {
    if board.count(Mark::X) > board.count(Mark::O) {
        Mark::X
    } else {
        Mark::O
    }
}

/// `n` exchanges through a floor process, paced like the server's moves;
/// `exchange(i)` makes the `i`th and returns its time. The floor's CPU is
/// read as the server's is: before the first exchange and before the last,
/// counting `n - 1`.
fn floor_window(
    n: usize,
    pace: Option<Duration>,
    pid: u32,
    out: &mut Series,
    mut exchange: impl FnMut(usize) -> io::Result<Duration>,
) -> io::Result<()> {
    let (cpu0, cs0) = (cpu_ns(pid), context_switches(pid));
    for i in 0..n {
        if i + 1 == n {
            out.cpu_ns += cpu_ns(pid) - cpu0;
            out.switches += context_switches(pid) - cs0;
            out.counted += (n - 1) as u64;
        }
        if let Some(pause) = pace {
            thread::sleep(pause);
        }
        out.times.push(exchange(i)?);
    }
    Ok(())
}

/// `n` round trips through the floor: a line out, its reply back.
fn floor_round(
    bot: &mut Bot,
    n: usize,
    pace: Option<Duration>,
    pid: u32,
    out: &mut Series,
) -> io::Result<()> {
    floor_window(n, pace, pid, out, |_| {
        let t = Instant::now();
        bot.send(MOVE_LINE)?;
        bot.board()?;
        Ok(t.elapsed())
    })
}

/// `n` exchanges through the two-player floor, the mover alternating as in
/// a game (and across windows, as the floor does): the mover's reply timed,
/// the other player's read after it.
fn floor2_round(
    bots: &mut [Bot; 2],
    n: usize,
    pace: Option<Duration>,
    pid: u32,
    out: &mut Series,
) -> io::Result<()> {
    let before = out.times.len();
    floor_window(n, pace, pid, out, |i| {
        let [a, b] = bots;
        let (mover, other) = if (before + i) % 2 == 0 {
            (a, b)
        } else {
            (b, a)
        };
        let t = Instant::now();
        mover.send(MOVE_LINE)?;
        mover.board()?;
        let took = t.elapsed();
        other.board()?;
        Ok(took)
    })
}

/// 20 silent and 20 trickling connections (each its own address), then two
/// players: the time from the second `HELLO` to both `START`s.
fn measure_lobby_start() -> io::Result<Duration> {
    let server = Server::start(&["-q"]);
    let port = server.port;
    let silent: Vec<TcpStream> = (1..=20)
        .map(|h| connect_from(Ipv4Addr::new(127, 0, 1, h), port))
        .collect::<io::Result<_>>()?;
    let tricklers: Vec<TcpStream> = (1..=20)
        .map(|h| connect_from(Ipv4Addr::new(127, 0, 2, h), port))
        .collect::<io::Result<_>>()?;
    let stop = AtomicBool::new(false);
    let started = thread::scope(|scope| -> io::Result<Duration> {
        scope.spawn(|| {
            for byte in b"HELLO 1 trickle".iter().cycle() {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                for mut t in &tricklers {
                    let _ = t.write_all(&[*byte]);
                }
                thread::sleep(Duration::from_millis(100));
            }
        });
        let result = (|| {
            let mut ann = Bot::join(port, "ann")?;
            ann.next()?; // WAIT
            let mut bob = Bot::connect(port)?;
            bob.next()?; // WELCOME
            let t = Instant::now();
            bob.send("HELLO 1 bob\n")?;
            bob.board()?;
            ann.board()?;
            Ok(t.elapsed())
        })();
        stop.store(true, Ordering::Relaxed);
        result
    })?;
    drop(silent);
    Ok(started)
}

/// A game runs; 200 silent connections arrive from 200 addresses, then two
/// players queue. The time from the game's last move to the next `START`.
fn measure_queued_start() -> io::Result<Duration> {
    let server = Server::start(&["-q"]);
    let port = server.port;
    let mut ann = Bot::join(port, "ann")?;
    ann.next()?;
    let mut bob = Bot::join(port, "bob")?;
    ann.board()?;
    bob.board()?;
    let silent: Vec<TcpStream> = (0..200u16)
        .map(|i| {
            connect_from(
                Ipv4Addr::new(127, 0, 10 + (i / 100) as u8, 1 + (i % 100) as u8),
                port,
            )
        })
        .collect::<io::Result<_>>()?;
    let mut carol = Bot::join(port, "carol")?;
    carol.next()?; // WAIT
    let mut dave = Bot::join(port, "dave")?;
    dave.next()?; // WAIT
    let players = [&mut ann, &mut bob];
    for (i, cell) in [1, 4, 2, 5].into_iter().enumerate() {
        players[i % 2].send(&format!("MOVE {cell}\n"))?;
        players[i % 2].board()?;
    }
    let t = Instant::now();
    ann.send("MOVE 3\n")?;
    carol.board()?;
    let started = t.elapsed();
    drop(silent);
    Ok(started)
}

/// What [`measure_flood`] found.
struct Flood {
    bytes_taken: usize,
    reason: String,
    cpu_pct: f64,
}

/// A waiting player writes blank lines as fast as it can for
/// [`FLOOD_SPAN`] (or until its writes fail); the server's CPU meanwhile.
fn measure_flood() -> io::Result<Flood> {
    let server = Server::start(&["-q"]);
    let mut flooder = Bot::join(server.port, "flood")?;
    flooder.next()?; // WAIT
    let mut writer = flooder.writer.try_clone()?;
    writer.set_write_timeout(Some(Duration::from_millis(200)))?;
    let cpu0 = cpu_ns(server.pid());
    let start = Instant::now();
    let chunk = vec![b'\n'; 64 * 1024];
    let mut taken = 0;
    while start.elapsed() < FLOOD_SPAN {
        match writer.write(&chunk) {
            Ok(n) => taken += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(_) => break,
        }
    }
    thread::sleep(FLOOD_SPAN.saturating_sub(start.elapsed()));
    let cpu = cpu_ns(server.pid()) - cpu0;
    let reason = match flooder.next() {
        Ok(msg) => msg.to_string(),
        Err(e) => format!("no reason read: {e}"),
    };
    Ok(Flood {
        bytes_taken: taken,
        reason,
        cpu_pct: cpu as f64 / FLOOD_SPAN.as_nanos() as f64 * 100.0,
    })
}

/// What [`measure_whole_games`] found.
struct Games {
    count: usize,
    times: Vec<Duration>,
    fds: [usize; 3],
    rss: [u64; 2],
    peak_rss: u64,
    idle_cpu_ms: u64,
    idle_cpu_ns: u64,
}

impl Games {
    fn print(&self) {
        let total: Duration = self.times.iter().sum();
        let tenth = (self.count / 10).max(1);
        let per_tenth: Vec<String> = self
            .times
            .chunks(tenth)
            .map(|c| format!("{:.0}", us(c.iter().sum::<Duration>()) / c.len() as f64))
            .collect();
        println!(
            "\nWhole games (connect, handshake, random moves, decline, goodbye), one after another:"
        );
        println!(
            "  {} games in {:.2} s: {:.0} games/s",
            self.count,
            total.as_secs_f64(),
            self.count as f64 / total.as_secs_f64()
        );
        println!(
            "  us per game, by tenth of the run: {}",
            per_tenth.join(" ")
        );
        println!(
            "  server fds: idle {}, after game 1 {}, after game {} {}",
            self.fds[0], self.fds[1], self.count, self.fds[2]
        );
        println!(
            "  server RSS: after game 1 {} KiB, after game {} {} KiB, peak {} KiB",
            self.rss[0], self.count, self.rss[1], self.peak_rss
        );
        println!(
            "  idle CPU: {} ms (utime+stime over {} s waiting for a move; {:.3} ms by schedstat)",
            self.idle_cpu_ms,
            IDLE_SPAN.as_secs(),
            self.idle_cpu_ns as f64 / 1e6
        );
    }
}

/// Whole games on fresh connections, one after another; then the server
/// idle with a game in progress.
fn measure_whole_games() -> io::Result<Games> {
    let count: usize = std::env::var("TTT_BENCH_GAMES")
        .ok()
        .and_then(|g| g.parse().ok())
        .unwrap_or(500);
    let server = Server::start(&["-q"]);
    let pid = server.pid();
    let idle_fds = fd_count(pid);
    let settled = || {
        wait_until(|| fd_count(pid) <= idle_fds);
        fd_count(pid)
    };
    let mut rng = Lcg(0xbeef);
    let mut times = Vec::with_capacity(count);
    let (mut fds1, mut rss1) = (0, 0);
    for game in 0..count {
        let t = Instant::now();
        whole_game(server.port, &mut rng)?;
        times.push(t.elapsed());
        if game == 0 {
            fds1 = settled();
            rss1 = status_field(pid, "VmRSS:");
        }
    }
    let fds_n = settled();
    let rss_n = status_field(pid, "VmRSS:");
    let (idle_cpu_ms, idle_cpu_ns) = measure_idle_cpu(&server)?;
    Ok(Games {
        count,
        times,
        fds: [idle_fds, fds1, fds_n],
        rss: [rss1, rss_n],
        peak_rss: status_field(pid, "VmHWM:"),
        idle_cpu_ms,
        idle_cpu_ns,
    })
}

/// Connect, hello, random moves, decline the rematch, goodbye.
fn whole_game(port: u16, rng: &mut Lcg) -> io::Result<()> {
    let mut x = Bot::join(port, "botx")?;
    x.next()?; // WAIT
    let mut o = Bot::join(port, "boto")?;
    let (mut board, mut turn) = x.board()?;
    o.board()?;
    while let Some(mark) = turn {
        let (mover, other) = if x.mark == mark {
            (&mut x, &mut o)
        } else {
            (&mut o, &mut x)
        };
        let free: Vec<Cell> = Cell::ALL
            .into_iter()
            .filter(|&c| board.cell(c).is_none())
            .collect();
        mover.send(&format!("MOVE {}\n", free[rng.below(free.len())]))?;
        (board, turn) = mover.board()?;
        other.board()?;
    }
    x.rematch()?;
    o.rematch()?;
    x.send("NO\n")?;
    for bot in [&mut x, &mut o] {
        while !matches!(bot.next()?, ServerMsg::Bye(_)) {}
    }
    Ok(())
}

/// With a game in progress and the server waiting for X, the server's CPU
/// time over [`IDLE_SPAN`]: (utime+stime in ms, schedstat ns).
fn measure_idle_cpu(server: &Server) -> io::Result<(u64, u64)> {
    let mut x = Bot::join(server.port, "idlex")?;
    x.next()?;
    let mut o = Bot::join(server.port, "idleo")?;
    x.board()?;
    o.board()?;
    thread::sleep(Duration::from_millis(100));
    let (ticks0, ns0) = (cpu_ticks(server.pid())?, cpu_ns(server.pid()));
    thread::sleep(IDLE_SPAN);
    let (ticks1, ns1) = (cpu_ticks(server.pid())?, cpu_ns(server.pid()));
    x.send("QUIT\n")?;
    Ok((
        (ticks1 - ticks0) * 1000 / clock_ticks_per_second(),
        ns1.saturating_sub(ns0),
    ))
}

/// utime + stime of the whole process, in clock ticks.
fn cpu_ticks(pid: u32) -> io::Result<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let after = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    // utime and stime are fields 14 and 15; `after` starts at field 3.
    let field = |n: usize| {
        fields
            .get(n - 3)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Ok(field(14) + field(15))
}

fn clock_ticks_per_second() -> u64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8_lossy(&out.stdout).trim().parse().ok())
        .unwrap_or(100)
}

fn cpus() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

fn percentile(samples: &[Duration], p: f64) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted.get(rank).copied().unwrap_or_default()
}

fn max(samples: &[Duration]) -> Duration {
    samples.iter().max().copied().unwrap_or_default()
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// A tiny deterministic random generator: the same games every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}
