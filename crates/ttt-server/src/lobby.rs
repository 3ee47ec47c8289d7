//! The lobby: every connection's life from accept to close, as a state
//! machine with time passed in.
//!
//! A connection is greeted at once (`WELCOME`) and then is, in turn:
//!
//! 1. **greeting**: waiting for its `HELLO`, under the handshake deadline.
//!    Any number greet at once, so a silent or trickling connection costs
//!    the others nothing. Their number is capped ([`MAX_PENDING`],
//!    [`MAX_PENDING_PER_MACHINE`], counted by [`Machine`]): when a new
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
//! ([`Who`]): a program (protocol 1 or 2), or a person (`play <name>`);
//! the lobby says what to tell ([`Tell`]), and the driver's dialect for the
//! connection says how. The lobby never touches a socket: the driver feeds
//! it lines and departures, passes the time, and carries out what it
//! returns ([`Out`]).

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ttt_protocol::typed::Typed;
use ttt_protocol::{
    ClientMsg, Code, Feature, Level, Mark, Name, Outcome, ParseError, Place, Token, Verdict,
    Version, WatchMode,
};
use ttt_rules::{Event, Farewell, Gone, Phase, Refusal, Said, Say, Seat, Table, TableSettings};

use crate::computer::{Computer, ComputerSettings};
use crate::machine::Machine;

mod comeback;
mod greeting;
use crate::names;
use crate::policy::{Cut, Policy};
use crate::tell::{Broken, Closing, Players, Refused, Secret, Sight, Tell};
use crate::who::Who;
use crate::wire::Wire;
pub use comeback::{CODE_TRIES, TRIES_KEPT, TRIES_PER_MACHINE, TRIES_WINDOW};
use comeback::{Comeback, Tries};
use greeting::Greeting;

/// Connections greeting at once, from all addresses. Beyond it, the oldest
/// is closed to make room. An honest client says hello within a round trip,
/// so this many newer connections would have to arrive within that time to
/// push one out; a file descriptor per pending connection is the cost.
pub const MAX_PENDING: usize = 64;

/// Connections greeting at once from one machine (an IPv4 address, or an
/// IPv6 /64): one machine cannot hold more than this share of
/// [`MAX_PENDING`].
pub const MAX_PENDING_PER_MACHINE: usize = 8;

/// Players queued for the table. Beyond it, a `HELLO` is answered with
/// `BYE`: room for a LAN party, not for a flood of names.
pub const MAX_QUEUE: usize = 32;

/// Players queued from one machine (an IPv4 address, or an IPv6 /64).
pub const MAX_QUEUED_PER_MACHINE: usize = 8;

/// Connections watching the table at once (feature `watch`, and people).
/// Beyond it, `WATCH` is refused (`ERR FULL`). Each costs a line per event
/// in its outbox, bounded like everyone's, and is never waited for.
pub const MAX_WATCHERS: usize = 32;

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
    Speak(ConnId, Who),
    /// Close this connection once what was sent before has gone out. The
    /// lobby has forgotten it.
    Close(ConnId),
    /// Close this connection, which never said hello and was pushed out to
    /// make room: as [`Out::Close`] where that costs nothing, but at once
    /// (a reset, its last line unsent) when its machine already has as many
    /// closes lingering as it may. Only a flooding machine gets this.
    Evict(ConnId),
    /// This connection is gone (the lobby was told so) and its player's
    /// seat or place is held: close the socket now, send nothing more.
    /// The lobby still knows the player, under this id, until they come
    /// back on another connection or the grace ends.
    Drop(ConnId),
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
    /// How long the seat or place of a player whose connection dropped is
    /// held (feature `resume`, and people); `None`: not at all, a drop is
    /// final at once.
    pub grace: Option<Duration>,
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
    /// Connections greeting (no `HELLO` yet).
    greeting: Greeting,
    /// The last time the lobby was told, for [`Lobby::make_room`].
    now: Instant,
    /// Players waiting to play, first in line first.
    queue: VecDeque<(ConnId, Name)>,
    /// Players asked whether to join the line again, and until when.
    asked: Vec<(ConnId, Option<Instant>)>,
    /// Failed tries to come back lately, and from where.
    failed_tries: Tries,
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
    who: Who,
    /// The place in line last told, while queued.
    told: Option<Place>,
    /// At the table, the number waiting for it last told (`LINE`).
    line_told: Option<usize>,
    /// May ask for the computer (`COMPUTER`): granted the feature, or a
    /// person, on a server that has one.
    computer: bool,
    /// A person typed `q` in a game and is asked to confirm.
    confirming: bool,
    /// The features granted at the handshake (said again on a resume).
    features: Vec<Feature>,
    /// Watches the table (when not seated at it).
    watching: bool,
    /// The way back given to this player, if any (feature `resume`, and
    /// people, on a server with a grace period).
    comeback: Option<Comeback>,
    /// The connection dropped: the seat or place is held until then.
    away: Option<Instant>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Stage {
    Greeting,
    Queued,
    Seated(Seat),
    /// Asked whether to join the back of the line, as `name`.
    Asked(Name),
    /// Said hello, and only watches (`WATCH ONLY`): not in line.
    Watching,
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
            greeting: Greeting::new(now),
            now,
            queue: VecDeque::new(),
            asked: Vec::new(),
            failed_tries: Tries::default(),
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
        self.greeting.arrived(machine, now);
        let theirs = self.greeting.count(machine);
        if theirs >= MAX_PENDING_PER_MACHINE
            && let Some(oldest) = self.greeting.oldest_of(machine)
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
        if self.greeting.len() >= MAX_PENDING {
            self.make_room();
        }
        self.conns.insert(
            id,
            Conn {
                peer,
                since: now,
                stage: Stage::Greeting,
                policy: Policy::default(),
                who: Who::Unsettled,
                told: None,
                line_told: None,
                computer: false,
                confirming: false,
                features: Vec::new(),
                watching: false,
                comeback: None,
                away: None,
            },
        );
        self.greeting.join(id, machine);
        self.tell(id, Tell::Welcome);
    }

    /// Whether [`Lobby::make_room`] would find a greeting connection to
    /// close.
    pub fn can_make_room(&self) -> bool {
        !self.greeting.is_empty()
    }

    /// Closes one greeting connection to make room (the oldest from the
    /// machine that holds the most; between equals, from the one that
    /// connected most often lately), as when [`MAX_PENDING`] is reached.
    /// False if none is greeting. The driver calls it when the server's
    /// descriptors run short.
    pub fn make_room(&mut self) -> bool {
        let Some((machine, victim)) = self.greeting.to_evict(self.now) else {
            return false;
        };
        let closing = Closing::Evicted {
            from: machine,
            theirs: self.greeting.count(machine),
            pending: Some(self.greeting.len()),
        };
        self.evict(victim, closing);
        true
    }

    /// How many greeting connections were closed to make room since the
    /// last call: the driver's measure of a flood.
    pub fn take_evicted(&mut self) -> usize {
        self.greeting.take_evicted()
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
        let verdict = match conn.who {
            Who::Person => self.person_line(id, line, now),
            Who::Unsettled => match line.parse::<ClientMsg>() {
                Ok(ClientMsg::Watch(mode)) if mode != WatchMode::Off => {
                    // `WATCH` as a program writes it, or typed by a person.
                    let person = line.trim_start().starts_with(|c: char| c.is_lowercase());
                    self.spectate(id, person, now)
                }
                Ok(msg) => self.message(id, msg, now),
                Err(e) => self.unsettled_line(id, line, e),
            },
            Who::Program(_) => match line.parse::<ClientMsg>() {
                Ok(msg) => self.message(id, msg, now),
                Err(e) => Err(Refused::Parse(e)),
            },
        };
        self.judge(id, verdict, now);
    }

    /// `bytes` arrived on a connection that made no line (see
    /// [`Policy::noise`]): charged to its conduct, and cut past the
    /// allowance.
    pub fn noise(&mut self, id: ConnId, bytes: u64, now: Instant) {
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        self.now = now;
        if let Err(cut) = conn.policy.noise(bytes, now) {
            self.cut(id, cut, now);
        }
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
        if Typed::parse(word) == Typed::Help {
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
        let typed = Typed::parse(line);
        if typed == Typed::Help {
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
                match typed {
                    Typed::Yes => {
                        if let Stage::Seated(seat) = stage {
                            return self.at_table(seat, Event::Quit, now);
                        }
                        return Ok(());
                    }
                    Typed::No => {
                        self.tell(id, Tell::PlayingOn);
                        return Ok(());
                    }
                    // Anything else plays on, and is read as usual.
                    _ => self.tell(id, Tell::PlayingOn),
                }
            }
        }
        // A person's words are the protocol's messages; anything else is
        // read as a program's line would be (a HELLO, a RESUME, or its
        // error, said in a sentence).
        let msg = match typed {
            Typed::Cell(cell) => ClientMsg::Move(cell),
            Typed::Yes => ClientMsg::Rematch(true),
            Typed::No => ClientMsg::Rematch(false),
            Typed::Leave => ClientMsg::Quit,
            Typed::Computer(level) => ClientMsg::Computer(level),
            Typed::Watch(mode) => ClientMsg::Watch(mode),
            Typed::Play { name, code } => ClientMsg::Play { name, code },
            Typed::Nothing | Typed::Help | Typed::Other => {
                line.parse::<ClientMsg>().map_err(Refused::Parse)?
            }
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
        if conn.away.is_some() {
            return;
        }
        if conn.stage == Stage::Greeting {
            log::debug!("{}: disconnected before saying hello", conn.peer);
        } else {
            log::info!("{}: disconnected", conn.peer);
        }
        if !self.hold(id, now) {
            self.depart(id, Gone::Disconnected, now);
        }
    }

    /// A player's connection dropped: hold their seat or place for the
    /// grace period, if they were given a way back, and tell those who
    /// see them. False if there is nothing to hold.
    fn hold(&mut self, id: ConnId, now: Instant) -> bool {
        let Some(grace) = self.settings.grace else {
            return false;
        };
        let Some(conn) = self.conns.get_mut(&id) else {
            return false;
        };
        let holds = matches!(
            conn.stage,
            Stage::Queued | Stage::Seated(_) | Stage::Asked(_)
        );
        if conn.comeback.is_none() || !holds {
            return false;
        }
        conn.away = Some(now + grace);
        conn.confirming = false;
        let peer = conn.peer;
        let seated = matches!(conn.stage, Stage::Seated(_));
        self.out.push(Out::Drop(id));
        let Some(name) = self.name_of(id) else {
            return true;
        };
        log::info!("{peer}: {name}'s connection dropped; held for {grace:?}");
        if seated {
            self.about_player(id, &Tell::Away { name, left: grace });
        }
        true
    }

    /// Tells the others at the table, and the watchers, something about
    /// the seated player `id`.
    fn about_player(&mut self, id: ConnId, tell: &Tell) {
        let mut told: Vec<ConnId> = self
            .table
            .as_ref()
            .map(|s| s.seats.into_iter().flatten().filter(|&c| c != id).collect())
            .unwrap_or_default();
        told.extend(self.watchers());
        for other in told {
            self.tell(other, tell.clone());
        }
    }

    /// The name a player is known by: at the table, in line, or asked.
    fn name_of(&self, id: ConnId) -> Option<Name> {
        if let Some(sitting) = &self.table
            && let Some(seat) = Seat::BOTH
                .into_iter()
                .find(|&seat| sitting.seats[seat.index()] == Some(id))
        {
            return Some(sitting.table.name(seat).clone());
        }
        if let Some((_, name)) = self.queue.iter().find(|(q, _)| *q == id) {
            return Some(name.clone());
        }
        match &self.conns.get(&id)?.stage {
            Stage::Asked(name) => Some(name.clone()),
            _ => None,
        }
    }

    /// Lets time pass: handshake deadlines, the turn clock, the computer,
    /// questions unanswered.
    pub fn tick(&mut self, now: Instant) {
        self.now = now;
        if let Some(limit) = self.settings.handshake_timeout {
            while let Some(oldest) = self.greeting.oldest() {
                match self.conns.get(&oldest) {
                    Some(conn) if conn.since + limit <= now => {
                        log::debug!("{}: no hello within {limit:?}; closing", conn.peer);
                        self.close_with(oldest, Closing::TimedOut { limit });
                    }
                    Some(_) => break,
                    None => {
                        self.greeting.pop_oldest();
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
        let mut gone: Vec<ConnId> = self
            .conns
            .iter()
            .filter(|(_, c)| c.away.is_some_and(|until| until <= now))
            .map(|(&id, _)| id)
            .collect();
        gone.sort();
        for id in gone {
            log::info!("{}: did not come back in time", self.peer(id));
            if let Some(conn) = self.conns.get_mut(&id) {
                // Gone for good: nothing more is held.
                conn.comeback = None;
            }
            self.depart(id, Gone::Disconnected, now);
            // Whatever the table did with the seat, the player is gone.
            self.close(id);
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
            let oldest = self.greeting.oldest()?;
            Some(self.conns.get(&oldest)?.since + limit)
        });
        let table = self.table.as_ref().and_then(|s| s.table.next_deadline());
        let computer = self
            .table
            .as_ref()
            .and_then(|s| s.computer.as_ref())
            .and_then(|(_, c)| c.next_deadline());
        let asked = self.asked.iter().filter_map(|&(_, until)| until).min();
        let away = self.conns.values().filter_map(|c| c.away).min();
        [handshake, table, computer, asked, away]
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
                    let v2 = version.has_v2();
                    let asked = |feature: Feature| v2 && features.contains(&feature);
                    let who = Who::Program(Wire {
                        version,
                        stay: asked(Feature::stay()),
                        watch: asked(Feature::watch()),
                        resume: asked(Feature::resume()) && self.settings.grace.is_some(),
                    });
                    self.hello(id, name, who, &features, now);
                    Ok(())
                }
                None => {
                    log::info!("{}: speaks protocol {version}; closing", self.peer(id));
                    let client = version.to_string();
                    self.close_with(id, Closing::NoProto { client });
                    Ok(())
                }
            },
            (Stage::Greeting, ClientMsg::Play { name, code: None }) => {
                // Only a person types `play`: a refused name is said in a
                // sentence too.
                self.out.push(Out::Speak(id, Who::Person));
                reserved(&name)?;
                self.hello(id, name, Who::Person, &[], now);
                Ok(())
            }
            (
                Stage::Greeting,
                ClientMsg::Play {
                    name,
                    code: Some(code),
                },
            ) => self.come_back_as(id, &name, &code, now),
            (Stage::Greeting, ClientMsg::Resume(token)) => self.come_back_with(id, &token, now),
            (_, ClientMsg::Resume(_)) => Err(Refused::AlreadyGreeted),
            (stage, ClientMsg::Watch(mode)) => self.watch_asked(id, stage, mode, now),
            (Stage::Watching, ClientMsg::Quit) => {
                log::info!("{}: stopped watching", self.peer(id));
                self.close_with(id, Closing::Goodbye);
                Ok(())
            }
            // A person who came only to watch may join the line after all.
            (Stage::Watching, ClientMsg::Play { name, code: None })
                if self.conns.get(&id).is_some_and(|c| c.who == Who::Person)
                    && self.name_of(id).is_none() =>
            {
                reserved(&name)?;
                self.hello(id, name, Who::Person, &[], now);
                Ok(())
            }
            (Stage::Watching, ClientMsg::Hello { .. } | ClientMsg::Play { .. }) => {
                Err(Refused::AlreadyGreeted)
            }
            (Stage::Watching, _) => Err(Refused::OnlyWatching),
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
                ClientMsg::Hello { .. } | ClientMsg::Play { .. },
            ) => Err(Refused::AlreadyGreeted),
            (Stage::Queued, ClientMsg::Move(_)) => Err(Refused::NotStarted {
                ahead: self.queue.iter().take_while(|(q, _)| *q != id).count(),
                table_busy: self.table.is_some(),
            }),
            (Stage::Queued, ClientMsg::Rematch(_)) if self.who(id) == Some(Who::Person) => {
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
        let person = self.who(id) == Some(Who::Person);
        match stage {
            // Not granted the feature: to this connection the message does
            // not exist (so a version 1 client sees exactly version 1).
            _ if !allowed && !person => Err(Refused::Parse(ParseError::UnknownKeyword(
                "COMPUTER".to_owned(),
            ))),
            _ if !allowed => Err(Refused::NoComputer),
            Stage::Greeting => Err(Refused::NotGreeted),
            Stage::Seated(_) | Stage::Asked(_) => Err(Refused::Table(Refusal::GameRunning)),
            Stage::Watching => Err(Refused::OnlyWatching),
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
    /// The connection is spoken to as `who` from now on.
    fn hello(&mut self, id: ConnId, name: Name, who: Who, asked: &[Feature], now: Instant) {
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
        if theirs >= MAX_QUEUED_PER_MACHINE {
            log::warn!("{peer}: {theirs} already queued from {machine}; turning {name} away");
            self.close_with(
                id,
                Closing::MachineQueueFull {
                    from: machine,
                    waiting: theirs,
                },
            );
            return;
        }
        self.greeting.leave(id, machine);
        let shown = self.distinct(name.clone());
        let has_computer = self.settings.computer.is_some();
        // The features granted: those asked for that this server has, each
        // once, in the order asked.
        let mut granted: Vec<Feature> = Vec::new();
        for feature in asked {
            let known = (*feature == Feature::computer() && has_computer)
                || *feature == Feature::stay()
                || *feature == Feature::watch()
                || (*feature == Feature::resume() && self.settings.grace.is_some());
            if known && !granted.contains(feature) {
                granted.push(feature.clone());
            }
        }
        if let Some(conn) = self.conns.get_mut(&id) {
            conn.stage = Stage::Queued;
            conn.who = who;
            conn.computer =
                granted.contains(&Feature::computer()) || (who == Who::Person && has_computer);
            conn.features.clone_from(&granted);
        }
        self.out.push(Out::Speak(id, who));
        let v2_or_person = match who {
            Who::Program(wire) => wire.version >= Version::V2,
            Who::Person => true,
            Who::Unsettled => false,
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
        self.issue_comeback(id, &shown);
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

    /// Gives a player a new way back (a token, or a person's code), if
    /// they may have one; the last one given no longer works.
    fn issue_comeback(&mut self, id: ConnId, name: &Name) {
        let Some(grace) = self.settings.grace else {
            return;
        };
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        if !conn.who.may_resume() {
            return;
        }
        let secret = match conn.who {
            Who::Person => random::<6>().map(|bytes| Secret::Code {
                name: name.clone(),
                code: Code::from_bytes(bytes),
            }),
            _ => random::<16>().map(|bytes| Secret::Token(Token::from_bytes(bytes))),
        };
        let Some(secret) = secret else {
            log::warn!(
                "{}: no randomness from the system; no way back given",
                conn.peer
            );
            conn.comeback = None;
            return;
        };
        conn.comeback = Some(Comeback {
            secret: secret.clone(),
            wrong: VecDeque::new(),
        });
        self.tell(id, Tell::Comeback { secret, grace });
    }

    /// `RESUME <token>`: the player the token was given to, back on
    /// connection `id`.
    fn come_back_with(&mut self, id: ConnId, token: &Token, now: Instant) -> Result<(), Refused> {
        let machine = Machine::of(self.peer(id).ip());
        if self.failed_tries.too_many(machine, now) {
            return Err(Refused::TooManyTries);
        }
        let held = self.conns.iter().find_map(|(&held, c)| match &c.comeback {
            Some(Comeback {
                secret: Secret::Token(t),
                ..
            }) if t.matches(token) => Some(held),
            _ => None,
        });
        match held {
            Some(held) if held != id => {
                self.resume(id, held, now);
                Ok(())
            }
            _ => {
                self.failed_tries.record(machine, now);
                log::info!("{}: RESUME with a token that holds nothing", self.peer(id));
                Err(Refused::NoSuchSeat)
            }
        }
    }

    /// `play <name> <code>`: a person back, on connection `id`. A wrong
    /// code from a machine other than the one the person was on counts
    /// against the place it was tried for: past [`CODE_TRIES`] in the
    /// window, codes for it are checked only from the person's own
    /// machine. The place itself is never voided by others' guesses.
    fn come_back_as(
        &mut self,
        id: ConnId,
        name: &Name,
        code: &Code,
        now: Instant,
    ) -> Result<(), Refused> {
        // Only a person types `play`: whatever the answer, it is a sentence.
        self.out.push(Out::Speak(id, Who::Person));
        let machine = Machine::of(self.peer(id).ip());
        if self.failed_tries.too_many(machine, now) {
            return Err(Refused::TooManyTries);
        }
        let held = self.conns.iter_mut().find_map(|(&held, c)| {
            let comeback = c.comeback.as_mut().filter(|_| held != id)?;
            let Secret::Code { name: n, code: k } = &comeback.secret else {
                return None;
            };
            if n != name {
                return None;
            }
            let right = k.matches(code);
            let own = Machine::of(c.peer.ip()) == machine;
            if !own && comeback.guessed_out(now) {
                return Some((held, Err(())));
            }
            Some((held, Ok(right)))
        });
        match held {
            Some((held, Ok(true))) => {
                self.resume(id, held, now);
                Ok(())
            }
            Some((_, Err(()))) => {
                log::warn!(
                    "{}: codes for {name} guessed out; not checked",
                    self.peer(id)
                );
                Err(Refused::TooManyTries)
            }
            Some((held, Ok(false))) => {
                self.failed_tries.record(machine, now);
                if let Some(conn) = self.conns.get_mut(&held)
                    && Machine::of(conn.peer.ip()) != machine
                    && let Some(comeback) = &mut conn.comeback
                {
                    comeback.wrong.push_back(now);
                }
                Err(Refused::NoSuchSeat)
            }
            None => {
                self.failed_tries.record(machine, now);
                Err(Refused::NoSuchSeat)
            }
        }
    }

    /// Moves the held player `held` onto connection `id` (which said no
    /// hello of its own), and tells them where things stand. If `held`'s
    /// old connection still looked alive, it is closed: the player is here
    /// now.
    fn resume(&mut self, id: ConnId, held: ConnId, now: Instant) {
        let Some(fresh) = self.conns.remove(&id) else {
            return;
        };
        self.greeting.leave(id, Machine::of(fresh.peer.ip()));
        let Some(mut conn) = self.conns.remove(&held) else {
            return;
        };
        if conn.away.is_none() {
            // Taken over: the old connection is stale.
            self.out.push(Out::Close(held));
        }
        let was_away = conn.away.take().is_some();
        conn.peer = fresh.peer;
        conn.policy = fresh.policy;
        conn.told = None;
        // As at the start of a game: the line is told only once someone
        // waits.
        conn.line_told = Some(0);
        conn.confirming = false;
        let who = conn.who;
        let stage = conn.stage.clone();
        let features = conn.features.clone();
        let watching = conn.watching;
        self.conns.insert(id, conn);
        for (q, _) in &mut self.queue {
            if *q == held {
                *q = id;
            }
        }
        for (a, _) in &mut self.asked {
            if *a == held {
                *a = id;
            }
        }
        if let Some(sitting) = &mut self.table {
            for seat in sitting.seats.iter_mut().flatten() {
                if *seat == held {
                    *seat = id;
                }
            }
        }
        let Some(name) = self.name_of(id) else {
            return;
        };
        log::info!("{}: {name} is back", self.peer(id));
        if who != Who::Unsettled {
            self.out.push(Out::Speak(id, who));
        }
        let greeting = if who == Who::Person {
            Tell::Resumed
        } else {
            Tell::Hello {
                name: name.clone(),
                asked: None,
                features,
            }
        };
        self.tell(id, greeting);
        self.issue_comeback(id, &name);
        match stage {
            Stage::Seated(seat) => {
                if let Some(sitting) = &self.table {
                    let said = sitting.table.recap(seat, now);
                    for (_, say) in said {
                        self.tell(id, Tell::Say(say));
                    }
                }
                if was_away {
                    self.about_player(id, &Tell::Back { name });
                }
            }
            Stage::Asked(_) => {
                let limit = self
                    .asked
                    .iter()
                    .find(|(a, _)| *a == id)
                    .and_then(|(_, until)| *until)
                    .map(|until| until.saturating_duration_since(now));
                self.tell(id, Tell::Rejoin { limit });
            }
            // The place is told with the others' (`told` is cleared).
            Stage::Queued | Stage::Greeting | Stage::Watching => {}
        }
        if watching && !matches!(stage, Stage::Seated(_)) {
            self.show_table(id, now);
        }
    }

    /// `WATCH`, `WATCH OFF`, `WATCH ONLY`.
    fn watch_asked(
        &mut self,
        id: ConnId,
        stage: Stage,
        mode: WatchMode,
        now: Instant,
    ) -> Result<(), Refused> {
        let Some(conn) = self.conns.get(&id) else {
            return Ok(());
        };
        // Not granted: to this connection the message does not exist.
        if !conn.who.may_watch() && stage != Stage::Greeting {
            return Err(Refused::Parse(ParseError::UnknownKeyword(
                "WATCH".to_owned(),
            )));
        }
        let watching = conn.watching;
        let person = conn.who == Who::Person;
        let watchers = self.watching_count();
        match (stage, mode) {
            (Stage::Greeting, _) => Err(Refused::NotGreeted),
            (Stage::Seated(_) | Stage::Asked(_), WatchMode::Only) => Err(Refused::WatchSeated),
            (_, WatchMode::On | WatchMode::Only) if !watching && watchers >= MAX_WATCHERS => {
                Err(Refused::WatchFull { cap: MAX_WATCHERS })
            }
            (_, WatchMode::Off) => {
                if let Some(conn) = self.conns.get_mut(&id) {
                    conn.watching = false;
                }
                if person && watching {
                    self.tell(id, Tell::Unwatched);
                }
                Ok(())
            }
            (stage, mode) => {
                if let Some(conn) = self.conns.get_mut(&id) {
                    conn.watching = true;
                    if mode == WatchMode::Only {
                        conn.stage = Stage::Watching;
                        conn.told = None;
                    }
                }
                if mode == WatchMode::Only && stage == Stage::Queued {
                    log::info!("{}: leaves the line to watch", self.peer(id));
                    self.queue.retain(|(q, _)| *q != id);
                    self.pair(now);
                }
                let seated = matches!(stage, Stage::Seated(_));
                if !seated && (!watching || mode == WatchMode::Only) {
                    self.show_table(id, now);
                }
                Ok(())
            }
        }
    }

    /// `WATCH` before any hello: a spectator, who joins no line and needs
    /// no name. A program that says it speaks version 2 with feature
    /// `watch` (nothing else is granted); a person (`watch` typed) may
    /// still `play <name>` later and keeps watching from the line.
    fn spectate(&mut self, id: ConnId, person: bool, now: Instant) -> Result<(), Refused> {
        let watchers = self.watching_count();
        if watchers >= MAX_WATCHERS {
            return Err(Refused::WatchFull { cap: MAX_WATCHERS });
        }
        let peer = self.peer(id);
        self.greeting.leave(id, Machine::of(peer.ip()));
        let who = if person {
            Who::Person
        } else {
            Who::Program(Wire {
                watch: true,
                ..Wire::V2
            })
        };
        if let Some(conn) = self.conns.get_mut(&id) {
            conn.stage = Stage::Watching;
            conn.watching = true;
            conn.who = who;
            if !person {
                conn.features = vec![Feature::watch()];
            }
        }
        self.out.push(Out::Speak(id, who));
        log::info!("{peer}: watching");
        self.show_table(id, now);
        Ok(())
    }

    /// Tells a watcher the table as it stands: who plays, the score, the
    /// board; or that no game is on. Then the line, to one only watching.
    fn show_table(&mut self, id: ConnId, now: Instant) {
        let sights: Vec<Sight> = match &self.table {
            Some(sitting) => {
                let recap = sitting.table.recap(Seat::First, now);
                recap
                    .iter()
                    .filter_map(|(_, say)| sight_of(say, &sitting.table))
                    .collect()
            }
            None => vec![Sight::Table(None)],
        };
        for sight in sights {
            self.tell(id, Tell::Sight(sight));
        }
        if let Some(conn) = self.conns.get_mut(&id) {
            conn.line_told = None;
        }
    }

    /// Connections that asked to watch (seated or away ones included: each
    /// keeps its slot under the cap).
    fn watching_count(&self) -> usize {
        self.conns.values().filter(|c| c.watching).count()
    }

    /// Connections watching the table now (not seated at it, not away),
    /// in a fixed order.
    fn watchers(&self) -> Vec<ConnId> {
        let seated: Vec<ConnId> = self
            .table
            .as_ref()
            .map(|s| s.seats.into_iter().flatten().collect())
            .unwrap_or_default();
        let mut ids: Vec<ConnId> = self
            .conns
            .iter()
            .filter(|(id, c)| {
                c.watching && c.away.is_none() && c.who.may_watch() && !seated.contains(id)
            })
            .map(|(&id, _)| id)
            .collect();
        ids.sort();
        ids
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
        // Watchers see what the first seat is told, by the marks; the
        // table never knows they are there.
        let sights: Vec<Sight> = said
            .iter()
            .filter(|(seat, _)| *seat == Seat::First)
            .filter_map(|(_, say)| sight_of(say, &sitting.table))
            .collect();
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
        if !sights.is_empty() {
            for id in self.watchers() {
                for sight in &sights {
                    self.tell(id, Tell::Sight(sight.clone()));
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
            let kept = self.who(id).is_some_and(Who::stays);
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
        // One whose connection dropped keeps their place at the front of
        // the line instead; the table goes to those here.
        if let Some((id, _)) = &stayer
            && self.is_away(*id)
            && let Some((id, name)) = stayer.take()
        {
            self.back_in_line(id, name);
        }
        let challenger = self.queue.iter().position(|(q, _)| !self.is_away(*q));
        if let Some(stayer) = stayer {
            match challenger.and_then(|at| self.queue.remove(at)) {
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
        if self.table.is_none() {
            for id in self.watchers() {
                self.tell(id, Tell::Sight(Sight::Table(None)));
            }
        }
    }

    /// Whether a player's connection dropped and their place is held.
    fn is_away(&self, id: ConnId) -> bool {
        self.conns.get(&id).is_some_and(|c| c.away.is_some())
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
    /// Those whose connection dropped keep their places and are passed
    /// over until they are back.
    fn pair(&mut self, now: Instant) {
        if self.table.is_some() {
            return;
        }
        let here: Vec<usize> = (0..self.queue.len())
            .filter(|&i| !self.is_away(self.queue[i].0))
            .take(2)
            .collect();
        let [a, b] = here[..] else {
            return;
        };
        // The later first, so the earlier index stays put.
        let (Some(second), Some(first)) = (self.queue.remove(b), self.queue.remove(a)) else {
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
            Some(Stage::Greeting | Stage::Queued | Stage::Asked(_) | Stage::Watching) => {
                self.close(id);
            }
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
        self.greeting.evicted();
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
                self.greeting.leave(id, Machine::of(conn.peer.ip()));
            }
            Stage::Asked(_) => self.asked.retain(|&(a, _)| a != id),
            Stage::Queued | Stage::Seated(_) | Stage::Watching => {}
        }
        self.queue.retain(|(q, _)| *q != id);
        true
    }

    /// Tells a connection something; the driver speaks it in the
    /// connection's dialect.
    fn tell(&mut self, id: ConnId, tell: Tell) {
        // Nothing goes to a connection that dropped: a player coming back
        // is told where things stand then.
        if self.conns.get(&id).is_some_and(|c| c.away.is_none()) {
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
                Some(told) => told != place && conn.who.follows_the_line(),
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
        let waiting = self.queue.len();
        let next = self.queue.front().map(|(_, name)| name.clone());
        // Those only watching follow the line too.
        let spectators: Vec<ConnId> = self
            .watchers()
            .into_iter()
            .filter(|id| {
                self.conns
                    .get(id)
                    .is_some_and(|c| c.stage == Stage::Watching)
            })
            .collect();
        for id in spectators {
            let Some(conn) = self.conns.get_mut(&id) else {
                continue;
            };
            if conn.line_told == Some(waiting) {
                continue;
            }
            conn.line_told = Some(waiting);
            let sight = Sight::Line {
                waiting: u32::try_from(waiting).unwrap_or(u32::MAX),
                next: next.clone(),
            };
            self.out.push(Out::Send(id, Tell::Sight(sight)));
        }
        let Some(sitting) = &self.table else {
            return;
        };
        for id in sitting.seats.into_iter().flatten() {
            let Some(conn) = self.conns.get_mut(&id) else {
                continue;
            };
            if !conn.who.stays() || conn.line_told == Some(waiting) {
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

    /// `name`, or if a player already waiting or playing has it or one
    /// that looks like it ([`names::look`]), `name-2` (`-3`, ...), so that
    /// two players named alike can be told apart.
    fn distinct(&self, name: Name) -> Name {
        let taken = |candidate: &Name| {
            let look = names::look(candidate.as_str());
            let alike = |n: &Name| names::look(n.as_str()) == look;
            self.queue.iter().any(|(_, n)| alike(n))
                || self
                    .table
                    .as_ref()
                    .is_some_and(|s| Seat::BOTH.into_iter().any(|seat| alike(s.table.name(seat))))
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

    fn who(&self, id: ConnId) -> Option<Who> {
        self.conns.get(&id).map(|c| c.who)
    }

    fn peer(&self, id: ConnId) -> SocketAddr {
        self.conns
            .get(&id)
            .map_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0)), |c| c.peer)
    }
}

/// What a watcher sees of what the table tells its first seat: by the
/// marks, not from that seat's side. `None` for what is only a seat's
/// business (the rematch, goodbyes).
fn sight_of(say: &Say, table: &Table) -> Option<Sight> {
    let first = table.mark(Seat::First);
    let by_mark = |mark: Mark| {
        Seat::BOTH
            .into_iter()
            .find(|&seat| table.mark(seat) == mark)
            .map_or_else(
                || table.name(Seat::First).clone(),
                |seat| table.name(seat).clone(),
            )
    };
    Some(match say {
        Say::Start { limit, .. } => Sight::Table(Some(Players {
            x: by_mark(Mark::X),
            o: by_mark(Mark::O),
            limit: *limit,
        })),
        Say::Board {
            board,
            turn,
            last,
            left,
        } => Sight::Board {
            board: *board,
            turn: *turn,
            last: *last,
            left: *left,
        },
        Say::Clock { left, mover, .. } => Sight::Clock {
            left: *left,
            mover: *mover,
        },
        Say::Result(outcome) => Sight::Ended(match outcome {
            Outcome::Win(ending) => Verdict::Won(first, *ending),
            Outcome::Lose(ending) => Verdict::Won(first.other(), *ending),
            Outcome::Tie => Verdict::Tie,
        }),
        Say::Score(score) => {
            let (x, o) = if first == Mark::X {
                (score.wins, score.losses)
            } else {
                (score.losses, score.wins)
            };
            Sight::Tally {
                x,
                o,
                ties: score.ties,
            }
        }
        Say::Rematch { .. } | Say::Accepted | Say::Bye(_) => return None,
    })
}

/// `N` random bytes from the operating system, or `None` if it has none
/// to give (then no way back is given: never a guessable one).
fn random<const N: usize>() -> Option<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).ok()?;
    Some(bytes)
}

/// The longest line taken for a person's, before the handshake: a line
/// of a terminal. Anything longer is a program's, and gets its `ERR`.
const TYPED_LINE: usize = 80;

/// Whether a player may take `name`: nobody's may look like the computer
/// opponent's (`computer-…`), and its letters are of one script (see
/// [`names`]).
fn reserved(name: &Name) -> Result<(), Refused> {
    if names::passes_for_computer(name.as_str()) {
        Err(Refused::ReservedName(name.clone()))
    } else if !names::one_script(name.as_str()) {
        Err(Refused::MixedScripts(name.clone()))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
