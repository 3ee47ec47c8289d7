//! Integration tests of the `ttt-client` binary: against the real server
//! (with a raw protocol opponent) and against scripted fake servers on
//! 127.0.0.1 port 0, with stdin piped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use ttt_test_support::{LINE_TIMEOUT, Peer, Server};

/// How long a client may run in a test before it is killed and the test fails.
const CLIENT_LIMIT: Duration = Duration::from_secs(15);

/// A running client process with piped stdio.
struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    seen: Vec<String>,
    stderr: Receiver<String>,
}

impl Client {
    /// Starts the client against `port`, with extra env vars, no colour.
    fn start(port: u16, env: &[(&str, &str)]) -> Client {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ttt-client"));
        cmd.env("HOST", "127.0.0.1")
            .env("PORT", port.to_string())
            .env_remove("NO_COLOR")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start ttt-client");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut stderr_pipe = child.stderr.take().expect("piped stderr");
        let (etx, stderr) = mpsc::channel();
        thread::spawn(move || {
            let mut all = String::new();
            let _ = stderr_pipe.read_to_string(&mut all);
            let _ = etx.send(all);
        });
        let stdin = child.stdin.take();
        Client {
            child,
            stdin,
            lines,
            seen: Vec::new(),
            stderr,
        }
    }

    /// Types `text` on the client's stdin.
    fn type_in(&mut self, text: &str) {
        if let Some(stdin) = self.stdin.as_mut() {
            let _ = stdin.write_all(text.as_bytes());
        }
    }

    /// Closes stdin (end of the piped script).
    fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Sends SIGINT, as Ctrl-C at a terminal does.
    fn interrupt(&self) {
        let sent = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -INT failed");
    }

    /// Waits for an output line containing `want`; returns it.
    fn wait_for(&mut self, want: &str) -> String {
        let deadline = Instant::now() + LINE_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(want) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "no line containing {want:?}; output so far:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// Waits for the client to exit; returns its exit code, all its stdout
    /// and its stderr. Kills it (failing the test) after [`CLIENT_LIMIT`].
    fn finish(mut self) -> (i32, String, String) {
        let deadline = Instant::now() + CLIENT_LIMIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("poll client") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "client did not exit; output so far:\n{}",
                    self.seen.join("\n")
                );
            }
            thread::sleep(Duration::from_millis(10));
        };
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(1)) {
            self.seen.push(line);
        }
        let stderr = self
            .stderr
            .recv_timeout(Duration::from_secs(1))
            .unwrap_or_default();
        (status.code().unwrap_or(-1), self.seen.join("\n"), stderr)
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a client as X with `script` piped in, then joins a raw opponent.
fn client_vs_peer(server: &Server, script: &str) -> (Client, Peer) {
    let mut client = Client::start(server.port, &[("TTT_NAME", "cli")]);
    client.type_in(script);
    client.close_stdin();
    client.wait_for("Waiting for an opponent");
    let mut peer = server.join("raw");
    peer.expect("START O cli");
    peer.expect("BOARD ......... X");
    (client, peer)
}

/// The raw opponent answers each of the client's moves with its own.
fn peer_replies(peer: &mut Peer, replies: &[u8]) {
    for &cell in replies {
        peer.expect_prefix("BOARD ");
        peer.send(&cell.to_string());
        peer.expect_prefix("BOARD ");
    }
}

/// A whole game through piped stdin, which the client wins; lines read ahead
/// wait for their prompts, and the rematch is declined.
#[test]
fn piped_game_the_client_wins() {
    let server = Server::start(&[]);
    let (client, mut peer) = client_vs_peer(&server, "1\n2\n3\nn\n");
    peer_replies(&mut peer, &[4, 5]);
    peer.expect_prefix("BOARD XXXOO");
    peer.expect("RESULT LOSE LINE 1 2 3");
    let (code, out, stderr) = client.finish();
    assert_eq!(code, 0, "{stderr}");
    assert!(out.contains("You win! Three in a row on 1 2 3."), "{out}");
    assert!(out.contains("Score: you 1, raw 0, ties 0."), "{out}");
    // The last move is named and marked on the board.
    assert!(out.contains("You took 3."), "{out}");
    assert!(out.contains(" X | X |[X]"), "{out}");
}

/// A whole game the client loses.
#[test]
fn piped_game_the_client_loses() {
    let server = Server::start(&[]);
    let (client, mut peer) = client_vs_peer(&server, "1\n2\n9\nn\n");
    peer_replies(&mut peer, &[4, 5]);
    peer.expect_prefix("BOARD ");
    peer.send("6");
    let (code, out, stderr) = client.finish();
    assert_eq!(code, 0, "{stderr}");
    assert!(
        out.contains("You lose: raw got three in a row on 4 5 6."),
        "{out}"
    );
}

/// A whole game that ends in a tie.
#[test]
fn piped_game_tie() {
    let server = Server::start(&[]);
    // X: 1 3 4 8 9, O: 2 5 6 7.
    let (client, mut peer) = client_vs_peer(&server, "1\n3\n4\n8\n9\nn\n");
    peer_replies(&mut peer, &[2, 5, 6, 7]);
    let (code, out, stderr) = client.finish();
    assert_eq!(code, 0, "{stderr}");
    assert!(out.contains("It's a tie"), "{out}");
    assert!(out.contains("Score: you 0, raw 0, ties 1."), "{out}");
}

/// A non-number is refused locally with a hint and the prompt comes back;
/// an occupied cell is the server's refusal, shown as it says.
#[test]
fn invalid_input_reprompts() {
    let server = Server::start(&[]);
    let (client, mut peer) = client_vs_peer(&server, "five\n5\n5\n1\nq\n");
    peer.expect_prefix("BOARD ....X");
    peer.send("9");
    peer.expect_prefix("BOARD ");
    peer.expect_prefix("BOARD X");
    drop(peer);
    let (code, out, _) = client.finish();
    assert_eq!(code, 0);
    assert!(out.contains("You win: raw disconnected."), "{out}");
    assert!(out.contains("Type the number of an empty cell"), "{out}");
    assert!(out.contains("Server: cell 5 is taken by X"), "{out}");
    assert!(
        out.matches("Type 1-9, or q to leave:").count() >= 4,
        "{out}"
    );
}

/// A scripted fake server on 127.0.0.1:0: greets, reads HELLO, then sends
/// `lines` and closes (or holds the connection open with `hold`).
fn fake_server(lines: &'static [&'static str], hold: Duration) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind fake server");
    let port = listener.local_addr().expect("addr").port();
    thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        serve_script(stream, lines, hold);
    });
    port
}

fn serve_script(mut stream: TcpStream, lines: &[&str], hold: Duration) {
    let _ = stream.set_read_timeout(Some(LINE_TIMEOUT));
    let _ = stream.write_all(b"WELCOME 1 fake\n");
    let mut hello = String::new();
    let _ = BufReader::new(stream.try_clone().expect("clone")).read_line(&mut hello);
    for line in lines {
        let _ = stream.write_all(format!("{line}\n").as_bytes());
    }
    thread::sleep(hold);
}

/// The client announces only the outcome the server sent: a board with three
/// X in a row is not a win until the server says so, and here it says tie.
#[test]
fn outcome_shown_comes_only_from_the_server() {
    let port = fake_server(
        &[
            "START X fake",
            "BOARD XXXOO.... -",
            "RESULT TIE",
            "SCORE 0 0 1",
            "BYE done",
        ],
        Duration::ZERO,
    );
    let client = Client::start(port, &[]);
    let (code, out, _) = client.finish();
    assert_eq!(code, 0);
    assert!(out.contains("It's a tie"), "{out}");
    assert!(
        !out.contains("win"),
        "the client decided a win on its own:\n{out}"
    );
}

/// The server closing the connection mid-game is reported with the server's
/// address and the cause, exit 1, even while the client waits at the prompt.
#[test]
fn server_disconnect_mid_game() {
    let port = fake_server(
        &["START X fake", "BOARD ......... X"],
        Duration::from_millis(200),
    );
    let mut client = Client::start(port, &[]);
    client.wait_for(" 7 | 8 | 9");
    let (code, _, stderr) = client.finish();
    assert_eq!(code, 1);
    assert_eq!(
        stderr.trim(),
        format!("error: lost the connection to 127.0.0.1:{port}: the server closed the connection")
    );
}

/// A refused connection is one clear line and a non-zero exit.
#[test]
fn connection_refused() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let (code, out, stderr) = Client::start(port, &[]).finish();
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        stderr.trim(),
        format!("error: no server at 127.0.0.1:{port}, is ttt-server running?")
    );
}

/// A bad PORT is exit code 2 and one line naming the variable.
#[test]
fn bad_port() {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ttt-client"));
    let out = cmd
        .env("PORT", "abc")
        .stdin(Stdio::null())
        .output()
        .expect("run client");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("PORT") && stderr.contains("abc"),
        "{stderr}"
    );
}

/// A server that only speaks version 1 refuses `HELLO 2`; the client asks
/// again in version 1 and plays, and one that refuses both is one line.
#[test]
fn an_older_server_is_asked_again_in_version_1() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind fake server");
    let port = listener.local_addr().expect("addr").port();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for _ in 0..2 {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            let _ = stream.set_read_timeout(Some(LINE_TIMEOUT));
            let _ = stream.write_all(b"WELCOME 1 old\n");
            let mut hello = String::new();
            let _ = BufReader::new(stream.try_clone().expect("clone")).read_line(&mut hello);
            let reply: &[u8] = if hello.starts_with("HELLO 1 ") {
                b"BYE this is an old server\n"
            } else {
                b"ERR NOPROTO client speaks protocol 2, server speaks 1\n"
            };
            let _ = stream.write_all(reply);
            let _ = tx.send(hello.trim().to_owned());
        }
    });
    let (code, out, stderr) = Client::start(port, &[("TTT_NAME", "cli")]).finish();
    assert_eq!(code, 0, "{stderr}");
    assert!(out.contains("Server: this is an old server"), "{out}");
    let hellos: Vec<String> = rx.try_iter().collect();
    assert_eq!(
        hellos,
        ["HELLO 2 cli computer stay watch resume", "HELLO 1 cli"]
    );

    let port = fake_server(
        &["ERR NOPROTO client speaks protocol 1, server speaks 7"],
        Duration::ZERO,
    );
    let (code, _, stderr) = Client::start(port, &[]).finish();
    assert_eq!(code, 1);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// An unknown host name is one clear line.
#[test]
fn unknown_host() {
    let (code, _, stderr) = Client::start(1234, &[("HOST", "no-such-host.invalid")]).finish();
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with("error: unknown host \"no-such-host.invalid\""),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
}

/// IPv6 literals and host names work.
#[test]
fn ipv6_literal_and_localhost() {
    if TcpListener::bind("[::1]:0").is_err() {
        eprintln!("skipped: no IPv6 loopback on this machine");
        return;
    }
    for host in ["::1", "localhost"] {
        let listener = TcpListener::bind("[::1]:0").expect("bind ::1");
        let port = listener.local_addr().expect("addr").port();
        let v4 = TcpListener::bind(("127.0.0.1", port)).ok();
        let server = thread::spawn(move || {
            // localhost may resolve to either family; serve whichever is asked.
            if let Some(v4) = v4 {
                v4.set_nonblocking(true).expect("nonblocking");
                listener.set_nonblocking(true).expect("nonblocking");
                let deadline = Instant::now() + LINE_TIMEOUT;
                while Instant::now() < deadline {
                    for l in [&listener, &v4] {
                        if let Ok((s, _)) = l.accept() {
                            s.set_nonblocking(false).expect("blocking");
                            serve_script(s, &["BYE ok"], Duration::ZERO);
                            return;
                        }
                    }
                    thread::sleep(Duration::from_millis(10));
                }
            } else if let Ok((s, _)) = listener.accept() {
                serve_script(s, &["BYE ok"], Duration::ZERO);
            }
        });
        let (code, out, stderr) = Client::start(port, &[("HOST", host)]).finish();
        assert_eq!(code, 0, "HOST={host}: {stderr}");
        assert!(out.contains("Server: ok"), "{out}");
        server.join().expect("fake server");
    }
}

/// A server that accepts but does not greet (overloaded, or an older server
/// busy with a game) leaves the client waiting: after the queue notice time
/// without a greeting (here 200 ms), the client says so, and no sooner.
#[test]
fn queued_client_is_told_it_waits() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let start = Instant::now();
    let mut client = Client::start(port, &[("TTT_QUEUE_NOTICE", "200ms")]);
    client.wait_for("you are in its queue");
    assert!(start.elapsed() >= Duration::from_millis(200));
    drop(listener);
}

/// A client killed while waiting for an opponent (Ctrl-C) leaves no ghost:
/// the next player is seated first and waits.
#[test]
fn killed_while_waiting_leaves_no_ghost() {
    let server = Server::start(&[]);
    let idle_fds = ttt_test_support::proc::fd_count(server.pid());
    let mut client = Client::start(server.port, &[("TTT_NAME", "cli")]);
    client.wait_for("Waiting for an opponent");
    drop(client);
    // Nothing is left behind: the server closes the waiter's socket at once.
    assert!(ttt_test_support::wait_until(
        || ttt_test_support::proc::fd_count(server.pid()) == idle_fds
    ));
    let mut next = server.join("next");
    next.expect("WAIT");
}

/// A server that does not answer (here: a listener whose backlog is full, so
/// the kernel drops new SYNs) is one line after the connect timeout.
#[test]
fn connect_timeout_is_one_line() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    // Fill the accept queue: connections are never accepted.
    let mut held = Vec::new();
    let full =
        (0..1000).any(
            |_| match TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
                Ok(stream) => {
                    held.push(stream);
                    false
                }
                Err(_) => true,
            },
        );
    if !full {
        eprintln!("skipped: could not fill the backlog of a loopback listener");
        return;
    }
    let start = Instant::now();
    let (code, _, stderr) =
        Client::start(addr.port(), &[("TTT_CONNECT_TIMEOUT", "500ms")]).finish();
    assert_eq!(code, 1, "{stderr}");
    assert!(
        start.elapsed() >= Duration::from_millis(450),
        "gave up after {:?}",
        start.elapsed()
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "error: no answer from 127.0.0.1:{} within 0.5 s;",
            addr.port()
        )),
        "{stderr}"
    );
    drop(listener);
}

/// A fake server that runs `script` on the first connection; returns its
/// port and a receiver for what the script reports.
fn fake_with<T: Send + 'static>(
    script: impl FnOnce(TcpStream) -> T + Send + 'static,
) -> (u16, Receiver<T>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind fake server");
    let port = listener.local_addr().expect("addr").port();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        if let Ok((stream, _)) = listener.accept() {
            let _ = stream.set_read_timeout(Some(LINE_TIMEOUT));
            let _ = tx.send(script(stream));
        }
    });
    (port, rx)
}

/// A fake server that starts a game with the client as X, then goes silent
/// (a frozen process, a machine asleep), reporting every line the client
/// sends until the client closes or 5 s pass.
fn silent_after_start() -> (u16, Receiver<Vec<String>>) {
    fake_with(|mut stream| {
        let _ = stream.write_all(b"WELCOME 1 fake\n");
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        let mut hello = String::new();
        let _ = reader.read_line(&mut hello);
        let _ = stream.write_all(b"START X fake\nBOARD ......... X\n");
        reader.lines().map_while(Result::ok).collect()
    })
}

/// Something that is not a ttt server (here an SSH banner) is named as such,
/// with what it said: no "queued" notice, exit 1.
#[test]
fn not_a_ttt_server_is_named_with_what_it_said() {
    let (port, _) = fake_with(|mut stream| {
        let _ = stream.write_all(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
        thread::sleep(Duration::from_secs(1));
    });
    let (code, out, stderr) = Client::start(port, &[("TTT_QUEUE_NOTICE", "200ms")]).finish();
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        stderr.trim(),
        format!(
            "error: 127.0.0.1:{port} is not a ttt server (it said: \"SSH-2.0-OpenSSH_9.2p1 Debian-2\")"
        )
    );
    assert!(!out.contains("queue"), "{out}");
}

/// A server whose first message is a valid ttt message but not WELCOME is
/// not a ttt server either (a ttt server always greets first).
#[test]
fn a_first_line_other_than_welcome_is_not_a_ttt_server() {
    let (port, _) = fake_with(|mut stream| {
        let _ = stream.write_all(b"BYE not now\n");
        thread::sleep(Duration::from_millis(500));
    });
    let (code, _, stderr) = Client::start(port, &[]).finish();
    assert_eq!(code, 1);
    assert!(
        stderr.contains("is not a ttt server (it said: \"BYE not now\")"),
        "{stderr}"
    );
}

/// A server line over the limit, or not UTF-8, is named as the cause.
#[test]
fn a_broken_server_line_is_named_as_the_cause() {
    for (bytes, cause) in [
        (
            vec![b'x'; 600],
            "the server sent a line longer than 512 bytes",
        ),
        (
            b"BOARD \xff\n".to_vec(),
            "the server sent a line that is not UTF-8",
        ),
    ] {
        let (port, _) = fake_with(move |mut stream| {
            let _ = stream.write_all(b"WELCOME 1 fake\n");
            let _ = stream.write_all(&bytes);
            thread::sleep(Duration::from_millis(500));
        });
        let (code, _, stderr) = Client::start(port, &[]).finish();
        assert_eq!(code, 1);
        assert_eq!(
            stderr.trim(),
            format!("error: lost the connection to 127.0.0.1:{port}: {cause}")
        );
    }
}

/// Quitting a game when the server has gone silent: QUIT is sent, and the
/// client leaves after the quit wait (here 300 ms, 2 s by default) saying
/// the server did not answer, exit 0.
#[test]
fn quitting_a_silent_server_leaves_within_the_quit_wait() {
    let (port, received) = silent_after_start();
    let mut client = Client::start(port, &[("TTT_QUIT_WAIT", "300ms")]);
    client.wait_for(" 7 | 8 | 9");
    let start = Instant::now();
    client.type_in("q\n");
    let (code, out, _) = client.finish();
    let took = start.elapsed();
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("No answer from the server; leaving anyway."),
        "{out}"
    );
    assert!(took >= Duration::from_millis(300), "left after {took:?}");
    assert!(took < Duration::from_secs(2), "left after {took:?}");
    let said = received
        .recv_timeout(LINE_TIMEOUT)
        .expect("fake server report");
    assert_eq!(said.last().map(String::as_str), Some("QUIT"), "{said:?}");
}

/// A second way out while already leaving a silent server (`q`, then
/// Ctrl-C) does not send QUIT again or extend the wait: Ctrl-C then leaves
/// at once.
#[test]
fn leaving_twice_does_not_extend_the_wait() {
    let (port, received) = silent_after_start();
    let mut client = Client::start(port, &[("TTT_QUIT_WAIT", "400ms")]);
    client.wait_for(" 7 | 8 | 9");
    let start = Instant::now();
    client.type_in("q\n");
    thread::sleep(Duration::from_millis(200));
    client.interrupt();
    let (code, _, _) = client.finish();
    // The second request (Ctrl-C) leaves at once; nothing waits longer.
    assert_eq!(code, 130);
    assert!(
        start.elapsed() < Duration::from_millis(400),
        "{:?}",
        start.elapsed()
    );
    let said = received
        .recv_timeout(LINE_TIMEOUT)
        .expect("fake server report");
    assert_eq!(said.iter().filter(|l| *l == "QUIT").count(), 1, "{said:?}");
}

/// Ctrl-C during a game on a silent server: the client tells the server
/// (QUIT), leaves within the quit wait, and exits 130.
#[test]
fn ctrl_c_on_a_silent_server_leaves_within_the_quit_wait() {
    let (port, received) = silent_after_start();
    let mut client = Client::start(port, &[("TTT_QUIT_WAIT", "300ms")]);
    client.wait_for(" 7 | 8 | 9");
    let start = Instant::now();
    client.interrupt();
    let (code, out, _) = client.finish();
    assert_eq!(code, 130, "{out}");
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    let said = received
        .recv_timeout(LINE_TIMEOUT)
        .expect("fake server report");
    assert_eq!(said.last().map(String::as_str), Some("QUIT"), "{said:?}");
}

/// Ctrl-C against the real server: the game is forfeited by QUIT (not by a
/// dropped connection), the client shows the server's goodbye, exit 130.
#[test]
fn ctrl_c_forfeits_by_quit_and_shows_the_goodbye() {
    let server = Server::start(&[]);
    let mut client = Client::start(server.port, &[("TTT_NAME", "cli")]);
    client.wait_for("Waiting for an opponent");
    let mut peer = server.join("raw");
    peer.expect("START O cli");
    client.wait_for(" 7 | 8 | 9");
    client.interrupt();
    let (code, out, _) = client.finish();
    assert_eq!(code, 130, "{out}");
    assert!(out.contains("You left; raw wins by forfeit."), "{out}");
    peer.expect("BOARD ......... X");
    peer.expect("BOARD ......... -");
    peer.expect("RESULT WIN FORFEIT QUIT");
}

/// A move the server does not answer is reported on screen after the
/// answer notice (here 200 ms), and the client keeps waiting.
#[test]
fn an_unanswered_move_is_reported() {
    let (port, _) = silent_after_start();
    let mut client = Client::start(port, &[("TTT_ANSWER_NOTICE", "200ms")]);
    client.wait_for(" 7 | 8 | 9");
    client.type_in("5\n");
    client.wait_for("No answer from the server for 0.2 s; it may be gone");
}

/// A piped client that won by forfeit is put back in line by the server;
/// its script has ended, so it leaves instead of waiting for another game.
#[test]
fn a_script_that_ended_leaves_when_put_back_in_line() {
    let server = Server::start(&[]);
    let (client, peer) = client_vs_peer(&server, "5\n");
    drop(peer);
    let (code, out, stderr) = client.finish();
    assert_eq!(code, 0, "{stderr}");
    assert!(out.contains("You win: raw disconnected."), "{out}");
    assert!(out.contains("Waiting for your next opponent"), "{out}");
    assert!(out.contains("End of input: leaving."), "{out}");
}

/// The real client plays the computer through the real server: asked for
/// with `--computer perfect`, it plays a whole game (its script tries every
/// cell in turn; the server refuses the taken ones), and perfect does not
/// lose. The client shows only what the server decided.
#[test]
fn the_client_plays_the_computer() {
    let server = Server::start(&["--computer-pause", "0"]);
    let script = "1\n2\n3\n4\n5\n6\n7\n8\n9\nn\n";
    let mut client = Client::start(
        server.port,
        &[("TTT_NAME", "cli"), ("TTT_COMPUTER", "perfect")],
    );
    client.type_in(script);
    client.close_stdin();
    let (code, out, stderr) = client.finish();
    assert_eq!(code, 0, "{stderr}");
    assert!(
        out.contains("Game on against computer-perfect: you are X"),
        "{out}"
    );
    assert!(out.contains("computer-perfect took "), "{out}");
    assert!(
        out.contains("You lose: computer-perfect got three in a row") || out.contains("It's a tie"),
        "{out}"
    );
    assert!(out.contains("You declined the rematch."), "{out}");
}
