#!/usr/bin/env bash
# Memory and recovery harness for the relay.
#
# 1. Start the relay (-Xmx512m by default) with every domain routed to a closed
#    port on 127.0.0.2 (nothing listens), so accepted messages stay queued.
# 2. Inject N messages with smtp-source; every one must get 250 (smtp-source
#    exits 0) and the relay must log N "received" events.
# 3. Stop the relay with SIGTERM and wait for it to exit.
# 4. Start it again on the same data and measure the time from the launch to
#    /health 200 and to the queue_recovered events whose "pending" counts add
#    up to N (the relay logs one such event per recovered queue entity).
# Prints the figures and the JVM's peak RSS (VmHWM) in both phases; exits 1 if
# a message was refused, not logged, or not recovered.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BENCH_LIB="$HERE/lib"
# shellcheck source=lib/common.sh
source "$BENCH_LIB/common.sh"
# shellcheck source=lib/relay.sh
source "$BENCH_LIB/relay.sh"

usage() {
  cat <<EOF
usage: ops/bench/queue-recovery.sh [options]
  --messages N      messages to queue (100000)
  --size BYTES      payload bytes per message (1024)
  --sessions S      parallel smtp-source sessions (20)
  --heap SIZE       relay JVM -Xmx (512m)
  --storage K       h2 | postgres (h2); postgres reads PG_URL, PG_USER, PG_PASSWORD
  --jar PATH        relay jar (relay-node/target/relay-node.jar)
  --relay-conf FILE extra HOCON included last in the relay's config
  --timeout SECONDS longest wait for recovery after the restart (600)
  --workdir DIR     where logs and results go (a new /tmp/relay-recovery.XXXXXX)
  --keep            keep the relay data dir after the run
EOF
}

MESSAGES=100000 SIZE=1024 SESSIONS=20 HEAP=512m STORAGE=h2 JAR="$REPO/relay-node/target/relay-node.jar"
RELAY_CONF="" TIMEOUT=600 WORKDIR="" KEEP=no
while (( $# )); do
  case $1 in
    --messages) MESSAGES=$2; shift ;;
    --size) SIZE=$2; shift ;;
    --sessions) SESSIONS=$2; shift ;;
    --heap) HEAP=$2; shift ;;
    --storage) STORAGE=$2; shift ;;
    --jar) JAR=$2; shift ;;
    --relay-conf) RELAY_CONF=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift ;;
    --timeout) TIMEOUT=$2; shift ;;
    --workdir) WORKDIR=$2; shift ;;
    --keep) KEEP=yes ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; bench_die "unknown option: $1" ;;
  esac
  shift
done
for value in "$MESSAGES" "$SIZE" "$SESSIONS" "$TIMEOUT"; do
  [[ $value =~ ^[0-9]+$ ]] || bench_die "not a whole number: $value"
done
case $STORAGE in h2) ;; postgres)
  [ -n "${PG_URL:-}" ] && [ -n "${PG_USER:-}" ] || bench_die "--storage postgres needs PG_URL and PG_USER (and PG_PASSWORD)" ;;
  *) bench_die "--storage must be h2 or postgres" ;; esac
bench_require smtp-source python3 curl java
[ -f "$JAR" ] || bench_die "no relay jar at $JAR; build it with 'mvn -B -q -DskipTests package'"

[ -n "$WORKDIR" ] || WORKDIR=$(mktemp -d /tmp/relay-recovery.XXXXXX)
mkdir -p "$WORKDIR/data"
WORKDIR=$(cd "$WORKDIR" && pwd)
bench_log "work dir $WORKDIR"
[ "$KEEP" = yes ] || bench_on_exit "rm -rf '$WORKDIR/data'"

SMTP_PORT=$(bench_free_port 127.0.0.1)
HTTP_PORT=$(bench_free_port 127.0.0.1)
CLOSED_PORT=$(bench_free_port 127.0.0.2)   # nothing listens there: deliveries fail, messages stay queued
relay_write_config "$WORKDIR/relay.conf" "$WORKDIR/data" "$SMTP_PORT" "127.0.0.2:$CLOSED_PORT" \
  "$HTTP_PORT" "$STORAGE" "$RELAY_CONF"

# hwm PID: VmHWM of PID in MB.
hwm() { python3 -c 'import json,sys; print(round(json.loads(sys.argv[1])["hwm_kb_sum"] / 1024))' \
  "$(python3 "$BENCH_LIB/proctree.py" mem "$1")"; }
# elapsed FROM TO: seconds between two bench_now stamps.
elapsed() { python3 -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.2f}")' "$1" "$2"; }
# event_count LOG NAME: how many NAME events LOG holds.
event_count() {
  python3 "$BENCH_LIB/relayevents.py" summary "$1" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["counts"].get(sys.argv[1], 0))' "$2"
}

# Phase 1: fill the queue.
bench_log "phase 1: start the relay (-Xmx$HEAP), queue $MESSAGES x $SIZE B"
relay_start "$JAR" "$WORKDIR/relay.conf" "$HEAP" "$WORKDIR/relay-1.log" "$HTTP_PORT"
FIRST_START=$(elapsed "$RELAY_STARTED" "$RELAY_READY")
INJECT_START=$(bench_now)
INJECT_RC=0
bench_fg smtp-source -s "$SESSIONS" -m "$MESSAGES" -l "$SIZE" -M bench.client \
  -f from@bench.example -t to@dest.example "127.0.0.1:$SMTP_PORT" > "$WORKDIR/inject.out" 2>&1 || INJECT_RC=$?
INJECT_END=$(bench_now)
# The last event lines may reach the log a little after the last 250.
for _ in $(seq 1 15); do
  RECEIVED=$(event_count "$WORKDIR/relay-1.log" received)
  (( RECEIVED >= MESSAGES )) && break
  sleep 1
done
HWM_1=$(hwm "$RELAY_PID")
bench_log "smtp-source status $INJECT_RC, relay logged $RECEIVED received events, VmHWM ${HWM_1} MB"

STOP_START=$(bench_now)
relay_stop 120
STOP_S=$(elapsed "$STOP_START" "$(bench_now)")

# Phase 2: restart on the same data and wait for the queue to be recovered.
bench_log "phase 2: restart and wait for queue_recovered events totalling $MESSAGES pending"
LOG2="$WORKDIR/relay-2.log"
RESTART=$(bench_now)
RELAY_JAR="$JAR" JAVA_OPTS="-Xmx$HEAP ${RELAY_JAVA_OPTS:-}" "$(relay_launcher)" \
  "-Dconfig.file=$WORKDIR/relay.conf" > "$LOG2" 2> "$LOG2.err" &
RELAY_PID=$!
bench_on_exit "bench_stop_pid $RELAY_PID 30"
bench_fg python3 "$BENCH_LIB/recoverywatch.py" "$LOG2" "http://127.0.0.1:$HTTP_PORT/health" "$RELAY_PID" \
  --pending "$MESSAGES" --timeout "$TIMEOUT" --settle 30 > "$WORKDIR/recovery.json"
# field NAME: one field of recovery.json ("" when null).
field() { python3 -c 'import json,sys; v = json.load(open(sys.argv[1]))[sys.argv[2]]; print("" if v is None else v)' \
  "$WORKDIR/recovery.json" "$1"; }
HEALTHY_AT=$(field healthy_at) EVENT_AT=$(field last_event_at) RECOVERED_AT=$(field recovered_at)
PENDING=$(field pending) ENTITIES=$(field entities) OUTCOME=$(field outcome)
kill -0 "$RELAY_PID" 2>/dev/null || bench_die "the relay exited during recovery: $(tail -3 "$LOG2.err")"
sleep 1
HWM_2=$(hwm "$RELAY_PID")
relay_stop 120

show() { [ -n "$2" ] && elapsed "$1" "$2" || echo "n/a"; }
VERDICT=PASS
(( INJECT_RC == 0 )) || VERDICT=FAIL
(( RECEIVED == MESSAGES )) || VERDICT=FAIL
(( PENDING >= MESSAGES )) || VERDICT=FAIL
{
  echo "== relay queue recovery: $MESSAGES x $SIZE B, $SESSIONS sessions, -Xmx$HEAP, storage $STORAGE =="
  echo "  first start to /health 200 (s)       $FIRST_START"
  echo "  injection time (s)                   $(elapsed "$INJECT_START" "$INJECT_END")"
  echo "  smtp-source exit status              $INJECT_RC  (0 = every message got 250)"
  echo "  received events logged               $RECEIVED / $MESSAGES"
  echo "  peak RSS after injection (MB)        $HWM_1  (VmHWM of the JVM)"
  echo "  SIGTERM to exit (s)                  $STOP_S"
  echo "  restart to /health 200 (s)           $(show "$RESTART" "$HEALTHY_AT")"
  echo "  restart to last queue_recovered (s)  $(show "$RESTART" "$EVENT_AT")"
  echo "  restart to recovered and healthy (s) $(show "$RESTART" "$RECOVERED_AT")"
  echo "  recovered pending / queued           $PENDING / $MESSAGES  ($ENTITIES queue_recovered events, outcome $OUTCOME)"
  echo "  peak RSS after recovery (MB)         $HWM_2  (VmHWM of the restarted JVM)"
  echo "  verdict                              $VERDICT"
} | tee "$WORKDIR/results.txt"
echo
echo "results: $WORKDIR/results.txt (logs: $WORKDIR/relay-1.log, $LOG2)"
[ "$VERDICT" = PASS ]
