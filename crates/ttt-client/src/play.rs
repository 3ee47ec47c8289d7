//! The play loop: show what the server says, ask for input when the server
//! says it is the player's turn, send what the player chose.
//!
//! The client decides nothing about the game. It checks only that what the
//! player typed is a cell number at all (anything else cannot be sent as a
//! `MOVE`); whether the cell is free, whose turn it is, and who won are the
//! server's word, shown as the server says it.

use std::collections::VecDeque;
use std::io::Write;
use std::net::TcpStream;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use ttt_protocol::{
    Cell, ClientMsg, ErrorCode, Mark, Name, PROTOCOL_VERSION, ServerMsg, write_message,
};

use crate::events::{Event, Lost};
use crate::render::{self, Style};

/// How the session ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Exit {
    /// The server said goodbye, or the player quit: exit code 0.
    Done,
    /// The player pressed Ctrl-C: exit code 130, as for any interrupted
    /// program (after telling the server, when it could).
    Interrupted,
    /// The connection ended without a goodbye, and why: exit code 1.
    Lost(Lost),
    /// The server refused us (version mismatch, cut off): exit code 1.
    Refused(String),
    /// What answered is not a ttt server; this is what it said first:
    /// exit code 1.
    NotTtt(String),
}

/// How long the client waits for things, before telling the player or
/// giving up. Settings, so tests need not wait for real seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timings {
    /// Nothing at all from the server for this long: say it seems busy.
    pub queue_notice: Duration,
    /// After quitting during a game, wait this long for the server's
    /// goodbye, then leave anyway.
    pub quit_wait: Duration,
    /// A move unanswered for this long: say so (and keep waiting).
    pub answer_notice: Duration,
}

impl Default for Timings {
    fn default() -> Timings {
        Timings {
            queue_notice: Duration::from_secs(3),
            quit_wait: Duration::from_millis(1500),
            answer_notice: Duration::from_secs(3),
        }
    }
}

/// What the player is being asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prompt {
    /// A cell number for our move.
    Move,
    /// Yes or no to a rematch.
    Rematch,
    /// Whether to really quit the running game; on no, back to the move
    /// prompt if that is where the question came from.
    ConfirmQuit {
        /// The question interrupted the move prompt.
        from_move: bool,
    },
}

impl Prompt {
    fn text(self) -> &'static str {
        match self {
            Prompt::Move => "Your move (1-9, q to quit): ",
            Prompt::Rematch => "Play again, marks swapped? (y/n): ",
            Prompt::ConfirmQuit { .. } => "Quit and forfeit this game? (y/n): ",
        }
    }
}

/// One connection's worth of playing.
pub struct Session<W: Write> {
    out: W,
    conn: TcpStream,
    style: Style,
    /// Stdin is a terminal: a person is typing, rather than a script piping.
    interactive: bool,
    name: Name,
    /// Our mark and the opponent's name in the current game.
    mark: Option<Mark>,
    opponent: Option<Name>,
    /// The question on screen, if any.
    prompt: Option<Prompt>,
    /// The prompt text is on screen without a newline after it.
    prompt_open: bool,
    /// A move was sent at this instant and the server's answer (board or
    /// refusal) is due.
    move_sent: Option<Instant>,
    /// The player was told the pending move has no answer yet.
    answer_noticed: bool,
    /// Lines typed ahead, kept for the next prompt.
    queue: VecDeque<String>,
    input_ended: bool,
    greeted: bool,
    in_game: bool,
    /// A game has been played on this connection.
    played: bool,
    /// The server said WAIT, and no game has started since.
    waiting: bool,
    /// We sent QUIT; the server closing now is expected.
    quitting: bool,
    /// We sent QUIT during a game and leave at this instant, answered or not.
    quit_deadline: Option<Instant>,
    /// The player pressed Ctrl-C.
    interrupted: bool,
    timings: Timings,
}

impl<W: Write> Session<W> {
    /// A session over a connected stream, writing for the player to `out`.
    pub fn new(out: W, conn: TcpStream, style: Style, interactive: bool, name: Name) -> Session<W> {
        Session {
            out,
            conn,
            style,
            interactive,
            name,
            mark: None,
            opponent: None,
            prompt: None,
            prompt_open: false,
            move_sent: None,
            answer_noticed: false,
            queue: VecDeque::new(),
            input_ended: false,
            greeted: false,
            in_game: false,
            played: false,
            waiting: false,
            quitting: false,
            quit_deadline: None,
            interrupted: false,
            timings: Timings::default(),
        }
    }

    /// Sets how long to wait for things (defaults: [`Timings::default`]).
    pub fn timings(mut self, timings: Timings) -> Session<W> {
        self.timings = timings;
        self
    }

    /// Runs until the server says goodbye, the player quits, or the
    /// connection drops.
    pub fn run(mut self, events: &Receiver<Event>) -> Exit {
        let started = Instant::now();
        let mut queue_noticed = false;
        loop {
            // Nothing at all has arrived (the first line is WELCOME, or the
            // session ends): the server seems busy.
            let queue_notice =
                (!self.greeted && !queue_noticed).then(|| started + self.timings.queue_notice);
            let answer_notice = self
                .move_sent
                .filter(|_| !self.answer_noticed)
                .map(|sent| sent + self.timings.answer_notice);
            let wake = [queue_notice, answer_notice, self.quit_deadline]
                .into_iter()
                .flatten()
                .min();
            let received = match wake {
                Some(at) => events.recv_timeout(at.saturating_duration_since(Instant::now())),
                None => events.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            let event = match received {
                Ok(event) => event,
                Err(RecvTimeoutError::Timeout) => {
                    let now = Instant::now();
                    if self.quit_deadline.is_some_and(|at| at <= now) {
                        self.say("(no answer from the server; leaving anyway)");
                        return self.quit_exit();
                    }
                    if queue_notice.is_some_and(|at| at <= now) {
                        queue_noticed = true;
                        self.say(
                            "The server is busy with another game; you are in its queue and \
                             will be greeted when it ends (q or Ctrl-C to give up).",
                        );
                    }
                    if answer_notice.is_some_and(|at| at <= now) {
                        self.answer_noticed = true;
                        self.say(&format!(
                            "(no answer from the server for {} s; it may be gone: keep \
                             waiting, or q to leave)",
                            self.timings.answer_notice.as_secs_f64()
                        ));
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return Exit::Lost(Lost::Closed),
            };
            let exit = match event {
                Event::Server(msg) => match msg {
                    ServerMsg::Welcome { .. } => self.on_server(msg),
                    // The first line of a ttt server is always WELCOME.
                    _ if !self.greeted => Some(Exit::NotTtt(msg.to_string())),
                    _ => self.on_server(msg),
                },
                Event::ServerJunk { line, .. } if !self.greeted => Some(Exit::NotTtt(line)),
                Event::ServerJunk { line, error } => {
                    self.say(&format!(
                        "(ignoring a line from the server this client does not understand: \
                         {error} in {line:?})"
                    ));
                    None
                }
                Event::ServerGone(_) if self.quitting => Some(self.quit_exit()),
                Event::ServerGone(lost) => Some(Exit::Lost(lost)),
                Event::Input(line) => self.on_input(line),
                Event::InputEnd => {
                    self.input_ended = true;
                    if self.interactive {
                        // Ctrl-D at the keyboard: leave now, whatever the state.
                        self.close_prompt_line();
                        self.quit()
                    } else {
                        None
                    }
                }
                Event::Interrupt if self.quitting => Some(Exit::Interrupted),
                Event::Interrupt => {
                    self.interrupted = true;
                    self.close_prompt_line();
                    self.quit()
                }
            };
            if let Some(exit) = exit.or_else(|| self.feed_prompt()) {
                self.close_prompt_line();
                return exit;
            }
        }
    }

    /// How to exit after quitting: interrupted or not.
    fn quit_exit(&self) -> Exit {
        if self.interrupted {
            Exit::Interrupted
        } else {
            Exit::Done
        }
    }

    /// Reacts to one server message.
    fn on_server(&mut self, msg: ServerMsg) -> Option<Exit> {
        match msg {
            ServerMsg::Welcome { version, .. } => {
                self.greeted = true;
                if version != PROTOCOL_VERSION {
                    self.say(&format!(
                        "The server speaks protocol {version}, this client {PROTOCOL_VERSION}."
                    ));
                }
                self.send(&ClientMsg::Hello {
                    version: PROTOCOL_VERSION,
                    name: self.name.clone(),
                });
            }
            ServerMsg::Wait => {
                self.waiting = true;
                self.in_game = false;
                self.prompt = None;
                if self.played {
                    self.say("Waiting for your next opponent... (q to leave)");
                } else {
                    self.say("Connected. Waiting for an opponent to join... (q to cancel)");
                }
            }
            ServerMsg::Start { mark, opponent } => {
                self.say(&render::start(mark, &opponent, self.style));
                self.mark = Some(mark);
                self.opponent = Some(opponent);
                self.in_game = true;
                self.played = true;
                self.waiting = false;
            }
            ServerMsg::Board { board, turn } => {
                self.move_sent = None;
                self.say(&format!("\n{}\n", render::board(&board, self.style)));
                match turn {
                    Some(turn) if Some(turn) == self.mark => self.ask(Prompt::Move),
                    Some(turn) => {
                        self.prompt = None;
                        self.say(&format!(
                            "Waiting for {} ({})...",
                            self.opponent_name(),
                            self.style.mark(turn)
                        ));
                    }
                    None => self.prompt = None,
                }
            }
            ServerMsg::Clock { seconds } => {
                self.say(&format!(
                    "Hurry: {seconds} seconds left for your move, or you forfeit."
                ));
                self.reprompt();
            }
            ServerMsg::Result(outcome) => {
                self.in_game = false;
                self.prompt = None;
                self.say(&render::outcome(outcome, self.opponent_name()));
            }
            ServerMsg::Score(score) => self.say(&render::score(score, self.opponent_name())),
            ServerMsg::Rematch => self.ask(Prompt::Rematch),
            ServerMsg::Error { code, text } if code.is_fatal() => {
                let what = match code {
                    ErrorCode::NoProto => "protocol version mismatch",
                    _ => "the server closed the connection",
                };
                return Some(Exit::Refused(format!("{what}: {text}")));
            }
            ServerMsg::Error { text, .. } => {
                self.say(&format!("Server: {text}"));
                if self.move_sent.take().is_some() {
                    self.ask(Prompt::Move);
                } else {
                    self.reprompt();
                }
            }
            ServerMsg::Bye(text) => {
                if !text.is_empty() {
                    self.say(&format!("Server: {text}"));
                }
                return Some(self.quit_exit());
            }
        }
        None
    }

    /// Takes a typed line: for the prompt if one is open, else kept for the
    /// next prompt (piped input) or answered at once (at the keyboard).
    fn on_input(&mut self, line: String) -> Option<Exit> {
        self.prompt_open = false;
        if self.prompt.is_some() || !self.interactive {
            self.queue.push_back(line);
            return None;
        }
        // A person typing when nothing was asked.
        match line.to_ascii_lowercase().as_str() {
            "q" | "quit" if self.in_game => self.ask(Prompt::ConfirmQuit { from_move: false }),
            "q" | "quit" => return self.quit(),
            "" => {}
            _ if self.in_game => self.say(&format!(
                "Not your turn yet: waiting for {}.",
                self.opponent_name()
            )),
            _ => self.say("Nothing to answer yet; q quits."),
        }
        None
    }

    /// Answers the open prompt from the typed-ahead lines; when input has
    /// ended and an answer is needed, quits.
    fn feed_prompt(&mut self) -> Option<Exit> {
        if self.waiting && !self.interactive && !self.quitting {
            // A script waiting for another opponent: a `q` it sent ahead is
            // answered now, and a script that has ended has nothing to play.
            let front = self.queue.front().map(|l| l.to_ascii_lowercase());
            if matches!(front.as_deref(), Some("q" | "quit")) {
                self.queue.pop_front();
                return self.quit();
            }
            if self.queue.is_empty() && self.input_ended {
                self.say("(end of input: leaving)");
                return self.quit();
            }
        }
        while let Some(prompt) = self.prompt {
            let Some(line) = self.queue.pop_front() else {
                if !self.input_ended {
                    return None;
                }
                self.say("(end of input: quitting)");
                return self.quit();
            };
            if !self.interactive {
                // Piped input is not echoed by a terminal: show it after the prompt.
                let _ = writeln!(self.out, "{line}");
            }
            self.prompt = None;
            self.prompt_open = false;
            if let Some(exit) = self.answer(prompt, &line) {
                return Some(exit);
            }
        }
        None
    }

    /// Handles one answer to `prompt`.
    fn answer(&mut self, prompt: Prompt, line: &str) -> Option<Exit> {
        let word = line.to_ascii_lowercase();
        match (prompt, word.as_str()) {
            (Prompt::Move, "q" | "quit") if self.interactive => {
                self.ask(Prompt::ConfirmQuit { from_move: true })
            }
            (Prompt::Move, "q" | "quit") => return self.quit(),
            (Prompt::Move, _) => {
                match line.parse::<Cell>() {
                    Ok(cell) => {
                        self.move_sent = Some(Instant::now());
                        self.answer_noticed = false;
                        self.send(&ClientMsg::Move(cell));
                    }
                    Err(_) => {
                        self.say("Type the number of an empty cell, 1 to 9 (as on the board), or q to quit.");
                        self.ask(Prompt::Move);
                    }
                }
            }
            (Prompt::Rematch, "y" | "yes") => {
                self.send(&ClientMsg::Rematch(true));
                self.say("Waiting for the opponent's answer...");
            }
            (Prompt::Rematch, "n" | "no" | "q" | "quit") => {
                self.quitting = true;
                self.send(&ClientMsg::Rematch(false));
            }
            (Prompt::ConfirmQuit { .. }, "y" | "yes") => return self.quit(),
            (Prompt::ConfirmQuit { from_move }, "n" | "no") => {
                if from_move && self.in_game {
                    self.ask(Prompt::Move);
                }
            }
            (Prompt::Rematch | Prompt::ConfirmQuit { .. }, _) => {
                self.say("Please answer y or n.");
                self.ask(prompt);
            }
        }
        None
    }

    /// Leaves: tells the server, then lets it close the connection (it sends
    /// the forfeit result and goodbye first when a game is running).
    fn quit(&mut self) -> Option<Exit> {
        if self.quitting {
            // Already leaving (a second Ctrl-D, say): the deadline stands.
            return None;
        }
        self.prompt = None;
        self.quitting = true;
        self.send(&ClientMsg::Quit);
        if self.in_game {
            // The server answers with the result and goodbye; if it does
            // not (its machine is gone, say), leave anyway, soon.
            self.quit_deadline = Some(Instant::now() + self.timings.quit_wait);
            None
        } else {
            // Waiting or between games: the server has nothing more to say.
            Some(self.quit_exit())
        }
    }

    fn opponent_name(&self) -> &str {
        self.opponent.as_ref().map_or("your opponent", Name::as_str)
    }

    fn send(&mut self, msg: &ClientMsg) {
        // A failed write means the connection is gone; the server reader
        // reports that, and the loop ends there with the right message.
        let _ = write_message(&mut self.conn, msg);
    }

    /// Opens a prompt: prints its question, without a newline.
    fn ask(&mut self, prompt: Prompt) {
        self.prompt = Some(prompt);
        self.show_prompt();
    }

    /// Prints the open prompt again after something interrupted it.
    fn reprompt(&mut self) {
        if self.prompt.is_some() {
            self.show_prompt();
        }
    }

    fn show_prompt(&mut self) {
        if let Some(prompt) = self.prompt {
            let _ = write!(self.out, "{}", prompt.text());
            let _ = self.out.flush();
            self.prompt_open = true;
        }
    }

    /// Ends an open prompt's line so the next output starts on its own line.
    fn close_prompt_line(&mut self) {
        if std::mem::take(&mut self.prompt_open) {
            let _ = writeln!(self.out);
        }
    }

    /// Prints a line for the player. Errors are ignored: with stdout gone
    /// there is no one to tell, and the game itself can go on.
    fn say(&mut self, text: &str) {
        self.close_prompt_line();
        let _ = writeln!(self.out, "{text}");
        let _ = self.out.flush();
    }
}
