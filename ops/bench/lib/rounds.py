#!/usr/bin/env python3
"""Summarise several rounds of run.sh.

  rounds.py RESULTS_JSON...

Each RESULTS_JSON is one round's report.py output. Prints, per round, each target's end-to-end
msg/s and CPU ms per message (with --load tls also the load client's CPU ms per message against
that target) and the relay/Postfix ratio, then the median of each column: on a small shared
machine one run can be 10 to 20 % off, so read the median and the spread.
"""
import statistics
import sys

from report import load_json


def show(value, fmt):
    return "n/a" if value is None else fmt.format(value)


def median(values):
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: rounds.py RESULTS_JSON...")
    rounds = [load_json(path) for path in sys.argv[1:]]
    targets = []
    for r in rounds:
        for fig in r.get("targets", []):
            if fig["target"] not in targets:
                targets.append(fig["target"])
    tls = any(fig.get("load") == "tls" for r in rounds for fig in r.get("targets", []))
    columns = []
    for t in targets:
        columns += [(t, "end_to_end_msg_per_s", f"{t} msg/s", "{:.1f}"),
                    (t, "cpu_ms_per_msg", f"{t} CPU ms/msg", "{:.3f}")]
        if tls:
            columns.append((t, "client_cpu_ms_per_msg", f"client CPU ms/msg ({t})", "{:.3f}"))
    header = ["round"] + [c[2] for c in columns] + ["relay / Postfix"]
    rows, by_column = [], {c[2]: [] for c in columns}
    ratios = []
    for i, r in enumerate(rounds, 1):
        figs = {fig["target"]: fig for fig in r.get("targets", [])}
        row = [str(i)]
        for target, key, name, fmt in columns:
            value = figs.get(target, {}).get(key)
            by_column[name].append(value)
            row.append(show(value, fmt))
        ratio = r.get("relay_over_postfix_end_to_end")
        ratios.append(ratio)
        row.append(show(ratio, "{:.2f}"))
        rows.append(row)
    rows.append(["median"] + [show(median(by_column[c[2]]), c[3]) for c in columns]
                + [show(median(ratios), "{:.2f}")])
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    print(f"== {len(rounds)} rounds ==")
    for r in [header] + rows:
        print("  " + "  ".join(cell.rjust(w) for cell, w in zip(r, widths)))
    known = [r for r in ratios if r is not None]
    if len(known) > 1:
        print(f"  relay / Postfix: median {statistics.median(known):.2f}, "
              f"range {min(known):.2f} to {max(known):.2f}")


if __name__ == "__main__":
    main()
