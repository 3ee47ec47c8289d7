#!/usr/bin/env bash
# A real LAN game: the real server and two real clients, each in its own
# network namespace, joined by veth pairs to a bridge, on addresses of their
# own (10.77.0.0/24). Checks that the address the server prints for joining
# is one the clients can use, and that a whole game plays across it.
# Nothing leaves the namespaces; they are torn down even on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

source .ci/lan-lib.sh
lan_up srv a b
ns_srv="$tag-srv" ns_a="$tag-a" ns_b="$tag-b"

# The server with its defaults: all interfaces, port 1234.
ip netns exec "$ns_srv" "$bin/ttt-server" >"$work/server.out" 2>"$work/server.err" &
pids+=($!)
wait_for "$work/server.out" 10 "from the LAN" || fail "server printed no LAN address"
join=$(grep -m1 "from the LAN" "$work/server.out")
host=$(sed -n 's/.*HOST=\([^ ]*\) .*/\1/p' <<<"$join")
port=$(sed -n 's/.*PORT=\([^ ]*\) .*/\1/p' <<<"$join")
echo "lan-game: server says: $join"
[ "$host" = 10.77.0.1 ] || fail "server printed $host, expected its LAN address 10.77.0.1"

# alice (10.77.0.2) plays X: 1 2 3 wins the top row. bob (10.77.0.3) plays 4 5.
printf '1\n2\n3\nn\n' >"$work/alice.in"
printf '4\n5\nn\n' >"$work/bob.in"
ip netns exec "$ns_a" env HOST="$host" PORT="$port" TTT_NAME=alice "$bin/ttt-client" \
  <"$work/alice.in" >"$work/alice.out" 2>"$work/alice.err" &
alice=$!
pids+=($alice)
wait_for "$work/alice.out" 10 "Waiting for an opponent" || fail "alice did not get in"
ip netns exec "$ns_b" env HOST="$host" PORT="$port" TTT_NAME=bob "$bin/ttt-client" \
  <"$work/bob.in" >"$work/bob.out" 2>"$work/bob.err" &
bob=$!
pids+=($bob)

for who in alice bob; do
  pid=${!who}
  for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -0 "$pid" 2>/dev/null && fail "$who's client did not finish within 10 s"
  wait "$pid" || fail "$who's client exited with an error"
done

grep -q "You win! Three in a row on 1 2 3." "$work/alice.out" || fail "alice was not told she won"
grep -q "You lose: alice got three in a row on 1 2 3." "$work/bob.out" || fail "bob was not told he lost"
grep -q "10.77.0.2" "$work/server.err" || fail "server did not log alice's LAN address"
grep -q "10.77.0.3" "$work/server.err" || fail "server did not log bob's LAN address"
echo "lan-game: passed: alice (10.77.0.2) beat bob (10.77.0.3) through $host:$port"
