//! What spectators cost the players (feature `watch`): the same paced games
//! on two servers of the same binary, one watched by [`WATCHERS`] (the
//! cap), one by nobody, in alternating rounds, so both see the machine at
//! the same moment. The mover's round trip and the server's CPU per move.

use std::io::{self, BufRead, BufReader, Write};
use std::net::TcpStream;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use ttt_test_support::Server;

use super::{Bot, Lcg, Moves, PACE, Series, percentile, play_rematch_game, us};

/// As many as may watch.
pub const WATCHERS: usize = 32;
/// Rounds of [`GAMES`] games on each server in turn.
const ROUNDS: usize = 30;
const GAMES: usize = 10;

/// The figures: unwatched, then watched.
pub struct Watched {
    pub alone: Series,
    pub watched: Series,
    /// Lines the watchers read in all.
    pub lines_seen: usize,
}

/// A spectator that reads everything until the server closes it.
fn spectator(port: u16) -> io::Result<JoinHandle<usize>> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.write_all(b"WATCH ONLY\n")?;
    Ok(thread::spawn(move || {
        let mut lines = 0;
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        while matches!(reader.read_line(&mut line), Ok(n) if n > 0) {
            lines += 1;
            line.clear();
        }
        lines
    }))
}

fn pair(port: u16) -> io::Result<(Bot, Bot)> {
    let mut x = Bot::join(port, "botx")?;
    x.next()?; // WAIT
    let mut o = Bot::join(port, "boto")?;
    x.board()?;
    o.board()?;
    Ok((x, o))
}

fn empty() -> Moves {
    Moves {
        floor: Series::default(),
        floor2: Series::default(),
        moves: Series::default(),
        bursts: Vec::new(),
    }
}

pub fn measure() -> io::Result<Watched> {
    let alone = Server::start(&["-q"]);
    let watched = Server::start(&["-q"]);
    let spectators = (0..WATCHERS)
        .map(|_| spectator(watched.port))
        .collect::<io::Result<Vec<_>>>()?;
    let (mut ax, mut ao) = pair(alone.port)?;
    let (mut wx, mut wo) = pair(watched.port)?;
    let (mut a, mut w) = (empty(), empty());
    let mut rng = Lcg(0x5eed);
    for _ in 0..ROUNDS {
        for _ in 0..GAMES {
            play_rematch_game(&mut ax, &mut ao, &mut rng, Some(PACE), alone.pid(), &mut a)?;
        }
        for _ in 0..GAMES {
            play_rematch_game(
                &mut wx,
                &mut wo,
                &mut rng,
                Some(PACE),
                watched.pid(),
                &mut w,
            )?;
        }
    }
    // Stopping the server says goodbye to the spectators, whose readers end.
    drop(watched);
    let lines_seen = spectators.into_iter().map(|s| s.join().unwrap_or(0)).sum();
    Ok(Watched {
        alone: a.moves,
        watched: w.moves,
        lines_seen,
    })
}

impl Watched {
    pub fn print(&self, how: &str) {
        println!(
            "\nWhat {WATCHERS} spectators cost the players ({ROUNDS} rounds of {GAMES} paced games on each of two servers, alternating; {how}):"
        );
        for (name, s) in [("unwatched", &self.alone), ("watched", &self.watched)] {
            println!(
                "  {name:<10} {:>6} moves  p50 {:>6.1} us  p99 {:>7.1} us  server CPU {:>6.2} us/move",
                s.times.len(),
                us(percentile(&s.times, 50.0)),
                us(percentile(&s.times, 99.0)),
                s.cpu_us_each()
            );
        }
        println!(
            "  the watched mover's p50 is {:.2}x the unwatched; the spectators read {} lines before the server stopped",
            self.p50_ratio(),
            self.lines_seen
        );
    }

    fn p50_ratio(&self) -> f64 {
        us(percentile(&self.watched.times, 50.0)) / us(percentile(&self.alone.times, 50.0))
    }

    pub fn key_values(&self, prefix: &str) -> String {
        format!(
            "{prefix}unwatched_p50_us={:.1} {prefix}watched_p50_us={:.1} {prefix}watched_p50_ratio={:.2} \
             {prefix}unwatched_p99_us={:.0} {prefix}watched_p99_us={:.0} \
             {prefix}unwatched_cpu_us={:.2} {prefix}watched_cpu_us={:.2}",
            us(percentile(&self.alone.times, 50.0)),
            us(percentile(&self.watched.times, 50.0)),
            self.p50_ratio(),
            us(percentile(&self.alone.times, 99.0)),
            us(percentile(&self.watched.times, 99.0)),
            self.alone.cpu_us_each(),
            self.watched.cpu_us_each(),
        )
    }
}
