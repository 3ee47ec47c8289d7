//! What there is to show: the session's state as a front end reads it, and
//! what changed ([`Show`]). Plain data, no text: the sentences are
//! `ttt_protocol::words`', the drawing the renderers'.

use std::time::{Duration, Instant};

use ttt_protocol::{Board, Cell, Departure, Mark, Name, Outcome, Place, Score, Text, Verdict};

/// What a step changed, in order, for the renderers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Show {
    /// Something happened: said once (a line of the log or transcript).
    Note(Note),
    /// The server sent a board (the game's other changes, a start or a
    /// score, come as notes).
    Board,
    /// The question changed (or none is open now).
    Ask,
    /// A second passed on a running clock (only asked for by a live
    /// screen: the transcript says the time in its lines).
    Clock,
}

/// Everything the screen shows, at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// Our name, as the server shows it.
    pub me: Name,
    /// The game at the table, while there is one (and the last one after).
    pub game: Option<Game>,
    /// Where we are, in one word.
    pub stage: Stage,
    /// The question open, if any.
    pub ask: Option<Ask>,
    /// The clock running, if any.
    pub clock: Option<Clock>,
    /// The game at the table as a watcher sees it (feature `watch`), while
    /// we are not in it.
    pub watched: Option<Watched>,
}

/// The game at the table, watched: by the marks, as the server told it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watched {
    /// Who plays X.
    pub x: Name,
    /// Who plays O.
    pub o: Name,
    /// The board as the server last sent it.
    pub board: Board,
    /// The last move, if known.
    pub last: Option<Cell>,
    /// Whose move it is; `None` before the first board and once over.
    pub turn: Option<Mark>,
    /// The time each move has, if the server said.
    pub limit: Option<Duration>,
    /// When the mover's time runs out, if the server said.
    pub deadline: Option<Instant>,
}

impl Watched {
    /// The name of who plays `mark`.
    pub fn name(&self, mark: Mark) -> &Name {
        if mark == Mark::X { &self.x } else { &self.o }
    }
}

/// The game, as the server told it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Game {
    /// Our mark.
    pub mark: Mark,
    /// The opponent's name.
    pub opponent: Name,
    /// The board as the server last sent it.
    pub board: Board,
    /// The last move, if known.
    pub last: Option<Cell>,
    /// Whose move it is; `None` before the first board and once over.
    pub turn: Option<Mark>,
    /// The running score at this table, from our side.
    pub score: Score,
    /// The time each move has, if the server said.
    pub limit: Option<Duration>,
}

/// Where the session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Connected; not greeted yet.
    Connecting,
    /// In line for the table (the place, where the server says it).
    Waiting(Option<Place>),
    /// A game is on.
    Playing,
    /// A game has ended; what follows is the server's to say.
    Over,
    /// Only watching (`--spectate`): not in line.
    Watching,
    /// We said we leave.
    Leaving,
}

/// A question the player can answer now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// Your move.
    Move,
    /// Play again, marks swapped?
    Rematch,
    /// Join the back of the line to play again?
    Rejoin,
    /// Leave this game? The opponent wins by forfeit.
    Leave {
        /// Who would win.
        opponent: Name,
    },
    /// Waiting alone: the computer can be asked for.
    Computer,
}

/// A running clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// Whose time it is.
    pub whose: Whose,
    /// When it runs out.
    pub deadline: Instant,
}

/// Whose time a clock counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose {
    /// Our move.
    Mine,
    /// The opponent's move.
    Theirs,
    /// Our answer to a question (rematch, rejoin).
    Answer,
}

impl View {
    /// The watched game, when that is what the screen shows: while we
    /// wait in line, or only watch.
    pub fn watched_now(&self) -> Option<&Watched> {
        match self.stage {
            Stage::Waiting(_) | Stage::Watching => self.watched.as_ref(),
            _ => None,
        }
    }

    /// The opponent's name, or "your opponent" before there is one.
    pub fn opponent(&self) -> String {
        self.game
            .as_ref()
            .map_or_else(|| "your opponent".to_owned(), |g| g.opponent.to_string())
    }
}

impl Clock {
    /// The time left at `now`.
    pub fn left(&self, now: Instant) -> Duration {
        self.deadline.saturating_duration_since(now)
    }
}

/// Something that happened, to be said once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// The server shows us with another name.
    Renamed {
        /// The name asked for.
        asked: Name,
        /// The name given.
        shown: Name,
    },
    /// The computer was asked for, and the server has none.
    NoComputer,
    /// Waiting alone a while: the computer can be played.
    ComputerOffer,
    /// In line (again, after a game: `again`).
    Waiting {
        /// The place, where the server says it.
        place: Option<Place>,
        /// Not the first wait.
        again: bool,
    },
    /// Connected, and nobody greets us: an older server, busy.
    UnseenInQueue,
    /// A game begins.
    Start {
        /// Our mark.
        mark: Mark,
        /// The opponent.
        opponent: Name,
        /// The time per move.
        limit: Option<Duration>,
    },
    /// A move was played.
    Moved {
        /// Where.
        cell: Cell,
        /// By us.
        mine: bool,
    },
    /// The server's clock warning.
    Hurry {
        /// Time left.
        left: Duration,
        /// For our move (else the opponent's).
        mine: bool,
    },
    /// The game's result, the server's word.
    Result(Outcome),
    /// The running score.
    Score(Score),
    /// Our yes to the rematch is in.
    AwaitingAnswer,
    /// The opponent left the table during the rematch offer.
    PartnerLeft {
        /// Who.
        name: Name,
        /// How.
        how: Departure,
    },
    /// Players wait for the table.
    Line {
        /// How many.
        waiting: u32,
        /// The first.
        next: Option<Name>,
    },
    /// The server said this in its own words.
    ServerSays(Text),
    /// A line from the server this client cannot read, and why.
    Unreadable(String),
    /// A move has had no answer for this long.
    NoAnswer(Duration),
    /// A cell chosen out of turn.
    NotYourTurn,
    /// What was typed is not a cell.
    TypeACell,
    /// A yes-or-no question got something else.
    AnswerYesOrNo,
    /// Nothing is asked.
    NothingToAnswer,
    /// "Leave?" answered no.
    PlayingOn,
    /// We left the line (not during a game).
    LeftTheLine {
        /// After having played.
        played: bool,
    },
    /// We declined the rematch (or the rejoin).
    Declined,
    /// We left a running game, without waiting for the server's word.
    Forfeited,
    /// The server did not answer our leaving.
    LeavingAnyway,
    /// A piped script ran out while something was asked.
    EndOfInput,
    /// A game at the table begins, watched (or watching starts).
    Watching {
        /// Who plays X.
        x: Name,
        /// Who plays O.
        o: Name,
        /// The time per move.
        limit: Option<Duration>,
    },
    /// Nobody plays at the table now (said to one only watching).
    NoGameOn,
    /// A move at the watched table.
    WatchedMove {
        /// Who.
        name: Name,
        /// With which mark.
        mark: Mark,
        /// Where.
        cell: Cell,
    },
    /// How the watched game ended.
    WatchedEnd {
        /// The server's verdict.
        verdict: Verdict,
        /// Who played X.
        x: Name,
        /// Who played O.
        o: Name,
    },
    /// The score at the watched table.
    Tally {
        /// Who plays X, and their wins.
        x: (Name, u32),
        /// Who plays O, and their wins.
        o: (Name, u32),
        /// Ties.
        ties: u32,
    },
    /// A player's connection dropped; their seat is held this long.
    Away {
        /// Who.
        name: Name,
        /// The time they have.
        left: Duration,
    },
    /// They came back.
    Back(Name),
    /// We came back to our seat or place.
    YouAreBack,
    /// The connection was lost; connecting again (try `attempt`, `left`
    /// of the grace to go).
    Reconnecting {
        /// Which try.
        attempt: u32,
        /// The grace left.
        left: Duration,
    },
    /// The grace ran out, or the server would not have us back.
    CouldNotComeBack,
}

impl Note {
    /// The note as a sentence (from `ttt_protocol::words`, the sentences
    /// the server's front end for people uses too), with the names `view`
    /// holds.
    pub fn sentence(&self, view: &View) -> String {
        use ttt_protocol::words;
        let opponent = view.opponent();
        let opponent = opponent.as_str();
        match self {
            Note::Renamed { asked, shown } => words::renamed(asked.as_str(), shown.as_str()),
            Note::NoComputer => words::no_computer().to_owned(),
            Note::ComputerOffer => words::computer_offer().to_owned(),
            Note::Waiting {
                place: Some(place @ Place { game_on: true, .. }),
                ..
            } => words::place(*place),
            Note::Waiting { again, .. } => words::waiting(*again),
            Note::UnseenInQueue => words::unseen_in_queue().to_owned(),
            Note::Start {
                mark,
                opponent,
                limit,
            } => words::start(*mark, opponent.as_str(), *limit),
            Note::Moved { cell, mine } => words::moved(*cell, *mine, opponent),
            Note::Hurry { left, mine: true } => words::hurry(*left),
            Note::Hurry { left, mine: false } => words::their_clock(opponent, *left),
            Note::Result(outcome) => words::outcome(*outcome, opponent),
            Note::Score(score) => words::score(*score, opponent),
            Note::AwaitingAnswer => words::awaiting_answer(opponent),
            Note::PartnerLeft { name, how } => words::partner_left(name.as_str(), *how),
            Note::Line { waiting, next } => words::line(*waiting, next.as_ref().map(Name::as_str)),
            Note::ServerSays(text) => words::server_says(text.as_str()),
            Note::Unreadable(error) => words::unreadable_line(error),
            Note::NoAnswer(waited) => words::no_answer(*waited),
            Note::NotYourTurn => words::not_your_turn(opponent),
            Note::TypeACell => words::type_a_cell().to_owned(),
            Note::AnswerYesOrNo => words::answer_yes_or_no().to_owned(),
            Note::NothingToAnswer => words::nothing_to_answer().to_owned(),
            Note::PlayingOn => words::playing_on().to_owned(),
            Note::LeftTheLine { played: false } => words::left_the_line().to_owned(),
            Note::LeftTheLine { played: true } => format!(
                "{} {}",
                words::you_leave(words::Leaving::Quit),
                words::thanks(view.me.as_str())
            ),
            Note::Declined => format!(
                "{} {}",
                words::you_leave(words::Leaving::Declined),
                words::thanks(view.me.as_str())
            ),
            Note::Forfeited => words::outcome(
                Outcome::Lose(ttt_protocol::Ending::Forfeit(ttt_protocol::Forfeit::Quit)),
                opponent,
            ),
            Note::LeavingAnyway => words::leaving_anyway().to_owned(),
            Note::EndOfInput => words::end_of_input().to_owned(),
            Note::Watching { x, o, limit } => words::watching(x.as_str(), o.as_str(), *limit),
            Note::NoGameOn => words::no_game_on().to_owned(),
            Note::WatchedMove { name, mark, cell } => {
                words::watched_move(name.as_str(), *mark, *cell)
            }
            Note::WatchedEnd { verdict, x, o } => words::verdict(*verdict, x.as_str(), o.as_str()),
            Note::Tally { x, o, ties } => words::tally(x.0.as_str(), x.1, o.0.as_str(), o.1, *ties),
            Note::Away { name, left } => words::away(name.as_str(), *left),
            Note::Back(name) => words::back(name.as_str()),
            Note::YouAreBack => words::you_are_back().to_owned(),
            Note::Reconnecting { attempt, left } => words::reconnecting(*attempt, *left),
            Note::CouldNotComeBack => words::could_not_come_back().to_owned(),
        }
    }
}

/// Views for the front ends' tests.
#[cfg(test)]
pub(crate) mod sample {
    use super::*;

    /// ann (X) against `opponent` on `board`, `turn` to move with `left`
    /// on its clock, 30 s a move, no score yet; a move is asked when it is
    /// ann's turn.
    pub(crate) fn playing(
        opponent: &str,
        board: &str,
        turn: Mark,
        left: Duration,
        now: Instant,
    ) -> View {
        View {
            me: "ann".parse().expect("name"),
            game: Some(Game {
                mark: Mark::X,
                opponent: opponent.parse().expect("name"),
                board: board.parse().expect("board"),
                last: None,
                turn: Some(turn),
                score: Score::default(),
                limit: Some(Duration::from_secs(30)),
            }),
            stage: Stage::Playing,
            ask: (turn == Mark::X).then_some(Ask::Move),
            clock: Some(Clock {
                whose: if turn == Mark::X {
                    Whose::Mine
                } else {
                    Whose::Theirs
                },
                deadline: now + left,
            }),
            watched: None,
        }
    }
}
