//! The web port (`--web`): the page over HTTP, and the game over a
//! WebSocket, against the real binary on loopback. The harness speaks
//! WebSocket through tungstenite's client; hostile frames are written by
//! hand on a raw socket.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use ttt_test_support::Server;
use tungstenite::{Message, WebSocket};

const TIMEOUT: Duration = Duration::from_secs(5);

fn web_server() -> (Server, u16) {
    let server = Server::start(&["--web", "0"]);
    let port = server.web_port.expect("a web port");
    (server, port)
}

fn raw(port: u16) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the web port");
    stream.set_read_timeout(Some(TIMEOUT)).expect("timeout");
    stream
}

/// Everything the server sends until it closes.
fn read_all(mut stream: TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    let _ = stream.read_to_end(&mut got);
    got
}

fn get(port: u16, path: &str) -> String {
    let mut stream = raw(port);
    write!(stream, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").expect("write");
    String::from_utf8_lossy(&read_all(stream)).into_owned()
}

/// A WebSocket player, with the server's greeting read.
struct Player(WebSocket<TcpStream>);

impl Player {
    fn connect(port: u16) -> Player {
        let stream = raw(port);
        let url = format!("ws://127.0.0.1:{port}/ws");
        let (ws, _) = tungstenite::client(url, stream).expect("upgrade");
        let mut player = Player(ws);
        assert!(player.next().starts_with("WELCOME 1 "));
        player
    }

    /// Says hello as `name` at an empty table, and reads the answers.
    fn first(port: u16, name: &str) -> Player {
        let mut player = Player::connect(port);
        player.send(&format!("HELLO 2 {name}"));
        player.expect(&format!("HELLO 2 {name}"));
        player.expect("WAIT 1 OPEN");
        player
    }

    fn send(&mut self, line: &str) {
        self.0.send(Message::text(line)).expect("send");
    }

    /// The next text message; panics on anything else.
    fn next(&mut self) -> String {
        loop {
            match self.0.read().expect("a message") {
                Message::Text(text) => return text.as_str().to_owned(),
                Message::Ping(_) | Message::Pong(_) => {}
                other => panic!("not a line: {other:?}"),
            }
        }
    }

    fn expect(&mut self, line: &str) {
        assert_eq!(self.next(), line);
    }

    /// Reads until the server closes; returns the lines read.
    fn until_closed(&mut self) -> Vec<String> {
        let deadline = Instant::now() + TIMEOUT;
        let mut lines = Vec::new();
        while Instant::now() < deadline {
            match self.0.read() {
                Ok(Message::Text(text)) => lines.push(text.as_str().to_owned()),
                Ok(_) => {}
                Err(_) => return lines,
            }
        }
        panic!("the server did not close; read {lines:?}");
    }
}

#[test]
fn the_page_is_served_and_nothing_else() {
    let (_server, port) = web_server();
    let page = get(port, "/");
    assert!(page.starts_with("HTTP/1.1 200 OK\r\n"), "{page}");
    assert!(page.contains("<label for=\"name\">Your name</label>"));
    assert!(page.contains("connect-src 'self'"));
    for path in [
        "/Cargo.toml",
        "/../../etc/passwd",
        "/page/index.html",
        "/src/web.rs",
    ] {
        assert!(
            get(port, path).starts_with("HTTP/1.1 404 Not Found\r\n"),
            "{path}"
        );
    }
}

#[test]
fn two_browsers_play_a_whole_game_in_text_messages() {
    let (_server, port) = web_server();
    let mut ann = Player::first(port, "ann");
    let mut bob = Player::connect(port);
    bob.send("HELLO 2 bob");
    bob.expect("HELLO 2 bob");
    ann.expect("START X bob 120");
    bob.expect("START O ann 120");
    ann.expect("BOARD ......... X - 120");
    bob.expect("BOARD ......... X - 120");
    for (i, (mover, cell)) in [(0, 1), (1, 4), (0, 2), (1, 5), (0, 3)].iter().enumerate() {
        let player = if *mover == 0 { &mut ann } else { &mut bob };
        player.send(&cell.to_string());
        let a = ann.next();
        let b = bob.next();
        assert_eq!(a, b, "move {i}");
        assert!(a.starts_with("BOARD "), "{a}");
    }
    ann.expect("RESULT WIN LINE 1 2 3");
    bob.expect("RESULT LOSE LINE 1 2 3");
}

#[test]
fn a_browser_and_a_tcp_client_share_one_lobby() {
    let (server, port) = web_server();
    let mut ann = Player::first(port, "ann");
    let mut bob = server.join("bob");
    ann.expect("START X bob 120");
    bob.expect("START O ann");
}

#[test]
fn binary_and_oversized_messages_are_refused_then_closed() {
    let (_server, port) = web_server();
    let mut a = Player::connect(port);
    a.0.send(Message::binary(vec![1, 2, 3])).expect("send");
    let lines = a.until_closed();
    assert!(lines.iter().any(|l| l.starts_with("ERR UTF8")), "{lines:?}");
    let mut b = Player::connect(port);
    // tungstenite's client does not cap what it sends.
    let _ = b.0.send(Message::text("x".repeat(600)));
    let lines = b.until_closed();
    assert!(
        lines.iter().any(|l| l.starts_with("ERR TOOLONG")),
        "{lines:?}"
    );
}

/// Upgrades a raw socket by hand, reading the 101 answer and the greeting.
fn raw_upgraded(port: u16) -> TcpStream {
    let mut stream = raw(port);
    stream
        .write_all(
            b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
              Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        )
        .expect("write");
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).expect("the 101 answer");
        head.push(byte[0]);
    }
    assert!(head.starts_with(b"HTTP/1.1 101 "));
    stream
}

/// Any other site a player visits cannot open game connections from
/// their browser: an upgrade whose `Origin` is not the page's own is
/// refused with 403, and never reaches the lobby; the page's own is not.
#[test]
fn a_page_from_elsewhere_cannot_open_the_socket() {
    let (_server, port) = web_server();
    let ask = |origin: &str| {
        let mut stream = raw(port);
        write!(
            stream,
            "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {origin}\r\n\
             Upgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        .expect("write");
        let mut head = [0u8; 32];
        let n = stream.read(&mut head).unwrap_or(0);
        String::from_utf8_lossy(&head[..n]).into_owned()
    };
    assert!(ask("http://evil.example").starts_with("HTTP/1.1 403 Forbidden"));
    assert!(ask(&format!("http://127.0.0.1:{}", port ^ 1)).starts_with("HTTP/1.1 403 "));
    assert!(ask(&format!("http://127.0.0.1:{port}")).starts_with("HTTP/1.1 101 "));
}

#[test]
fn an_unmasked_frame_ends_the_connection() {
    let (_server, port) = web_server();
    let mut stream = raw_upgraded(port);
    // "HELLO 2 ann" as a text frame, but unmasked: only a server may.
    let mut frame = vec![0x81, 11];
    frame.extend_from_slice(b"HELLO 2 ann");
    stream.write_all(&frame).expect("write");
    let mut rest = Vec::new();
    stream
        .read_to_end(&mut rest)
        .expect("the server closes the connection");
    assert!(
        !String::from_utf8_lossy(&rest).contains("HELLO 2 ann"),
        "an unmasked frame was read as a line"
    );
}

#[test]
fn a_flood_of_fragments_is_cut_at_one_line() {
    let (_server, port) = web_server();
    let mut stream = raw_upgraded(port);
    // Continuation fragments of 100 bytes, never finished.
    let mask = [1u8, 2, 3, 4];
    let mut sent = 0;
    for i in 0..100 {
        let opcode = if i == 0 { 0x01 } else { 0x00 };
        let mut frame = vec![opcode, 0x80 | 100];
        frame.extend_from_slice(&mask);
        frame.extend((0..100).map(|j| b'a' ^ mask[j % 4]));
        if stream.write_all(&frame).is_err() {
            break;
        }
        sent += 100;
    }
    let rest = String::from_utf8_lossy(&read_all(stream)).into_owned();
    assert!(rest.contains("ERR TOOLONG"), "after {sent} bytes: {rest:?}");
}

#[test]
fn unfinished_requests_from_one_machine_are_capped() {
    let (_server, port) = web_server();
    // Nine requests that never end: the first is closed for the ninth.
    let mut first = raw(port);
    first.write_all(b"GET / HTTP/1.1\r\n").expect("write");
    std::thread::sleep(Duration::from_millis(50));
    let others: Vec<TcpStream> = (0..8)
        .map(|_| {
            let mut s = raw(port);
            s.write_all(b"GET / HTTP/1.1\r\n").expect("write");
            s
        })
        .collect();
    let mut buf = [0u8; 16];
    let started = Instant::now();
    let n = first.read(&mut buf).unwrap_or(0);
    assert_eq!(n, 0, "the oldest unfinished request was not closed");
    assert!(started.elapsed() < Duration::from_secs(2));
    // The page is still served to someone who asks properly.
    assert!(get(port, "/").starts_with("HTTP/1.1 200 OK"));
    drop(others);
}

/// The web port makes room as the game port does: a stream of silent
/// connections from a hundred addresses, each connecting again and again,
/// pushes out its own unfinished requests, not an honest browser's among
/// them (issue 29: the oldest request in all was closed, whoever's).
#[test]
fn a_stream_from_many_addresses_pushes_out_its_own_requests() {
    let (_server, port) = web_server();
    let flood_round = |flood: &mut Vec<TcpStream>| {
        for last in 1..=100u8 {
            let ip = std::net::Ipv4Addr::new(127, 0, 3, last);
            if let Ok(stream) = ttt_test_support::connect_from(ip, port) {
                flood.push(stream);
            }
        }
    };
    let mut flood = Vec::new();
    flood_round(&mut flood);
    let mut honest = ttt_test_support::connect_from(std::net::Ipv4Addr::new(127, 0, 2, 1), port)
        .expect("connect");
    honest.set_read_timeout(Some(TIMEOUT)).expect("timeout");
    honest
        .write_all(b"GET /ws HTTP/1.1\r\nHost: x\r\n")
        .expect("write");
    std::thread::sleep(Duration::from_millis(50));
    flood_round(&mut flood);
    flood_round(&mut flood);
    // Every flood connection has been accepted meanwhile.
    std::thread::sleep(Duration::from_millis(200));
    honest
        .write_all(
            b"Upgrade: websocket\r\nConnection: Upgrade\r\n\
              Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        )
        .expect("write");
    let mut head = [0u8; 32];
    let n = honest.read(&mut head).unwrap_or(0);
    let head = String::from_utf8_lossy(&head[..n]).into_owned();
    assert!(head.starts_with("HTTP/1.1 101 "), "{head:?}");
    drop(flood);
}

/// `payload` (under 126 bytes) as one masked text frame, as a browser
/// sends one, whether or not it is UTF-8.
fn masked_text(payload: &[u8]) -> Vec<u8> {
    let mask = [7u8, 1, 9, 3];
    let mut frame = vec![0x81, 0x80 | payload.len() as u8];
    frame.extend_from_slice(&mask);
    frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    frame
}

/// A browser that stops answering is pinged after a third of the liveness
/// bound, and counted as gone at the bound: its opponent wins by
/// `DISCONNECT`. A browser that answers pings (any does, by itself) stays
/// however long it says nothing.
#[test]
fn a_browser_that_stops_answering_pings_is_gone() {
    let server = Server::start(&["--web", "0", "--liveness", "0.9"]);
    let port = server.web_port.expect("a web port");
    // sam says hello, then reads nothing and answers nothing.
    let mut sam = raw_upgraded(port);
    sam.write_all(&masked_text(b"HELLO 2 sam")).expect("write");
    let mut quinn = Player::connect(port);
    quinn.send("HELLO 2 quinn stay");
    quinn.expect("HELLO 2 quinn stay");
    quinn.expect("START O sam 120");
    let started = Instant::now();
    assert!(quinn.next().starts_with("BOARD ......... X"));
    assert_eq!(quinn.next(), "BOARD ......... - - -");
    assert_eq!(quinn.next(), "RESULT WIN FORFEIT DISCONNECT");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(800) && took < Duration::from_secs(3),
        "sam was given up on after {took:?}, for a bound of 0.9 s"
    );
    let got = read_all(sam);
    assert!(
        got.windows(2).any(|w| w == [0x89, 0x00]),
        "sam was never pinged: {got:?}"
    );
    while !quinn.next().starts_with("WAIT") {}
    // Quiet for over twice the bound, answering pings as it reads.
    quinn
        .0
        .get_mut()
        .set_read_timeout(Some(Duration::from_millis(100)))
        .expect("timeout");
    let quiet_until = Instant::now() + Duration::from_secs(2);
    while Instant::now() < quiet_until {
        match quinn.0.read() {
            Ok(Message::Text(text)) => panic!("quinn was told {text:?}"),
            Ok(_) => {}
            Err(tungstenite::Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("quinn was dropped: {e}"),
        }
    }
    quinn
        .0
        .get_mut()
        .set_read_timeout(Some(TIMEOUT))
        .expect("timeout");
    let _tess = server.join("tess");
    assert!(quinn.next().starts_with("START X tess"));
}

/// A slow upgrade (a byte every 100 ms) and a silent connection are both
/// closed when the request time is up: 10 s, or the handshake timeout if
/// shorter (here 0.5 s), however much of the request has come.
#[test]
fn a_slow_upgrade_is_closed_when_the_request_time_is_up() {
    let server = Server::start(&["--web", "0", "--handshake-timeout", "0.5"]);
    let port = server.web_port.expect("a web port");
    let silent = raw(port);
    let mut slow = raw(port);
    let started = Instant::now();
    let request = b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
    let mut cut = false;
    for byte in request.iter().cycle().take(40) {
        if slow.write_all(&[*byte]).is_err() {
            cut = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let took = started.elapsed();
    assert!(cut, "still open after {took:?}");
    assert!(
        took >= Duration::from_millis(400) && took < Duration::from_secs(3),
        "cut after {took:?}, for 0.5 s"
    );
    assert!(read_all(slow).is_empty(), "a slow request was answered");
    assert!(
        read_all(silent).is_empty(),
        "a silent connection was answered"
    );
}

/// A text message that is not UTF-8 is refused as such a line is.
#[test]
fn a_text_message_that_is_not_utf8_is_refused() {
    let (_server, port) = web_server();
    let mut stream = raw_upgraded(port);
    stream.write_all(&masked_text(b"ab\xffcd")).expect("write");
    let rest = String::from_utf8_lossy(&read_all(stream)).into_owned();
    assert!(rest.contains("ERR UTF8"), "{rest:?}");
}
