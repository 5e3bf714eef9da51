#!/usr/bin/env bash
# End-to-end check of local-cluster.sh on this machine: Postfix's smtp-sink plays the smarthost,
# local-cluster.sh starts the cluster routed to it (own work dir, own database, reset first),
# swaks sends one message through node 2, the sink must receive it, then the cluster stops
# gracefully. Prints "1 passed, 0 failed" or "0 passed, 1 failed"; exit status 0 when it passed.
#
#   ops/cluster/smoke-test.sh            (ports: LOCAL_CLUSTER_* as for local-cluster.sh;
#                                          the sink listens on SMOKE_SINK_PORT, default 2625)
# Needs: java, psql, swaks, smtp-sink (Debian: swaks, postfix), a local PostgreSQL.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
readonly HERE
readonly SINK_PORT=${SMOKE_SINK_PORT:-2625}
readonly SMOKE_DB=relay_cluster_smoke
WORK=$(mktemp -d /tmp/relay-cluster-smoke.XXXXXX)
readonly WORK
SINK_PID=""
CLUSTER_STARTED=no

fail() {
  echo "smoke-test: FAILED: $*" >&2
  echo "smoke-test: logs kept in $WORK" >&2
  echo "0 passed, 1 failed"
  exit 1
}

cleanup() {
  if [ "$CLUSTER_STARTED" = yes ]; then
    "$HERE/local-cluster.sh" stop --work-dir "$WORK/cluster" || true
  fi
  if [ -n "$SINK_PID" ]; then
    kill "$SINK_PID" 2>/dev/null || true
    wait "$SINK_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

for tool in java psql swaks smtp-sink; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done

# smtp-sink drops root for this user and writes one file per received message into the dump dir.
mkdir -p "$WORK/sink"
chmod 711 "$WORK"
chmod 777 "$WORK/sink"
smtp-sink -u nobody -d "$WORK/sink/%H%M%S." "127.0.0.1:$SINK_PORT" 64 &
SINK_PID=$!
sleep 0.5
kill -0 "$SINK_PID" 2>/dev/null || fail "smtp-sink did not start on 127.0.0.1:$SINK_PORT"

CLUSTER_STARTED=yes
"$HERE/local-cluster.sh" start --work-dir "$WORK/cluster" --db "$SMOKE_DB" --reset-db \
  --smarthost "127.0.0.1:$SINK_PORT" || fail "the cluster did not start"
# shellcheck source=/dev/null
. "$WORK/cluster/cluster.env"
"$HERE/local-cluster.sh" status --work-dir "$WORK/cluster" || fail "status reports a node not ready"

# One message through node 2; the token in the subject finds it in the sink.
TOKEN="smoke-$(date +%s)-$$"
NODE2=$((SMTP_PORT + 1))
swaks --server "127.0.0.1:$NODE2" --from sender@example.org --to rcpt@example.net \
  --header "Subject: $TOKEN" --body "Sent through node 2 of the local cluster." \
  > "$WORK/swaks.log" 2>&1 || fail "swaks could not send through node 2 (see $WORK/swaks.log)"
grep -q '<-  250 2.0.0' "$WORK/swaks.log" || fail "node 2 did not queue the message (see $WORK/swaks.log)"
echo "smoke-test: node 2 queued the message: $(grep -m1 '<-  250 2.0.0' "$WORK/swaks.log")"

# wait_for SECONDS WHAT COMMAND...: run COMMAND until it succeeds, or fail after SECONDS.
wait_for() {
  local seconds=$1 what=$2 deadline
  deadline=$(($(date +%s) + seconds))
  shift 2
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "no $what within ${seconds}s"
    sleep 0.5
  done
}
received() { grep -lqs "Subject: $TOKEN" "$WORK"/sink/*; }
delivered() { grep -qs '"event":"delivered"' "$WORK"/cluster/node*/events.log; }

wait_for 60 "message at the smarthost" received
MESSAGE=$(grep -ls "Subject: $TOKEN" "$WORK"/sink/*)
echo "smoke-test: the smarthost received it: $MESSAGE"
grep -q '^X-Rcpt-Args: <rcpt@example.net>' "$MESSAGE" || fail "the smarthost received it for another recipient"
# The node that owns the example.net queue logs the delivery once the Delivered event is stored;
# any of the three may own it.
wait_for 30 "delivered event" delivered
grep -H '"event":"delivered"' "$WORK"/cluster/node*/events.log

CLUSTER_STARTED=no
"$HERE/local-cluster.sh" stop --work-dir "$WORK/cluster" || fail "the cluster did not stop gracefully"
psql -X -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -c "DROP DATABASE IF EXISTS $SMOKE_DB WITH (FORCE)"
rm -rf "$WORK"
echo "1 passed, 0 failed"
