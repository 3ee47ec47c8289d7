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
use std::time::Duration;

use ttt_protocol::{
    Cell, ClientMsg, ErrorCode, Mark, Name, PROTOCOL_VERSION, ServerMsg, write_message,
};

use crate::events::Event;
use crate::render::{self, Style};

/// How the session ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Exit {
    /// The server said goodbye, or the player quit: exit code 0.
    Done,
    /// The connection dropped without a goodbye: exit code 1.
    Lost,
    /// The server refused us (version mismatch, cut off): exit code 1.
    Refused(String),
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
    /// A move was sent and the server's answer (board or refusal) is due.
    move_pending: bool,
    /// Lines typed ahead, kept for the next prompt.
    queue: VecDeque<String>,
    input_ended: bool,
    greeted: bool,
    in_game: bool,
    /// We sent QUIT; the server closing now is expected.
    quitting: bool,
    /// How long without a greeting before telling the player the server
    /// seems busy and they wait in its queue.
    queue_notice_after: Duration,
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
            move_pending: false,
            queue: VecDeque::new(),
            input_ended: false,
            greeted: false,
            in_game: false,
            quitting: false,
            queue_notice_after: Duration::from_secs(3),
        }
    }

    /// Sets how long to wait for a greeting before telling the player the
    /// server seems busy (default 3 s). A `ttt-server` greets at once; one
    /// that does not is overloaded, or an older server busy with a game
    /// while this connection waits in its listen backlog.
    pub fn queue_notice_after(mut self, wait: Duration) -> Session<W> {
        self.queue_notice_after = wait;
        self
    }

    /// Runs until the server says goodbye, the player quits, or the
    /// connection drops.
    pub fn run(mut self, events: &Receiver<Event>) -> Exit {
        let mut queue_notice_due = true;
        loop {
            let event = if !self.greeted && queue_notice_due {
                match events.recv_timeout(self.queue_notice_after) {
                    Ok(event) => event,
                    Err(RecvTimeoutError::Timeout) => {
                        queue_notice_due = false;
                        self.say(
                            "The server is busy with another game; you are in its queue and \
                             will be greeted when it ends (q or Ctrl-C to give up).",
                        );
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => return Exit::Lost,
                }
            } else {
                match events.recv() {
                    Ok(event) => event,
                    Err(_) => return Exit::Lost,
                }
            };
            let exit = match event {
                Event::Server(msg) => self.on_server(msg),
                Event::ServerJunk(what) => {
                    self.say(&format!(
                        "(ignoring a line from the server this client does not understand: {what})"
                    ));
                    None
                }
                Event::ServerGone(_) if self.quitting => Some(Exit::Done),
                Event::ServerGone(_) => Some(Exit::Lost),
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
            };
            if let Some(exit) = exit.or_else(|| self.feed_prompt()) {
                self.close_prompt_line();
                return exit;
            }
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
                self.say("Connected. Waiting for an opponent to join... (q to cancel)")
            }
            ServerMsg::Start { mark, opponent } => {
                self.say(&render::start(mark, &opponent, self.style));
                self.mark = Some(mark);
                self.opponent = Some(opponent);
                self.in_game = true;
            }
            ServerMsg::Board { board, turn } => {
                self.move_pending = false;
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
                if std::mem::take(&mut self.move_pending) {
                    self.ask(Prompt::Move);
                } else {
                    self.reprompt();
                }
            }
            ServerMsg::Bye(text) => {
                if !text.is_empty() {
                    self.say(&format!("Server: {text}"));
                }
                return Some(Exit::Done);
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
                        self.move_pending = true;
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
        self.prompt = None;
        self.quitting = true;
        self.send(&ClientMsg::Quit);
        if self.in_game {
            None
        } else {
            // Waiting or between games: the server has nothing more to say.
            Some(Exit::Done)
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
