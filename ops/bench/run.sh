#!/usr/bin/env bash
# Benchmark the relay against a private Postfix instance on this machine.
#
# For each target, one after the other (never overlapping): a fresh smtp-sink on
# 127.0.0.2 stands for every destination; the target listens on 127.0.0.1 and
# relays everything to the sink; smtp-source injects the load while a small
# probe session samples end-of-DATA latency. With --load tls the targets take
# mail only over STARTTLS with AUTH and lib/tlsload.py injects instead of
# smtp-source. See ops/bench/README.md for what every figure means and for the
# standard loads.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BENCH_LIB="$HERE/lib"
# shellcheck source=lib/common.sh
source "$BENCH_LIB/common.sh"
# shellcheck source=lib/postfix.sh
source "$BENCH_LIB/postfix.sh"
# shellcheck source=lib/relay.sh
source "$BENCH_LIB/relay.sh"

usage() {
  cat <<EOF
usage: ops/bench/run.sh [options]
  --messages N            messages injected by smtp-source (20000)
  --size BYTES            payload bytes per message, headers not counted (1024)
  --sessions S            parallel SMTP sessions of smtp-source (20)
  --recipients-per-msg R  recipients per message, all in one domain (1)
  --target T              relay | postfix | both (both; relay runs first)
  --rounds N              run the targets N times, alternating (1); prints each round's
                          figures, then every round's ratio and the median (the machine's
                          noise between runs is often 10 to 20 %)
  --storage K             relay storage: h2 | postgres (h2); postgres reads
                          PG_URL, PG_USER, PG_PASSWORD from the environment
  --heap SIZE             relay JVM -Xmx (512m)
  --reuse                 smtp-source -d: several messages per connection
                          (default: one connection per message)
  --load L                smtp | tls (smtp). tls: both targets require STARTTLS and
                          AUTH on the injection port, and lib/tlsload.py injects: every
                          session connects, EHLO, STARTTLS, EHLO, AUTH PLAIN, then
                          --per-session messages (RSET between), QUIT
  --per-session M         with --load tls: messages per session (1: a TLS handshake and
                          an AUTH per message)
  --tls-key KIND          with --load tls: the run's self-signed certificate, rsa
                          (RSA 2048) or ecdsa (P-256) (rsa)
  --warmup N              messages sent and delivered before measuring (3000)
  --probe N               latency probe messages at most, 0 = no probe (2000)
  --probe-interval S      pause between probe messages, seconds (0.05)
  --jar PATH              relay jar (relay-node/target/relay-node.jar)
  --build                 run 'mvn -B -q -DskipTests package' first
  --relay-conf FILE       extra HOCON included last in the relay's config
  --nodes N               relay cluster of N nodes (1); N > 1 needs --storage postgres
                          and spreads smtp-source's sessions over all nodes
  --sub-queues K          sub-queues for the destination domain dest.example (1)
  --node-cpu FRACTION     with --nodes: each node gets at most FRACTION of one CPU (its own
                          cgroup, CFS quota), standing in for nodes on separate small
                          machines; needs root. Prints the CPU each node used
  --stall SECONDS         give up when the sink count has not moved this long (120)
  --workdir DIR           where logs and results go (a new /tmp/relay-bench.XXXXXX)
  --keep                  keep the relay data dir and Postfix queue after the run
EOF
}

INJECT_PORTS=()
MESSAGES=20000 SIZE=1024 SESSIONS=20 RECIPIENTS=1 TARGET=both STORAGE=h2 HEAP=512m
REUSE=no WARMUP=3000 PROBE=2000 PROBE_INTERVAL=0.05 JAR="$REPO/relay-node/target/relay-node.jar"
LOAD=smtp PER_SESSION="" TLS_KEY=rsa AUTH_USER="" AUTH_PASSWORD="" TLS_DIR=""
ROUNDS=1 BUILD=no RELAY_CONF="" NODES=1 SUB_QUEUES=1 NODE_CPU="" STALL=120 WORKDIR="" KEEP=no INJECT_TIMEOUT=7200 SETTLE=2

while (( $# )); do
  case $1 in
    --messages) MESSAGES=$2; shift ;;
    --size) SIZE=$2; shift ;;
    --sessions) SESSIONS=$2; shift ;;
    --recipients-per-msg) RECIPIENTS=$2; shift ;;
    --target) TARGET=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --storage) STORAGE=$2; shift ;;
    --heap) HEAP=$2; shift ;;
    --reuse) REUSE=yes ;;
    --load) LOAD=$2; shift ;;
    --per-session) PER_SESSION=$2; shift ;;
    --tls-key) TLS_KEY=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --probe) PROBE=$2; shift ;;
    --probe-interval) PROBE_INTERVAL=$2; shift ;;
    --jar) JAR=$2; shift ;;
    --build) BUILD=yes ;;
    --relay-conf) RELAY_CONF=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift ;;
    --nodes) NODES=$2; shift ;;
    --sub-queues) SUB_QUEUES=$2; shift ;;
    --node-cpu) NODE_CPU=$2; shift ;;
    --stall) STALL=$2; shift ;;
    --workdir) WORKDIR=$2; shift ;;
    --keep) KEEP=yes ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; bench_die "unknown option: $1" ;;
  esac
  shift
done

case $LOAD in
  smtp) [ -z "$PER_SESSION" ] || bench_die "--per-session is for --load tls (smtp-source: --reuse)" ;;
  tls) [ "$REUSE" = no ] || bench_die "--reuse is for smtp-source; with --load tls use --per-session"
    case $TLS_KEY in rsa|ecdsa) ;; *) bench_die "--tls-key must be rsa or ecdsa" ;; esac ;;
  *) bench_die "--load must be smtp or tls" ;;
esac
PER_SESSION=${PER_SESSION:-1}
for value in "$MESSAGES" "$SIZE" "$SESSIONS" "$RECIPIENTS" "$WARMUP" "$PROBE" "$STALL" "$NODES" "$SUB_QUEUES" "$ROUNDS" "$PER_SESSION"; do
  [[ $value =~ ^[0-9]+$ ]] || bench_die "not a whole number: $value"
done
(( MESSAGES >= 1 && SESSIONS >= 1 && RECIPIENTS >= 1 && ROUNDS >= 1 && PER_SESSION >= 1 )) || bench_die "--messages, --sessions, --recipients-per-msg, --rounds, --per-session must be >= 1"
case $TARGET in relay) TARGETS=(relay) ;; postfix) TARGETS=(postfix) ;; both) TARGETS=(relay postfix) ;;
  *) bench_die "--target must be relay, postfix or both" ;; esac
(( NODES >= 1 && NODES <= 9 && SUB_QUEUES >= 1 )) || bench_die "--nodes must be 1..9 and --sub-queues >= 1"
(( NODES == 1 || SESSIONS >= NODES )) || bench_die "--sessions must be at least --nodes"
[ "$NODES" = 1 ] || [ "$STORAGE" = postgres ] || bench_die "a cluster (--nodes > 1) needs --storage postgres"
[ "$NODES" = 1 ] || [ "$LOAD" = smtp ] || bench_die "--load tls runs against one relay node (no --nodes)"
if [ -n "$NODE_CPU" ]; then
  [[ $NODE_CPU =~ ^[0-9]*\.?[0-9]+$ ]] || bench_die "--node-cpu must be a fraction of a CPU, e.g. 0.5"
  (( NODES > 1 )) || bench_die "--node-cpu needs --nodes > 1"
  export RELAY_NODE_CPU=$NODE_CPU
fi
case $STORAGE in h2) ;; postgres)
  [ -n "${PG_URL:-}" ] && [ -n "${PG_USER:-}" ] || bench_die "--storage postgres needs PG_URL and PG_USER (and PG_PASSWORD) in the environment" ;;
  *) bench_die "--storage must be h2 or postgres" ;; esac

bench_require smtp-source smtp-sink python3 curl
[ "$LOAD" = smtp ] || bench_require openssl
[ -n "$WORKDIR" ] || WORKDIR=$(mktemp -d /tmp/relay-bench.XXXXXX)
mkdir -p "$WORKDIR"
chmod 755 "$WORKDIR"
WORKDIR=$(cd "$WORKDIR" && pwd)
bench_log "work dir $WORKDIR"
if [ "$LOAD" = tls ]; then
  # One certificate for every target and round, so that all do the same handshake work.
  TLS_DIR="$WORKDIR/tls"
  bench_tls_cert "$TLS_DIR" "$TLS_KEY"
  bench_log "TLS load: $TLS_KEY certificate $TLS_DIR/cert.pem, $PER_SESSION message(s) per session"
fi

if [[ " ${TARGETS[*]} " == *" relay "* ]]; then
  bench_require java
  if [ "$BUILD" = yes ]; then
    bench_log "building the relay (mvn -B -q -DskipTests package)"
    (cd "$REPO" && mvn -B -q -DskipTests package) || bench_die "build failed"
  fi
  [ -f "$JAR" ] || bench_die "no relay jar at $JAR; build it with 'mvn -B -q -DskipTests package' (or --build), or use --target postfix"
fi
if [[ " ${TARGETS[*]} " == *" postfix "* ]]; then
  bench_require postfix
  [ "$(id -u)" = 0 ] || bench_die "the Postfix target must run as root"
  [ "$LOAD" = smtp ] || bench_require saslpasswd2
fi

# inject DIR PORT COUNT NAME: smtp-source with the run's load shape; returns its status.
# With a cluster (INJECT_PORTS holds every node's SMTP port) one smtp-source per node runs at
# the same time, each with its share of the sessions and messages.
inject() {
  local dir=$1 port=$2 count=$3 name=$4 ports=("${INJECT_PORTS[@]:-$2}") n i rc=0 pids=()
  n=${#ports[@]}
  for (( i = 0; i < n; i++ )); do
    inject_one "$dir" "${ports[$i]}" $(( count / n + (i < count % n ? 1 : 0) )) \
      $(( SESSIONS / n + (i < SESSIONS % n ? 1 : 0) )) "$name$([ "$n" = 1 ] || echo ".$i")" &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || rc=$?; done
  return "$rc"
}

# inject_one DIR PORT COUNT SESSIONS NAME: one smtp-source (or with --load tls one tlsload.py,
# which also writes its own figures to DIR/NAME.json); returns its status.
inject_one() {
  local dir=$1 port=$2 count=$3 sessions=$4 name=$5 opts
  if [ "$LOAD" = tls ]; then
    opts=(--messages "$count" --sessions "$sessions" --per-session "$PER_SESSION" --size "$SIZE"
      --recipients "$RECIPIENTS" --helo bench.client --sender from@bench.example
      --recipient to@dest.example --user "$AUTH_USER" --out "$dir/$name.json")
    echo "${name}_command=tlsload.py ${opts[*]} 127.0.0.1 $port" >> "$dir/meta.env"
    BENCH_AUTH_PASSWORD=$AUTH_PASSWORD timeout "$INJECT_TIMEOUT" \
      python3 "$BENCH_LIB/tlsload.py" 127.0.0.1 "$port" "${opts[@]}" > "$dir/$name.out" 2>&1
    return
  fi
  opts=(-s "$sessions" -m "$count" -l "$SIZE" -r "$RECIPIENTS" -M bench.client
    -f from@bench.example -t to@dest.example)
  [ "$REUSE" = yes ] && opts+=(-d)
  echo "${name}_command=smtp-source ${opts[*]} 127.0.0.1:$port" >> "$dir/meta.env"
  timeout "$INJECT_TIMEOUT" smtp-source "${opts[@]}" "127.0.0.1:$port" > "$dir/$name.out" 2>&1
}

# measure DIR PORT PID: warm up, inject the load with the probe beside it, wait for
# the sink, and record the raw figures in DIR/meta.env and DIR/*.json.
measure() {
  local dir=$1 port=$2 pid=$3 baseline=0 rc probe_pid="" sampler_pid expected complete=no accepted
  if (( WARMUP > 0 )); then
    bench_log "warm-up: $WARMUP messages"
    inject "$dir" "$port" "$WARMUP" warmup || bench_die "warm-up injection failed: $(tail -3 "$dir/warmup.out")"
    bench_wait_sink "$dir" "$WARMUP" "$STALL" "$SETTLE" || bench_die "warm-up messages did not all reach the sink"
    baseline=$(bench_sink_field "$dir" count)
  fi

  python3 "$BENCH_LIB/proctree.py" sample "$pid" "$dir/rss.json" --interval 0.5 &
  sampler_pid=$!
  bench_on_exit "bench_stop_pid $sampler_pid 5"
  echo "cpu_before=$(bench_cpu "$pid")" >> "$dir/meta.env"
  [ ! -f "$dir/node0/pid" ] || echo "node_cpu_before=$(relay_node_cpu "$dir")" >> "$dir/meta.env"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$dir/meta.env"

  bench_log "injecting $MESSAGES x $SIZE B over $SESSIONS sessions"
  echo "inject_start=$(bench_now)" >> "$dir/meta.env"
  if (( PROBE > 0 )); then
    local probe_tls=()
    [ "$LOAD" = smtp ] || probe_tls=(--starttls --user "$AUTH_USER")
    BENCH_AUTH_PASSWORD=$AUTH_PASSWORD python3 "$BENCH_LIB/probe.py" 127.0.0.1 "$port" \
      --size "$SIZE" --max "$PROBE" --interval "$PROBE_INTERVAL" "${probe_tls[@]}" \
      --stop-file "$dir/probe.stop" --out "$dir/probe.json" &
    probe_pid=$!
    bench_on_exit "bench_stop_pid $probe_pid 5"
  fi
  rc=0
  inject "$dir" "$port" "$MESSAGES" inject || rc=$?
  echo "inject_end=$(bench_now)" >> "$dir/meta.env"
  echo "inject_rc=$rc" >> "$dir/meta.env"
  (( rc == 0 )) || bench_log "the injector exited with status $rc: $(tail -3 "$dir"/inject*.out)"
  accepted=0
  if [ -n "$probe_pid" ]; then
    touch "$dir/probe.stop"
    wait "$probe_pid" || true
    accepted=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["accepted"])' "$dir/probe.json" 2>/dev/null || echo 0)
  fi

  expected=$(( baseline + MESSAGES + accepted ))
  bench_log "waiting for the sink to count $expected messages"
  bench_wait_sink "$dir" "$expected" "$STALL" "$SETTLE" && complete=yes
  echo "complete=$complete" >> "$dir/meta.env"
  echo "cpu_after=$(bench_cpu "$pid")" >> "$dir/meta.env"
  [ ! -f "$dir/node0/pid" ] || echo "node_cpu_after=$(relay_node_cpu "$dir")" >> "$dir/meta.env"
  echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$dir/meta.env"
  python3 "$BENCH_LIB/proctree.py" mem "$pid" > "$dir/mem.json"
  bench_stop_pid "$sampler_pid" 5
  # The figures count only the measured phase; report.py subtracts the warm-up.
  echo "sink_baseline=$baseline" >> "$dir/meta.env"
}

# start_meta DIR TARGET DESCRIPTION: the run's parameters at the head of DIR/meta.env.
start_meta() {
  cat > "$1/meta.env" <<EOF
target=$2
description=$3
messages=$MESSAGES
size=$SIZE
sessions=$SESSIONS
recipients=$RECIPIENTS
warmup=$WARMUP
reuse=$REUSE
load=$LOAD
EOF
  [ "$LOAD" = smtp ] || printf 'per_session=%s\ntls_key=%s\n' "$PER_SESSION" "$TLS_KEY" >> "$1/meta.env"
}

run_relay() {
  local dir="$RUN_DIR/relay" smtp_port http_port extra="$RELAY_CONF"
  mkdir -p "$dir/data"
  bench_start_sink "$dir"
  if (( SUB_QUEUES > 1 )); then
    extra="$dir/sub-queues.conf"
    echo "relay.queue.shaping.domains { \"dest.example\" { sub-queues = $SUB_QUEUES } }" > "$extra"
    [ -z "$RELAY_CONF" ] || echo "include file(\"$RELAY_CONF\")" >> "$extra"
  fi
  if [ "$LOAD" = tls ]; then
    relay_tls_conf "$dir/tls.conf" "$TLS_DIR/cert.pem" "$TLS_DIR/key.pem" "$extra"
    extra="$dir/tls.conf"
  fi
  if (( NODES > 1 )); then
    start_meta "$dir" relay "relay-node.jar, $NODES-node cluster, storage $STORAGE, -Xmx$HEAP each, sub-queues $SUB_QUEUES${NODE_CPU:+, at most $NODE_CPU CPU per node}"
    echo "nodes=$NODES" >> "$dir/meta.env"
    relay_cluster_start "$JAR" "$dir" "$HEAP" "$NODES" "127.0.0.2:$SINK_PORT" "$STORAGE" "$extra"
    INJECT_PORTS=("${RELAY_SMTP_PORTS[@]}")
    measure "$dir" "${RELAY_SMTP_PORTS[0]}" "$RELAY_PID"
    relay_stop 90
    cat "$dir"/node*/relay.log > "$dir/relay.log"
    INJECT_PORTS=()
  else
    smtp_port=$(bench_free_port 127.0.0.1)
    http_port=$(bench_free_port 127.0.0.1)
    RELAY_LISTENER_OPTS=$([ "$LOAD" = smtp ] || relay_tls_listener) \
      relay_write_config "$dir/relay.conf" "$dir/data" "$smtp_port" "127.0.0.2:$SINK_PORT" \
      "$http_port" "$STORAGE" "$extra"
    start_meta "$dir" relay "relay-node.jar, storage $STORAGE, -Xmx$HEAP, sub-queues $SUB_QUEUES$(
      [ "$LOAD" = smtp ] || echo ", $(relay_tls_listener)")"
    relay_start "$JAR" "$dir/relay.conf" "$HEAP" "$dir/relay.log" "$http_port"
    [ "$LOAD" = smtp ] || relay_add_credential "$http_port" "$dir/data" bench
    measure "$dir" "$smtp_port" "$RELAY_PID"
    relay_stop
  fi
  bench_stop_pid "$SINK_PID" 5
  python3 "$BENCH_LIB/relayevents.py" summary "$dir/relay.log" > "$dir/events.json" || true
  [ "$KEEP" = yes ] || rm -rf "$dir/data"
}

run_postfix() {
  local dir="$RUN_DIR/postfix" smtp_port
  mkdir -p "$dir"
  bench_start_sink "$dir"
  smtp_port=$(bench_free_port 127.0.0.1)
  postfix_setup "$dir/instance" "$smtp_port" "$SINK_PORT" "$SESSIONS"
  if [ "$LOAD" = tls ]; then
    AUTH_USER=bench
    AUTH_PASSWORD=$(openssl rand -hex 16)
    postfix_enable_tls_sasl "$dir/instance" "$TLS_DIR/cert.pem" "$TLS_DIR/key.pem" \
      "$AUTH_USER" "$AUTH_PASSWORD"
  fi
  start_meta "$dir" postfix "Postfix $(postconf -h mail_version), private instance, defaults + relayhost$(
    [ "$LOAD" = smtp ] || echo ", STARTTLS required + AUTH (Cyrus SASL sasldb)")"
  postfix_start "$dir/instance" "$smtp_port"
  measure "$dir" "$smtp_port" "$POSTFIX_PID"
  echo "left_in_queue=$(postfix_queue_count "$dir/instance")" >> "$dir/meta.env"
  postfix_stop "$dir/instance"
  bench_stop_pid "$SINK_PID" 5
  cp "$dir/instance/maillog" "$dir/maillog" 2>/dev/null || true
  [ "$KEEP" = yes ] || rm -rf "$dir/instance/queue"
}

# One round: every target once, figures under RUN_DIR (the work dir itself when there is one).
RESULTS=()
for (( round = 1; round <= ROUNDS; round++ )); do
  RUN_DIR=$WORKDIR
  (( ROUNDS == 1 )) || RUN_DIR="$WORKDIR/round$round"
  mkdir -p "$RUN_DIR"
  DIRS=()
  for target in "${TARGETS[@]}"; do
    bench_log "=== $( (( ROUNDS == 1 )) || echo "round $round of $ROUNDS, ")target $target ==="
    "run_$target"
    DIRS+=("$RUN_DIR/$target")
  done
  python3 "$BENCH_LIB/report.py" "$RUN_DIR/results.json" "${DIRS[@]}" | tee "$RUN_DIR/results.txt"
  RESULTS+=("$RUN_DIR/results.json")
done
if (( ROUNDS > 1 )); then
  echo
  python3 "$BENCH_LIB/rounds.py" "${RESULTS[@]}" | tee "$WORKDIR/rounds.txt"
  echo
  echo "results: $WORKDIR/rounds.txt (each round: $WORKDIR/round*/results.txt, logs under $WORKDIR)"
else
  echo
  echo "results: $WORKDIR/results.txt (all figures: $WORKDIR/results.json, logs under $WORKDIR)"
fi
