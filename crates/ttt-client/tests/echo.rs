//! The lesson's echo pair: the echo-server and echo-client examples, run as
//! real processes on 127.0.0.1 port 0.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use ttt_test_support::binary;

/// The echo server on 127.0.0.1:0, killed when dropped.
struct EchoServer {
    child: Child,
    stdout: BufReader<ChildStdout>,
    port: u16,
}

impl EchoServer {
    fn start() -> EchoServer {
        let mut child = Command::new(binary("ttt-server", "examples/echo-server"))
            .env("BIND", "127.0.0.1")
            .env("PORT", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start echo-server");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let line = next_line(&mut stdout);
        let port = line
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("port in first line");
        EchoServer {
            child,
            stdout,
            port,
        }
    }

    /// The server's next log line.
    fn log_line(&mut self) -> String {
        next_line(&mut self.stdout)
    }
}

impl Drop for EchoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn next_line(reader: &mut impl BufRead) -> String {
    let mut line = String::new();
    reader.read_line(&mut line).expect("read a line");
    line.trim_end().to_owned()
}

/// Starts an echo client with stdin piped.
fn echo_client(port: u16) -> Child {
    Command::new(binary("ttt-client", "examples/echo-client"))
        .env("HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start echo-client")
}

/// Waits for a process, failing the test after ten seconds.
fn finish(mut child: Child) -> Output {
    let deadline = Instant::now() + Duration::from_secs(10);
    while matches!(child.try_wait(), Ok(None)) {
        assert!(Instant::now() < deadline, "process did not exit");
        thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("collect output")
}

/// A client's lines come back, and it exits cleanly on end of input.
#[test]
fn lines_come_back_and_eof_exits_cleanly() {
    let mut server = EchoServer::start();
    let mut client = echo_client(server.port);
    let mut stdin = client.stdin.take().expect("stdin");
    stdin.write_all(b"hello\nsockets\n").expect("write");
    drop(stdin);
    let out = finish(client);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hello\nsockets\n");
    assert!(server.log_line().ends_with(" connected"));
    assert!(server.log_line().ends_with(" disconnected"));
}

/// One connection at a time: a second client is served only after the first leaves.
#[test]
fn second_client_is_served_after_the_first_leaves() {
    let mut server = EchoServer::start();
    let mut first = echo_client(server.port);
    let mut first_in = first.stdin.take().expect("stdin");
    first_in.write_all(b"one\n").expect("write");
    let mut first_out = BufReader::new(first.stdout.take().expect("stdout"));
    assert_eq!(next_line(&mut first_out), "one");

    let mut second = echo_client(server.port);
    let mut second_in = second.stdin.take().expect("stdin");
    second_in.write_all(b"two\n").expect("write");
    let mut second_out = BufReader::new(second.stdout.take().expect("stdout"));
    // The second client is connected (backlog) but gets no echo yet.
    let (tx, rx) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(next_line(&mut second_out));
    });
    assert!(
        rx.recv_timeout(Duration::from_millis(300)).is_err(),
        "served while the first was connected"
    );

    drop(first_in);
    assert!(finish(first).status.success());
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(5))
            .expect("echo after the first left"),
        "two"
    );
    drop(second_in);
    assert!(finish(second).status.success());
    let log: Vec<String> = (0..4).map(|_| server.log_line()).collect();
    assert!(
        log[0].ends_with(" connected") && log[1].ends_with(" disconnected"),
        "{log:?}"
    );
    assert!(
        log[2].ends_with(" connected") && log[3].ends_with(" disconnected"),
        "{log:?}"
    );
}

/// A client whose server goes away says so in one line.
#[test]
fn server_going_away_is_one_line() {
    let server = EchoServer::start();
    let port = server.port;
    let mut client = echo_client(port);
    let mut stdin = client.stdin.take().expect("stdin");
    stdin.write_all(b"first\n").expect("write");
    let mut out = BufReader::new(client.stdout.take().expect("stdout"));
    assert_eq!(next_line(&mut out), "first");
    drop(server);
    let _ = stdin.write_all(b"second\n");
    drop(stdin);
    let output = finish(client);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: server went away"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1);
}
