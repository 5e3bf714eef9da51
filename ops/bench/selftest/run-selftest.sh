#!/usr/bin/env bash
# Self-test of the benchmark scripts: run.sh and queue-recovery.sh end to end with
# small loads, the relay replaced by selftest/fake_relay.py (through a `java` shim
# on PATH). Checks that every figure is produced and every message accounted for;
# the figures themselves mean nothing. Needs root for the Postfix target; without
# root only the relay side is exercised. Exits non-zero on the first failure.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=$(cd "$HERE/.." && pwd)
export PATH="$HERE/bin:$PATH"
# ops/bin/relay-node runs $JAVA, else $JAVA_HOME/bin/java, else java on the PATH: the shim.
export JAVA="$HERE/bin/java"
WORK=$(mktemp -d /tmp/relay-bench-selftest.XXXXXX)
chmod 755 "$WORK"   # the private Postfix reaches its data directory as user postfix
# Keep the logs when something failed.
trap 'status=$?; if [ $status = 0 ]; then rm -rf "$WORK"; else echo "selftest: logs kept in $WORK"; fi' EXIT
TARGET=relay
[ "$(id -u)" = 0 ] && command -v postfix >/dev/null && TARGET=both

echo "selftest: run.sh --target $TARGET"
"$BENCH/run.sh" --target "$TARGET" --messages 300 --sessions 5 --warmup 20 --probe 40 \
  --probe-interval 0.01 --jar "$HERE/fake_relay.py" --workdir "$WORK/run" > "$WORK/run.out" 2>&1 \
  || { cat "$WORK/run.out"; echo "selftest: run.sh failed"; exit 1; }
python3 - "$WORK/run/results.json" "$TARGET" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))
targets = {t["target"]: t for t in results["targets"]}
expected = {"relay"} | ({"postfix"} if sys.argv[2] == "both" else set())
assert set(targets) == expected, targets.keys()
for name, fig in targets.items():
    assert fig["smtp_source_exit"] == "0", (name, fig["smtp_source_exit"])
    assert fig["complete"], (name, "sink did not count every message")
    assert fig["sink_count"] == 300 + fig["probe_accepted"], (name, fig["sink_count"])
    assert fig["probe_accepted"] > 0 and fig["probe_failed"] == 0, (name, fig["probe_errors"])
    for key in ("injection_msg_per_s", "end_to_end_msg_per_s", "probe_latency_p99_ms",
                "cpu_ms_per_msg", "peak_rss_mb"):
        assert fig[key] is not None and fig[key] > 0, (name, key, fig[key])
relay = targets["relay"]
assert relay["accept_ms_n"] == 20 + 300 + relay["probe_accepted"], relay["accept_ms_n"]
assert relay["relay_event_counts"]["delivered"] == relay["accept_ms_n"], relay["relay_event_counts"]
if "postfix" in targets:
    assert targets["postfix"]["left_in_queue"] == "0", targets["postfix"]["left_in_queue"]
    assert results["relay_over_postfix_end_to_end"] is not None
print("selftest: run.sh figures complete for", ", ".join(sorted(targets)))
PY

echo "selftest: run.sh --target $TARGET --rounds 2"
"$BENCH/run.sh" --target "$TARGET" --rounds 2 --messages 100 --sessions 5 --warmup 10 --probe 10 \
  --probe-interval 0.01 --jar "$HERE/fake_relay.py" --workdir "$WORK/rounds" > "$WORK/rounds.out" 2>&1 \
  || { cat "$WORK/rounds.out"; echo "selftest: run.sh --rounds failed"; exit 1; }
for round in 1 2; do
  [ -f "$WORK/rounds/round$round/results.json" ] || { echo "selftest: no figures for round $round"; exit 1; }
done
grep -q "== 2 rounds ==" "$WORK/rounds/rounds.txt" && grep -q "^  *median " "$WORK/rounds/rounds.txt" \
  || { cat "$WORK/rounds.out"; echo "selftest: no rounds summary"; exit 1; }
if [ "$TARGET" = both ]; then
  grep -q "relay / Postfix: median" "$WORK/rounds/rounds.txt" \
    || { cat "$WORK/rounds/rounds.txt"; echo "selftest: no median ratio"; exit 1; }
fi
echo "selftest: run.sh --rounds summary complete"

# The TLS load needs openssl (the run's certificate) and, for Postfix, saslpasswd2 (sasl2-bin).
if ! command -v openssl >/dev/null || { [ "$TARGET" = both ] && ! command -v saslpasswd2 >/dev/null; }; then
  echo "selftest: SKIPPED run.sh --load tls: openssl or saslpasswd2 (sasl2-bin) not installed"
else
echo "selftest: run.sh --target $TARGET --load tls"
"$BENCH/run.sh" --target "$TARGET" --load tls --per-session 7 --messages 200 --sessions 5 --warmup 10 \
  --probe 20 --probe-interval 0.01 --jar "$HERE/fake_relay.py" --workdir "$WORK/tls" > "$WORK/tls.out" 2>&1 \
  || { cat "$WORK/tls.out"; echo "selftest: run.sh --load tls failed"; exit 1; }
python3 - "$WORK/tls/results.json" <<'PY'
import json, sys
for fig in json.load(open(sys.argv[1]))["targets"]:
    name = fig["target"]
    assert fig["smtp_source_exit"] == "0" and fig["complete"], (name, fig["client_errors"])
    assert fig["sink_count"] == 200 + fig["probe_accepted"], (name, fig["sink_count"])
    assert fig["probe_accepted"] > 0 and fig["probe_failed"] == 0, (name, fig["probe_errors"])
    assert fig["tls"] and fig["tls"].startswith("TLSv1."), (name, fig["tls"])
    assert fig["client_sessions"] == 29, (name, "200 messages, 7 per session", fig["client_sessions"])
    assert fig["client_cpu_ms_per_msg"] > 0 and fig["cpu_ms_per_msg"] > 0, name
print("selftest: TLS load figures complete for", fig["tls"])
PY
fi

echo "selftest: queue-recovery.sh"
"$BENCH/queue-recovery.sh" --messages 300 --sessions 5 --jar "$HERE/fake_relay.py" \
  --workdir "$WORK/recovery" > "$WORK/recovery.out" 2>&1 \
  || { cat "$WORK/recovery.out"; echo "selftest: queue-recovery.sh failed"; exit 1; }
grep -q 'recovered pending / queued *300 / 300' "$WORK/recovery.out" \
  || { cat "$WORK/recovery.out"; echo "selftest: recovery figures missing"; exit 1; }
grep -q 'verdict *PASS' "$WORK/recovery.out"
echo "selftest: queue-recovery.sh PASS"
echo "selftest: all passed"
