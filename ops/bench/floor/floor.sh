#!/usr/bin/env bash
# The floor under the relay's CPU per message: ProtocolFloor.java (the relay's SMTP session with a
# sink that keeps nothing, or a bare Pekko Streams TCP responder) driven by smtp-source, with the
# listener's and smtp-source's CPU time per message. See ../README.md, "The floor".
#
# usage: ops/bench/floor/floor.sh [protocol|bare] [--messages N] [--sessions S] [--size B] [--reuse]
#                                 [--jar PATH] [--port P]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
MODE=protocol MESSAGES=10000 SESSIONS=20 SIZE=1024 REUSE="" JAR=$root/relay-node/target/relay-node.jar
WARMUP=3000 PORT=2599
while [ $# -gt 0 ]; do
  case $1 in
    protocol|bare) MODE=$1 ;;
    --messages) MESSAGES=$2; shift ;;
    --sessions) SESSIONS=$2; shift ;;
    --size) SIZE=$2; shift ;;
    --reuse) REUSE=-d ;;
    --jar) JAR=$2; shift ;;
    --port) PORT=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
command -v smtp-source >/dev/null || { echo "smtp-source not found (Debian package postfix)" >&2; exit 2; }
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "port $PORT on 127.0.0.1 is taken; pass --port" >&2; exit 2
fi
log=$(mktemp /tmp/relay-floor.XXXXXX)
# The JVM options the launcher gives the node on this host (JIT, collector), then ours.
jvm_opts=$(JAVA=echo RELAY_JAR="$JAR" "$root/ops/bin/relay-node" | sed 's/ -jar .*//')
# shellcheck disable=SC2086
java $jvm_opts -Xmx512m ${FLOOR_JAVA_OPTS:-} -cp "$JAR" "$here/ProtocolFloor.java" "$MODE" "$PORT" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 120); do grep -q listening "$log" && break; sleep 0.5; done
grep -q listening "$log" || { cat "$log" >&2; exit 1; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
inject() {
  smtp-source $REUSE -s "$SESSIONS" -m "$1" -l "$SIZE" -M floor.client -f from@bench.example \
    -t to@dest.example "127.0.0.1:$PORT"
}
inject "$WARMUP"
hz=$(getconf CLK_TCK)
steal0=$(awk '/^cpu /{print $9}' /proc/stat)
before=$(cpu_ticks $pid)
start=$(date +%s.%N)
# bash's time keyword: user and system CPU seconds of smtp-source; its own messages go to fd 3
TIMEFORMAT='%U %S'
exec 3>&2
tools=$( { time inject "$MESSAGES" 2>&3; } 2>&1 )
end=$(date +%s.%N)
after=$(cpu_ticks $pid)
steal1=$(awk '/^cpu /{print $9}' /proc/stat)
if [ -n "$REUSE" ]; then how="smtp-source -d"; else how="new connection per message"; fi
python3 - "$MODE" "$MESSAGES" "$SESSIONS" "$SIZE" "$how" \
  "$start" "$end" "$before" "$after" "$hz" "$tools" "$((steal1 - steal0))" <<'PY'
import sys
mode, n, s, size, how, t0, t1, c0, c1, hz, tools, steal = sys.argv[1:]
n = int(n); secs = float(t1) - float(t0); hz = int(hz)
listener = (int(c1) - int(c0)) / hz
user, sys_ = (float(x) for x in tools.split())
print(f"floor {mode}: {n} x {size} B, {s} sessions, {how}")
print(f"  msg/s                          {n / secs:8.1f}")
print(f"  listener CPU per message (ms)  {1000 * listener / n:8.3f}")
print(f"  smtp-source CPU per msg (ms)   {1000 * (user + sys_) / n:8.3f}")
print(f"  stolen CPU (jiffies)           {steal:>8}")
PY
