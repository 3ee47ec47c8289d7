//! One connection sending, without pause, bytes that never make a line
//! (issue 29) while a pair plays over TCP, a move every [`PAUSE`]: the
//! pair's move round trips during each flood ([`ttt_test_support::noise`]
//! has them all), against the same pair's with no flood (the floor), in
//! alternating windows of the same run, on one server. And how long the
//! server took each flood before it cut the flooder.

use std::io;
use std::thread;
use std::time::{Duration, Instant};

use ttt_protocol::Mark;
use ttt_test_support::Server;
use ttt_test_support::noise::{self, Flood};

use crate::{Bot, ms, percentile};

/// How long each window goes on (a flood is usually cut long before).
const WINDOW: Duration = Duration::from_millis(600);
/// The pause before each move: a pair at play, not a load test.
const PAUSE: Duration = Duration::from_millis(20);
/// Windows of each kind per flood (flood and floor alternate).
const REPEATS: usize = 3;
/// A tie: every move legal, nine moves a game.
const TIE: [u8; 9] = [1, 2, 3, 5, 4, 6, 8, 7, 9];

/// The pair's moves during one kind of flood, and with none.
pub struct Row {
    name: String,
    flood: Vec<Duration>,
    floor: Vec<Duration>,
    /// How long each flood was taken before the server cut it.
    taken: Vec<Duration>,
}

/// Every flood's row.
pub struct Starve {
    rows: Vec<Row>,
}

/// Two players at the table, X first.
struct Pair {
    bots: [Bot; 2],
    /// Moves made in the current game.
    moves: usize,
}

impl Pair {
    fn seat(port: u16) -> io::Result<Pair> {
        let mut ann = Bot::join(port, "ann")?;
        ann.next()?; // WAIT
        let mut bob = Bot::join(port, "bob")?;
        ann.board()?;
        bob.board()?;
        Ok(Pair {
            bots: [ann, bob],
            moves: 0,
        })
    }

    /// Makes the next move and returns its round trip (to the mover's
    /// board); starts the rematch after the ninth.
    fn step(&mut self) -> io::Result<Duration> {
        let x = usize::from(self.bots[0].mark != Mark::X);
        let mover = if self.moves % 2 == 0 { x } else { 1 - x };
        let cell = TIE[self.moves];
        let sent = Instant::now();
        self.bots[mover].send(&format!("MOVE {cell}\n"))?;
        self.bots[mover].board()?;
        let took = sent.elapsed();
        self.bots[1 - mover].board()?;
        self.moves += 1;
        if self.moves == TIE.len() {
            for bot in &mut self.bots {
                bot.rematch()?;
                bot.send("YES\n")?;
            }
            for bot in &mut self.bots {
                bot.board()?;
            }
            self.moves = 0;
        }
        Ok(took)
    }

    /// Plays a move every [`PAUSE`] until `done` (at least one move).
    fn play(&mut self, times: &mut Vec<Duration>, done: impl Fn() -> bool) -> io::Result<()> {
        loop {
            times.push(self.step()?);
            if done() {
                return Ok(());
            }
            thread::sleep(PAUSE);
        }
    }
}

/// Each flood against one server, alternating with floor windows.
pub fn measure() -> io::Result<Starve> {
    let server = Server::start(&["--web", "0", "--turn-timeout", "0"]);
    let mut pair = Pair::seat(server.port)?;
    let mut rows = Vec::new();
    for flood in noise::floods() {
        let mut row = Row {
            name: flood.name.clone(),
            flood: Vec::new(),
            floor: Vec::new(),
            taken: Vec::new(),
        };
        for _ in 0..REPEATS {
            let until = Instant::now() + WINDOW;
            pair.play(&mut row.floor, || Instant::now() >= until)?;
            let taken = flood_window(&server, &flood, &mut pair, &mut row.flood)?;
            row.taken.push(taken);
        }
        rows.push(row);
    }
    Ok(Starve { rows })
}

/// One window with `flood` going on: the pair plays until the window is
/// over and the flooder has stopped.
fn flood_window(
    server: &Server,
    flood: &Flood,
    pair: &mut Pair,
    times: &mut Vec<Duration>,
) -> io::Result<Duration> {
    let stream = noise::open(flood, server.port, server.web_port)?;
    let flood = flood.clone();
    let flooder = thread::spawn(move || noise::run(stream, &flood, WINDOW));
    let until = Instant::now() + WINDOW;
    pair.play(times, || Instant::now() >= until && flooder.is_finished())?;
    flooder
        .join()
        .map_err(|_| io::Error::other("the flooder panicked"))
}

impl Starve {
    pub fn print(&self, how: &str) {
        println!(
            "\nOne connection flooding bytes that make no line while a pair plays (a move every \
             {} ms over TCP), {REPEATS} windows of {} ms with the flood and as many without, \
             alternating; {how}:",
            PAUSE.as_millis(),
            WINDOW.as_millis()
        );
        for row in &self.rows {
            println!(
                "  {:<42} move p50 {:.2} ms, max {:.2} ms (floor p50 {:.2}, max {:.2}); \
                 cut after {:.1} ms at most",
                row.name,
                ms(percentile(&row.flood, 50.0)),
                ms(max(&row.flood)),
                ms(percentile(&row.floor, 50.0)),
                ms(max(&row.floor)),
                ms(max(&row.taken)),
            );
        }
        println!(
            "  over all floods: the pair's longest wait {:.2} ms against the floor's {:.2} ms; \
             the longest a flood was taken {:.1} ms",
            ms(self.longest(|r| &r.flood)),
            ms(self.longest(|r| &r.floor)),
            ms(self.longest(|r| &r.taken)),
        );
    }

    fn longest(&self, of: impl Fn(&Row) -> &Vec<Duration>) -> Duration {
        self.rows
            .iter()
            .map(|r| max(of(r)))
            .max()
            .unwrap_or_default()
    }

    pub fn key_values(&self, prefix: &str) -> String {
        let all = |of: fn(&Row) -> &Vec<Duration>| -> Vec<Duration> {
            self.rows
                .iter()
                .flat_map(|r| of(r).iter().copied())
                .collect()
        };
        let flood = all(|r| &r.flood);
        let floor = all(|r| &r.floor);
        format!(
            "{prefix}flood_p50_ms={:.2} {prefix}flood_max_ms={:.2} {prefix}floor_p50_ms={:.2} \
             {prefix}floor_max_ms={:.2} {prefix}taken_max_ms={:.1}",
            ms(percentile(&flood, 50.0)),
            ms(max(&flood)),
            ms(percentile(&floor, 50.0)),
            ms(max(&floor)),
            ms(self.longest(|r| &r.taken)),
        )
    }
}

fn max(samples: &[Duration]) -> Duration {
    samples.iter().max().copied().unwrap_or_default()
}
