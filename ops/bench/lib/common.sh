# Shared shell helpers for ops/bench/*.sh (sourced, not executed).
#
# Process bookkeeping: every background process a script starts is registered
# with bench_on_exit, and one EXIT trap undoes them in reverse order, so an
# interrupted or failed run leaves no sink, relay or Postfix behind.

BENCH_LIB=${BENCH_LIB:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
BENCH_CLEANUPS=()

bench_log() { printf '%s bench: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

bench_die() { bench_log "error: $*"; exit 1; }

bench_now() { date +%s.%N; }

# bench_on_exit CMD...: run CMD (one string, eval'd) at exit, latest first.
bench_on_exit() { BENCH_CLEANUPS+=("$*"); }

bench_run_cleanups() {
  local status=$? i
  trap - EXIT INT TERM
  for ((i = ${#BENCH_CLEANUPS[@]} - 1; i >= 0; i--)); do
    eval "${BENCH_CLEANUPS[i]}" || true
  done
  exit "$status"
}
trap bench_run_cleanups EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# bench_fg CMD...: run CMD like a foreground command, but in the background with
# `wait`, so a SIGTERM/SIGINT to the script is handled at once (bash defers traps
# until a foreground child exits) and the EXIT trap stops CMD. Returns its status.
bench_fg() {
  local pid
  "$@" &
  pid=$!
  bench_on_exit "bench_stop_pid $pid 5"
  wait "$pid"
}

# bench_require CMD...: fail early with a hint when a tool is missing.
bench_require() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || bench_die "'$tool' not found (Debian: apt-get install postfix swaks python3 curl)"
  done
}

# bench_free_port HOST: a TCP port that nothing listens on at HOST right now.
bench_free_port() {
  python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket()
s.bind((sys.argv[1], 0))
print(s.getsockname()[1])
s.close()
EOF
}

# bench_wait_port HOST PORT SECONDS: wait until a TCP connect succeeds.
bench_wait_port() {
  local host=$1 port=$2 deadline=$(( $(date +%s) + $3 ))
  until (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; do
    (( $(date +%s) < deadline )) || return 1
    sleep 0.1
  done
}

# bench_stop_pid PID [SECONDS]: SIGTERM, wait up to SECONDS (10), then SIGKILL.
bench_stop_pid() {
  local pid=$1 waited=0 limit=$(( ${2:-10} * 10 ))
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null && (( waited < limit )); do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    bench_log "pid $pid ignored SIGTERM for ${2:-10}s; SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# bench_cgroup_create NAME FRACTION: a CPU cgroup allowed FRACTION of one CPU (CFS quota over a
# 100 ms period), removed when the harness exits. Needs root and the cgroup cpu controller (v1
# at /sys/fs/cgroup/cpu, or v2). Sets BENCH_CGROUP to the group's directory; a process joins by
# writing its pid to BENCH_CGROUP/cgroup.procs.
bench_cgroup_create() {
  local name=$1 fraction=$2 quota dir
  quota=$(python3 -c 'import sys; print(int(float(sys.argv[1]) * 100000))' "$fraction")
  (( quota >= 1000 )) || bench_die "a CPU share of $fraction is too small (at least 0.01)"
  if [ -w /sys/fs/cgroup/cpu ] && [ -f /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]; then
    dir=/sys/fs/cgroup/cpu/relay-bench-$$-$name
    mkdir "$dir" || bench_die "cannot create cgroup $dir"
    echo 100000 > "$dir/cpu.cfs_period_us"
    echo "$quota" > "$dir/cpu.cfs_quota_us"
  elif [ -w /sys/fs/cgroup ] && grep -qw cpu /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
    grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control || echo +cpu > /sys/fs/cgroup/cgroup.subtree_control
    dir=/sys/fs/cgroup/relay-bench-$$-$name
    mkdir "$dir" || bench_die "cannot create cgroup $dir"
    echo "$quota 100000" > "$dir/cpu.max"
  else
    bench_die "no writable cgroup cpu controller (needs root; cgroup v1 cpu or v2 with cpu)"
  fi
  # rmdir succeeds once the group's processes have exited (they are stopped before this runs).
  bench_on_exit "for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir '$dir' 2>/dev/null && break; sleep 1; done"
  BENCH_CGROUP=$dir
}

# bench_cpu PID: CPU seconds used so far by PID and its descendants.
bench_cpu() { python3 "$BENCH_LIB/proctree.py" cpu "$1"; }

# bench_start_sink DIR: start smtp-sink on 127.0.0.2:<free port> counting messages
# into DIR/sink.json (see sinkwatch.py). Sets SINK_PORT and SINK_PID.
bench_start_sink() {
  local dir=$1 user_opt=()
  SINK_PORT=$(bench_free_port 127.0.0.2)
  # smtp-sink refuses to run as root without a user to drop privileges to.
  [ "$(id -u)" = 0 ] && user_opt=(-u nobody)
  smtp-sink -c "${user_opt[@]}" "127.0.0.2:$SINK_PORT" 256 \
    > >(python3 "$BENCH_LIB/sinkwatch.py" "$dir/sink.json") 2>"$dir/sink.err" &
  SINK_PID=$!
  bench_on_exit "bench_stop_pid $SINK_PID 5"
  bench_wait_port 127.0.0.2 "$SINK_PORT" 10 || bench_die "smtp-sink did not start: $(cat "$dir/sink.err")"
  bench_log "smtp-sink pid $SINK_PID on 127.0.0.2:$SINK_PORT"
}

# bench_sink_field DIR KEY: one numeric field of DIR/sink.json (empty if unset).
# sed rather than python: this is polled several times a second on a busy machine.
bench_sink_field() {
  sed -nE "s/.*\"$2\": ([0-9.]+).*/\1/p" "$1/sink.json" 2>/dev/null
}

# bench_wait_sink DIR EXPECTED STALL_SECONDS SETTLE_SECONDS: wait until the sink has
# counted EXPECTED messages, then SETTLE more seconds for extra deliveries (a relay
# may split multi-recipient messages). Gives up when the count has not moved for
# STALL seconds. Returns 0 when complete, 1 when it gave up.
bench_wait_sink() {
  local dir=$1 expected=$2 stall=$3 settle=$4 count last_count=-1 last_move
  last_move=$(date +%s)
  while :; do
    count=$(bench_sink_field "$dir" count)
    count=${count:-0}
    if (( count >= expected )); then
      sleep "$settle"
      return 0
    fi
    if (( count != last_count )); then
      last_count=$count
      last_move=$(date +%s)
    elif (( $(date +%s) - last_move >= stall )); then
      bench_log "sink stuck at $count of $expected messages for ${stall}s; giving up"
      return 1
    fi
    sleep 0.2
  done
}

# bench_tls_cert DIR KIND: a self-signed certificate for the TLS load in DIR/cert.pem and its key
# in DIR/key.pem (0600), KIND rsa (RSA 2048) or ecdsa (P-256), for bench.example, valid 2 days,
# made by ops/bin/relay-selfsigned-cert (the script operators use).
bench_tls_cert() {
  local dir=$1 kind=$2 opts=(--days 2 --force)
  case $kind in
    rsa) opts+=(--rsa) ;;
    ecdsa) ;;
    *) bench_die "unknown key kind: $kind (rsa or ecdsa)" ;;
  esac
  mkdir -p "$dir"
  "$BENCH_LIB/../../bin/relay-selfsigned-cert" "${opts[@]}" bench.example "$dir" >"$dir/openssl.log" 2>&1 \
    || bench_die "no certificate: $(tail -3 "$dir/openssl.log")"
}
