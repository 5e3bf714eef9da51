#!/usr/bin/env python3
"""CPU time and memory of a process and all its descendants, from /proc (Linux).

  proctree.py cpu PID           seconds of CPU used by the tree so far
  proctree.py mem PID           JSON: summed VmHWM, VmRSS and Pss of the live tree
  proctree.py sample PID FILE   sample summed Pss and VmRSS every --interval seconds
                                until PID exits or SIGTERM; keep the peaks in FILE (JSON)

CPU = utime + stime + cutime + cstime of every process in the tree. The c*
fields hold the CPU of children that exited and were reaped by their parent,
so short-lived workers (Postfix smtpd, cleanup, smtp processes that exit after
max_idle/max_use) stay counted after they are gone, and a worker that exits
between two readings moves from its own fields to its parent's: the difference
of two readings is the CPU spent in between. Descendants that were reparented
away (daemonised) are not followed.

Memory: VmHWM is the exact peak resident set of one process (right for a JVM).
For a multi-process server the sum of the live processes' VmHWM or VmRSS
overstates the footprint badly: shared libraries and shared pages count once
per process, and peaks happen at different times. Pss (proportional set size,
/proc/PID/smaps_rollup) divides each shared page among the processes mapping
it, so summed Pss is the tree's real share of RAM; `sample` keeps the peak of
that sum seen at the sampling instants. It is still rough: a peak between two
samples is missed.
A PID that does not exist gives 0 / empty figures, never an exception.
"""
import argparse
import json
import os
import signal
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def read_stat(pid):
    """(ppid, cpu_ticks) of pid, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as source:
            raw = source.read()
    except OSError:
        return None
    # The command name is in parentheses and may itself contain spaces or ')'.
    fields = raw[raw.rindex(b")") + 2:].split()
    ppid = int(fields[1])
    utime, stime, cutime, cstime = (int(fields[i]) for i in (11, 12, 13, 14))
    return ppid, utime + stime + cutime + cstime


def tree(root):
    """Pids of root and all its live descendants."""
    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        stat = read_stat(int(name))
        if stat is not None:
            children.setdefault(stat[0], []).append(int(name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        if not os.path.exists(f"/proc/{pid}"):
            continue
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def cpu_seconds(root):
    total = 0
    for pid in tree(root):
        stat = read_stat(pid)
        if stat is not None:
            total += stat[1]
    return total / TICKS


def status_kb(pid, key):
    try:
        with open(f"/proc/{pid}/status") as source:
            for line in source:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def pss_kb(pid):
    """Proportional set size of pid in kB (0 if unreadable)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as source:
            for line in source:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory(root):
    pids = tree(root)
    return {
        "processes": len(pids),
        "hwm_kb_sum": sum(status_kb(pid, "VmHWM") for pid in pids),
        "rss_kb_sum": sum(status_kb(pid, "VmRSS") for pid in pids),
        "pss_kb_sum": sum(pss_kb(pid) for pid in pids),
    }


def sample(root, path, interval):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    peak = {"peak_pss_kb": 0, "peak_rss_kb": 0, "peak_processes": 0, "samples": 0}
    while not stop and os.path.exists(f"/proc/{root}"):
        now = memory(root)
        peak["samples"] += 1
        peak["peak_pss_kb"] = max(peak["peak_pss_kb"], now["pss_kb_sum"])
        peak["peak_rss_kb"] = max(peak["peak_rss_kb"], now["rss_kb_sum"])
        peak["peak_processes"] = max(peak["peak_processes"], now["processes"])
        tmp = path + ".tmp"
        with open(tmp, "w") as out:
            json.dump(peak, out)
        os.replace(tmp, path)
        time.sleep(interval)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["cpu", "mem", "sample"])
    parser.add_argument("pid", type=int)
    parser.add_argument("file", nargs="?")
    parser.add_argument("--interval", type=float, default=0.5)
    args = parser.parse_args()
    if args.what == "cpu":
        print(f"{cpu_seconds(args.pid):.2f}")
    elif args.what == "mem":
        print(json.dumps(memory(args.pid)))
    else:
        if not args.file:
            sys.exit("sample needs an output FILE")
        sample(args.pid, args.file, args.interval)


if __name__ == "__main__":
    main()
