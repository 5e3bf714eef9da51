#!/usr/bin/env python3
"""Turn the raw figures of one or more benchmark targets into tables.

  report.py RESULTS_JSON TARGET_DIR...

Each TARGET_DIR was filled by run.sh:
  meta.env     key=value lines: target, messages, size, sessions, recipients,
               inject_start, inject_end, inject_rc, cpu_before, cpu_after,
               sink_baseline (messages the sink counted during warm-up), ...
  sink.json    sinkwatch.py state: count, first_t, last_t
  probe.json   probe.py result (optional)
  mem.json     proctree.py mem at the end of the run
  rss.json     proctree.py sample peak (optional)
  events.json  relayevents.py summary (relay only)
  inject*.json tlsload.py's own figures (--load tls only): the load client's CPU, the TLS
               version and cipher negotiated, session set-up times
Prints one table per target, then the relay/Postfix ratio of end-to-end msg/s
when both ran, and writes every figure to RESULTS_JSON. A missing or
unparseable file shows as "n/a"; it never aborts the report.
"""
import glob
import json
import math
import os
import sys


def load_json(path):
    try:
        with open(path) as source:
            return json.load(source)
    except (OSError, ValueError):
        return {}


def load_env(path):
    values = {}
    try:
        with open(path) as source:
            for line in source:
                key, sep, value = line.rstrip("\n").partition("=")
                if sep:
                    values[key] = value
    except OSError:
        pass
    return values


def num(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def percentile(values, pct):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(pct / 100.0 * len(ordered))) - 1]


def load_client(directory):
    """tlsload.py's figures, summed over its processes (one per node with a cluster)."""
    runs = [load_json(path) for path in sorted(glob.glob(os.path.join(directory, "inject*.json")))]
    runs = [run for run in runs if run]
    if not runs:
        return {}
    cpu = sum(run.get("cpu_s") or 0.0 for run in runs)
    accepted = sum(run.get("accepted") or 0 for run in runs)
    return {
        "tls": next((run["tls"] for run in runs if run.get("tls")), None),
        "cpu_s": cpu,
        "cpu_ms_per_msg": cpu * 1000.0 / accepted if accepted else None,
        "sessions_opened": sum(run.get("sessions_opened") or 0 for run in runs),
        "setup_ms_p50": max((run.get("setup_ms_p50") or 0.0 for run in runs), default=None),
        "setup_ms_p99": max((run.get("setup_ms_p99") or 0.0 for run in runs), default=None),
        "errors": [error for run in runs for error in run.get("errors", [])][:3],
    }


def figures(directory):
    meta = load_env(os.path.join(directory, "meta.env"))
    sink = load_json(os.path.join(directory, "sink.json"))
    probe = load_json(os.path.join(directory, "probe.json"))
    mem = load_json(os.path.join(directory, "mem.json"))
    rss = load_json(os.path.join(directory, "rss.json"))
    events = load_json(os.path.join(directory, "events.json"))
    client = load_client(directory)

    messages = int(num(meta.get("messages")) or 0)
    recipients = int(num(meta.get("recipients")) or 1)
    start, end = num(meta.get("inject_start")), num(meta.get("inject_end"))
    probe_ok = int(probe.get("accepted", 0))
    baseline = int(num(meta.get("sink_baseline")) or 0)
    sink_count = sink.get("count") - baseline if isinstance(sink.get("count"), int) else None
    accepted_total = messages + probe_ok if meta.get("inject_rc") == "0" else None
    inject_s = end - start if start and end else None
    sink_last = num(sink.get("last_t"))
    e2e_s = sink_last - start if sink_last and start else None
    cpu = None
    if num(meta.get("cpu_before")) is not None and num(meta.get("cpu_after")) is not None:
        cpu = num(meta["cpu_after"]) - num(meta["cpu_before"])
    node_cpu = None
    if meta.get("node_cpu_before") and meta.get("node_cpu_after"):
        pairs = zip(meta["node_cpu_before"].split(), meta["node_cpu_after"].split())
        node_cpu = [num(b2) - num(b1) if num(b1) is not None and num(b2) is not None else None
                    for b1, b2 in pairs]
    latencies = probe.get("latencies_ms") or []
    accept = events.get("accept_ms") or {}

    result = {
        "target": meta.get("target", os.path.basename(directory)),
        "description": meta.get("description", ""),
        "messages": messages,
        "size": int(num(meta.get("size")) or 0),
        "sessions": int(num(meta.get("sessions")) or 0),
        "recipients_per_msg": recipients,
        "smtp_source_exit": meta.get("inject_rc"),
        "probe_sent": probe.get("sent"),
        "probe_accepted": probe.get("accepted"),
        "probe_failed": probe.get("failed"),
        "probe_errors": probe.get("errors", [])[:3],
        "injection_s": inject_s,
        "injection_msg_per_s": (messages + probe_ok) / inject_s if inject_s else None,
        "sink_count": sink_count,
        "warmup_messages": baseline,
        "sink_expected_at_least": messages + probe_ok,
        "complete": meta.get("complete") == "yes",
        "end_to_end_s": e2e_s,
        "end_to_end_msg_per_s": (messages + probe_ok) / e2e_s
        if e2e_s and meta.get("complete") == "yes" else None,
        "probe_latency_p50_ms": percentile(latencies, 50),
        "probe_latency_p99_ms": percentile(latencies, 99),
        "probe_latency_n": len(latencies),
        "accept_ms_p50": accept.get("p50"),
        "accept_ms_p99": accept.get("p99"),
        "accept_ms_n": accept.get("n"),
        "relay_event_counts": events.get("counts"),
        "cpu_s": cpu,
        "node_cpu_s": node_cpu,
        "cpu_ms_per_msg": cpu * 1000.0 / accepted_total if cpu is not None and accepted_total else None,
        "peak_rss_mb": None,
        "peak_rss_note": "",
        "left_in_queue": meta.get("left_in_queue"),
        "injector": meta.get("inject_command"),
        "load_average_before": meta.get("load_before"),
        "load_average_after": meta.get("load_after"),
        "load": meta.get("load", "smtp"),
        "per_session": int(num(meta.get("per_session")) or 0) or None,
        "tls_key": meta.get("tls_key"),
        "tls": client.get("tls"),
        "client_cpu_s": client.get("cpu_s"),
        "client_cpu_ms_per_msg": client.get("cpu_ms_per_msg"),
        "client_sessions": client.get("sessions_opened"),
        "client_setup_ms_p50": client.get("setup_ms_p50"),
        "client_setup_ms_p99": client.get("setup_ms_p99"),
        "client_errors": client.get("errors", []),
    }
    if result["target"] == "relay":
        result["peak_rss_mb"] = mem.get("hwm_kb_sum", 0) / 1024.0 or None
        nodes = int(meta.get("nodes", "1"))
        result["peak_rss_note"] = ("VmHWM of the JVM" if nodes == 1
                                   else f"VmHWM summed over the {nodes} JVMs")
    else:
        result["peak_rss_mb"] = rss.get("peak_pss_kb", 0) / 1024.0 or None
        result["peak_rss_note"] = (
            f"rough: peak of summed Pss over the process tree, sampled every 0.5 s, "
            f"up to {rss.get('peak_processes', '?')} processes; summed VmRSS would say "
            f"{rss.get('peak_rss_kb', 0) / 1024.0:.0f} MB, counting shared pages once per process")
    return result


LEGEND = """\
notes:
  probe latency: measured the same way for every target by ops/bench/lib/probe.py, one extra
    SMTP session beside smtp-source sending paced messages of the same size; client-side time
    from writing the final "." to reading the reply (p50/p99, nearest rank).
  server-log latency: the relay's own accept_ms (end of DATA to 250); Postfix logs no such figure.
  CPU: user+sys of the target's process tree during the measured phase, reaped children included.
  msg/s and CPU/msg count smtp-source's and the probe's messages; warm-up excluded.
  load client (--load tls): tlsload.py's own CPU (all its threads, TLS included), per message
    it sent; session set-up is its time from connect to the 235 of AUTH.
  See ops/bench/README.md for every figure and the caveats (2 cores shared with the load tools)."""


def show(value, fmt="{:.1f}"):
    return "n/a" if value is None else fmt.format(value)


def injector_note(fig):
    if fig["load"] == "tls":
        return (f"  ({fig['per_session']} message(s) per session, each session STARTTLS + AUTH, "
                f"{fig['tls_key']} certificate)")
    return "" if fig["injector"] and " -d " in fig["injector"] else "  (a new connection per message)"


def client_rows(fig):
    """The TLS load's own figures: what was negotiated and what the client cost."""
    if fig["load"] != "tls":
        return []
    rows = [
        ("TLS negotiated", show(fig["tls"], "{}")),
        ("load client CPU total (s)", show(fig["client_cpu_s"], "{:.2f}")
         + f"  ({show(fig['client_sessions'], '{}')} sessions)"),
        ("load client CPU per message (ms)", show(fig["client_cpu_ms_per_msg"], "{:.3f}")),
        ("session set-up p50 / p99 (ms), load client",
         f"{show(fig['client_setup_ms_p50'], '{:.2f}')} / {show(fig['client_setup_ms_p99'], '{:.2f}')}"
         "  (connect to 235 after STARTTLS and AUTH)"),
    ]
    if fig["client_errors"]:
        rows.append(("load client errors (first 3)", " | ".join(fig["client_errors"])))
    return rows


def table(fig):
    injector = "smtp-source" if fig["load"] == "smtp" else "tlsload.py"
    rows = [
        ("load", f"{fig['messages']} msgs x {fig['size']} B, {fig['sessions']} sessions, "
                 f"{fig['recipients_per_msg']} rcpt/msg"),
        ("injector", show(fig["injector"], "{}") + injector_note(fig)),
        ("machine load average before / after", f"{fig['load_average_before']} / {fig['load_average_after']}"),
        (f"{injector} exit status", show(fig["smtp_source_exit"], "{}")
         + ("" if fig["smtp_source_exit"] == "0" else "  (NOT all messages got 250)")),
        ("injection time (s)", show(fig["injection_s"], "{:.2f}")),
        ("injection msg/s", show(fig["injection_msg_per_s"])),
        ("sink received / expected", f"{show(fig['sink_count'], '{}')} / >= {fig['sink_expected_at_least']}"
         + ("" if fig["complete"] else "  (INCOMPLETE: timed out)")),
        ("end-to-end time (s)", show(fig["end_to_end_s"], "{:.2f}")),
        ("end-to-end msg/s", show(fig["end_to_end_msg_per_s"])),
        ("end-of-DATA->250 p50 / p99 (ms), probe",
         f"{show(fig['probe_latency_p50_ms'], '{:.2f}')} / {show(fig['probe_latency_p99_ms'], '{:.2f}')}"
         f"  (n={fig['probe_latency_n']}, failed={show(fig['probe_failed'], '{}')})"),
        ("end-of-DATA->250 p50 / p99 (ms), server log",
         f"{show(fig['accept_ms_p50'], '{:.2f}')} / {show(fig['accept_ms_p99'], '{:.2f}')}"
         + (f"  (accept_ms, n={fig['accept_ms_n']})" if fig["accept_ms_n"] else "")),
        ("CPU total (s)", show(fig["cpu_s"], "{:.2f}")),
        ("CPU per message (ms)", show(fig["cpu_ms_per_msg"], "{:.3f}")),
        ("peak RSS (MB)", show(fig["peak_rss_mb"], "{:.0f}") + f"  ({fig['peak_rss_note']})"),
    ] + client_rows(fig)
    if fig.get("node_cpu_s"):
        rows.append(("CPU per node (s)", " / ".join(show(c, "{:.2f}") for c in fig["node_cpu_s"])))
    if fig["relay_event_counts"] is not None:
        rows.append(("relay events", json.dumps(fig["relay_event_counts"], sort_keys=True)))
    if fig["left_in_queue"] not in (None, ""):
        rows.append(("left in queue at end", fig["left_in_queue"]))
    if fig["probe_errors"]:
        rows.append(("probe errors (first 3)", " | ".join(fig["probe_errors"])))
    width = max(len(name) for name, _ in rows)
    title = f"== {fig['target']}" + (f": {fig['description']}" if fig["description"] else "") + " =="
    return "\n".join([title] + [f"  {name.ljust(width)}  {value}" for name, value in rows])


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: report.py RESULTS_JSON TARGET_DIR...")
    results = [figures(directory) for directory in sys.argv[2:]]
    out = [table(fig) for fig in results]
    by_target = {fig["target"]: fig for fig in results}
    ratio = None
    if "relay" in by_target and "postfix" in by_target:
        relay = by_target["relay"]["end_to_end_msg_per_s"]
        postfix = by_target["postfix"]["end_to_end_msg_per_s"]
        ratio = relay / postfix if relay and postfix else None
        out.append(f"== relay / Postfix end-to-end msg/s: {show(ratio, '{:.2f}')} ==")
    out.append(LEGEND)
    print("\n\n".join(out))
    with open(sys.argv[1], "w") as sink:
        json.dump({"targets": results, "relay_over_postfix_end_to_end": ratio}, sink, indent=2)


if __name__ == "__main__":
    main()
