#!/usr/bin/env bash
# Side-by-side sync benchmark: Atelier against the y-websocket reference
# server, Hocuspocus and y-sweet, in one run on one machine (ratios hold,
# absolute figures drift). Loopback only. Writes JSON lines to $OUT and
# prints a table of medians.
#
#   tests/bench/side-by-side.sh            # REPS=3 by default
#   REPS=1 tests/bench/side-by-side.sh     # quicker
#
# Needs ../shared/bench (the load generator and reference servers), Node,
# and y-sweet (`cargo install y-sweet --version 0.9.1 --locked`).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bench=${BENCH_DIR:-$root/../shared/bench}
reps=${REPS:-3}
out=${OUT:-$root/target/bench/side-by-side-$(date +%Y%m%d-%H%M%S).jsonl}
mkdir -p "$(dirname "$out")"
work=$(mktemp -d)

[ -d "$bench/node_modules" ] || (cd "$bench" && npm ci --no-audit --no-fund)
command -v y-sweet >/dev/null || cargo install y-sweet --version 0.9.1 --locked
(cd "$root" && cargo build --release -q -p atelier-server -p atelier-tests --bin atelier --bin atelier-load)

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

(cd "$bench" && HOST=127.0.0.1 PORT=1234 exec node node_modules/@y/websocket-server/src/server.js) >"$work/yws.log" 2>&1 & pids+=($!)
(cd "$bench" && exec node servers/hocuspocus.mjs --port 1235) >"$work/hocuspocus.log" 2>&1 & pids+=($!)
mkdir -p "$work/ysweet"
y-sweet serve "$work/ysweet" --host 127.0.0.1 --port 1236 >"$work/ysweet.log" 2>&1 & pids+=($!)
# Boards open by share link: each run's board gets an editor's link signed
# with the server's secret (`atelier link`), passed as the `t` parameter.
secret=bench-secret-of-this-run
RUST_LOG=warn ATELIER_SECRET=$secret "$root/target/release/atelier" serve --addr 127.0.0.1:1237 --data-dir "$work/atelier" >"$work/atelier.log" 2>&1 & pids+=($!)
# The same without its batching window, beside it (for the latency and CPU
# trade-off of `--coalesce`).
RUST_LOG=warn ATELIER_SECRET=$secret "$root/target/release/atelier" serve --addr 127.0.0.1:1238 --data-dir "$work/atelier-nc" --coalesce 0s >"$work/atelier-nc.log" 2>&1 & pids+=($!)
sleep 3

# Resident memory of each idle server, before and after the runs.
idle_rss() {
  for port in 1234 1235 1236 1237 1238; do
    pid=$(cd "$bench" && node -e "import('./lib.mjs').then(m => console.log(m.pidForPort($port) || ''))")
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    echo "{\"label\":\"idle-rss-$1/$port\",\"rss_kb\":$rss}" >>"$out"
  done
}
idle_rss before

# No globbing: the room arguments contain `?`.
set -f
url_of() {
  case $1 in
    y-websocket) echo "--url ws://127.0.0.1:1234" ;;
    hocuspocus) echo "--url ws://127.0.0.1:1235 --hocuspocus" ;;
    y-sweet) echo "--url ws://127.0.0.1:1236 --ysweet" ;;
    # The room name carries the token: y-websocket clients append the room
    # to the URL, and Atelier takes the room from the path, the token from
    # the query.
    atelier)
      room=bench-$RANDOM$RANDOM
      token=$(ATELIER_SECRET=$secret "$root/target/release/atelier" link "$room" --role editor --token-only --data-dir "$work/atelier")
      echo "--url ws://127.0.0.1:1237/ws --room $room?t=$token" ;;
    atelier-coalesce-0)
      room=bench-$RANDOM$RANDOM
      token=$(ATELIER_SECRET=$secret "$root/target/release/atelier" link "$room" --role editor --token-only --data-dir "$work/atelier-nc")
      echo "--url ws://127.0.0.1:1238/ws --room $room?t=$token" ;;
  esac
}
servers=(atelier atelier-coalesce-0 y-websocket hocuspocus y-sweet)
loads=("10-all:--clients 10" "200-10w:--clients 200 --writers 10 --light" "200-20w:--clients 200 --writers 20 --light")

for rep in $(seq 1 "$reps"); do
  for load in "${loads[@]}"; do
    name=${load%%:*}; flags=${load#*:}
    # Rotate the order each repetition so no server always goes first.
    for i in "${!servers[@]}"; do
      s=${servers[$(( (i + rep) % ${#servers[@]} ))]}
      echo "rep $rep  $name  $s" >&2
      # shellcheck disable=SC2046,SC2086
      (cd "$bench" && node load.mjs $(url_of "$s") $flags --edits 50 --rate 10 \
        --label "$name/$s" --out "$out" --quiet) >/dev/null || echo "  ($s: load.mjs exit $?)" >&2
      sleep 1
    done
  done
done

# A new client receiving a 5,000-note board (the Rust harness speaks the
# plain protocol: Atelier, y-websocket and y-sweet).
for s in atelier y-websocket y-sweet; do
  # shellcheck disable=SC2046
  "$root/target/release/atelier-load" $(url_of "$s" | sed 's/--hocuspocus//') \
    --initial-sync 5000 --label "sync5000/$s" >>"$out"
done

idle_rss after
node "$root/tests/bench/summarize.mjs" "$out"
echo "raw results: $out" >&2
