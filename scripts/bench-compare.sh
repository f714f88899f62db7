#!/usr/bin/env bash
# make bench-compare: installs (if missing) and starts Redis and NATS JetStream on loopback, starts
# one Sluice broker, runs the same workloads against all three (scripts/bench-compare/main.ts),
# prints the side-by-side table, and stops everything it started, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/sbin"

if ! command -v redis-server >/dev/null || ! command -v nats-server >/dev/null; then
  echo "installing redis-server and nats-server (apt-get)…" >&2
  apt-get update -qq && apt-get install -y -qq redis-server nats-server >/dev/null
fi

WORK=$(mktemp -d /tmp/sluice-bench-compare.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
wait_for() { # what, command…
  local what=$1; shift
  for _ in $(seq 1 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "bench-compare: $what did not start; logs in $WORK" >&2; cat "$WORK"/*.log >&2; exit 1
}
port_open() { node -e "require('net').connect($1,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))"; }

SLUICE_PORT=$(free_port); SLUICE_HTTP=$(free_port); REDIS_PORT=$(free_port); NATS_PORT=$(free_port)
mkdir -p "$WORK/sluice" "$WORK/redis" "$WORK/nats"

bin/sluice-broker --data-dir "$WORK/sluice" --host 127.0.0.1 --port "$SLUICE_PORT" --inter-broker-port 0 --http-port "$SLUICE_HTTP" >"$WORK/sluice.log" 2>&1 &
SLUICE_PID=$!  # the broker's node process itself: bin/sluice-broker execs it
PIDS+=("$SLUICE_PID")
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$WORK/redis" --appendonly yes --appendfsync everysec --save '' >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
nats-server -js -a 127.0.0.1 -p "$NATS_PORT" --store_dir "$WORK/nats" >"$WORK/nats.log" 2>&1 &
PIDS+=($!)

wait_for "sluice broker" grep -q 'listening: gRPC' "$WORK/sluice.log"
wait_for "redis-server" port_open "$REDIS_PORT"
wait_for "nats-server" grep -q 'Server is ready' "$WORK/nats.log"

node dist/scripts/bench-compare/main.js \
  --sluice "127.0.0.1:$SLUICE_PORT" --sluice-pid "$SLUICE_PID" \
  --redis "127.0.0.1:$REDIS_PORT" --nats "127.0.0.1:$NATS_PORT"
