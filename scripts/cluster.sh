#!/usr/bin/env bash
# Local 3-node Sluice cluster: the logic behind `make cluster-up|cluster-status|cluster-down|
# cluster-kill NODE=n|cluster-start NODE=n` (see README.md, "Running a cluster").
#
#   scripts/cluster.sh up          build if needed, start brokers 1-3, wait until all are ready
#   scripts/cluster.sh status      which broker processes run, then `sluice cluster status`
#   scripts/cluster.sh down        SIGTERM all, wait, SIGKILL stragglers; data stays
#   scripts/cluster.sh kill N      SIGKILL broker N
#   scripts/cluster.sh start N     start broker N again, wait until it is ready
#   scripts/cluster.sh add N       write cluster/broker-N.properties if missing (N 4-99: gRPC 71NN,
#                                  inter-broker 72NN, HTTP 81NN, Kafka 91NN), start broker N, which
#                                  joins the running cluster knowing only the controller quorum
#
# `status`, `down`, `kill` and `start` cover every broker with a config or a pid file, added ones too.
# Configs: cluster/broker-N.properties. Pids and logs: cluster/run/N.pid, cluster/run/N.log (each
# start appends to the log after a `=== start` marker). Data: cluster/data/N (from the configs).
# CLUSTER_TIMEOUT_S (default 30) bounds every wait.
#
# SECURE=1 (with `up`): TLS on both listeners, mutual TLS between brokers. Certificates come from
# scripts/tls-certs.sh into cluster/tls/ (made when missing); each broker also reads
# cluster/secure.properties and its own cluster/tls/broker-N.pem. The mode is remembered in
# cluster/run/secure until `down`, so `status` and `start N` follow it (status then runs the CLI
# with --client-config cluster/tls/admin.properties).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

NODES=(1 2 3)
RUN_DIR=cluster/run
TIMEOUT_S="${CLUSTER_TIMEOUT_S:-30}"
# `make cluster-kill NODE=n` exports NODE, so the node binary has its own name.
NODE_BIN="${SLUICE_NODE_BIN:-node}"
BROKER_JS=dist/src/broker/main.js
# Own session: a Ctrl-C in the terminal that ran `make cluster-up` does not reach the brokers.
SETSID="$(command -v setsid || true)"

say() { printf 'cluster: %s\n' "$*"; }
die() { printf 'cluster: ERROR: %s\n' "$*" >&2; exit 1; }

config_of() { echo "cluster/broker-$1.properties"; }

TLS_DIR=cluster/tls
SECURE_MARK="$RUN_DIR/secure"
# Whether the cluster runs (or is to run) with TLS: SECURE=1, else what the last `up` chose.
is_secure() {
  case "${SECURE:-}" in
    1 | true | yes) return 0 ;;
    '') [[ -f "$SECURE_MARK" ]] ;;
    *) return 1 ;;
  esac
}

# Extra broker flags of the secure mode: the overlay and broker N's certificate.
secure_args() {
  printf '%s\n' --config cluster/secure.properties --tls-cert-file "$TLS_DIR/broker-$1.pem" --tls-key-file "$TLS_DIR/broker-$1.key"
}

# The CLI's flags for this cluster's mode.
cli_security_args() {
  if is_secure; then printf '%s\n' --client-config "$TLS_DIR/admin.properties"; fi
}

# Value of `key` in broker N's properties file (last one wins, like the broker).
prop() {
  local value
  value="$(sed -n "s/^[[:space:]]*$2[[:space:]]*=[[:space:]]*//p" "$(config_of "$1")" | tail -n 1 | tr -d '[:space:]')"
  printf '%s' "${value:-$3}"
}

# Where to reach broker N from this machine: its host unless that is a wildcard bind address.
reach_host() {
  local host
  host="$(prop "$1" host 127.0.0.1)"
  case "$host" in 0.0.0.0 | '::' | '[::]') host=127.0.0.1 ;; esac
  printf '%s' "$host"
}
grpc_address() { printf '%s:%s' "$(reach_host "$1")" "$(prop "$1" port 7001)"; }
http_url() { printf 'http://%s:%s' "$(reach_host "$1")" "$(prop "$1" http.port 8001)"; }

# Brokers 1-3 and every added one: a cluster/broker-N.properties or a cluster/run/N.pid, in order.
all_nodes() {
  local file n
  {
    printf '%s\n' "${NODES[@]}"
    for file in cluster/broker-*.properties "$RUN_DIR"/*.pid; do
      n="$(basename "$file")"
      n="${n#broker-}"
      n="${n%.properties}"
      n="${n%.pid}"
      [[ "$n" =~ ^[0-9]+$ && -f "$file" ]] && printf '%s\n' "$n"
    done
  } | sort -n -u
}

bootstrap() {
  local list="" n
  for n in $(all_nodes); do [[ -f "$(config_of "$n")" ]] && list="${list:+$list,}$(grpc_address "$n")"; done
  printf '%s' "$list"
}

check_node() {
  [[ "${1:-}" =~ ^[0-9]+$ ]] && [[ -f "$(config_of "$1")" ]] ||
    die "NODE must be one of $(all_nodes | tr '\n' ' ')(a cluster/broker-N.properties), got '${1:-}'; e.g. make cluster-kill NODE=2"
}

pid_file() { echo "$RUN_DIR/$1.pid"; }
log_file() { echo "$RUN_DIR/$1.log"; }

# Pid of broker N if its process runs (and is that broker, not a recycled pid); empty otherwise.
running_pid() {
  local file pid
  file="$(pid_file "$1")"
  [[ -f "$file" ]] || return 0
  pid="$(tr -dc '0-9' <"$file")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  if [[ -r "/proc/$pid/cmdline" ]] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "broker-$1.properties"; then
    return 0
  fi
  printf '%s' "$pid"
}

log_tail() {
  local log
  log="$(log_file "$1")"
  printf -- '--- last lines of %s ---\n' "$log" >&2
  tail -n 25 "$log" >&2 2>/dev/null || true
  printf -- '---\n' >&2
}

build_if_needed() {
  if [[ ! -f node_modules/.install-stamp || ! -f "$BROKER_JS" ]] ||
    [[ -n "$(find src proto package.json tsconfig.json -newer "$BROKER_JS" -print -quit 2>/dev/null)" ]]; then
    say "building (make build)"
    make --no-print-directory build
  fi
}

# Byte offset where the newest start of broker N begins in its log.
declare -A LOG_START=()

start_process() {
  local n=$1 log args=()
  log="$(log_file "$n")"
  mkdir -p "$RUN_DIR" "$(prop "$n" data.dir "cluster/data/$n")"
  touch "$log"
  LOG_START[$n]=$(($(stat -c %s "$log") + 1))
  if is_secure; then mapfile -t args < <(secure_args "$n"); fi
  printf '=== start %s: bin/sluice-broker --config %s %s\n' "$(date '+%F %T')" "$(config_of "$n")" "${args[*]}" >>"$log"
  SLUICE_NODE_BIN="$NODE_BIN" $SETSID nohup bin/sluice-broker --config "$(config_of "$n")" "${args[@]}" >>"$log" 2>&1 </dev/null &
  echo $! >"$(pid_file "$n")"
  say "broker $n started (pid $!, log $log)"
}

# Waits until broker N printed its `listening` line since its newest start; fails with the log tail.
wait_listening() {
  local n=$1 deadline=$2 pid
  while :; do
    if tail -c "+${LOG_START[$n]:-1}" "$(log_file "$n")" 2>/dev/null | grep -q 'listening'; then
      say "broker $n listening on $(grpc_address "$n") (HTTP $(http_url "$n"))"
      return 0
    fi
    pid="$(running_pid "$n")"
    if [[ -z "$pid" ]]; then
      log_tail "$n"
      die "broker $n exited before it was listening"
    fi
    if ((SECONDS >= deadline)); then
      log_tail "$n"
      die "broker $n did not print 'listening' within ${TIMEOUT_S}s"
    fi
    sleep 0.2
  done
}

# Waits until broker N's /readyz answers 200 (it registered with the controller quorum).
wait_ready() {
  local n=$1 deadline=$2 url
  url="$(http_url "$n")/readyz"
  while :; do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
      say "broker $n ready ($url)"
      return 0
    fi
    if [[ -z "$(running_pid "$n")" ]]; then
      log_tail "$n"
      die "broker $n exited before it was ready"
    fi
    if ((SECONDS >= deadline)); then
      log_tail "$n"
      die "broker $n: $url did not answer 200 within ${TIMEOUT_S}s (a controller quorum needs 2 of 3 brokers up)"
    fi
    sleep 0.25
  done
}

cmd_up() {
  local n pid started=() deadline
  local already=0
  for n in "${NODES[@]}"; do [[ -n "$(running_pid "$n")" ]] && already=$((already + 1)); done
  if ((already > 0)) && [[ -n "${SECURE:-}" ]]; then
    local wanted=plaintext running=plaintext
    if is_secure; then wanted=TLS; fi
    if [[ -f "$SECURE_MARK" ]]; then running=TLS; fi
    [[ "$wanted" == "$running" ]] || die "the cluster runs with $running; 'make cluster-down' first to switch to $wanted"
  fi
  if ((already == 0)); then
    mkdir -p "$RUN_DIR"
    if is_secure; then touch "$SECURE_MARK"; else rm -f "$SECURE_MARK"; fi
  fi
  if is_secure; then scripts/tls-certs.sh "$TLS_DIR" | sed 's/^/cluster: /'; fi
  if ((already == ${#NODES[@]})); then
    say "already up (brokers ${NODES[*]} running); 'make cluster-status' shows them, 'make cluster-down' stops them"
    return 0
  fi
  build_if_needed
  # Start every broker before waiting: none is ready until a controller quorum is up.
  for n in "${NODES[@]}"; do
    pid="$(running_pid "$n")"
    if [[ -n "$pid" ]]; then
      say "broker $n already running (pid $pid)"
    else
      start_process "$n"
      started+=("$n")
    fi
  done
  deadline=$((SECONDS + TIMEOUT_S))
  for n in "${started[@]}"; do wait_listening "$n" "$deadline"; done
  for n in "${NODES[@]}"; do wait_ready "$n" "$deadline"; done
  if is_secure; then
    say "up with TLS: bootstrap $(bootstrap), client config $TLS_DIR/admin.properties (./bin/sluice --client-config $TLS_DIR/admin.properties ...)"
  else
    say "up: bootstrap $(bootstrap)"
  fi
}

cmd_start() {
  local n=$1 pid deadline
  check_node "$n"
  pid="$(running_pid "$n")"
  if [[ -n "$pid" ]]; then
    say "broker $n already running (pid $pid)"
    return 0
  fi
  build_if_needed
  start_process "$n"
  deadline=$((SECONDS + TIMEOUT_S))
  wait_listening "$n" "$deadline"
  wait_ready "$n" "$deadline"
}

cmd_kill() {
  local n=$1 pid i
  check_node "$n"
  pid="$(running_pid "$n")"
  if [[ -z "$pid" ]]; then
    say "broker $n is not running"
    rm -f "$(pid_file "$n")"
    return 0
  fi
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$(pid_file "$n")"
  echo "=== SIGKILL $(date '+%F %T') by scripts/cluster.sh kill" >>"$(log_file "$n")"
  say "broker $n killed (SIGKILL pid $pid)"
}

cmd_down() {
  local n pid pids=() nodes=() i deadline
  for n in $(all_nodes); do
    pid="$(running_pid "$n")"
    if [[ -n "$pid" ]]; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
      nodes+=("$n")
      say "broker $n: SIGTERM (pid $pid)"
    fi
  done
  if ((${#pids[@]} == 0)); then
    say "already down (no broker running)"
    rm -f "$RUN_DIR"/*.pid "$SECURE_MARK"
    return 0
  fi
  # The broker's own graceful shutdown is bounded by shutdown.timeout.ms (10 s by default).
  deadline=$((SECONDS + ${CLUSTER_DOWN_TIMEOUT_S:-15}))
  for i in "${!pids[@]}"; do
    while kill -0 "${pids[$i]}" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "${pids[$i]}" 2>/dev/null; then
      kill -KILL "${pids[$i]}" 2>/dev/null || true
      say "broker ${nodes[$i]}: still running, SIGKILL (pid ${pids[$i]})"
    else
      say "broker ${nodes[$i]} stopped"
    fi
  done
  rm -f "$RUN_DIR"/*.pid "$SECURE_MARK"
  say "down (data kept in cluster/data/)"
}

cmd_status() {
  local n pid
  for n in $(all_nodes); do
    [[ -f "$(config_of "$n")" ]] || continue
    pid="$(running_pid "$n")"
    if [[ -n "$pid" ]]; then
      printf 'broker %s: running  pid %-8s %s\n' "$n" "$pid" "$(grpc_address "$n")"
    else
      printf 'broker %s: stopped  %-12s %s\n' "$n" "" "$(grpc_address "$n")"
    fi
  done
  echo
  local security=()
  mapfile -t security < <(cli_security_args)
  ./bin/sluice --bootstrap "$(bootstrap)" "${security[@]}" cluster status "$@"
}

# cluster/broker-N.properties of an added broker: its ports by the numbering of the first three, and
# the controller quorum (brokers 1-3's inter-broker listeners) as the only brokers it is told of.
write_added_config() {
  local n=$1 voters="" v
  for v in "${NODES[@]}"; do
    voters="${voters:+$voters,}$v@$(reach_host "$v"):$(prop "$v" inter.broker.port 7002)"
  done
  cat >"$(config_of "$n")" <<PROPS
# Sluice broker $n, added to the cluster by \`make cluster-add NODE=$n\` (scripts/cluster.sh), which wrote
# this file because it was missing. It knows only the controller quorum: it registers with it, learns
# every other broker from the metadata, and takes replicas of topics created or grown from now on
# (docs/CLUSTER.md, "Adding and removing brokers"). Every key: src/config/broker-config.ts.

broker.id=$n
host=127.0.0.1
port=$((7100 + n))
inter.broker.port=$((7200 + n))
http.port=$((8100 + n))
data.dir=cluster/data/$n

# The controller voters' inter-broker listeners: all a joining broker needs.
controller.quorum.voters=$voters

# kafka listener (docs/KAFKA.md): registered with the controller, so every broker's Metadata names it.
kafka.port=$((9100 + n))
PROPS
  say "wrote $(config_of "$n")"
}

cmd_add() {
  local n=$1
  [[ "$n" =~ ^[0-9]+$ ]] && ((n >= 4 && n <= 99)) ||
    die "NODE must be a new broker id 4-99 (its ports are 71NN, 72NN, 81NN, 91NN), got '$n'; e.g. make cluster-add NODE=4"
  if [[ -f "$(config_of "$n")" ]]; then say "using the existing $(config_of "$n")"; else write_added_config "$n"; fi
  if is_secure; then BROKERS="$n" scripts/tls-certs.sh "$TLS_DIR" | sed 's/^/cluster: /'; fi
  cmd_start "$n"
}

case "${1:-}" in
  up) cmd_up ;;
  add) cmd_add "${2:-}" ;;
  down) cmd_down ;;
  status) shift; cmd_status "$@" ;;
  start) cmd_start "${2:-}" ;;
  kill) cmd_kill "${2:-}" ;;
  *)
    echo "usage: scripts/cluster.sh up | status [--json] | down | kill N | start N | add N" >&2
    exit 2
    ;;
esac
