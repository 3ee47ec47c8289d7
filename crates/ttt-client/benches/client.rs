//! The console client's own costs, at a real pseudo-terminal: the time from
//! start to the first frame, and the CPU it uses while it waits.
//!
//! `cargo bench -p ttt-client` (about 1 min). Figures are printed, never
//! asserted. Each start is timed against a floor in the same harness, in
//! alternation: the same shell, `stty` and pseudo-terminal, exec'ing a
//! program that prints the same words at once (`printf`); unpinned, and
//! pinned to one CPU (`taskset -c 0`), where the reader and the program
//! share it.
//!
//! Idle CPU is read from `/proc/<pid>/task/*/schedstat` over a window:
//! waiting for an opponent (nothing on screen changes), and during the
//! opponent's turn with its clock (one redraw a second); beside it, `sleep`
//! over the same window, as the floor.

#[cfg(unix)]
mod run {
    use std::time::{Duration, Instant};

    use ttt_test_support::proc::{context_switches, cpu_ns};
    use ttt_test_support::{Server, Terminal};

    const CLIENT: &str = env!("CARGO_BIN_EXE_ttt-client");
    const STARTS: usize = 30;
    const IDLE: Duration = Duration::from_secs(10);

    /// Waits until the screen shows `want`, polling often (the figure is
    /// only as fine as this); the time it took since `since`.
    fn seen_after(term: &Terminal, want: &str, since: Instant) -> Duration {
        let deadline = since + Duration::from_secs(10);
        loop {
            if term.contents().contains(want) {
                return since.elapsed();
            }
            assert!(Instant::now() < deadline, "never saw {want:?}");
            std::thread::sleep(Duration::from_micros(200));
        }
    }

    fn env(port: &str) -> [(&'static str, String); 5] {
        [
            ("HOST", "127.0.0.1".to_owned()),
            ("PORT", port.to_owned()),
            ("TTT_NAME", "bench".to_owned()),
            ("TERM", "xterm-256color".to_owned()),
            // No offer of the computer in the middle of a window.
            ("TTT_COMPUTER_OFFER", "600".to_owned()),
        ]
    }

    fn start(script: &str, port: &str, cols: u16, rows: u16) -> Terminal {
        let env = env(port);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Terminal::shell(script, &env, cols, rows)
    }

    fn percentiles(mut xs: Vec<Duration>) -> String {
        xs.sort();
        let at = |p: usize| xs[(xs.len() - 1) * p / 100].as_secs_f64() * 1e3;
        format!(
            "median {:6.2} ms  p90 {:6.2} ms  max {:6.2} ms",
            at(50),
            at(90),
            at(100)
        )
    }

    /// Start to first frame, the client beside its floor, interleaved.
    fn first_frames(server: &Server, pin: &str) {
        let port = server.port.to_string();
        let (mut board, mut plain, mut floor) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..STARTS {
            let since = Instant::now();
            let term = start(&format!("exec {pin}{CLIENT}"), &port, 80, 24);
            // The board's first frame: the title bar and the question.
            board.push(seen_after(&term, "No opponent yet.", since));
            drop(term);
            let since = Instant::now();
            let term = start(&format!("exec {pin}{CLIENT} --plain"), &port, 80, 24);
            plain.push(seen_after(&term, "Waiting for an opponent", since));
            drop(term);
            let since = Instant::now();
            let term = start(
                &format!("exec {pin}printf 'Waiting for an opponent'; sleep 1"),
                &port,
                80,
                24,
            );
            floor.push(seen_after(&term, "Waiting for an opponent", since));
            drop(term);
        }
        let label = if pin.is_empty() {
            "unpinned"
        } else {
            "pinned to CPU 0"
        };
        println!("start to first frame, {STARTS} starts each, {label}:");
        println!("  the board (80x24)      {}", percentiles(board));
        println!("  the plain transcript   {}", percentiles(plain));
        println!("  floor (printf)         {}", percentiles(floor));
    }

    /// CPU and wake-ups of `pid` over [`IDLE`].
    fn idle(pid: u32) -> (f64, f64) {
        let (cpu, cs) = (cpu_ns(pid), context_switches(pid));
        std::thread::sleep(IDLE);
        let secs = IDLE.as_secs_f64();
        (
            (cpu_ns(pid) - cpu) as f64 / secs / 1e3,
            (context_switches(pid) - cs) as f64 / secs,
        )
    }

    fn report(what: &str, (us, cs): (f64, f64)) {
        println!(
            "  {what:<40} {us:8.1} µs CPU/s ({:.4}% of a CPU), {cs:5.1} wake-ups/s",
            us / 1e4
        );
    }

    fn idle_cpu(server: &Server) {
        let port = server.port.to_string();
        println!("idle, over {} s:", IDLE.as_secs());
        let term = start(&format!("exec {CLIENT}"), &port, 80, 24);
        term.wait_for("No opponent yet.");
        report("board, waiting for an opponent", idle(term.pid()));
        let mut peer = server.join("rival");
        peer.expect("START O bench");
        peer.expect("BOARD ......... X");
        term.wait_for("Your move.");
        let mut term = term;
        term.send(b"5");
        peer.expect_prefix("BOARD ....X....");
        term.wait_for("rival is thinking.");
        report("board, the opponent's turn (clock)", idle(term.pid()));
        drop(peer);
        drop(term);
        let term = start(&format!("exec {CLIENT} --plain"), &port, 80, 24);
        term.wait_for("Waiting for an opponent");
        report("plain, waiting for an opponent", idle(term.pid()));
        drop(term);
        let floor = start("exec sleep 30", &port, 80, 24);
        std::thread::sleep(Duration::from_millis(200));
        report("floor (sleep)", idle(floor.pid()));
    }

    pub fn main() {
        // Long turns: nothing times out while the bench waits.
        let server = Server::start(&["--turn-timeout", "600"]);
        first_frames(&server, "");
        first_frames(&server, "taskset -c 0 ");
        idle_cpu(&server);
    }
}

fn main() {
    #[cfg(unix)]
    run::main();
}
