//! A program in a real pseudo-terminal, seen the way a player sees it:
//! its output goes through a terminal emulator (vt100), and tests assert on
//! the screen, not on the bytes.

use std::fs::File;
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::process::Command;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use ptyprocess::{PtyProcess, WaitStatus};

use crate::LINE_TIMEOUT;

/// How long a program may take to exit once it should.
const EXIT_LIMIT: Duration = Duration::from_secs(10);

/// What the terminal shows, and every byte it was sent.
struct Seen {
    parser: vt100::Parser,
    raw: Vec<u8>,
    closed: bool,
}

/// A program running in a pseudo-terminal of its own (its controlling
/// terminal, so it gets `SIGWINCH` on a resize). Killed on drop.
pub struct Terminal {
    process: PtyProcess,
    input: File,
    master: File,
    seen: Arc<Mutex<Seen>>,
    reader: Option<JoinHandle<()>>,
    exit: Option<i32>,
}

fn size(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap_or(NonZeroU16::MIN)
}

impl Terminal {
    /// Starts `program` with `args` and `env` in a `cols` x `rows`
    /// terminal. The size is set (by `stty`) before the program starts, so
    /// its first look at the terminal sees it.
    pub fn start(
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
    ) -> Terminal {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!(
                "stty cols {cols} rows {rows} && exec \"$0\" \"$@\""
            ))
            .arg(program)
            .args(args);
        for (key, value) in env {
            command.env(key, value);
        }
        Terminal::spawn(command, cols, rows)
    }

    /// Runs `script` in `sh -c` in a `cols` x `rows` terminal (for what
    /// follows a program: the shell reading after it).
    pub fn shell(script: &str, env: &[(&str, &str)], cols: u16, rows: u16) -> Terminal {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!("stty cols {cols} rows {rows} && {script}"));
        for (key, value) in env {
            command.env(key, value);
        }
        Terminal::spawn(command, cols, rows)
    }

    fn spawn(command: Command, cols: u16, rows: u16) -> Terminal {
        let process = PtyProcess::spawn(command).expect("start a program in a pseudo-terminal");
        let master = process
            .get_raw_handle()
            .expect("the terminal's master side");
        let input = process
            .get_raw_handle()
            .expect("the terminal's master side");
        let mut output = process
            .get_raw_handle()
            .expect("the terminal's master side");
        let seen = Arc::new(Mutex::new(Seen {
            parser: vt100::Parser::new(size(rows), size(cols), 0),
            raw: Vec::new(),
            closed: false,
        }));
        let shared = Arc::clone(&seen);
        let reader = thread::spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                // The program gone, the master reads EIO (Linux) or 0.
                let n = output.read(&mut buf).unwrap_or(0);
                let mut seen = shared.lock().unwrap_or_else(|e| e.into_inner());
                if n == 0 {
                    seen.closed = true;
                    return;
                }
                seen.parser.process(&buf[..n]);
                seen.raw.extend_from_slice(&buf[..n]);
            }
        });
        Terminal {
            process,
            input,
            master,
            seen,
            reader: Some(reader),
            exit: None,
        }
    }

    fn seen(&self) -> MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The screen now.
    pub fn screen(&self) -> vt100::Screen {
        self.seen().parser.screen().clone()
    }

    /// The screen's text now, rows joined by newlines.
    pub fn contents(&self) -> String {
        self.screen().contents()
    }

    /// Every byte the program wrote.
    pub fn raw(&self) -> Vec<u8> {
        self.seen().raw.clone()
    }

    /// The program's pid.
    pub fn pid(&self) -> u32 {
        u32::try_from(self.process.pid().as_raw()).unwrap_or(0)
    }

    /// Waits until the screen shows `want`; returns the screen's text.
    /// Fails the test after [`LINE_TIMEOUT`].
    pub fn wait_for(&self, want: &str) -> String {
        self.wait_until(want, |s| s.contents().contains(want))
    }

    /// Waits until `ready` holds for the screen (`what` names it in the
    /// failure). Fails the test after [`LINE_TIMEOUT`].
    pub fn wait_until(&self, what: &str, ready: impl Fn(&vt100::Screen) -> bool) -> String {
        let deadline = Instant::now() + LINE_TIMEOUT;
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen.contents();
            }
            assert!(
                Instant::now() < deadline,
                "the screen never showed {what}; it shows:\n{}",
                screen.contents()
            );
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Types `bytes` (a key is its bytes: `b"5"`, `b"\x1b[A"` for up,
    /// `b"\x03"` for Ctrl-C).
    pub fn send(&mut self, bytes: &[u8]) {
        self.input.write_all(bytes).expect("type into the terminal");
        self.input.flush().expect("type into the terminal");
    }

    /// Resizes the terminal (the program gets `SIGWINCH`).
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.seen()
            .parser
            .screen_mut()
            .set_size(size(rows), size(cols));
        self.process
            .set_window_size(cols, rows)
            .expect("resize the terminal");
    }

    /// The terminal's line discipline now: (canonical lines, echo). A
    /// program in raw mode has turned both off.
    pub fn line_mode(&self) -> (bool, bool) {
        use rustix::termios::LocalModes;
        let termios = rustix::termios::tcgetattr(&self.master).expect("the terminal's settings");
        (
            termios.local_modes.contains(LocalModes::ICANON),
            termios.local_modes.contains(LocalModes::ECHO),
        )
    }

    /// Waits for the program to exit; its exit code (128 + the signal if
    /// killed). Everything it wrote has been read when this returns. Fails
    /// the test after [`EXIT_LIMIT`].
    pub fn wait_exit(&mut self) -> i32 {
        if let Some(code) = self.exit {
            return code;
        }
        let deadline = Instant::now() + EXIT_LIMIT;
        let code = loop {
            match self.process.status() {
                Ok(WaitStatus::Exited(_, code)) => break code,
                Ok(WaitStatus::Signaled(_, signal, _)) => break 128 + signal as i32,
                _ => {}
            }
            assert!(
                Instant::now() < deadline,
                "the program did not exit; the screen shows:\n{}",
                self.contents()
            );
            thread::sleep(Duration::from_millis(10));
        };
        self.exit = Some(code);
        // The last bytes: the reader sees the end once the program is gone.
        let deadline = Instant::now() + Duration::from_secs(2);
        while !self.seen().closed && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(5));
        }
        code
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        if self.exit.is_none() {
            let _ = self.process.exit(true);
        }
        // The reader ends when the master's other side is gone; do not
        // wait for it if it is stuck.
        if let Some(reader) = self.reader.take()
            && reader.is_finished()
        {
            let _ = reader.join();
        }
    }
}
