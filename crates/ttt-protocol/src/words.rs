//! How a result reads to the player it concerns: the same sentences in the
//! console client and for a person playing in `nc` (the server's prose), so
//! both say a game ended the same way. Wording only: the outcome itself is
//! always the server's `RESULT`.

use crate::outcome::{Ending, Forfeit, Outcome, Score};

/// A `RESULT`, in words, from this player's side.
///
/// ```
/// use ttt_protocol::{Ending, Forfeit, Outcome, words};
/// let quit = Outcome::Lose(Ending::Forfeit(Forfeit::Quit));
/// assert_eq!(words::outcome(quit, "bob"), "You left; bob wins by forfeit.");
/// ```
pub fn outcome(outcome: Outcome, opponent: &str) -> String {
    match outcome {
        Outcome::Tie => "It's a tie: the board is full.".to_owned(),
        Outcome::Win(Ending::Line(line)) => format!("You win! Three in a row on {line}."),
        Outcome::Lose(Ending::Line(line)) => {
            format!("You lose: {opponent} got three in a row on {line}.")
        }
        Outcome::Win(Ending::Forfeit(reason)) => format!(
            "You win: {opponent} {}.",
            match reason {
                Forfeit::Quit => "left the game",
                Forfeit::Disconnect => "disconnected",
                Forfeit::Timeout => "ran out of time",
                Forfeit::Abuse => "was cut off for protocol errors",
            }
        ),
        Outcome::Lose(Ending::Forfeit(reason)) => format!(
            "{}; {opponent} wins by forfeit.",
            match reason {
                Forfeit::Quit => "You left",
                Forfeit::Disconnect => "Your connection dropped",
                Forfeit::Timeout => "Your time ran out",
                Forfeit::Abuse => "The server cut you off for protocol errors",
            }
        ),
    }
}

/// The running score, from this player's side.
pub fn score(score: Score, opponent: &str) -> String {
    let Score { wins, losses, ties } = score;
    format!("Score: you {wins}, {opponent} {losses}, ties {ties}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_in_words() {
        let line = "1 5 9".parse().expect("line");
        assert_eq!(
            outcome(Outcome::Win(Ending::Line(line)), "bob"),
            "You win! Three in a row on 1 5 9."
        );
        assert_eq!(
            outcome(Outcome::Lose(Ending::Line(line)), "bob"),
            "You lose: bob got three in a row on 1 5 9."
        );
        assert_eq!(
            outcome(Outcome::Win(Ending::Forfeit(Forfeit::Disconnect)), "bob"),
            "You win: bob disconnected."
        );
        assert_eq!(
            outcome(Outcome::Lose(Ending::Forfeit(Forfeit::Timeout)), "bob"),
            "Your time ran out; bob wins by forfeit."
        );
        assert_eq!(
            outcome(Outcome::Tie, "bob"),
            "It's a tie: the board is full."
        );
    }

    #[test]
    fn score_from_my_side() {
        let s = Score {
            wins: 2,
            losses: 1,
            ties: 0,
        };
        assert_eq!(score(s, "bob"), "Score: you 2, bob 1, ties 0.");
    }
}
