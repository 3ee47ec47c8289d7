#!/usr/bin/env bash
# Finding the game on a LAN, with no address typed: a server announcing
# itself (multicast DNS service discovery) in one namespace, two players who
# `--find` it from two others and play a whole game, and a third machine
# following the server's announced state: open, someone waiting, a game on,
# and gone within 2 s of the server stopping. Multicast never leaves these
# namespaces: nothing here runs in the root namespace.
set -euo pipefail
cd "$(dirname "$0")/.."

source .ci/lan-lib.sh
lan_up srv a b watch
scenario="finding the game"
results=()

# seen TEXT WITHIN WHAT: the watcher printed TEXT within WITHIN s; records
# how long WHAT took, from $t.
seen() {
  wait_for "$work/watch.out" "$2" "$1" || fail "the watcher did not see '$1' within $2 s"
  local took
  took=$(since "$t")
  results+=("$3: $took s")
  echo "lan-find:   $3 after $took s"
}

echo "lan-find: a machine follows the LAN's ttt servers for 40 s"
spawn watch /dev/null "$work/watch.out" "$work/watch.err" \
  env TTT_FIND_WAIT=40 "$bin/ttt-client" --find --watch
sleep 0.5

echo "lan-find: a server announces itself as lan-party"
t=$(now)
spawn srv /dev/null "$work/server.out" "$work/server.err" \
  "$bin/ttt-server" --announce --name lan-party --no-computer
server=$spawned
wait_for "$work/server.out" 10 "announced on the LAN" || fail "the server did not announce itself"
seen "lan-party (10.77.0.1:1234): open: nobody there yet" 5 "the watcher saw it open"

echo "lan-find: a fresh look lists it too (--find --list)"
on watch env TTT_FIND_WAIT=1.5 "$bin/ttt-client" --find --list >"$work/list.out" 2>&1 \
  || fail "--find --list failed: $(cat "$work/list.out")"
grep -q "^1. lan-party (10.77.0.1:1234[^)]*): open" "$work/list.out" \
  || fail "--find --list did not list lan-party: $(cat "$work/list.out")"
# Bound to 0.0.0.0, it takes IPv4 only: no IPv6 address is announced.
grep -q "fe80::" "$work/list.out" \
  && fail "an IPv6 address announced for a server that takes IPv4 only: $(cat "$work/list.out")"

echo "lan-find: alice finds it (the only server) and joins at once"
lan_player alice a TTT_FIND=
expect alice "Joining lan-party." 5
expect alice "Waiting for an opponent" 5
t=$(now)
seen "lan-party (10.77.0.1:1234[^)]*): alice is waiting for an opponent" 3 \
  "the watcher saw alice waiting (from her client saying so)"

echo "lan-find: bob finds it by name and joins"
lan_player bob b TTT_FIND=lan-party
expect alice "Your move" 5
t=$(now)
seen "lan-party (10.77.0.1:1234[^)]*): game in progress" 3 \
  "the watcher saw the game on (from alice's prompt)"

echo "lan-find: they play a whole game across the LAN"
type alice 1; expect bob "Your move" 5; type bob 4; expect alice "Your move" 5
type alice 2; expect bob "Your move" 5; type bob 5; expect alice "Your move" 5
type alice 3
expect alice "You win! Three in a row on 1 2 3." 5
expect bob "You lose: alice got three in a row on 1 2 3." 5
type alice n

echo "lan-find: Avahi (Linux's mDNS daemon) sees the server too"
# avahi-browse asks avahi-daemon over D-Bus: both run on the watcher's
# machine only, in a private mount namespace (their sockets never touch the
# host's), and are stopped before the next step.
if ! command -v avahi-browse >/dev/null || ! command -v dbus-daemon >/dev/null; then
  apt-get install -y -q avahi-daemon avahi-utils dbus >/dev/null 2>&1 || true
fi
if command -v avahi-browse >/dev/null && command -v dbus-daemon >/dev/null; then
  on watch unshare -m sh -c '
    mkdir -p /run/dbus /run/avahi-daemon
    mount -t tmpfs tmpfs /run/dbus && mount -t tmpfs tmpfs /run/avahi-daemon
    dbus-daemon --system --nofork --nopidfile & dbus=$!
    sleep 0.3
    avahi-daemon --no-chroot --no-rlimits & avahi=$!
    sleep 1.5
    timeout 5 avahi-browse -rpt _ttt._tcp
    kill $avahi $dbus
    wait
  ' >"$work/avahi.out" 2>"$work/avahi.err" || true
  grep -q '^=;eth0;IPv4;lan-party;_ttt._tcp;local;.*;10.77.0.1;1234;.*"state=' "$work/avahi.out" \
    || fail "avahi-browse did not resolve lan-party: $(cat "$work/avahi.out")"
  echo "lan-find:   avahi-browse: $(grep -m1 '^=;eth0;IPv4' "$work/avahi.out")"
  results+=("Avahi (avahi-browse -rpt _ttt._tcp) resolved it: address, port and TXT")
else
  echo "lan-find:   SKIPPED the Avahi check (avahi-daemon, avahi-utils and dbus did not install)"
fi

echo "lan-find: the server stops (Ctrl-C); it says goodbye on the LAN"
t=$(now)
kill -INT "$server"
seen "lan-party (10.77.0.1:1234[^)]*): stopped" 2 "the watcher saw it go"
expect server.err "stopped" 2

echo "lan-find: a server reachable only by IPv6 link-local (no IPv4 on its LAN)"
# Such an address means nothing without the interface it was found on: a
# player must connect with that scope (fe80::...%2), as --find does. The
# server listens on :: (0.0.0.0, the default, takes IPv4 only, and then
# announces only its IPv4 addresses).
ip -n "$tag-srv" addr del 10.77.0.1/24 dev eth0
spawn srv /dev/null "$work/server6.out" "$work/server6.err" \
  "$bin/ttt-server" --announce --name v6-only --no-computer --bind ::
wait_for "$work/server6.out" 10 "announced on the LAN" || fail "the IPv6-only server did not announce itself"
lan_player carol a TTT_FIND=v6-only TTT_FIND_WAIT=3
expect carol "Joining v6-only." 8
expect carol "Waiting for an opponent" 5
grep -q "fe80::.*connected" "$work/server6.err" || fail "carol did not come in by IPv6 link-local"
results+=("carol joined v6-only by IPv6 link-local; the server logged her as $(grep -m1 -o '\[fe80::[^]]*\]:[0-9]*' "$work/server6.err")")

cat "$work/watch.out" | sed "s/^/lan-find:   watcher: /"
printf 'lan-find: passed\n'
for r in "${results[@]}"; do echo "lan-find:   $r"; done
