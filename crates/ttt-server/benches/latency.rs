//! Move latency against the loopback floor, games per second, peak memory and
//! idle CPU of the real `ttt-server` binary. Run with:
//!
//! ```sh
//! cargo bench -p ttt-server
//! TTT_BENCH_GAMES=1000 cargo bench -p ttt-server   # more games
//! ```
//!
//! Everything runs on 127.0.0.1 with ports chosen by the kernel. The figures
//! are printed, never asserted: the targets are read from the last line (see
//! docs/PERFORMANCE.md).

use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use ttt_protocol::{Board, Cell, Mark, ServerMsg};
use ttt_test_support::proc::{fd_count, status_field as status_kib};
use ttt_test_support::{Server, wait_until};

/// Round trips measured for the floor.
const FLOOR_ROUNDS: usize = 5_000;
/// The sizes of a move and its answer, so the floor moves the same bytes.
const MOVE_LINE: &[u8] = b"MOVE 5\n";
const BOARD_LINE: &[u8] = b"BOARD ....X.... O\n";
/// How long the server is left waiting for a move while its CPU time is read.
const IDLE_SPAN: Duration = Duration::from_secs(5);
/// Any single read in the benchmark gives up after this: a bug fails fast.
const READ_LIMIT: Duration = Duration::from_secs(10);

fn main() -> io::Result<()> {
    // `cargo bench` passes `--bench`; a filter argument is not supported.
    let games: usize = std::env::var("TTT_BENCH_GAMES")
        .ok()
        .and_then(|g| g.parse().ok())
        .unwrap_or(500);

    let floor = measure_floor()?;

    // -q here plus the support's own -q: nothing logged while measuring.
    let server = Server::start(&["-q"]);
    let baseline_fds = fd_count(server.pid());
    let mut timings = Timings::default();
    let mut game_times = Vec::with_capacity(games);
    let mut rng = Lcg(0x5eed);
    let mut after_first = (0, 0);
    for game in 0..games {
        let t = Instant::now();
        play_bot_game(server.port, &mut rng, &mut timings)?;
        game_times.push(t.elapsed());
        if game == 0 {
            after_first = (
                settled_fd_count(&server, baseline_fds),
                status_kib(server.pid(), "VmRSS:"),
            );
        }
    }
    // Only the games themselves: the fd settling after game 1 is not play.
    let total: Duration = game_times.iter().sum();
    let after_all = (
        settled_fd_count(&server, baseline_fds),
        status_kib(server.pid(), "VmRSS:"),
    );
    let idle_cpu = measure_idle_cpu(&server)?;
    let peak_rss = status_kib(server.pid(), "VmHWM:");

    let moves = &timings.moves;
    floor_and_moves_table(&floor, moves, &timings.bursts);
    let games_per_s = games as f64 / total.as_secs_f64();
    // Mean time per game in each tenth of the run: flat means no growth.
    let tenth = (games / 10).max(1);
    let per_tenth: Vec<String> = game_times
        .chunks(tenth)
        .map(|chunk| {
            format!(
                "{:.0}",
                chunk.iter().sum::<Duration>().as_secs_f64() * 1e6 / chunk.len() as f64
            )
        })
        .collect();
    println!();
    println!(
        "games            {games} in {:.2} s: {games_per_s:.0} games/s (connect, handshake, play, goodbye)",
        total.as_secs_f64()
    );
    println!(
        "us per game      by tenth of the run: {}",
        per_tenth.join(" ")
    );
    println!(
        "server fds       idle {baseline_fds}, after game 1 {}, after game {games} {}",
        after_first.0, after_all.0
    );
    println!(
        "server RSS       after game 1 {} KiB, after game {games} {} KiB, peak {peak_rss} KiB",
        after_first.1, after_all.1
    );
    println!(
        "idle CPU         {} ms (utime+stime over {} s waiting for a move; {:.3} ms by schedstat)",
        idle_cpu.0,
        IDLE_SPAN.as_secs(),
        idle_cpu.1 as f64 / 1e6
    );
    let floor_p50 = percentile(&floor, 50.0);
    let move_p50 = percentile(moves, 50.0);
    // Every timed exchange counts: a lost TCP_NODELAY shows in the bursts.
    let stalls = moves
        .iter()
        .chain(&timings.bursts)
        .filter(|d| **d > Duration::from_millis(40))
        .count();
    println!(
        "move_p50_ratio={:.2} move_p99_us={:.0} stalls_over_40ms={stalls} server_rss_kib={peak_rss} idle_cpu_ms={}",
        move_p50.as_secs_f64() / floor_p50.as_secs_f64(),
        percentile(moves, 99.0).as_secs_f64() * 1e6,
        idle_cpu.0
    );
    Ok(())
}

/// A raw TCP line ping-pong between two std sockets on loopback, with
/// `TCP_NODELAY`: the fastest a move could possibly go on this machine.
fn measure_floor() -> io::Result<Vec<Duration>> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let echo = thread::spawn(move || -> io::Result<()> {
        let (stream, _) = listener.accept()?;
        stream.set_nodelay(true)?;
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut writer = stream;
        let mut line = Vec::new();
        for _ in 0..FLOOR_ROUNDS {
            line.clear();
            reader.read_until(b'\n', &mut line)?;
            writer.write_all(BOARD_LINE)?;
        }
        Ok(())
    });
    let stream = TcpStream::connect(addr)?;
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(READ_LIMIT))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    let mut times = Vec::with_capacity(FLOOR_ROUNDS);
    let mut line = Vec::new();
    for _ in 0..FLOOR_ROUNDS {
        let t = Instant::now();
        writer.write_all(MOVE_LINE)?;
        line.clear();
        reader.read_until(b'\n', &mut line)?;
        times.push(t.elapsed());
    }
    echo.join()
        .map_err(|_| io::Error::other("floor echo thread panicked"))??;
    Ok(times)
}

/// A bot: a raw protocol client that tracks the board it is sent.
struct Bot {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    line: String,
}

impl Bot {
    /// Connects and reads `WELCOME`.
    fn connect(port: u16) -> io::Result<Bot> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(READ_LIMIT))?;
        let mut bot = Bot {
            reader: BufReader::new(stream.try_clone()?),
            writer: stream,
            line: String::new(),
        };
        bot.next()?;
        Ok(bot)
    }

    /// Connects and says hello.
    fn join(port: u16, name: &str) -> io::Result<Bot> {
        let mut bot = Bot::connect(port)?;
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
        self.line
            .trim_end()
            .parse()
            .map_err(|e| io::Error::other(format!("{e}: {:?}", self.line)))
    }

    /// Reads until a board arrives.
    fn board(&mut self) -> io::Result<(Board, Option<Mark>)> {
        loop {
            if let ServerMsg::Board { board, turn } = self.next()? {
                return Ok((board, turn));
            }
        }
    }
}

/// What one game's timings are added to.
#[derive(Default)]
struct Timings {
    /// From the mover sending `MOVE` to the mover receiving the new board.
    moves: Vec<Duration>,
    /// From the second player's `HELLO` to its first board (`START`, `BOARD`),
    /// and from the last move to the mover's `REMATCH` (`BOARD`, `RESULT`,
    /// `SCORE`, `REMATCH`): the exchanges where the server writes several
    /// messages in a row, which is where a lost `TCP_NODELAY` stalls.
    bursts: Vec<Duration>,
}

/// Plays one whole game between two bots making random legal moves.
fn play_bot_game(port: u16, rng: &mut Lcg, timings: &mut Timings) -> io::Result<()> {
    let mut x = Bot::join(port, "botx")?;
    let _ = x.next()?; // WAIT
    let mut o = Bot::connect(port)?;
    let t = Instant::now();
    o.send("HELLO 1 boto\n")?;
    o.board()?;
    timings.bursts.push(t.elapsed());
    let (mut board, mut turn) = x.board()?;
    let mut last_move = (Instant::now(), Mark::X);
    while let Some(mark) = turn {
        let (mover, other) = if mark == Mark::X {
            (&mut x, &mut o)
        } else {
            (&mut o, &mut x)
        };
        let free: Vec<Cell> = Cell::ALL
            .into_iter()
            .filter(|&c| board.cell(c).is_none())
            .collect();
        let cell = free[rng.below(free.len())];
        let t = Instant::now();
        mover.send(&format!("MOVE {cell}\n"))?;
        (board, turn) = mover.board()?;
        timings.moves.push(t.elapsed());
        last_move = (t, mark);
        other.board()?;
    }
    // RESULT, SCORE, REMATCH for both; then decline and read the goodbyes.
    let (mover, other) = if last_move.1 == Mark::X {
        (&mut x, &mut o)
    } else {
        (&mut o, &mut x)
    };
    while !matches!(mover.next()?, ServerMsg::Rematch) {}
    timings.bursts.push(last_move.0.elapsed());
    while !matches!(other.next()?, ServerMsg::Rematch) {}
    x.send("NO\n")?;
    for bot in [&mut x, &mut o] {
        while !matches!(bot.next()?, ServerMsg::Bye(_)) {}
    }
    Ok(())
}

/// With a game in progress and the server waiting for X, the server's CPU
/// time over [`IDLE_SPAN`]: (utime+stime in ms, schedstat ns over all threads).
fn measure_idle_cpu(server: &Server) -> io::Result<(u64, u64)> {
    let mut x = Bot::join(server.port, "idlex")?;
    let _ = x.next()?;
    let mut o = Bot::join(server.port, "idleo")?;
    x.board()?;
    o.board()?;
    thread::sleep(Duration::from_millis(100)); // let the start-up settle
    let (ticks0, ns0) = (cpu_ticks(server.pid())?, schedstat_ns(server.pid()));
    thread::sleep(IDLE_SPAN);
    let (ticks1, ns1) = (cpu_ticks(server.pid())?, schedstat_ns(server.pid()));
    x.send("QUIT\n")?;
    let ticks_per_s = clock_ticks_per_second();
    Ok((
        (ticks1 - ticks0) * 1000 / ticks_per_s,
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

/// CPU time of all the process's threads, in nanoseconds (finer than ticks).
fn schedstat_ns(pid: u32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    tasks
        .filter_map(Result::ok)
        .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|s| {
            s.split_whitespace()
                .next()
                .and_then(|n| n.parse::<u64>().ok())
        })
        .sum()
}

fn clock_ticks_per_second() -> u64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8_lossy(&out.stdout).trim().parse().ok())
        .unwrap_or(100)
}

/// The fd count once the server has closed the last game's sockets: the bot
/// reads `BYE` a moment before the server drops its players, so wait briefly.
fn settled_fd_count(server: &Server, baseline: usize) -> usize {
    wait_until(|| fd_count(server.pid()) <= baseline);
    fd_count(server.pid())
}

fn percentile(samples: &[Duration], p: f64) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted.get(rank).copied().unwrap_or_default()
}

fn floor_and_moves_table(floor: &[Duration], moves: &[Duration], bursts: &[Duration]) {
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "{:<16} {:>8} {:>9} {:>9} {:>9}",
        "round trip", "samples", "p50 us", "p99 us", "max us"
    );
    for (name, samples) in [
        ("loopback floor", floor),
        ("move via server", moves),
        ("start/end burst", bursts),
    ] {
        let max = samples.iter().max().copied().unwrap_or_default();
        println!(
            "{name:<16} {:>8} {:>9.1} {:>9.1} {:>9.1}",
            samples.len(),
            us(percentile(samples, 50.0)),
            us(percentile(samples, 99.0)),
            us(max)
        );
    }
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
