//! The lesson's game server, the blocking way: the echo server's shape,
//! taken to tic-tac-toe. Read it top to bottom, run it, and watch one silent
//! client hold everyone up; then run `ttt-server`, which does not.
//!
//! ```sh
//! cargo run -p ttt-server --example blocking-server
//! ```
//!
//! One game at a time, one thread, blocking calls only:
//!
//! 1. `accept` a connection, say `WELCOME`, and wait for its `HELLO`;
//! 2. `accept` the next, and wait for its `HELLO`;
//! 3. play: read a line from the player whose turn it is, and only from
//!    them, until the game is over; then start again at 1.
//!
//! Every step blocks, so while it waits for one client nobody else is
//! served: a client that connects and says nothing holds the next one in
//! the listen backlog (connected, but with no `WELCOME`) for the whole
//! handshake limit. That is the cost the real server's poll loop removes
//! (docs/BLOCKING-IO.md). The rules are not written again here: the table
//! is `ttt_rules::Table`, the one the real server uses, and every line is
//! spelled by the real server's version 1 encoder, so `ttt-client` and
//! `nc` can play it. It keeps the real bounds that cost nothing: 512-byte
//! lines (`LineReader`), the handshake limit, the turn clock.
//!
//! Settings come from the environment or `.env`, like the echo pair's:
//! `BIND` (default all interfaces), `PORT` (1234), `HANDSHAKE_TIMEOUT`
//! (seconds to say `HELLO`, 10) and `TURN_TIMEOUT` (seconds per move, 120).

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use ttt_protocol::{ClientMsg, LineReader, Name, Place, ServerMsg, Text, Version, write_message};
use ttt_rules::{Event, Gone, Phase, Say, Seat, Table, TableSettings};
use ttt_server::{Closing, Refused, Tell, Wire};

/// Prints a line of the server's log to stdout, as `println!` does, but a
/// closed stdout (`blocking-server | head -1`) does not stop the server.
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

fn main() -> ExitCode {
    if let Err(line) = ttt_cli::load_dotenv() {
        eprintln!("error: {line}");
        return ExitCode::from(2);
    }
    let settings = (
        ttt_cli::env_setting("BIND", IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        ttt_cli::env_setting("PORT", 1234u16),
        ttt_cli::env_setting("HANDSHAKE_TIMEOUT", 10u64),
        ttt_cli::env_setting("TURN_TIMEOUT", 120u64),
    );
    let (bind, port, handshake, turn) = match settings {
        (Ok(bind), Ok(port), Ok(handshake), Ok(turn)) => (bind, port, handshake, turn),
        (Err(line), ..) | (_, Err(line), ..) | (.., Err(line), _) | (.., Err(line)) => {
            eprintln!("error: {line}");
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind(SocketAddr::new(bind, port)) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {bind}:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(addr) => note!("blocking-server listening on {addr}"),
        Err(e) => eprintln!("warning: cannot read the listening address: {e}"),
    }
    let handshake = Duration::from_secs(handshake.max(1));
    let table = TableSettings {
        turn_timeout: (turn > 0).then(|| Duration::from_secs(turn)),
    };
    loop {
        // Steps 1 and 2: two players, one after the other. While we wait
        // in `greet` for one of them, the next connection waits unaccepted.
        let Some(first) = greet(&listener, handshake) else {
            continue;
        };
        note!("{} waits for an opponent", first.name);
        let second = loop {
            if let Some(player) = greet(&listener, handshake) {
                break player;
            }
        };
        // Step 3: one game (and its rematches), then the next pair.
        play([first, second], table);
    }
}

/// A player: their name, the lines they send, and where to write to them.
struct Player {
    name: Name,
    lines: LineReader<TcpStream>,
    out: TcpStream,
}

impl Player {
    /// Writes what the table or the server says, as version 1 spells it.
    /// A failed write is not an error here: the next read finds the peer
    /// gone, and the table hears it then.
    fn tell(&mut self, tell: &Tell) {
        if let Some(msg) = Wire::V1.message(tell) {
            let _ = write_message(&mut self.out, &msg);
        }
    }
}

/// Accepts one connection and waits for its `HELLO`: `None` if it never
/// came (silence for the handshake limit, a wrong version, a closed
/// connection). Both calls block: `accept` until someone connects, and the
/// reads until they say something or the limit runs out.
fn greet(listener: &TcpListener, limit: Duration) -> Option<Player> {
    let (stream, peer) = listener.accept().ok()?;
    // Each message must leave at once: no waiting for more to send.
    let _ = stream.set_nodelay(true);
    let mut out = stream.try_clone().ok()?;
    let mut lines = LineReader::new(stream);
    // The real server's greeting offers `play <name>` to people; this one
    // speaks only the protocol, which a person can type too.
    let welcome = ServerMsg::Welcome {
        version: Version::V1.into(),
        text: Text::new("blocking-server; to play, type: hello 1 <your-name>"),
    };
    let _ = write_message(&mut out, &welcome);
    let mut say = |tell: &Tell| {
        if let Some(msg) = Wire::V1.message(tell) {
            let _ = write_message(&mut out, &msg);
        }
    };
    note!("{peer} connected");
    let deadline = Instant::now() + limit;
    loop {
        // The limit is for the whole handshake: a client that trickles a
        // byte at a time does not get a new limit with every byte.
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || lines.get_mut().set_read_timeout(Some(left)).is_err() {
            say(&Tell::Closing(Closing::TimedOut { limit }));
            note!("{peer}: no HELLO within {limit:?}; next");
            return None;
        }
        let line = match lines.read_line() {
            Ok(Some(line)) => line.to_owned(),
            Err(ttt_protocol::FrameError::Io(e)) if timed_out(&e) => continue,
            // Closed, too long, not UTF-8: this one is gone.
            Ok(None) | Err(_) => return None,
        };
        match line.parse::<ClientMsg>() {
            Ok(ClientMsg::Hello { version, name, .. }) => {
                if version.known() != Some(Version::V1) {
                    // Version 2 is the real server's; this one speaks 1.
                    let client = version.to_string();
                    say(&Tell::Closing(Closing::NoProto { client }));
                    return None;
                }
                let _ = lines.get_mut().set_read_timeout(None);
                let place = Place {
                    place: 1,
                    game_on: false,
                };
                say(&Tell::Wait {
                    place,
                    computer: false,
                });
                let out = lines.get_ref().try_clone().ok()?;
                return Some(Player { name, lines, out });
            }
            Ok(ClientMsg::Quit) => return None,
            Ok(_) => say(&Tell::Refused(Refused::NotGreeted)),
            Err(e) => say(&Tell::Refused(Refused::Parse(e))),
        }
    }
}

/// Plays a game, and rematches while both want them. Only the player whose
/// turn it is gets read: what the other sends meanwhile (a `QUIT`, say)
/// waits in the kernel until their turn, the second cost of blocking.
fn play(mut players: [Player; 2], settings: TableSettings) {
    let names = [players[0].name.clone(), players[1].name.clone()];
    note!("{} (X) vs {} (O)", names[0], names[1]);
    let (mut table, said) = Table::open(names, Seat::First, settings, Instant::now());
    tell_all(&mut players, said);
    loop {
        let reading = match table.phase() {
            Phase::Playing { mover } => mover,
            // Blocking, the answers are read in seat order: the second
            // seat's waits for the first seat's.
            Phase::Rematch if table.rematch_answer(Seat::First).is_none() => Seat::First,
            Phase::Rematch => Seat::Second,
            Phase::Over { .. } => return,
        };
        let player = &mut players[reading.index()];
        // The read blocks until a line arrives or the table's next deadline
        // (a clock warning, the turn's end): then time has passed.
        let wait = table
            .next_deadline()
            .map(|due| due.saturating_duration_since(Instant::now()));
        let event = if wait.is_some_and(|w| w.is_zero()) {
            None
        } else {
            let _ = player
                .lines
                .get_mut()
                .set_read_timeout(wait.map(|w| w.max(Duration::from_millis(1))));
            match player.lines.read_line() {
                Ok(Some(line)) => match line.parse::<ClientMsg>() {
                    Ok(ClientMsg::Move(cell)) => Some(Event::Move(cell)),
                    Ok(ClientMsg::Rematch(yes)) => Some(Event::Rematch(yes)),
                    Ok(ClientMsg::Quit) => Some(Event::Quit),
                    Ok(ClientMsg::Hello { .. } | ClientMsg::Play { .. }) => {
                        player.tell(&Tell::Refused(Refused::AlreadyGreeted));
                        continue;
                    }
                    // Version 1 has none of these: an unknown message here.
                    Ok(
                        msg @ (ClientMsg::Computer(_) | ClientMsg::Watch(_) | ClientMsg::Resume(_)),
                    ) => {
                        let word = msg.to_string();
                        let word = word.split(' ').next().unwrap_or_default();
                        let unknown = ttt_protocol::ParseError::UnknownKeyword(word.into());
                        player.tell(&Tell::Refused(Refused::Parse(unknown)));
                        continue;
                    }
                    Err(e) => {
                        player.tell(&Tell::Refused(Refused::Parse(e)));
                        continue;
                    }
                },
                Err(ttt_protocol::FrameError::Io(e)) if timed_out(&e) => None,
                Ok(None) | Err(_) => Some(Event::Left(Gone::Disconnected)),
            }
        };
        let said = match event {
            None => table.tick(Instant::now()),
            Some(event) => match table.handle(reading, event, Instant::now()) {
                Ok(said) => said,
                Err(refusal) => {
                    player.tell(&Tell::Refused(Refused::Table(refusal)));
                    continue;
                }
            },
        };
        tell_all(&mut players, said);
    }
}

/// Sends what the table said to each seat.
fn tell_all(players: &mut [Player; 2], said: Vec<(Seat, Say)>) {
    for (seat, say) in said {
        players[seat.index()].tell(&Tell::Say(say));
    }
}

/// Whether a read gave up because its timeout passed (`WouldBlock` on
/// Unix, `TimedOut` on Windows).
fn timed_out(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}
