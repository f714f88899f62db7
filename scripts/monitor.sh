#!/usr/bin/env bash
# Prometheus on the local 3-node cluster: the logic behind `make cluster-monitor` and
# `make cluster-monitor-down` (README "Monitoring"; docs/OPERATIONS.md).
#
#   scripts/monitor.sh up     start Prometheus (Debian package `prometheus`, installed with apt-get
#                             when missing and run as root) with cluster/prometheus.yml, give the
#                             board something to show (a `sluice-canary` topic, a few records, a
#                             consumer group), then run every query of cluster/grafana/sluice.json
#                             against it and say which return data
#   scripts/monitor.sh down   stop it (its data stays in cluster/run/prometheus/)
#
# Nothing is downloaded at run time. PROMETHEUS_PORT (default 9090) is where its UI and API listen.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

RUN_DIR=cluster/run
PID_FILE="$RUN_DIR/prometheus.pid"
LOG_FILE="$RUN_DIR/prometheus.log"
PORT="${PROMETHEUS_PORT:-9090}"
URL="http://127.0.0.1:$PORT"
BOOTSTRAP=127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103
CANARY=sluice-canary

say() { printf 'monitor: %s\n' "$*"; }
die() { printf 'monitor: ERROR: %s\n' "$*" >&2; exit 1; }

running_pid() {
  [[ -f "$PID_FILE" ]] || return 0
  local pid
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q prometheus; then printf '%s' "$pid"; fi
}

ensure_prometheus() {
  command -v prometheus >/dev/null && return 0
  [[ "$(id -u)" == 0 ]] || die "prometheus is not installed: apt-get install -y prometheus"
  say "installing Prometheus (apt-get install -y prometheus)"
  apt-get install -y prometheus >/dev/null || { apt-get update >/dev/null && apt-get install -y prometheus >/dev/null; } || die "apt-get install -y prometheus failed"
}

wait_for() {
  local what=$1 deadline=$((SECONDS + $2))
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "timed out waiting for $what"
    sleep 1
  done
}

targets_up() {
  curl -fsS "$URL/api/v1/query?query=sum(up%7Bjob%3D%22sluice%22%7D)" | grep -q '"value":\[[0-9.]*,"3"\]'
}

cmd_up() {
  curl -fsS -o /dev/null --max-time 2 http://127.0.0.1:8101/readyz || die "the cluster is not up: make cluster-up"
  ensure_prometheus
  mkdir -p "$RUN_DIR/prometheus"
  if [[ -z "$(running_pid)" ]]; then
    # Its own session: a Ctrl-C in this terminal does not stop it.
    setsid nohup prometheus --config.file=cluster/prometheus.yml --storage.tsdb.path="$RUN_DIR/prometheus" \
      --web.listen-address="127.0.0.1:$PORT" >>"$LOG_FILE" 2>&1 </dev/null &
    echo $! >"$PID_FILE"
    say "Prometheus started (pid $!, log $LOG_FILE)"
  fi
  wait_for "Prometheus at $URL" 30 curl -fsS "$URL/-/ready"
  wait_for "Prometheus to scrape the three brokers" 60 targets_up
  say "canary traffic: topic $CANARY, 100 records, group $CANARY"
  ./bin/sluice --bootstrap "$BOOTSTRAP" topic create "$CANARY" --partitions 3 --replication 3 >/dev/null 2>&1 || true
  seq 1 100 | ./bin/sluice --bootstrap "$BOOTSTRAP" produce "$CANARY" >/dev/null
  ./bin/sluice --bootstrap "$BOOTSTRAP" consume "$CANARY" --group "$CANARY" --from-beginning --max-messages 50 >/dev/null
  say "waiting 20 s for three scrapes of the traffic"
  sleep 20
  PROMETHEUS_URL="$URL" node dist/scripts/monitor/check-board.js
  say "Prometheus: $URL (graphs at $URL/graph). Grafana: import cluster/grafana/sluice.json (Dashboards > New > Import) and pick this Prometheus as its data source."
}

cmd_down() {
  local pid
  pid="$(running_pid)"
  if [[ -z "$pid" ]]; then
    say "Prometheus is not running"
    return 0
  fi
  kill "$pid"
  wait_for "Prometheus to stop" 30 bash -c "! kill -0 $pid"
  rm -f "$PID_FILE"
  say "Prometheus stopped"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  *) die "usage: scripts/monitor.sh up|down" ;;
esac
