#!/usr/bin/env bash
# Cluster benchmark: one board under the same load on one node (SQLite) and
# on three nodes (PostgreSQL + NATS), side by side in one run, on loopback.
# Cross-node fan-out latency beside the single node's, CPU and memory per
# node, PostgreSQL rows written per second; then how long a node takes to
# load a 5,000-note board from PostgreSQL and from SQLite. Writes JSON lines
# to $OUT and prints a summary.
#
#   tests/bench/cluster.sh              # REPS=3
#   REPS=1 CLIENTS=150 WRITERS=15 tests/bench/cluster.sh
#
# Needs Debian's postgresql and nats-server (`cargo xtask test` installs
# them).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
reps=${REPS:-3}
clients=${CLIENTS:-150}
writers=${WRITERS:-15}
edits=${EDITS:-100}
out=${OUT:-$root/target/bench/cluster-$(date +%Y%m%d-%H%M%S).jsonl}
mkdir -p "$(dirname "$out")"
work=$(mktemp -d)
chmod 755 "$work"

(cd "$root" && cargo build --release -q -p atelier-server -p atelier-tests --bin atelier --bin atelier-load)
atelier=$root/target/release/atelier
load=$root/target/release/atelier-load

pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
nats=$(command -v nats-server || echo /usr/sbin/nats-server)
as_pg=()
if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); fi

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir "$work/pg"
[ "$(id -u)" = 0 ] && chown postgres: "$work/pg"
"${as_pg[@]}" "$pgbin/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --locale=C >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg/log" -w \
  -o "-p 15432 -k $work/pg -c listen_addresses=127.0.0.1" start >/dev/null
"$nats" -a 127.0.0.1 -p 14222 >"$work/nats.log" 2>&1 & pids+=($!)
store=postgres://postgres@127.0.0.1:15432/postgres
broker=nats://127.0.0.1:14222
psql() { "$pgbin/psql" -h 127.0.0.1 -p 15432 -U postgres -AtX -c "$1"; }

secret=bench-secret-of-this-run
node() { # port, extra args...
  local port=$1; shift
  RUST_LOG=info ATELIER_SECRET=$secret "$atelier" serve --addr "127.0.0.1:$port" \
    --data-dir "$work/node$port" --max-connections-per-ip 0 "$@" >"$work/node$port.log" 2>&1 &
  pids+=($!)
}
node 1240
for port in 1241 1242 1243; do node "$port" --store "$store" --broker "$broker"; done
sleep 3

token() { ATELIER_SECRET=$secret "$atelier" link "$1" --role editor --token-only --data-dir "$work/links"; }
rows() { psql "SELECT coalesce(sum(n_tup_ins), 0) FROM pg_stat_user_tables WHERE relname = 'updates'"; }

set -f
for rep in $(seq 1 "$reps"); do
  for setup in single cluster single-again; do
    [ "$setup" = single-again ] && [ "$rep" -lt "$reps" ] && continue
    room=bench-$RANDOM$RANDOM
    t=$(token "$room")
    case $setup in
      single*) urls=ws://127.0.0.1:1240/ws ;;
      cluster) urls=ws://127.0.0.1:1241/ws,ws://127.0.0.1:1242/ws,ws://127.0.0.1:1243/ws ;;
    esac
    echo "rep $rep  $setup" >&2
    before=$(rows); started=$(date +%s.%N)
    line=$("$load" --url "$urls" --room "$room?t=$t" --clients "$clients" --writers "$writers" \
      --rate 10 --edits "$edits" --label "$setup" || echo '{"label":"'"$setup"'","failed":true}')
    ended=$(date +%s.%N); after=$(rows)
    echo "$line" | python3 -c '
import json, sys
line = json.loads(sys.stdin.read())
rows, secs = int(sys.argv[1]) - int(sys.argv[2]), float(sys.argv[3]) - float(sys.argv[4])
if line.get("label") == "cluster":
    line["pg_rows_written"] = rows
    line["pg_rows_per_s"] = round(rows / secs, 1)
line["rep"] = int(sys.argv[5])
print(json.dumps(line))' "$after" "$before" "$ended" "$started" "$rep" >>"$out"
    sleep 1
  done
done

# A 5,000-note board loaded by a node that does not hold it: from SQLite
# (the node restarted), and from PostgreSQL (a fourth node).
room=bench-load-$RANDOM; t=$(token "$room")
"$load" --url ws://127.0.0.1:1240/ws --room "$room?t=$t" --initial-sync 5000 --fill-only --label fill >/dev/null
kill -TERM "${pids[1]}"; wait "${pids[1]}" 2>/dev/null || true
node 1240
sleep 2
"$load" --url ws://127.0.0.1:1240/ws --room "$room?t=$t" --initial-sync 5000 --join-only \
  --label load5000/sqlite >>"$out"
grep -o 'board loaded.*' "$work/node1240.log" | grep "$room" | tail -1 | sed 's/^/  sqlite: /' >&2
room=bench-load-$RANDOM; t=$(token "$room")
"$load" --url ws://127.0.0.1:1241/ws --room "$room?t=$t" --initial-sync 5000 --fill-only --label fill >/dev/null
node 1244 --store "$store" --broker "$broker"
sleep 3
"$load" --url ws://127.0.0.1:1244/ws --room "$room?t=$t" --initial-sync 5000 --join-only \
  --label load5000/postgres >>"$out"
grep -o 'board loaded.*' "$work/node1244.log" | grep "$room" | tail -1 | sed 's/^/  postgres: /' >&2

python3 - "$out" <<'PY'
import json, statistics, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
def med(xs): return round(statistics.median(xs), 1) if xs else None
for setup in ("single", "cluster"):
    runs = [l for l in lines if l.get("label") == setup and not l.get("failed")]
    if not runs: continue
    key = "cross_node_latency_ms" if setup == "cluster" else "latency_ms"
    print(f"{setup:8} runs={len(runs)} lost={sum(l['lost'] for l in runs)} "
          + " ".join(f"{p}={med([l[key][p] for l in runs])}ms" for p in ("p50", "p95", "p99"))
          + f" cpu%/node={[med([l['per_node'][i]['cpu_pct'] for l in runs]) for i in range(runs[0]['nodes'])]}"
          + f" rss_max_mb/node={[med([l['per_node'][i]['rss_max_mb'] for l in runs]) for i in range(runs[0]['nodes'])]}"
          + (f" pg_rows/s={med([l['pg_rows_per_s'] for l in runs])}" if setup == "cluster" else ""))
for l in lines:
    if l.get("label", "").startswith("load5000/"):
        print(f"{l['label']:18} first join {l['first_join_ms']} ms, then median {l['initial_sync_ms_median']} ms")
PY
echo "results: $out" >&2
