#!/usr/bin/env bash
# make run: the whole pipeline on one machine, on a demo stream.
#
# Starts outcry-devbroker, a private redis-server, and the four services as
# separate processes; replays demo/posts.jsonl as if it were happening now;
# prints alerts as they arrive. Ctrl-C (or SIGTERM) stops everything it
# started. Logs of every process are kept in the work directory it prints.
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
case "$BUILD" in /*) BIN="$BUILD" ;; *) BIN="$ROOT/$BUILD" ;; esac
DEMO=${OUTCRY_DEMO_POSTS:-demo/posts.jsonl}
RULES=${OUTCRY_DEMO_RULES:-demo/rules.yaml}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/outcry-run.XXXXXX")
PIDS=()

cleanup() {
  trap '' INT TERM
  echo
  echo "outcry: stopping ${#PIDS[@]} process(es)..."
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  # Give the services their graceful drain, then make sure.
  for _ in $(seq 1 50); do
    alive=0
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
  wait 2>/dev/null
  echo "outcry: stopped; logs kept in $WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() { echo "outcry: $*" >&2; exit 1; }

start() { # name, then the command; stdout+stderr to $WORK/name.log
  local name=$1; shift
  "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
}

wait_for() { # description, seconds, test command...
  local what=$1 secs=$2; shift 2
  for _ in $(seq 1 $((secs * 10))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "$what did not come up within ${secs}s; see $WORK"
}

for b in devbroker ingest classify route alert; do
  [ -x "$BIN/outcry-$b" ] || die "$BIN/outcry-$b is missing; run 'make' first"
done
command -v redis-server >/dev/null || die "redis-server is not installed; run 'make deps'"

echo "outcry: work directory $WORK"
start devbroker "$BIN/outcry-devbroker" --port-file "$WORK/bootstrap"
wait_for "outcry-devbroker" 15 test -s "$WORK/bootstrap"
BOOT=$(head -1 "$WORK/bootstrap")

REDIS_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$WORK/redis"
start redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK/redis" \
  --save '' --appendonly no
wait_for "redis-server" 10 redis-cli -p "$REDIS_PORT" ping

export OUTCRY_BROKERS="$BOOT"
export OUTCRY_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export OUTCRY_LOG=${OUTCRY_LOG:-info}
# the dev broker completes a group rebalance only after session.timeout.ms - 1 s
export OUTCRY_KAFKA_SESSION_TIMEOUT_MS=${OUTCRY_KAFKA_SESSION_TIMEOUT_MS:-6000}
echo "outcry: Kafka (devbroker) at $BOOT, Redis at 127.0.0.1:$REDIS_PORT"

start classify "$BIN/outcry-classify"
start route "$BIN/outcry-route" --rules "$RULES"
start alert "$BIN/outcry-alert"
"$BIN/outcry-alert" watch &
PIDS+=($!)
sleep 1
echo "outcry: replaying $DEMO as if it were happening now (SLA targets from $RULES)"
"$BIN/outcry-ingest" replay --format jsonl --rebase-now --speed 1 "$DEMO" >"$WORK/ingest.log" 2>&1 &
PIDS+=($!)
echo "outcry: alerts appear below as SLA clocks run out; Ctrl-C stops everything."
echo "        (try: kcat -b $BOOT -L    redis-cli -p $REDIS_PORT XRANGE outcry:alerts:stream - +)"
echo
while :; do
  for p in "${PIDS[@]:0:6}"; do
    kill -0 "$p" 2>/dev/null || die "a process stopped unexpectedly; see the logs in $WORK"
  done
  sleep 1
done
