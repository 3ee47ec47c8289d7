//! The engine over the whole game tree: every position a game can reach,
//! every move the engine might pick there (it picks among candidates at
//! random), and every reply an opponent can make.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use super::*;

/// An independent judge: plain minimax with no depth preference, keyed by
/// the board itself. +1: `to_move` can force a win; 0: a tie; -1: a loss.
fn oracle(board: &Board, to_move: Mark) -> i8 {
    thread_local! {
        static KNOWN: RefCell<HashMap<(Board, Mark), i8>> = RefCell::new(HashMap::new());
    }
    if let Some(v) = KNOWN.with(|k| k.borrow().get(&(*board, to_move)).copied()) {
        return v;
    }
    let v = judge(board, to_move);
    KNOWN.with(|k| k.borrow_mut().insert((*board, to_move), v));
    v
}

fn judge(board: &Board, to_move: Mark) -> i8 {
    if winner(board).is_some() {
        return -1;
    }
    let moves = empty_cells(board);
    if moves.is_empty() {
        return 0;
    }
    moves
        .into_iter()
        .map(|cell| {
            let mut next = *board;
            next.place(cell, to_move).expect("an empty cell");
            -oracle(&next, to_move.other())
        })
        .max()
        .unwrap_or(0)
}

fn empty_cells(board: &Board) -> Vec<Cell> {
    Cell::ALL
        .into_iter()
        .filter(|&c| board.cell(c).is_none())
        .collect()
}

fn over(board: &Board) -> bool {
    winner(board).is_some() || board.is_full()
}

fn placed(board: &Board, cell: Cell, mark: Mark) -> Board {
    let mut next = *board;
    next.place(cell, mark).expect("an empty cell");
    next
}

/// Plays `engine` as `me` from `board` (`to_move` next) against every
/// possible opponent, through every candidate the engine might pick.
/// Calls `check` at each position where the engine is to move, and returns
/// how many games ended with the engine losing, and in how many games in
/// all.
fn every_game(
    engine: &Engine,
    board: Board,
    to_move: Mark,
    me: Mark,
    check: &mut impl FnMut(&Board, &[Cell]),
) -> (u64, u64) {
    if over(&board) {
        let lost = winner(&board) == Some(me.other());
        return (u64::from(lost), 1);
    }
    let moves = if to_move == me {
        let candidates = engine.candidates(&board, me);
        check(&board, &candidates);
        candidates
    } else {
        empty_cells(&board)
    };
    moves
        .into_iter()
        .map(|cell| {
            every_game(
                engine,
                placed(&board, cell, to_move),
                to_move.other(),
                me,
                check,
            )
        })
        .fold((0, 0), |(l, g), (l2, g2)| (l + l2, g + g2))
}

/// Every position `engine` (as `me`) can face in some game: each board
/// once, where the opponent may have played anything and the engine any of
/// its candidates. With its candidates at each.
fn positions(engine: &Engine, me: Mark) -> Vec<(Board, Vec<Cell>)> {
    fn walk(
        engine: &Engine,
        board: Board,
        to_move: Mark,
        me: Mark,
        seen: &mut HashSet<Board>,
        out: &mut Vec<(Board, Vec<Cell>)>,
    ) {
        if over(&board) || !seen.insert(board) {
            return;
        }
        let moves = if to_move == me {
            let candidates = engine.candidates(&board, me);
            out.push((board, candidates.clone()));
            candidates
        } else {
            empty_cells(&board)
        };
        for cell in moves {
            walk(
                engine,
                placed(&board, cell, to_move),
                to_move.other(),
                me,
                seen,
                out,
            );
        }
    }
    let mut out = Vec::new();
    walk(
        engine,
        Board::new(),
        Mark::X,
        me,
        &mut HashSet::new(),
        &mut out,
    );
    out
}

#[test]
fn perfect_never_loses_as_x_or_as_o() {
    let engine = Engine::new(Level::Perfect, 1);
    for me in [Mark::X, Mark::O] {
        let (lost, games) = every_game(&engine, Board::new(), Mark::X, me, &mut |_, c| {
            assert!(!c.is_empty());
        });
        assert_eq!(lost, 0, "as {me}: lost {lost} of {games} games");
        assert!(games > 100, "as {me}: only {games} games explored");
    }
}

/// Wherever the opponent has erred into a position the engine can force a
/// win from, every move the engine might pick keeps the win, so every game
/// from there ends in its win.
#[test]
fn perfect_always_wins_a_won_position() {
    let engine = Engine::new(Level::Perfect, 1);
    let mut won_positions = 0;
    for me in [Mark::X, Mark::O] {
        every_game(
            &engine,
            Board::new(),
            Mark::X,
            me,
            &mut |board, candidates| {
                if oracle(board, me) > 0 {
                    won_positions += 1;
                    for &cell in candidates {
                        let next = placed(board, cell, me);
                        assert!(
                            winner(&next) == Some(me) || oracle(&next, me.other()) < 0,
                            "{board} as {me}: {cell} gives the win away"
                        );
                    }
                }
            },
        );
    }
    assert!(
        won_positions > 50,
        "only {won_positions} won positions seen"
    );
}

/// The table agrees with the independent judge on every reachable board.
#[test]
fn the_values_agree_with_plain_minimax() {
    fn walk(board: Board, to_move: Mark, seen: &mut HashSet<Board>) {
        if !seen.insert(board) {
            return;
        }
        let v = value(&board, to_move);
        assert_eq!(
            v.signum(),
            oracle(&board, to_move),
            "{board}, {to_move} to move"
        );
        if over(&board) {
            return;
        }
        for cell in Cell::ALL {
            if board.cell(cell).is_none() {
                walk(placed(&board, cell, to_move), to_move.other(), seen);
            }
        }
    }
    let mut seen = HashSet::new();
    walk(Board::new(), Mark::X, &mut seen);
    // Every board a game can reach, the empty one included.
    assert_eq!(seen.len(), 5478);
}

/// Fair takes a win whenever it has one, and otherwise blocks whenever the
/// opponent threatens exactly one; and it can be beaten.
#[test]
fn fair_takes_every_win_and_blocks_every_single_threat() {
    let engine = Engine::new(Level::Fair, 1);
    let (mut wins_seen, mut blocks_seen, mut beatable) = (0, 0, false);
    for me in [Mark::X, Mark::O] {
        for (board, candidates) in positions(&engine, me) {
            let wins = completing(&board, me);
            let threats = completing(&board, me.other());
            assert!(!candidates.is_empty());
            for &cell in &candidates {
                assert!(board.cell(cell).is_none(), "{board}: {cell} is taken");
                if !wins.is_empty() {
                    assert_eq!(
                        winner(&placed(&board, cell, me)),
                        Some(me),
                        "{board}: missed a win"
                    );
                } else if threats.len() == 1 {
                    assert_eq!(cell, threats[0], "{board}: did not block");
                }
            }
            wins_seen += usize::from(!wins.is_empty());
            blocks_seen += usize::from(wins.is_empty() && threats.len() == 1);
            // A position it can reach and then lose from, whatever it does.
            beatable |= oracle(&board, me) < 0;
        }
    }
    assert!(beatable, "fair was never beatable");
    assert!(
        wins_seen > 100 && blocks_seen > 100,
        "{wins_seen} {blocks_seen}"
    );
}

/// Easy plays only legal moves, and any of them.
#[test]
fn easy_plays_every_legal_move_and_only_those() {
    let engine = Engine::new(Level::Easy, 1);
    for me in [Mark::X, Mark::O] {
        for (board, candidates) in positions(&engine, me) {
            assert_eq!(candidates, empty_cells(&board));
        }
    }
    let mut engine = Engine::new(Level::Easy, 99);
    let board: Board = "XOXOX.O..".parse().expect("board");
    for _ in 0..1000 {
        let cell = engine.choose(&board, Mark::X).expect("a free cell");
        assert!(board.cell(cell).is_none());
    }
    assert_eq!(
        engine.choose(&"XOXXOOOXX".parse().expect("full"), Mark::X),
        None
    );
}

/// The same seed plays the same game; another seed, in time, another.
#[test]
fn a_seed_replays_a_game() {
    let moves = |seed| {
        let mut engine = Engine::new(Level::Easy, seed);
        (0..20)
            .map(|_| engine.choose(&Board::new(), Mark::X))
            .collect::<Vec<_>>()
    };
    assert_eq!(moves(7), moves(7));
    assert_ne!(moves(7), moves(8));
}

/// Perfect prefers the quickest win to a slower one.
#[test]
fn perfect_wins_at_once_when_it_can() {
    let engine = Engine::new(Level::Perfect, 1);
    // X can win at 3 now, or set up a fork instead.
    let board: Board = "XX.OO....".parse().expect("board");
    assert_eq!(
        engine.candidates(&board, Mark::X),
        [Cell::new(3).expect("cell")]
    );
}
