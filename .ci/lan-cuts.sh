#!/usr/bin/env bash
# Real network faults: a machine that vanishes without a word (its link cut:
# the bridge port taken down, or detached so every frame is lost) in every
# state of a game, seen from the server's side and from the client's. Real
# server, real clients, each in a network namespace of its own; the players'
# keyboards are fifos, so this script decides when each move is typed.
#
# Liveness is set to 3 s (--liveness, TTT_LIVENESS) so the run stays short;
# the last scenario uses the defaults and checks the 15 s promise. The
# vanishing scenarios run with GRACE=0 (a dropped seat is not held: the
# forfeit comes as soon as the loss is noticed); those under "coming back"
# hold it, and cut a link for a while and restore it.
set -euo pipefail
cd "$(dirname "$0")/.."

source .ci/lan-lib.sh
lan_up srv a b c
server_ip=10.77.0.1
L=3
# Time allowed to notice a vanished machine: the liveness bound, plus the
# kernel's probe granularity (a second) and a margin for a loaded CI machine.
BOUND=$((L + 3))
GRACE=0
scenario_pids=()
results=()

begin() {
  scenario=$1
  shift
  echo "lan-cuts: $scenario"
  rm -f "$work"/*.out "$work"/*.err "$work"/*.in
  spawn srv /dev/null "$work/server.out" "$work/server.err" \
    env TURN_TIMEOUT=60 LIVENESS="$L" ${GRACE+GRACE="$GRACE"} "$bin/ttt-server" "$@"
  scenario_pids=("$spawned")
  wait_for "$work/server.out" 10 "listening on" || fail "the server did not start"
}

end() {
  for pid in "${scenario_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for host in srv a b c; do mend "$host"; done
  sleep 0.3
}

# player NAME HOST [VAR=value...]: a real client as NAME on HOST, joining
# the server by its address, typing what `type NAME ...` writes.
player() {
  lan_player "$1" "$2" HOST=$server_ip PORT=1234 TTT_LIVENESS=$L "${@:3}"
  scenario_pids+=("${player_pids[@]}")
}

# alice (X, on host a) and bob (O, on host b) at the table, alice to move.
seat_alice_and_bob() {
  player alice a
  expect alice "Waiting for an opponent" 5
  player bob b
  expect alice "Your move" 5
}

# From alice to move on an empty board: alice plays 1 2 3, bob 4 5; the
# game ends on alice's 3.
alice_wins() {
  type alice 1; expect bob "Your move" 5; type bob 4; expect alice "Your move" 5
  type alice 2; expect bob "Your move" 5; type bob 5; expect alice "Your move" 5
  type alice 3
}

# noticed STARTED WHAT: records how long WHAT took since STARTED.
noticed() {
  local took
  took=$(since "$1")
  results+=("$scenario: $2 after $took s")
  echo "lan-cuts:   $2 after $took s"
}

# --- the server's side -------------------------------------------------------

begin "a connection that never said hello" --handshake-timeout 60
spawn a /dev/null /dev/null /dev/null bash -c "exec 5<>/dev/tcp/$server_ip/1234; exec sleep 60"
scenario_pids+=("$spawned")
expect server.err "10.77.0.2.*connected" 5
t=$(now); cut a drop
expect server.err "no answer from its machine" "$BOUND"
noticed "$t" "the server dropped it (handshake limit 60 s)"
end

begin "a waiting player's machine vanishes: never paired"
player alice a
expect alice "Waiting for an opponent" 5
t=$(now); cut a down
expect server.err "no answer from its machine" "$BOUND"
noticed "$t" "the server dropped alice"
player bob b
expect bob "Waiting for an opponent" 5
grep -q "Game on against alice" "$work/bob.out" && fail "bob was paired with alice's ghost"
end

begin "the mover's machine vanishes on its own turn"
seat_alice_and_bob
t=$(now); cut a down
expect bob "You win: alice disconnected." "$BOUND"
noticed "$t" "bob was told he won"
expect bob "Waiting for your next opponent" 2
end

begin "a machine vanishes on the opponent's turn, with no turn clock" --turn-timeout 0
seat_alice_and_bob
type alice 5; expect bob "Your move" 5
t=$(now); cut a drop
expect bob "You win: alice disconnected." "$BOUND"
noticed "$t" "bob (at his prompt) was told he won"
end

begin "a machine vanishes while the server is sending to it"
seat_alice_and_bob
type alice 5; expect bob "Your move" 5
cut a drop
t=$(now); type bob 1
# The new board for alice is never acknowledged: the bound on unacknowledged
# data ends her connection (the kernel alone would retry for 15 minutes).
expect bob "You win: alice disconnected." "$BOUND"
noticed "$t" "bob was told he won"
end

begin "a machine vanishes at the rematch offer"
seat_alice_and_bob
alice_wins
expect bob "Play again" 5
type bob y
t=$(now); cut a drop
# Feature stay: bob is told, and goes back to the front of the line.
expect bob "alice left." "$BOUND"
noticed "$t" "bob was told alice left"
expect bob "Waiting for your next opponent" 2
end

begin "a queued player's machine vanishes: the line moves on"
seat_alice_and_bob
player carol c; expect carol "you play next" 5
t=$(now); cut c down
expect server.err "no answer from its machine" "$BOUND"
noticed "$t" "the server dropped carol from the queue"
alice_wins
# Nobody is waiting any more, so the pair is offered a rematch.
expect alice "Play again" 5
end

# --- the client's side --------------------------------------------------------

begin "the server's machine vanishes mid-game"
seat_alice_and_bob
type alice 5; expect bob "Your move" 5
t=$(now); cut srv down
expect alice.err "error: lost the connection to $server_ip:1234: no answer from its machine for $L s" "$BOUND"
noticed "$t" "alice's client reported the server lost"
expect bob.err "error: lost the connection to $server_ip:1234" "$BOUND"
noticed "$t" "bob's client (at his prompt) reported it too"
end

begin "quitting a game whose server vanished"
seat_alice_and_bob
cut srv drop
t=$(now); type alice q; type alice y
wait_for "$work/alice.out" 4 "leaving anyway" || fail "alice's client did not leave"
noticed "$t" "alice's client left after q"
end

# --- coming back (the seat held: feature resume) -----------------------------

GRACE=30
begin "a link cut for 5 s and restored: alice comes back to her seat"
seat_alice_and_bob
type alice 5; expect bob "Your move" 5
t=$(now); cut a down
expect bob "alice's connection dropped; they have" "$BOUND"
noticed "$t" "bob was told alice dropped"
expect alice "Connection lost; coming back" "$BOUND"
noticed "$t" "alice's client noticed, and tries to come back"
sleep "$(echo "5 $(since "$t")" | awk '{ d = $1 - $2; print (d > 0 ? d : 0) }')"
t=$(now); mend a
expect alice "You are back." 10
noticed "$t" "alice was back (after the link was restored)"
expect bob "alice is back." 2
# The game goes on where it was: bob's move, then alice wins on 1 5 9.
type bob 1; expect alice "Your move" 5
type alice 9; expect bob "Your move" 5
type bob 2; expect alice "Your move" 5
type alice 3; expect bob "Your move" 5
type bob 4; expect alice "Your move" 5
type alice 7
expect alice "You win! Three in a row on 3 5 7." 5
expect bob "You lose: alice got three in a row on 3 5 7." 5
end

GRACE=2
begin "a link cut for good: the held seat is a forfeit when the grace ends"
seat_alice_and_bob
t=$(now); cut a down
expect bob "alice's connection dropped; they have 2 s to come back" "$BOUND"
expect bob "You win: alice disconnected." 4
noticed "$t" "bob was told he won (liveness, then the 2 s grace)"
end
GRACE=0

# --- the defaults -------------------------------------------------------------

L=12
unset GRACE
begin "defaults: the mover's machine vanishes on its own turn" --turn-timeout 120
seat_alice_and_bob
t=$(now); cut a down
expect bob "alice's connection dropped; they have 30 s to come back" 15
noticed "$t" "bob was told alice dropped (promised within 15 s)"
expect bob "You win: alice disconnected." 33
noticed "$t" "bob was told he won (then the 30 s grace)"
end

echo "lan-cuts: passed"
printf 'lan-cuts:   %s\n' "${results[@]}"
