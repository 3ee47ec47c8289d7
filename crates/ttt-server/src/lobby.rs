//! The lobby: every connection's life from accept to close, as a state
//! machine with time passed in.
//!
//! A connection is greeted at once (`WELCOME`) and then is, in turn:
//!
//! 1. **greeting**: waiting for its `HELLO`, under the handshake deadline.
//!    Any number greet at once, so a silent or trickling connection costs
//!    the others nothing. Their number is capped ([`MAX_PENDING`],
//!    [`MAX_PENDING_PER_ADDR`], counted by [`Machine`]): when a new
//!    connection would pass a cap, one still greeting is closed with
//!    `ERR TIMEOUT` to make room: the oldest from the newcomer's machine for
//!    the per-machine cap, otherwise the oldest from the machine that holds
//!    the most ([`Crowd::to_evict`]). A newcomer is never refused for
//!    others' silence, so a flood of silent connections cannot keep a
//!    player out, and one that comes from many addresses cannot aim at one.
//! 2. **queued**: said hello, waiting to play, in the order of their
//!    `HELLO`s. The first two are paired as soon as the table is free.
//! 3. **seated** at the one table ([`ttt_rules::Table`]), which decides the
//!    games. While others are queued, the table does not offer rematches:
//!    winner stays on, and the loser makes way. After a forfeit the player
//!    left behind stays on too: they play the next in line, or go back to
//!    the front of the queue.
//! 4. **asked** (feature `stay`, and people): having made way for the next
//!    in line, whether to join the back of the line again.
//!
//! Nobody is sent away who did not ask, where the client can be told so
//! (feature `stay`, and people): a player whose opponent declines or leaves
//! goes back to the front of the line, and one who makes way is asked to
//! join its back. A version 1 client, or one that did not ask for `stay`,
//! keeps the flows it always had (a `BYE`).
//!
//! One [`Policy`] per connection counts refused messages and blank lines
//! through it all. The handshake also settles who the connection is
//! ([`Speaker`]): a program (protocol 1 or 2), or a person (`play <name>`);
//! the lobby says what to tell ([`Tell`]), and the driver's dialect for the
//! connection says how. The lobby never touches a socket: the driver feeds
//! it lines and departures, passes the time, and carries out what it
//! returns ([`Out`]).

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ttt_protocol::{ClientMsg, Feature, Level, Name, Outcome, ParseError, Place, Version};
use ttt_rules::{Event, Farewell, Gone, Phase, Refusal, Said, Say, Seat, Table, TableSettings};

use crate::computer::{Computer, ComputerSettings};
use crate::machine::{Arrivals, Crowd, Machine};
use crate::policy::{Cut, Policy};
use crate::speech::Speaker;
use crate::tell::{Broken, Closing, Refused, Tell};
use crate::wire::Wire;

/// Connections greeting at once, from all addresses. Beyond it, the oldest
/// is closed to make room. An honest client says hello within a round trip,
/// so this many newer connections would have to arrive within that time to
/// push one out; a file descriptor per pending connection is the cost.
pub const MAX_PENDING: usize = 64;

/// Connections greeting at once from one machine (an IPv4 address, or an
/// IPv6 /64): one machine cannot hold more than this share of
/// [`MAX_PENDING`].
pub const MAX_PENDING_PER_ADDR: usize = 8;

/// Players queued for the table. Beyond it, a `HELLO` is answered with
/// `BYE`: room for a LAN party, not for a flood of names.
pub const MAX_QUEUE: usize = 32;

/// Players queued from one machine (an IPv4 address, or an IPv6 /64).
pub const MAX_QUEUED_PER_ADDR: usize = 8;

/// The prefix of the computer opponent's names (`computer-perfect`): kept
/// for it, so that nobody can pass for it.
pub const COMPUTER_PREFIX: &str = "computer-";

/// Identifies a connection for as long as the server runs; never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

/// What the driver must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Out {
    /// Tell this connection this, in its dialect.
    Send(ConnId, Tell),
    /// The handshake says who this connection is: speak to it so from now
    /// on (the next [`Out::Send`] already in its dialect).
    Speak(ConnId, Speaker),
    /// Close this connection once what was sent before has gone out. The
    /// lobby has forgotten it.
    Close(ConnId),
    /// Close this connection, which never said hello and was pushed out to
    /// make room: as [`Out::Close`] where that costs nothing, but at once
    /// (a reset, its last line unsent) when its machine already has as many
    /// closes lingering as it may. Only a flooding machine gets this.
    Evict(ConnId),
}

/// How the lobby is timed, and what it offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LobbySettings {
    /// Time to say `HELLO`; `None`: no limit.
    pub handshake_timeout: Option<Duration>,
    /// The table's clock (also the time to answer the lobby's question).
    pub table: TableSettings,
    /// The computer opponent; `None`: humans only.
    pub computer: Option<ComputerSettings>,
}

/// A summary of the lobby, for logs and displays: one place that knows
/// whether the server is open, who waits, whether a game is on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Status {
    /// Connections still greeting.
    pub greeting: usize,
    /// Names queued for the table, first in line first.
    pub queued: Vec<Name>,
    /// The two names at the table, if a game is on.
    pub playing: Option<[Name; 2]>,
}

/// Every connection the server has, and the table.
#[derive(Debug)]
pub struct Lobby {
    settings: LobbySettings,
    conns: HashMap<ConnId, Conn>,
    /// Connections greeting, oldest first (so also by deadline).
    greeting: VecDeque<ConnId>,
    /// The same connections, by machine: who makes room when a cap is hit.
    greeters: Crowd<ConnId>,
    /// How often each machine connected lately: between machines holding
    /// equally many greeting slots, the busiest makes room.
    arrivals: Arrivals,
    /// Greeting connections closed to make room, since last asked.
    evicted: usize,
    /// The last time the lobby was told, for [`Lobby::make_room`].
    now: Instant,
    /// Players waiting to play, first in line first.
    queue: VecDeque<(ConnId, Name)>,
    /// Players asked whether to join the line again, and until when.
    asked: Vec<(ConnId, Option<Instant>)>,
    table: Option<Sitting>,
    /// Tables opened so far, for logs.
    tables: u64,
    out: Vec<Out>,
}

#[derive(Debug)]
struct Conn {
    peer: SocketAddr,
    since: Instant,
    stage: Stage,
    policy: Policy,
    kind: Kind,
    /// The place in line last told, while queued.
    told: Option<Place>,
    /// At the table, the number waiting for it last told (`LINE`).
    line_told: Option<usize>,
    /// May ask for the computer (`COMPUTER`): granted the feature, or a
    /// person, on a server that has one.
    computer: bool,
    /// A person typed `q` in a game and is asked to confirm.
    confirming: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Stage {
    Greeting,
    Queued,
    Seated(Seat),
    /// Asked whether to join the back of the line, as `name`.
    Asked(Name),
}

/// Who a connection is, as far as the lobby's rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Not said hello yet.
    Unsettled,
    /// A program.
    Program(Wire),
    /// A person.
    Person,
}

impl Kind {
    /// Kept in the game rather than sent away (feature `stay`, people).
    fn stays(self) -> bool {
        match self {
            Kind::Program(wire) => wire.stay,
            Kind::Person => true,
            Kind::Unsettled => false,
        }
    }

    /// Told every new place in line. Version 1 has only a bare `WAIT`,
    /// said once each time a player starts waiting.
    fn follows_the_line(self) -> bool {
        match self {
            Kind::Program(wire) => wire.version.has_v2(),
            Kind::Person => true,
            Kind::Unsettled => false,
        }
    }
}

#[derive(Debug)]
struct Sitting {
    table: Table,
    /// Each seat's connection; `None` for the computer's.
    seats: [Option<ConnId>; 2],
    /// The computer, at a game against it.
    computer: Option<(Seat, Computer)>,
    /// Why each seat leaves, once the table told it.
    farewells: [Option<Farewell>; 2],
    number: u64,
}

impl Lobby {
    /// An empty lobby.
    pub fn new(settings: LobbySettings) -> Lobby {
        let now = Instant::now();
        Lobby {
            settings,
            conns: HashMap::new(),
            greeting: VecDeque::new(),
            greeters: Crowd::new(),
            arrivals: Arrivals::new(now),
            evicted: 0,
            now,
            queue: VecDeque::new(),
            asked: Vec::new(),
            table: None,
            tables: 0,
            out: Vec::new(),
        }
    }

    /// What the driver must do now, in order; empties the list. Players
    /// whose place in line changed are told first, so every step that moves
    /// the line (a hello, a departure, a game's end) tells them once; the
    /// players at the table who follow the line are told too.
    pub fn take_out(&mut self) -> Vec<Out> {
        self.tell_places();
        self.tell_line();
        std::mem::take(&mut self.out)
    }

    /// Whether the lobby still has this connection (not yet closed).
    pub fn knows(&self, id: ConnId) -> bool {
        self.conns.contains_key(&id)
    }

    /// A connection was accepted from `peer`: greet it, making room first
    /// if it would pass a cap.
    pub fn connect(&mut self, id: ConnId, peer: SocketAddr, now: Instant) {
        let machine = Machine::of(peer.ip());
        self.now = now;
        self.arrivals.arrived(machine, now);
        let theirs = self.greeters.count(machine);
        if theirs >= MAX_PENDING_PER_ADDR
            && let Some(oldest) = self.greeters.oldest_of(machine)
        {
            self.evict(
                oldest,
                Closing::Evicted {
                    from: machine,
                    theirs,
                    pending: None,
                },
            );
        }
        if self.greeters.len() >= MAX_PENDING {
            self.make_room();
        }
        self.conns.insert(
            id,
            Conn {
                peer,
                since: now,
                stage: Stage::Greeting,
                policy: Policy::default(),
                kind: Kind::Unsettled,
                told: None,
                line_told: None,
                computer: false,
                confirming: false,
            },
        );
        self.greeting.push_back(id);
        self.greeters.join(machine, id);
        self.tell(id, Tell::Welcome);
    }

    /// Whether [`Lobby::make_room`] would find a greeting connection to
    /// close.
    pub fn can_make_room(&self) -> bool {
        !self.greeters.is_empty()
    }

    /// Closes one greeting connection to make room (the oldest from the
    /// machine that holds the most; between equals, from the one that
    /// connected most often lately), as when [`MAX_PENDING`] is reached.
    /// False if none is greeting. The driver calls it when the server's
    /// descriptors run short.
    pub fn make_room(&mut self) -> bool {
        let (arrivals, now) = (&self.arrivals, self.now);
        let Some((machine, victim)) = self.greeters.to_evict_by(|m| arrivals.recent(m, now)) else {
            return false;
        };
        let closing = Closing::Evicted {
            from: machine,
            theirs: self.greeters.count(machine),
            pending: Some(self.greeters.len()),
        };
        self.evict(victim, closing);
        true
    }

    /// How many greeting connections were closed to make room since the
    /// last call: the driver's measure of a flood.
    pub fn take_evicted(&mut self) -> usize {
        std::mem::take(&mut self.evicted)
    }

    /// A line arrived on a connection (without its line ending).
    pub fn line(&mut self, id: ConnId, line: &str, now: Instant) {
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        self.now = now;
        if line.trim().is_empty() {
            if let Err(cut) = conn.policy.blank() {
                self.cut(id, cut, now);
            }
            return;
        }
        let verdict = match conn.kind {
            Kind::Person => self.person_line(id, line, now),
            Kind::Unsettled => match line.parse::<ClientMsg>() {
                Ok(msg) => self.message(id, msg, now),
                Err(e) => self.unsettled_line(id, line, e),
            },
            Kind::Program(_) => match line.parse::<ClientMsg>() {
                Ok(msg) => self.message(id, msg, now),
                Err(e) => Err(Refused::Parse(e)),
            },
        };
        self.judge(id, verdict, now);
    }

    /// Counts a verdict against the connection's policy; tells a refusal.
    fn judge(&mut self, id: ConnId, verdict: Result<(), Refused>, now: Instant) {
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        match verdict {
            Ok(()) => conn.policy.accepted(),
            Err(refused) => {
                let cut = conn.policy.refused();
                self.tell(id, Tell::Refused(refused));
                if let Err(cut) = cut {
                    self.cut(id, cut, now);
                }
            }
        }
    }

    /// A line that is no message, before the handshake. Programs send
    /// messages, so a short line with a lower-case letter whose first word
    /// is no keyword (`help`, `hi`, `hello?`) is a person's: answered in a
    /// sentence, not an `ERR`. It still counts as refused, but `help`.
    fn unsettled_line(&mut self, id: ConnId, line: &str, e: ParseError) -> Result<(), Refused> {
        let word = line.trim();
        if is_help(word) {
            self.tell(id, Tell::Help);
            return Ok(());
        }
        let typed = matches!(e, ParseError::UnknownKeyword(_))
            && word.len() <= TYPED_LINE
            && word.chars().any(|c| c.is_lowercase());
        if typed {
            Err(Refused::Typed)
        } else {
            Err(Refused::Parse(e))
        }
    }

    /// A person's line: `help`, the leave question, `c` for the computer,
    /// then the same messages as a program's.
    fn person_line(&mut self, id: ConnId, line: &str, now: Instant) -> Result<(), Refused> {
        let word = line.trim().to_lowercase();
        if is_help(&word) {
            self.tell(id, Tell::Help);
            return Ok(());
        }
        let (stage, confirming) = match self.conns.get(&id) {
            Some(conn) => (conn.stage.clone(), conn.confirming),
            None => return Ok(()),
        };
        let playing = matches!(stage, Stage::Seated(_))
            && matches!(
                self.table.as_ref().map(|s| s.table.phase()),
                Some(Phase::Playing { .. })
            );
        if confirming {
            if let Some(conn) = self.conns.get_mut(&id) {
                conn.confirming = false;
            }
            if playing {
                match word.as_str() {
                    "y" | "yes" => {
                        if let Stage::Seated(seat) = stage {
                            return self.at_table(seat, Event::Quit, now);
                        }
                        return Ok(());
                    }
                    "n" | "no" => {
                        self.tell(id, Tell::PlayingOn);
                        return Ok(());
                    }
                    // Anything else plays on, and is read as usual.
                    _ => self.tell(id, Tell::PlayingOn),
                }
            }
        }
        let msg = match computer_word(&word) {
            Some(level) => ClientMsg::Computer(level),
            None => line.parse::<ClientMsg>().map_err(Refused::Parse)?,
        };
        match (msg, stage) {
            (ClientMsg::Quit, Stage::Seated(seat)) if playing => {
                let Some(opponent) = self.table.as_ref().map(|s| s.table.name(seat.other())) else {
                    return Ok(());
                };
                let opponent = opponent.clone();
                if let Some(conn) = self.conns.get_mut(&id) {
                    conn.confirming = true;
                }
                self.tell(id, Tell::ConfirmLeave { opponent });
                Ok(())
            }
            (msg, _) => self.message(id, msg, now),
        }
    }

    /// A line broke the framing: the connection is closed after the `ERR`.
    pub fn broken(&mut self, id: ConnId, broken: Broken, now: Instant) {
        if !self.knows(id) {
            return;
        }
        log::info!("{}: {:?}; closing", self.peer(id), broken);
        self.tell(id, Tell::Closing(Closing::Broken(broken)));
        self.depart(id, Gone::CutOff, now);
    }

    /// The connection closed or failed: nothing more will be read from it
    /// (something may still be written, to a peer that only half-closed).
    pub fn closed(&mut self, id: ConnId, now: Instant) {
        let Some(conn) = self.conns.get(&id) else {
            return;
        };
        // A player's departure is news; a connection that never said hello
        // is one of possibly thousands.
        if conn.stage == Stage::Greeting {
            log::debug!("{}: disconnected before saying hello", conn.peer);
        } else {
            log::info!("{}: disconnected", conn.peer);
        }
        self.depart(id, Gone::Disconnected, now);
    }

    /// Lets time pass: handshake deadlines, the turn clock, the computer,
    /// questions unanswered.
    pub fn tick(&mut self, now: Instant) {
        self.now = now;
        if let Some(limit) = self.settings.handshake_timeout {
            while let Some(&oldest) = self.greeting.front() {
                match self.conns.get(&oldest) {
                    Some(conn) if conn.since + limit <= now => {
                        log::debug!("{}: no hello within {limit:?}; closing", conn.peer);
                        self.close_with(oldest, Closing::TimedOut { limit });
                    }
                    Some(_) => break,
                    None => {
                        self.greeting.pop_front();
                    }
                }
            }
        }
        let late: Vec<ConnId> = self
            .asked
            .iter()
            .filter(|(_, until)| until.is_some_and(|u| u <= now))
            .map(|&(id, _)| id)
            .collect();
        for id in late {
            log::info!("{}: did not answer whether to play again", self.peer(id));
            self.close_with(id, Closing::NoRejoin { late: true });
        }
        let contested = !self.queue.is_empty();
        if let Some(sitting) = &mut self.table
            && sitting.table.next_deadline().is_some_and(|due| due <= now)
        {
            sitting.table.set_contested(contested);
            let said = sitting.table.tick(now);
            self.deliver(said, now);
            self.after_table(now);
        }
        let acts = self
            .table
            .as_mut()
            .and_then(|s| s.computer.as_mut())
            .and_then(|(seat, computer)| Some((*seat, computer.act(now)?)));
        if let Some((seat, event)) = acts {
            // The engine plays only legal moves, on its own turn.
            let _ = self.at_table(seat, event, now);
        }
    }

    /// The next instant [`Lobby::tick`] has something to do.
    pub fn next_deadline(&self) -> Option<Instant> {
        let handshake = self.settings.handshake_timeout.and_then(|limit| {
            let oldest = self.greeting.front()?;
            Some(self.conns.get(oldest)?.since + limit)
        });
        let table = self.table.as_ref().and_then(|s| s.table.next_deadline());
        let computer = self
            .table
            .as_ref()
            .and_then(|s| s.computer.as_ref())
            .and_then(|(_, c)| c.next_deadline());
        let asked = self.asked.iter().filter_map(|&(_, until)| until).min();
        [handshake, table, computer, asked]
            .into_iter()
            .flatten()
            .min()
    }

    /// The server is stopping: tells everyone and closes every connection.
    pub fn shutdown(&mut self) {
        let mut ids: Vec<ConnId> = self.conns.keys().copied().collect();
        ids.sort();
        for id in ids {
            self.close_with(id, Closing::ShuttingDown);
        }
        self.table = None;
        self.queue.clear();
        self.asked.clear();
        self.greeting.clear();
        self.greeters = Crowd::new();
    }

    /// Who is greeting, waiting and playing.
    pub fn status(&self) -> Status {
        Status {
            greeting: self.greeting.len(),
            queued: self.queue.iter().map(|(_, name)| name.clone()).collect(),
            playing: self.table.as_ref().map(|s| {
                [
                    s.table.name(Seat::First).clone(),
                    s.table.name(Seat::Second).clone(),
                ]
            }),
        }
    }

    /// Handles a well-formed message; `Err` if it is refused.
    fn message(&mut self, id: ConnId, msg: ClientMsg, now: Instant) -> Result<(), Refused> {
        let Some(stage) = self.conns.get(&id).map(|c| c.stage.clone()) else {
            return Ok(());
        };
        match (stage, msg) {
            (
                Stage::Greeting,
                ClientMsg::Hello {
                    version,
                    name,
                    features,
                },
            ) => match version.known() {
                Some(version) => {
                    reserved(&name)?;
                    let stay = features.contains(&Feature::stay()) && version.has_v2();
                    let speaker = Speaker::Program(Wire { version, stay });
                    self.hello(id, name, speaker, &features, now);
                    Ok(())
                }
                None => {
                    log::info!("{}: speaks protocol {version}; closing", self.peer(id));
                    let client = version.to_string();
                    self.close_with(id, Closing::NoProto { client });
                    Ok(())
                }
            },
            (Stage::Greeting, ClientMsg::Play(name)) => {
                reserved(&name)?;
                self.hello(id, name, Speaker::Person, &[], now);
                Ok(())
            }
            (Stage::Greeting | Stage::Queued, ClientMsg::Quit) => {
                log::info!("{}: quit before playing", self.peer(id));
                self.close_with(id, Closing::Goodbye);
                Ok(())
            }
            (Stage::Greeting, ClientMsg::Move(_) | ClientMsg::Rematch(_)) => {
                Err(Refused::NotGreeted)
            }
            (
                Stage::Queued | Stage::Seated(_) | Stage::Asked(_),
                ClientMsg::Hello { .. } | ClientMsg::Play(_),
            ) => Err(Refused::AlreadyGreeted),
            (Stage::Queued, ClientMsg::Move(_)) => Err(Refused::NotStarted {
                ahead: self.queue.iter().take_while(|(q, _)| *q != id).count(),
                table_busy: self.table.is_some(),
            }),
            (Stage::Queued, ClientMsg::Rematch(_)) if self.kind(id) == Some(Kind::Person) => {
                Err(Refused::NothingAsked)
            }
            (Stage::Queued, ClientMsg::Rematch(_)) => Err(Refused::NotStarted {
                ahead: self.queue.iter().take_while(|(q, _)| *q != id).count(),
                table_busy: self.table.is_some(),
            }),
            (Stage::Seated(seat), ClientMsg::Move(cell)) => {
                self.at_table(seat, Event::Move(cell), now)
            }
            (Stage::Seated(seat), ClientMsg::Rematch(yes)) => {
                self.at_table(seat, Event::Rematch(yes), now)
            }
            (Stage::Seated(seat), ClientMsg::Quit) => self.at_table(seat, Event::Quit, now),
            (Stage::Asked(name), ClientMsg::Rematch(true)) => {
                self.rejoin(id, name, now);
                Ok(())
            }
            (Stage::Asked(_), ClientMsg::Rematch(false) | ClientMsg::Quit) => {
                log::info!("{}: will not play again", self.peer(id));
                self.close_with(id, Closing::NoRejoin { late: false });
                Ok(())
            }
            (Stage::Asked(_), ClientMsg::Move(_) | ClientMsg::Computer(_)) => {
                Err(Refused::Table(Refusal::GameOver))
            }
            (stage, ClientMsg::Computer(level)) => self.computer_asked(id, stage, level, now),
        }
    }

    /// `COMPUTER [<level>]`: a waiting player asks to play the computer.
    fn computer_asked(
        &mut self,
        id: ConnId,
        stage: Stage,
        level: Option<Level>,
        now: Instant,
    ) -> Result<(), Refused> {
        let allowed = self.conns.get(&id).is_some_and(|c| c.computer);
        let person = self.kind(id) == Some(Kind::Person);
        match stage {
            // Not granted the feature: to this connection the message does
            // not exist (so a version 1 client sees exactly version 1).
            _ if !allowed && !person => Err(Refused::Parse(ParseError::UnknownKeyword(
                "COMPUTER".to_owned(),
            ))),
            _ if !allowed => Err(Refused::NoComputer),
            Stage::Greeting => Err(Refused::NotGreeted),
            Stage::Seated(_) | Stage::Asked(_) => Err(Refused::Table(Refusal::GameRunning)),
            Stage::Queued if self.table.is_some() => Err(Refused::NotStarted {
                ahead: self.queue.iter().take_while(|(q, _)| *q != id).count(),
                table_busy: true,
            }),
            Stage::Queued => {
                let Some(at) = self.queue.iter().position(|(q, _)| *q == id) else {
                    return Ok(());
                };
                let Some(player) = self.queue.remove(at) else {
                    return Ok(());
                };
                self.open_computer_table(player, level.unwrap_or_default(), now);
                Ok(())
            }
        }
    }

    /// A valid `HELLO` or `PLAY`: into the queue, or straight to the table.
    /// The connection is spoken to as `speaker` from now on.
    fn hello(&mut self, id: ConnId, name: Name, speaker: Speaker, asked: &[Feature], now: Instant) {
        let peer = self.peer(id);
        let machine = Machine::of(peer.ip());
        if self.queue.len() >= MAX_QUEUE {
            log::warn!("{peer}: the queue is full; turning {name} away");
            let waiting = self.queue.len();
            self.close_with(id, Closing::QueueFull { waiting });
            return;
        }
        let theirs = self
            .queue
            .iter()
            .filter(|(q, _)| {
                self.conns
                    .get(q)
                    .is_some_and(|c| Machine::of(c.peer.ip()) == machine)
            })
            .count();
        if theirs >= MAX_QUEUED_PER_ADDR {
            log::warn!("{peer}: {theirs} already queued from {machine}; turning {name} away");
            self.close_with(
                id,
                Closing::AddrQueueFull {
                    from: machine,
                    waiting: theirs,
                },
            );
            return;
        }
        self.greeting.retain(|&g| g != id);
        self.greeters.leave(machine, id);
        let shown = self.distinct(name.clone());
        let has_computer = self.settings.computer.is_some();
        let kind = match speaker {
            Speaker::Program(wire) => Kind::Program(wire),
            Speaker::Person => Kind::Person,
        };
        // The features granted: those asked for that this server has, each
        // once, in the order asked.
        let mut granted: Vec<Feature> = Vec::new();
        for feature in asked {
            let known =
                (*feature == Feature::computer() && has_computer) || *feature == Feature::stay();
            if known && !granted.contains(feature) {
                granted.push(feature.clone());
            }
        }
        if let Some(conn) = self.conns.get_mut(&id) {
            conn.stage = Stage::Queued;
            conn.kind = kind;
            conn.computer =
                granted.contains(&Feature::computer()) || (kind == Kind::Person && has_computer);
        }
        self.out.push(Out::Speak(id, speaker));
        let v2_or_person = match kind {
            Kind::Program(wire) => wire.version >= Version::V2,
            Kind::Person => true,
            Kind::Unsettled => false,
        };
        if v2_or_person {
            self.tell(
                id,
                Tell::Hello {
                    name: shown.clone(),
                    asked: (shown != name).then_some(name),
                    features: granted,
                },
            );
        }
        self.queue.push_back((id, shown.clone()));
        log::info!(
            "{peer}: hello from {shown}; {} in the queue{}",
            self.queue.len(),
            if self.table.is_some() {
                ", a game is on"
            } else {
                ""
            }
        );
        if self.table.is_none() && self.queue.len() == 2 {
            // Someone was waiting alone: play at once, no WAIT.
            self.pair(now);
        } else {
            // Told now, before anything else can happen to the line: the
            // first of two hellos in one moment gets its WAIT before START.
            self.tell_places();
            self.someone_waits(now);
        }
    }

    /// Someone started waiting: a rematch offer open at the table is
    /// withdrawn (while anyone waits, winner stays on).
    fn someone_waits(&mut self, now: Instant) {
        let Some(sitting) = &mut self.table else {
            return;
        };
        if sitting.table.phase() != Phase::Rematch {
            return;
        }
        log::info!(
            "table {}: someone is waiting, so the rematch is off",
            sitting.number
        );
        let said = sitting.table.contest();
        self.deliver(said, now);
        self.after_table(now);
    }

    /// A player who made way said yes: to the back of the line.
    fn rejoin(&mut self, id: ConnId, name: Name, now: Instant) {
        self.asked.retain(|&(a, _)| a != id);
        if let Some(conn) = self.conns.get_mut(&id) {
            conn.stage = Stage::Queued;
            conn.told = None;
        }
        log::info!("{}: {name} joins the line again", self.peer(id));
        self.queue.push_back((id, name));
        if self.table.is_none() && self.queue.len() >= 2 {
            self.pair(now);
        } else {
            self.tell_places();
            self.someone_waits(now);
        }
    }

    /// Passes a seated player's event to the table.
    fn at_table(&mut self, seat: Seat, event: Event, now: Instant) -> Result<(), Refused> {
        let contested = !self.queue.is_empty();
        let Some(sitting) = &mut self.table else {
            return Ok(());
        };
        sitting.table.set_contested(contested);
        let moved = match &event {
            Event::Move(cell) => Some(*cell),
            _ => None,
        };
        let said = sitting
            .table
            .handle(seat, event, now)
            .map_err(Refused::Table)?;
        if let Some(cell) = moved {
            log::debug!(
                "table {}: {} ({}) plays {cell}",
                sitting.number,
                sitting.table.name(seat),
                sitting.table.mark(seat)
            );
        }
        self.deliver(said, now);
        self.after_table(now);
        Ok(())
    }

    /// Sends what the table said to the seats' connections, and lets the
    /// computer hear what is said to its seat.
    fn deliver(&mut self, said: Said, now: Instant) {
        let Some(sitting) = &mut self.table else {
            return;
        };
        let (seats, number) = (sitting.seats, sitting.number);
        for (seat, say) in &said {
            let seat = *seat;
            match say {
                Say::Start {
                    mark: ttt_protocol::Mark::X,
                    opponent,
                    ..
                } => log::info!(
                    "table {number}: {} (X) vs {opponent} (O)",
                    sitting.table.name(seat)
                ),
                Say::Result(outcome) if seat == Seat::First => {
                    let first = sitting.table.name(Seat::First);
                    let second = sitting.table.name(Seat::Second);
                    match outcome {
                        Outcome::Win(how) => log::info!("table {number}: {first} wins ({how})"),
                        Outcome::Lose(how) => log::info!("table {number}: {second} wins ({how})"),
                        Outcome::Tie => log::info!("table {number}: tie"),
                    }
                }
                Say::Bye(farewell) => sitting.farewells[seat.index()] = Some(farewell.clone()),
                _ => {}
            }
        }
        for (seat, say) in said {
            match seats[seat.index()] {
                Some(id) => self.tell(id, Tell::Say(say)),
                None => {
                    if let Some((_, computer)) =
                        self.table.as_mut().and_then(|s| s.computer.as_mut())
                    {
                        computer.hear(&say, now);
                    }
                }
            }
        }
    }

    /// After the table spoke: if it is over, close who leaves (or, where
    /// the client can be told so, put them back in line or ask them to
    /// join it), seat who stays on with the next in line, and pair the next
    /// players.
    fn after_table(&mut self, now: Instant) {
        let Some(Phase::Over { stays }) = self.table.as_ref().map(|s| s.table.phase()) else {
            return;
        };
        let Some(sitting) = self.table.take() else {
            return;
        };
        log::info!("table {}: closed", sitting.number);
        let mut stayer = None;
        for seat in Seat::BOTH {
            // The computer's seat has no connection: it simply goes.
            let Some(id) = sitting.seats[seat.index()] else {
                continue;
            };
            let name = sitting.table.name(seat).clone();
            if !self.knows(id) {
                continue;
            }
            if Some(seat) == stays {
                stayer = Some((id, name));
                continue;
            }
            let kept = self.kind(id).is_some_and(Kind::stays);
            match &sitting.farewells[seat.index()] {
                // The opponent left during the rematch offer: back to the
                // front of the line, as after a forfeit.
                Some(Farewell::Partner { .. }) if kept => self.back_in_line(id, name),
                Some(Farewell::MakeWay { .. } | Farewell::NextInLine) if kept => {
                    self.ask_to_rejoin(id, name, now);
                }
                _ => self.close(id),
            }
        }
        if let Some(stayer) = stayer {
            match self.queue.pop_front() {
                Some(challenger) => {
                    log::info!("{} stays on; {} is next", stayer.1, challenger.1);
                    self.open_table(stayer, challenger, Seat::Second, now);
                }
                None => {
                    // Nobody in line (the opponent forfeited, say, or
                    // vanished just after being paired): back to waiting,
                    // first in line, rather than being sent away.
                    log::info!("{} waits for the next opponent", stayer.1);
                    self.back_in_line(stayer.0, stayer.1);
                }
            }
        }
        self.pair(now);
    }

    /// Puts a player from the table back at the front of the line.
    fn back_in_line(&mut self, id: ConnId, name: Name) {
        if let Some(conn) = self.conns.get_mut(&id) {
            conn.stage = Stage::Queued;
            conn.told = None;
            conn.confirming = false;
        }
        self.queue.push_front((id, name));
    }

    /// Asks a player who made way whether to join the back of the line.
    fn ask_to_rejoin(&mut self, id: ConnId, name: Name, now: Instant) {
        let limit = self.settings.table.turn_timeout;
        if let Some(conn) = self.conns.get_mut(&id) {
            conn.stage = Stage::Asked(name);
            conn.confirming = false;
        }
        self.asked.push((id, limit.map(|l| now + l)));
        self.tell(id, Tell::Rejoin { limit });
    }

    /// Seats the first two in line if the table is free.
    fn pair(&mut self, now: Instant) {
        if self.table.is_some() || self.queue.len() < 2 {
            return;
        }
        let (Some(first), Some(second)) = (self.queue.pop_front(), self.queue.pop_front()) else {
            return;
        };
        self.open_table(first, second, Seat::First, now);
    }

    /// Opens a table for `first` (the longer seated) and `second`, with
    /// `x` moving first.
    fn open_table(
        &mut self,
        (first, first_name): (ConnId, Name),
        (second, second_name): (ConnId, Name),
        x: Seat,
        now: Instant,
    ) {
        for (id, seat) in [(first, Seat::First), (second, Seat::Second)] {
            self.seat(id, seat);
        }
        self.tables += 1;
        let names = [first_name, second_name];
        let (table, said) = Table::open(names, x, self.settings.table, now);
        self.table = Some(Sitting {
            table,
            seats: [Some(first), Some(second)],
            computer: None,
            farewells: [None, None],
            number: self.tables,
        });
        self.deliver(said, now);
    }

    /// Marks a connection as seated at `seat`.
    fn seat(&mut self, id: ConnId, seat: Seat) {
        if let Some(conn) = self.conns.get_mut(&id) {
            conn.stage = Stage::Seated(seat);
            conn.line_told = Some(0);
            conn.confirming = false;
        }
    }

    /// Seats `player` against the computer at `level`; the player moves
    /// first.
    fn open_computer_table(&mut self, (id, name): (ConnId, Name), level: Level, now: Instant) {
        let Some(settings) = self.settings.computer else {
            return;
        };
        self.seat(id, Seat::First);
        self.tables += 1;
        let computer = Computer::new(
            level,
            settings.seed.wrapping_add(self.tables),
            settings.pause,
            self.settings.table.turn_timeout,
        );
        log::info!("{name} plays {}", computer.name());
        let names = [name, computer.name()];
        let (mut table, said) = Table::open(names, Seat::First, self.settings.table, now);
        table.seat_computer(Seat::Second);
        self.table = Some(Sitting {
            table,
            seats: [Some(id), None],
            computer: Some((Seat::Second, computer)),
            farewells: [None, None],
            number: self.tables,
        });
        self.deliver(said, now);
    }

    /// A connection leaves, whatever it was doing.
    fn depart(&mut self, id: ConnId, gone: Gone, now: Instant) {
        match self.conns.get(&id).map(|c| c.stage.clone()) {
            Some(Stage::Seated(seat)) => {
                // Leaving cannot be refused.
                let _ = self.at_table(seat, Event::Left(gone), now);
            }
            Some(Stage::Greeting | Stage::Queued | Stage::Asked(_)) => self.close(id),
            None => {}
        }
    }

    /// Cuts a connection off for its conduct.
    fn cut(&mut self, id: ConnId, cut: Cut, now: Instant) {
        log::info!("{}: cut off ({cut:?})", self.peer(id));
        self.tell(id, Tell::Closing(Closing::Abuse(cut)));
        self.depart(id, Gone::CutOff, now);
    }

    /// Closes a greeting connection to make room for others.
    fn evict(&mut self, id: ConnId, closing: Closing) {
        // Per connection only at -vv: in a flood, these come by the
        // thousand, and the driver logs the flood once.
        log::trace!("{}: {closing:?}; closing", self.peer(id));
        self.evicted += 1;
        self.tell(id, Tell::Closing(closing));
        if self.forget(id) {
            self.out.push(Out::Evict(id));
        }
    }

    /// Says `closing`, then closes. For a seated player, only at shutdown.
    fn close_with(&mut self, id: ConnId, closing: Closing) {
        self.tell(id, Tell::Closing(closing));
        self.close(id);
    }

    /// Forgets a connection and tells the driver to close it.
    fn close(&mut self, id: ConnId) {
        if self.forget(id) {
            self.out.push(Out::Close(id));
        }
    }

    /// Forgets a connection; false if it was not known.
    fn forget(&mut self, id: ConnId) -> bool {
        let Some(conn) = self.conns.remove(&id) else {
            return false;
        };
        match conn.stage {
            Stage::Greeting => {
                self.greeting.retain(|&g| g != id);
                self.greeters.leave(Machine::of(conn.peer.ip()), id);
            }
            Stage::Asked(_) => self.asked.retain(|&(a, _)| a != id),
            Stage::Queued | Stage::Seated(_) => {}
        }
        self.queue.retain(|(q, _)| *q != id);
        true
    }

    /// Tells a connection something; the driver speaks it in the
    /// connection's dialect.
    fn tell(&mut self, id: ConnId, tell: Tell) {
        if self.conns.contains_key(&id) {
            self.out.push(Out::Send(id, tell));
        }
    }

    /// Tells each player in line their place, when it changed: version 1
    /// once per wait (a bare `WAIT`), the others at every change.
    fn tell_places(&mut self) {
        let game_on = self.table.is_some();
        let places: Vec<(ConnId, Place)> = self
            .queue
            .iter()
            .enumerate()
            .map(|(i, (id, _))| {
                let place = u32::try_from(i + 1).unwrap_or(u32::MAX);
                (*id, Place { place, game_on })
            })
            .collect();
        for (id, place) in places {
            let Some(conn) = self.conns.get_mut(&id) else {
                continue;
            };
            let news = match conn.told {
                None => true,
                Some(told) => told != place && conn.kind.follows_the_line(),
            };
            if news {
                conn.told = Some(place);
                let computer = conn.computer;
                self.tell(id, Tell::Wait { place, computer });
            }
        }
    }

    /// Tells the players at the table who follow the line (feature `stay`,
    /// people) how many wait for it, when that changed.
    fn tell_line(&mut self) {
        let Some(sitting) = &self.table else {
            return;
        };
        let waiting = self.queue.len();
        let next = self.queue.front().map(|(_, name)| name.clone());
        for id in sitting.seats.into_iter().flatten() {
            let Some(conn) = self.conns.get_mut(&id) else {
                continue;
            };
            if !conn.kind.stays() || conn.line_told == Some(waiting) {
                continue;
            }
            conn.line_told = Some(waiting);
            let waiting = u32::try_from(waiting).unwrap_or(u32::MAX);
            self.out.push(Out::Send(
                id,
                Tell::Line {
                    waiting,
                    next: next.clone(),
                },
            ));
        }
    }

    /// `name`, or if a player already waiting or playing has it, `name-2`
    /// (`-3`, ...), so two players named alike can be told apart.
    fn distinct(&self, name: Name) -> Name {
        let taken = |candidate: &Name| {
            self.queue.iter().any(|(_, n)| n == candidate)
                || self.table.as_ref().is_some_and(|s| {
                    Seat::BOTH
                        .into_iter()
                        .any(|seat| s.table.name(seat) == candidate)
                })
        };
        if !taken(&name) {
            return name;
        }
        (2..)
            .map_while(|n: usize| {
                let suffix = format!("-{n}");
                let keep = Name::MAX_CHARS.checked_sub(suffix.len())?;
                let base: String = name.as_str().chars().take(keep).collect();
                format!("{base}{suffix}").parse::<Name>().ok()
            })
            .find(|candidate| !taken(candidate))
            .unwrap_or(name)
    }

    fn kind(&self, id: ConnId) -> Option<Kind> {
        self.conns.get(&id).map(|c| c.kind)
    }

    fn peer(&self, id: ConnId) -> SocketAddr {
        self.conns
            .get(&id)
            .map_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0)), |c| c.peer)
    }
}

/// The longest line taken for a person's, before the handshake: a line
/// of a terminal. Anything longer is a program's, and gets its `ERR`.
const TYPED_LINE: usize = 80;

/// `help` or `?`, in any case: a person asking what to type.
fn is_help(word: &str) -> bool {
    word.eq_ignore_ascii_case("help") || word == "?"
}

/// Names starting `computer-` are the computer opponent's.
fn reserved(name: &Name) -> Result<(), Refused> {
    let lower = name.as_str().to_lowercase();
    if lower.starts_with(COMPUTER_PREFIX) {
        Err(Refused::ReservedName(name.clone()))
    } else {
        Ok(())
    }
}

/// What a person may type for the computer: `c`, `c perfect` (`computer`
/// itself is a message). `Some(None)`: the server's default level.
fn computer_word(word: &str) -> Option<Option<Level>> {
    let mut words = word.split_whitespace();
    if words.next() != Some("c") {
        return None;
    }
    match (words.next(), words.next()) {
        (None, _) => Some(None),
        (Some(level), None) => level.parse().ok().map(Some),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
