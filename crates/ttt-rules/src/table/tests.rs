//! The table, rule by rule, with time driven by hand. Messages are rendered
//! compactly (`1 BOARD X........ O`: seat 1 is the first seat) so a test reads
//! like the transcript it checks.

use super::*;

const TURN: Duration = Duration::from_secs(120);

fn name(s: &str) -> Name {
    s.parse().expect("test name")
}

fn cell(n: u8) -> Cell {
    Cell::new(n).expect("test cell")
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// A fresh table of ann (first seat, X) and bob, with a 120 s turn clock.
fn table_at(now: Instant) -> Table {
    table_with(Some(TURN), now)
}

fn table_with(turn_timeout: Option<Duration>, now: Instant) -> Table {
    let (table, _) = Table::open(
        [name("ann"), name("bob")],
        Seat::First,
        TableSettings { turn_timeout },
        now,
    );
    table
}

fn render(said: &Said) -> Vec<String> {
    said.iter()
        .map(|(seat, say)| {
            let n = seat.index() + 1;
            let text = match say {
                // The limits are checked in tests of their own.
                Say::Start { mark, opponent, .. } => format!("START {mark} {opponent}"),
                Say::Board { board, turn, .. } => {
                    format!("BOARD {board} {}", turn.map_or('-', Mark::as_char))
                }
                Say::Clock {
                    left, yours: true, ..
                } => format!("CLOCK {}", left.as_secs()),
                Say::Clock {
                    left,
                    mover,
                    yours: false,
                } => format!("CLOCK {} for {mover}", left.as_secs()),
                Say::Result(outcome) => format!("RESULT {outcome}"),
                Say::Score(score) => format!("SCORE {score}"),
                Say::Rematch { .. } => "REMATCH".to_owned(),
                Say::Accepted => "(accepted)".to_owned(),
                Say::Bye(farewell) => format!("BYE {farewell:?}"),
            };
            format!("{n} {text}")
        })
        .collect()
}

/// Handles an event that must be accepted; returns what was said.
#[track_caller]
fn ok(table: &mut Table, seat: Seat, event: Event, now: Instant) -> Vec<String> {
    match table.handle(seat, event, now) {
        Ok(said) => render(&said),
        Err(refusal) => panic!("refused: {refusal:?}"),
    }
}

/// Plays `moves` alternately, X first (the first seat plays X at a fresh
/// table); returns what the last move said.
fn play(table: &mut Table, moves: &[u8], now: Instant) -> Vec<String> {
    let mut last = Vec::new();
    for &n in moves {
        let Phase::Playing { mover } = table.phase() else {
            panic!("no game running for move {n}");
        };
        last = ok(table, mover, Event::Move(cell(n)), now);
    }
    last
}

#[test]
fn opening_starts_a_game_with_x_first() {
    let (table, said) = Table::open(
        [name("ann"), name("bob")],
        Seat::First,
        TableSettings {
            turn_timeout: Some(TURN),
        },
        Instant::now(),
    );
    assert_eq!(
        render(&said),
        [
            "1 START X bob",
            "2 START O ann",
            "1 BOARD ......... X",
            "2 BOARD ......... X"
        ]
    );
    assert_eq!(table.phase(), Phase::Playing { mover: Seat::First });
    // The second seat can be X too (the challenger at a winner-stays-on table).
    let (table, said) = Table::open(
        [name("ann"), name("bob")],
        Seat::Second,
        TableSettings { turn_timeout: None },
        Instant::now(),
    );
    assert_eq!(render(&said)[..2], ["1 START O bob", "2 START X ann"]);
    assert_eq!(
        table.phase(),
        Phase::Playing {
            mover: Seat::Second
        }
    );
}

#[test]
fn a_legal_move_is_shown_to_both_and_passes_the_turn() {
    let now = Instant::now();
    let mut table = table_at(now);
    assert_eq!(
        ok(&mut table, Seat::First, Event::Move(cell(5)), now),
        ["1 BOARD ....X.... O", "2 BOARD ....X.... O"]
    );
    assert_eq!(
        table.phase(),
        Phase::Playing {
            mover: Seat::Second
        }
    );
}

#[test]
fn refusals_during_a_game_change_nothing() {
    let now = Instant::now();
    let mut table = table_at(now);
    assert_eq!(
        table.handle(Seat::Second, Event::Move(cell(1)), now),
        Err(Refusal::NotYourTurn { turn: Mark::X })
    );
    play(&mut table, &[5], now);
    assert_eq!(
        table.handle(Seat::Second, Event::Move(cell(5)), now),
        Err(Refusal::Occupied {
            cell: cell(5),
            by: Mark::X
        })
    );
    assert_eq!(
        table.handle(Seat::First, Event::Move(cell(1)), now),
        Err(Refusal::NotYourTurn { turn: Mark::O })
    );
    assert_eq!(
        table.handle(Seat::First, Event::Rematch(true), now),
        Err(Refusal::GameRunning)
    );
    assert_eq!(
        table.handle(Seat::Second, Event::Rematch(false), now),
        Err(Refusal::GameRunning)
    );
    // Still bob's turn on the same board.
    assert_eq!(
        ok(&mut table, Seat::Second, Event::Move(cell(1)), now),
        ["1 BOARD O...X.... X", "2 BOARD O...X.... X"]
    );
}

#[test]
fn a_win_ends_with_board_result_score_and_rematch() {
    let now = Instant::now();
    let mut table = table_at(now);
    let said = play(&mut table, &[1, 4, 2, 5, 3], now);
    assert_eq!(
        said,
        [
            "1 BOARD XXXOO.... -",
            "2 BOARD XXXOO.... -",
            "1 RESULT WIN LINE 1 2 3",
            "1 SCORE 1 0 0",
            "2 RESULT LOSE LINE 1 2 3",
            "2 SCORE 0 1 0",
            "1 REMATCH",
            "2 REMATCH"
        ]
    );
    assert_eq!(table.phase(), Phase::Rematch);
    assert_eq!(table.next_deadline(), Some(now + TURN));
}

#[test]
fn o_can_win_and_a_full_board_is_a_tie() {
    let now = Instant::now();
    let mut table = table_at(now);
    let said = play(&mut table, &[2, 1, 3, 5, 4, 9], now);
    assert_eq!(said[2], "1 RESULT LOSE LINE 1 5 9");
    assert_eq!(said[4], "2 RESULT WIN LINE 1 5 9");

    let mut table = table_at(now);
    let said = play(&mut table, &[1, 2, 3, 5, 4, 6, 8, 7, 9], now);
    assert_eq!(
        said[..6],
        [
            "1 BOARD XOXXOOOXX -",
            "2 BOARD XOXXOOOXX -",
            "1 RESULT TIE",
            "1 SCORE 0 0 1",
            "2 RESULT TIE",
            "2 SCORE 0 0 1"
        ]
    );
}

#[test]
fn a_move_after_the_game_is_refused() {
    let now = Instant::now();
    let mut table = table_at(now);
    play(&mut table, &[1, 4, 2, 5, 3], now);
    assert_eq!(
        table.handle(Seat::Second, Event::Move(cell(9)), now),
        Err(Refusal::GameOver)
    );
}

#[test]
fn both_yes_starts_a_rematch_with_marks_swapped_and_the_score_kept() {
    let now = Instant::now();
    let mut table = table_at(now);
    play(&mut table, &[1, 4, 2, 5, 3], now);
    // The first yes is only acknowledged to its seat (no wire message: a
    // person in nc is told to wait); a second yes from it is refused.
    assert_eq!(
        ok(&mut table, Seat::Second, Event::Rematch(true), now),
        ["2 (accepted)"]
    );
    assert_eq!(
        table.handle(Seat::Second, Event::Rematch(true), now),
        Err(Refusal::AlreadyAccepted)
    );
    let later = now + secs(3);
    assert_eq!(
        ok(&mut table, Seat::First, Event::Rematch(true), later),
        [
            "1 START O bob",
            "2 START X ann",
            "1 BOARD ......... X",
            "2 BOARD ......... X"
        ]
    );
    // bob moves first now, and his clock started at the rematch.
    assert_eq!(
        table.phase(),
        Phase::Playing {
            mover: Seat::Second
        }
    );
    assert_eq!(table.next_deadline(), Some(later + secs(90)));
    let said = play(&mut table, &[1, 4, 2, 5, 3], later);
    assert!(said.contains(&"1 SCORE 1 1 0".to_owned()), "{said:?}");
    assert!(said.contains(&"2 SCORE 1 1 0".to_owned()), "{said:?}");
}

#[test]
fn no_to_the_rematch_closes_the_table() {
    let now = Instant::now();
    let mut table = table_at(now);
    play(&mut table, &[1, 4, 2, 5, 3], now);
    ok(&mut table, Seat::First, Event::Rematch(true), now);
    assert_eq!(
        ok(&mut table, Seat::Second, Event::Rematch(false), now),
        [
            "2 BYE Declined",
            "1 BYE Partner { name: Name(\"bob\"), how: Declined }"
        ]
    );
    assert_eq!(table.phase(), Phase::Over { stays: None });
    assert_eq!(table.next_deadline(), None);
}

#[test]
fn quit_at_the_rematch_offer_declines_it() {
    let now = Instant::now();
    let mut table = table_at(now);
    play(&mut table, &[1, 4, 2, 5, 3], now);
    let said = ok(&mut table, Seat::First, Event::Quit, now);
    assert_eq!(said[0], "1 BYE Declined");
    assert!(said[1].contains("Declined"), "{said:?}");
}

#[test]
fn leaving_during_the_rematch_offer_is_told_as_leaving() {
    let now = Instant::now();
    let mut table = table_at(now);
    play(&mut table, &[1, 4, 2, 5, 3], now);
    ok(&mut table, Seat::First, Event::Rematch(true), now);
    let said = ok(
        &mut table,
        Seat::Second,
        Event::Left(Gone::Disconnected),
        now,
    );
    assert_eq!(
        said[1],
        "1 BYE Partner { name: Name(\"bob\"), how: Disconnect }"
    );
    let mut table = table_at(now);
    play(&mut table, &[1, 4, 2, 5, 3], now);
    let said = ok(&mut table, Seat::Second, Event::Left(Gone::CutOff), now);
    assert!(said[1].contains("how: Abuse"), "{said:?}");
}

#[test]
fn no_answer_to_the_rematch_in_time_counts_as_no() {
    let now = Instant::now();
    let mut table = table_at(now);
    play(&mut table, &[1, 4, 2, 5, 3], now);
    ok(&mut table, Seat::First, Event::Rematch(true), now);
    // Nothing happens before the deadline...
    assert!(table.tick(now + TURN - Duration::from_millis(1)).is_empty());
    // ...and at it, bob's silence is a no.
    assert_eq!(
        render(&table.tick(now + TURN)),
        [
            "2 BYE TooLate",
            "1 BYE Partner { name: Name(\"bob\"), how: NoAnswer }"
        ]
    );
    assert_eq!(table.phase(), Phase::Over { stays: None });
}

#[test]
fn when_nobody_answers_the_rematch_both_are_told_it_expired() {
    let now = Instant::now();
    let mut table = table_at(now);
    play(&mut table, &[1, 4, 2, 5, 3], now);
    assert_eq!(
        render(&table.tick(now + TURN)),
        ["1 BYE TooLate", "2 BYE TooLate"]
    );
    assert_eq!(table.phase(), Phase::Over { stays: None });
}

/// A frozen or absent mover costs one turn clock, no more: the forfeit
/// ends the table for them, with no rematch offer to wait through.
#[test]
fn the_clock_warns_at_30_and_10_seconds_then_forfeits_by_timeout() {
    let start = Instant::now();
    let mut table = table_at(start);
    play(&mut table, &[5], start);
    // bob's clock started with the move.
    assert_eq!(table.next_deadline(), Some(start + secs(90)));
    assert!(table.tick(start + secs(89)).is_empty());
    // Both are told: bob to hurry, ann how long bob has.
    assert_eq!(
        render(&table.tick(start + secs(90))),
        ["1 CLOCK 30 for O", "2 CLOCK 30"]
    );
    assert_eq!(table.next_deadline(), Some(start + secs(110)));
    assert_eq!(
        render(&table.tick(start + secs(110))),
        ["1 CLOCK 10 for O", "2 CLOCK 10"]
    );
    assert_eq!(table.next_deadline(), Some(start + TURN));
    assert_eq!(
        render(&table.tick(start + TURN)),
        [
            "1 BOARD ....X.... -",
            "2 BOARD ....X.... -",
            "1 RESULT WIN FORFEIT TIMEOUT",
            "1 SCORE 1 0 0",
            "2 RESULT LOSE FORFEIT TIMEOUT",
            "2 SCORE 0 1 0",
            "2 BYE OutOfTime"
        ]
    );
    assert_eq!(
        table.phase(),
        Phase::Over {
            stays: Some(Seat::First)
        }
    );
    assert_eq!(table.next_deadline(), None);
}

#[test]
fn a_late_tick_gives_every_warning_due_and_the_forfeit_in_order() {
    let start = Instant::now();
    let mut table = table_at(start);
    let said = render(&table.tick(start + secs(500)));
    assert_eq!(
        said[..5],
        [
            "1 CLOCK 30",
            "2 CLOCK 30 for X",
            "1 CLOCK 10",
            "2 CLOCK 10 for X",
            "1 BOARD ......... -"
        ]
    );
}

#[test]
fn a_move_restarts_the_clock_for_the_next_mover() {
    let start = Instant::now();
    let mut table = table_at(start);
    table.tick(start + secs(95)); // ann warned at 90 s
    play(&mut table, &[5], start + secs(100));
    assert_eq!(table.next_deadline(), Some(start + secs(190)));
}

#[test]
fn only_warnings_below_the_limit_are_given() {
    let start = Instant::now();
    let mut table = table_with(Some(Duration::from_millis(10_300)), start);
    assert_eq!(
        table.next_deadline(),
        Some(start + Duration::from_millis(300))
    );
    assert_eq!(
        render(&table.tick(start + Duration::from_millis(300))),
        ["1 CLOCK 10", "2 CLOCK 10 for X"]
    );
    let mut table = table_with(Some(secs(5)), start);
    assert_eq!(table.next_deadline(), Some(start + secs(5)));
    assert!(render(&table.tick(start + secs(5)))[2].contains("FORFEIT TIMEOUT"));
    // Exactly 30 s: no "30 s left" at the very start; 10 s still comes.
    let table = table_with(Some(secs(30)), start);
    assert_eq!(table.next_deadline(), Some(start + secs(20)));
}

#[test]
fn no_turn_timeout_means_no_clock_and_no_rematch_deadline() {
    let start = Instant::now();
    let mut table = table_with(None, start);
    assert_eq!(table.next_deadline(), None);
    assert!(table.tick(start + secs(86_400)).is_empty());
    play(&mut table, &[1, 4, 2, 5, 3], start);
    assert_eq!(table.phase(), Phase::Rematch);
    assert_eq!(table.next_deadline(), None);
    assert!(table.tick(start + secs(86_400)).is_empty());
    assert_eq!(table.phase(), Phase::Rematch);
}

/// Quitting forfeits; the quitter leaves and the other stays on (to play
/// the next in line, or to wait for one): nobody is sent away for another's
/// departure.
#[test]
fn quitting_during_a_game_forfeits_and_the_other_stays_on() {
    let now = Instant::now();
    let mut table = table_at(now);
    play(&mut table, &[5], now);
    assert_eq!(
        ok(&mut table, Seat::Second, Event::Quit, now),
        [
            "1 BOARD ....X.... -",
            "2 BOARD ....X.... -",
            "1 RESULT WIN FORFEIT QUIT",
            "1 SCORE 1 0 0",
            "2 RESULT LOSE FORFEIT QUIT",
            "2 SCORE 0 1 0",
            "2 BYE Goodbye"
        ]
    );
    assert_eq!(
        table.phase(),
        Phase::Over {
            stays: Some(Seat::First)
        }
    );
}

#[test]
fn a_disconnect_or_a_cut_off_is_a_forfeit_told_apart_from_quitting() {
    let now = Instant::now();
    for (gone, reason) in [(Gone::Disconnected, "DISCONNECT"), (Gone::CutOff, "ABUSE")] {
        // On either player's turn.
        for leaver in Seat::BOTH {
            let mut table = table_at(now);
            let said = ok(&mut table, leaver, Event::Left(gone), now);
            let n = leaver.index() + 1;
            let other = leaver.other().index() + 1;
            assert!(said.contains(&format!("{n} RESULT LOSE FORFEIT {reason}")));
            assert!(said.contains(&format!("{other} RESULT WIN FORFEIT {reason}")));
            // The one who vanished (a ghost just paired, too) is the only one
            // to leave: the other stays on.
            assert_eq!(said.last(), Some(&format!("{n} BYE Goodbye")), "{said:?}");
            assert_eq!(
                table.phase(),
                Phase::Over {
                    stays: Some(leaver.other())
                }
            );
        }
    }
}

#[test]
fn events_after_the_table_closed_do_nothing() {
    let now = Instant::now();
    let mut table = table_at(now);
    ok(&mut table, Seat::First, Event::Quit, now);
    assert!(ok(&mut table, Seat::Second, Event::Quit, now).is_empty());
    assert!(ok(&mut table, Seat::Second, Event::Rematch(true), now).is_empty());
    assert!(
        ok(
            &mut table,
            Seat::Second,
            Event::Left(Gone::Disconnected),
            now
        )
        .is_empty()
    );
    assert_eq!(
        table.handle(Seat::Second, Event::Move(cell(1)), now),
        Err(Refusal::GameOver)
    );
    assert!(table.tick(now + secs(1000)).is_empty());
}

// Winner stays on: what changes when others are waiting for the table.

#[test]
fn contested_the_loser_makes_way_and_the_winner_stays_on() {
    let now = Instant::now();
    let mut table = table_at(now);
    table.set_contested(true);
    let said = play(&mut table, &[1, 4, 2, 5, 3], now);
    assert_eq!(
        said[2..],
        [
            "1 RESULT WIN LINE 1 2 3",
            "1 SCORE 1 0 0",
            "2 RESULT LOSE LINE 1 2 3",
            "2 SCORE 0 1 0",
            "2 BYE MakeWay { stays: Name(\"ann\"), after_tie: false }"
        ]
    );
    assert_eq!(
        table.phase(),
        Phase::Over {
            stays: Some(Seat::First)
        }
    );
    // The second seat can win and stay too.
    let mut table = table_at(now);
    table.set_contested(true);
    play(&mut table, &[2, 1, 3, 5, 4, 9], now);
    assert_eq!(
        table.phase(),
        Phase::Over {
            stays: Some(Seat::Second)
        }
    );
}

#[test]
fn contested_after_a_tie_the_longer_seated_makes_way() {
    let now = Instant::now();
    let mut table = table_at(now);
    table.set_contested(true);
    let said = play(&mut table, &[1, 2, 3, 5, 4, 6, 8, 7, 9], now);
    assert_eq!(
        said.last().map(String::as_str),
        Some("1 BYE MakeWay { stays: Name(\"bob\"), after_tie: true }")
    );
    assert_eq!(
        table.phase(),
        Phase::Over {
            stays: Some(Seat::Second)
        }
    );
}

#[test]
fn contested_a_timed_out_player_leaves_too() {
    let start = Instant::now();
    let mut table = table_at(start);
    table.set_contested(true);
    let said = render(&table.tick(start + TURN));
    assert_eq!(said.last().map(String::as_str), Some("1 BYE OutOfTime"));
    assert_eq!(
        table.phase(),
        Phase::Over {
            stays: Some(Seat::Second)
        }
    );
}

#[test]
fn contested_a_player_whose_opponent_leaves_stays_on() {
    let now = Instant::now();
    let mut table = table_at(now);
    table.set_contested(true);
    let said = ok(&mut table, Seat::Second, Event::Quit, now);
    // bob is told goodbye; ann is not sent away.
    assert_eq!(said.last().map(String::as_str), Some("2 BYE Goodbye"));
    assert_eq!(
        table.phase(),
        Phase::Over {
            stays: Some(Seat::First)
        }
    );
}

#[test]
fn contested_during_the_offer_only_a_player_who_said_yes_stays_on() {
    let now = Instant::now();
    let mut table = table_at(now);
    play(&mut table, &[1, 4, 2, 5, 3], now);
    // Someone queues while the rematch is offered.
    table.set_contested(true);
    ok(&mut table, Seat::Second, Event::Rematch(true), now);
    ok(&mut table, Seat::First, Event::Rematch(false), now);
    assert_eq!(
        table.phase(),
        Phase::Over {
            stays: Some(Seat::Second)
        }
    );
    // Without a yes, both leave.
    let mut table = table_at(now);
    play(&mut table, &[1, 4, 2, 5, 3], now);
    table.set_contested(true);
    ok(&mut table, Seat::First, Event::Rematch(false), now);
    assert_eq!(table.phase(), Phase::Over { stays: None });
    // The one who said yes stays when the other does not answer in time.
    let mut table = table_at(now);
    play(&mut table, &[1, 4, 2, 5, 3], now);
    table.set_contested(true);
    ok(&mut table, Seat::First, Event::Rematch(true), now);
    assert_eq!(render(&table.tick(now + TURN)), ["2 BYE TooLate"]);
    assert_eq!(
        table.phase(),
        Phase::Over {
            stays: Some(Seat::First)
        }
    );
}

#[test]
fn contested_when_both_accept_before_the_decline_the_rematch_is_played() {
    // The rule is decided when a game ends: a rematch already agreed is played.
    let now = Instant::now();
    let mut table = table_at(now);
    play(&mut table, &[1, 4, 2, 5, 3], now);
    ok(&mut table, Seat::First, Event::Rematch(true), now);
    table.set_contested(true);
    let said = ok(&mut table, Seat::Second, Event::Rematch(true), now);
    assert_eq!(said[0], "1 START O bob");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Both seats see the same boards; results come in pairs, each with a score.
    fn check(said: &[String]) -> Result<(), TestCaseError> {
        let boards = |n: char| {
            said.iter()
                .filter(|l| l.starts_with(n) && l.contains("BOARD"))
                .map(|l| l[1..].to_owned())
                .collect::<Vec<_>>()
        };
        prop_assert_eq!(boards('1'), boards('2'));
        let results = said.iter().filter(|l| l.contains("RESULT")).count();
        let scores = said.iter().filter(|l| l.contains("SCORE")).count();
        prop_assert!(results == 0 || results == 2, "{:?}", said);
        prop_assert_eq!(results, scores);
        Ok(())
    }

    fn event() -> impl Strategy<Value = (bool, u8, u8)> {
        (any::<bool>(), 0u8..8, 1u8..=9)
    }

    proptest! {
        /// Whatever the seats do, and whenever: the table never panics, a
        /// refusal changes nothing, both seats always see the same boards,
        /// every result comes with its opposite and a score, and once the
        /// table is over it stays over and says nothing more.
        #[test]
        fn any_sequence_of_events_keeps_the_table_consistent(
            events in proptest::collection::vec(event(), 0..80),
            contested in any::<bool>(),
        ) {
            let start = Instant::now();
            let mut now = start;
            let mut table = table_with(Some(secs(20)), start);
            table.set_contested(contested);
            for (first, kind, n) in events {
                let seat = if first { Seat::First } else { Seat::Second };
                now += Duration::from_millis(u64::from(n) * 700);
                // As the server's driver does: what is due happens first.
                let ticked = render(&table.tick(now));
                check(&ticked)?;
                if let Some(due) = table.next_deadline() {
                    prop_assert!(due > now, "a deadline already due was left unhandled");
                }
                let was_over = matches!(table.phase(), Phase::Over { .. });
                let before = format!("{table:?}");
                let said = match kind {
                    0..=4 => table.handle(seat, Event::Move(cell(n)), now),
                    5 => table.handle(seat, Event::Rematch(n % 3 != 0), now),
                    6 => table.handle(seat, Event::Quit, now),
                    _ => table.handle(seat, Event::Left(if n % 2 == 0 { Gone::Disconnected } else { Gone::CutOff }), now),
                };
                let said = match said {
                    Ok(said) => render(&said),
                    Err(_) => {
                        prop_assert_eq!(format!("{table:?}"), before);
                        continue;
                    }
                };
                if was_over {
                    prop_assert!(said.is_empty(), "the table spoke after closing");
                }
                check(&said)?;
            }
        }
    }
}

/// What a player needs to show the clock and name the last move: the turn
/// limit at the start, the move just played and the mover's fresh time on
/// every board, and the time to answer a rematch offer.
#[test]
fn the_limits_and_the_last_move_are_told() {
    let now = Instant::now();
    let (mut table, said) = Table::open(
        [name("ann"), name("bob")],
        Seat::First,
        TableSettings {
            turn_timeout: Some(TURN),
        },
        now,
    );
    assert!(said.contains(&(
        Seat::Second,
        Say::Start {
            mark: Mark::O,
            opponent: name("ann"),
            limit: Some(TURN)
        }
    )));
    assert!(said.contains(&(
        Seat::First,
        Say::Board {
            board: Board::new(),
            turn: Some(Mark::X),
            last: None,
            left: Some(TURN)
        }
    )));
    let said = table
        .handle(Seat::First, Event::Move(cell(5)), now)
        .expect("legal move");
    assert_eq!(
        said[1].1,
        Say::Board {
            board: "....X....".parse().expect("board"),
            turn: Some(Mark::O),
            last: Some(cell(5)),
            left: Some(TURN)
        }
    );
    // The winning move's board has no clock, and the offer has the limit.
    let mut table = table_at(now);
    play(&mut table, &[1, 4, 2, 5], now);
    let said = table
        .handle(Seat::First, Event::Move(cell(3)), now)
        .expect("winning move");
    assert!(said.contains(&(
        Seat::First,
        Say::Board {
            board: "XXXOO....".parse().expect("board"),
            turn: None,
            last: Some(cell(3)),
            left: None
        }
    )));
    assert!(said.contains(&(Seat::Second, Say::Rematch { limit: Some(TURN) })));
    // Without a clock there is no limit anywhere.
    let (_, said) = Table::open(
        [name("ann"), name("bob")],
        Seat::First,
        TableSettings { turn_timeout: None },
        now,
    );
    assert!(said.iter().all(|(_, say)| !matches!(
        say,
        Say::Start { limit: Some(_), .. } | Say::Board { left: Some(_), .. }
    )));
}

/// The computer's seat never stays on: with others waiting, a person who
/// lost to it (or tied) makes way and the table goes to the next in line;
/// one who beat it stays on as any winner does.
#[test]
fn the_computer_never_stays_on() {
    let now = Instant::now();
    // ann (first seat, X) against the computer, with others waiting.
    let mut table = table_at(now);
    table.seat_computer(Seat::Second);
    table.set_contested(true);
    let said = play(&mut table, &[4, 1, 5, 2, 9, 3], now);
    assert!(said.contains(&"1 BYE NextInLine".to_owned()), "{said:?}");
    assert_eq!(table.phase(), Phase::Over { stays: None });

    let mut table = table_at(now);
    table.seat_computer(Seat::Second);
    table.set_contested(true);
    let said = play(&mut table, &[1, 4, 2, 5, 3], now);
    assert!(
        said.iter().any(|l| l.starts_with("2 BYE MakeWay")),
        "{said:?}"
    );
    assert_eq!(
        table.phase(),
        Phase::Over {
            stays: Some(Seat::First)
        }
    );
}

/// Someone starts waiting while the rematch is offered: the offer is
/// withdrawn and the winner stays on, whatever was answered so far.
#[test]
fn a_wait_that_begins_during_the_rematch_offer_withdraws_it() {
    let now = Instant::now();
    let mut table = table_at(now);
    play(&mut table, &[1, 4, 2, 5, 3], now);
    assert_eq!(table.phase(), Phase::Rematch);
    // bob, who lost, said yes; the offer goes all the same.
    ok(&mut table, Seat::Second, Event::Rematch(true), now);
    assert_eq!(
        render(&table.contest()),
        ["2 BYE MakeWay { stays: Name(\"ann\"), after_tie: false }"]
    );
    assert_eq!(
        table.phase(),
        Phase::Over {
            stays: Some(Seat::First)
        }
    );
    // After a tie, the longer seated makes way.
    let mut table = table_at(now);
    play(&mut table, &[1, 2, 3, 5, 4, 6, 8, 7, 9], now);
    assert_eq!(
        render(&table.contest()),
        ["1 BYE MakeWay { stays: Name(\"bob\"), after_tie: true }"]
    );
    // With no offer open, nothing is said (and a game in play goes on).
    let mut table = table_at(now);
    assert!(table.contest().is_empty());
    assert!(matches!(table.phase(), Phase::Playing { .. }));
}

/// The computer's seat never stays on, even when the offer is withdrawn.
#[test]
fn a_withdrawn_offer_never_keeps_the_computer() {
    let now = Instant::now();
    let mut table = table_at(now);
    table.seat_computer(Seat::Second);
    play(&mut table, &[4, 1, 5, 2, 8, 3], now);
    assert_eq!(render(&table.contest()), ["1 BYE NextInLine"]);
    assert_eq!(table.phase(), Phase::Over { stays: None });
}

/// A recap tells one seat the table as it stands, with the time left now:
/// in a game, and at the rematch offer (an answered offer is not asked
/// again); nothing once the table is over. It changes nothing.
#[test]
fn a_recap_is_the_table_as_it_stands() {
    let t0 = Instant::now();
    let mut table = table_at(t0);
    play(&mut table, &[5, 1], t0);
    let later = t0 + secs(20);
    let recap = table.recap(Seat::Second, later);
    assert_eq!(
        render(&recap),
        ["2 START O ann", "2 SCORE 0 0 0", "2 BOARD O...X.... X"]
    );
    let Some((_, Say::Board { last, left, .. })) = recap.last() else {
        panic!("no board in {recap:?}");
    };
    assert_eq!((*last, *left), (Some(cell(1)), Some(secs(100))));
    // The game goes on as if nothing was asked.
    play(&mut table, &[2, 9, 8], later);
    let recap = table.recap(Seat::First, later + secs(30));
    assert_eq!(
        render(&recap),
        [
            "1 START X bob",
            "1 SCORE 1 0 0",
            "1 BOARD OX..X..XO -",
            "1 REMATCH"
        ]
    );
    let Some((_, Say::Rematch { limit })) = recap.last() else {
        panic!("no offer in {recap:?}");
    };
    assert_eq!(*limit, Some(secs(90)));
    ok(&mut table, Seat::First, Event::Rematch(true), later);
    assert_eq!(
        render(&table.recap(Seat::First, later))
            .last()
            .map(String::as_str),
        Some("1 (accepted)")
    );
    ok(&mut table, Seat::Second, Event::Rematch(false), later);
    assert!(table.recap(Seat::First, later).is_empty());
}
