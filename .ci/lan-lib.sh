# Shared by the .ci LAN scripts: a small LAN of network namespaces joined by
# veth pairs to a bridge, on addresses of their own (10.77.0.0/24), torn down
# on any exit. Nothing here touches the root namespace's network, and
# nothing leaves the namespaces. Source it after `set -euo pipefail`.

if [ "$(id -u)" != 0 ]; then
  echo "$(basename "$0"): SKIPPED (network namespaces need root)"
  exit 0
fi
command -v ip >/dev/null || apt-get install -y -q iproute2 >/dev/null
if ! ip netns add "probe$$" 2>/dev/null; then
  echo "$(basename "$0"): SKIPPED (cannot create network namespaces here)"
  exit 0
fi
ip netns del "probe$$"

cargo build --locked -q -p ttt-server -p ttt-client
bin=$PWD/target/debug
work=$(mktemp -d)
tag="t$$"
ns_br="$tag-br"
namespaces=("$ns_br")
pids=()

lan_cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap lan_cleanup EXIT

fail() {
  echo "$(basename "$0"): FAILED: $*"
  for f in "$work"/*.out "$work"/*.err; do [ -s "$f" ] && { echo "--- $f"; tail -20 "$f"; }; done
  exit 1
}

# Waits up to $2 seconds for file $1 to contain $3.
wait_for() {
  local tries=$(( $(printf '%.0f' "$2") * 20 ))
  for _ in $(seq "$tries"); do grep -q -- "$3" "$1" 2>/dev/null && return 0; sleep 0.05; done
  return 1
}

now() { date +%s.%N; }
# Seconds since $1, with two decimals.
since() { echo "$(now) $1" | awk '{ printf "%.2f", $1 - $2 }'; }

# The bridge, then one host per name given: host i gets 10.77.0.i.
lan_up() {
  ip netns add "$ns_br"
  ip -n "$ns_br" link add br0 type bridge
  ip -n "$ns_br" link set br0 up
  local i=1
  for host in "$@"; do
    local ns="$tag-$host"
    ip netns add "$ns"
    namespaces+=("$ns")
    ip link add "v$tag$host" netns "$ns_br" type veth peer name eth0 netns "$ns"
    ip -n "$ns_br" link set "v$tag$host" master br0 up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "10.77.0.$i/24" dev eth0
    ip -n "$ns" link set eth0 up
    i=$((i + 1))
  done
}

# Cuts a host off the LAN without a word to anyone: "down" takes its bridge
# port down (the link is gone); "drop" detaches the port from the bridge
# (the link stays up, every frame is silently lost).
cut() {
  case "$2" in
    down) ip -n "$ns_br" link set "v$tag$1" down ;;
    drop) ip -n "$ns_br" link set "v$tag$1" nomaster ;;
  esac
}

# Puts a host back on the LAN, and has every host forget the neighbour
# entries that failed while it was cut (or the next connection would fail
# with "no route to host" until they expire).
mend() {
  ip -n "$ns_br" link set "v$tag$1" master br0 up
  for ns in "${namespaces[@]}"; do ip -n "$ns" neigh flush all 2>/dev/null || true; done
}

# Runs a command in host $1's namespace.
on() {
  local host=$1
  shift
  ip netns exec "$tag-$host" "$@"
}

# spawn HOST IN OUT ERR CMD...: runs CMD in HOST's namespace in the
# background as a process of its own (the subshell execs it), so that the
# pid recorded is the one to kill.
spawn() {
  local host=$1 in=$2 out=$3 err=$4
  shift 4
  (exec ip netns exec "$tag-$host" "$@" <"$in" >"$out" 2>"$err") &
  spawned=$!
  pids+=("$spawned")
}

# lan_player NAME HOST [VAR=value...]: a real client as NAME on HOST, with
# the variables given, its keyboard a fifo that `type NAME LINE` writes to
# (held open, so the client does not see its input end). Its pids are left
# in $player_pids.
lan_player() {
  local name=$1 host=$2
  shift 2
  mkfifo "$work/$name.in"
  spawn "$host" "$work/$name.in" "$work/$name.out" "$work/$name.err" \
    env TTT_NAME="$name" NO_COLOR=1 "$@" "$bin/ttt-client"
  player_pids=("$spawned")
  sleep 100 >"$work/$name.in" &
  player_pids+=($!)
  pids+=($!)
}

type() { printf '%s\n' "$2" >"$work/$1.in"; }

# expect WHO TEXT WITHIN: WHO's output (or file) shows TEXT within WITHIN s.
expect() {
  local file=$work/$1
  case $1 in *.*) ;; *) file=$work/$1.out ;; esac
  wait_for "$file" "$3" "$2" || fail "$scenario: '$2' not seen in $1 within $3 s"
}
