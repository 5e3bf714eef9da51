#!/usr/bin/env python3
"""Wait for a restarted relay to recover its queues; print when it happened.

  recoverywatch.py LOG HEALTH_URL PID --pending N [--timeout S] [--settle S]

Follows LOG (the relay's stdout, JSON lines) as it grows, reading only new
bytes, and polls HEALTH_URL, every 0.05 s. Stops when /health answered 200 and
the queue_recovered events seen add up to at least N pending messages; or,
once healthy with at least one queue_recovered event, when no further such
event came for --settle seconds (a shortfall, reported as such); or at
--timeout; or when PID exits. Prints JSON with epoch-second stamps:
  {"healthy_at", "last_event_at", "recovered_at", "entities", "pending", "outcome"}
last_event_at is when the latest queue_recovered line was read, recovered_at
the later of that and healthy_at.
outcome is "recovered", "short", "timeout" or "exited".
"""
import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from relayevents import find_event, number  # noqa: E402


def healthy(url):
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def alive(pid):
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    # A zombie (exited, not yet reaped by the shell) still answers kill 0.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log")
    parser.add_argument("health_url")
    parser.add_argument("pid", type=int)
    parser.add_argument("--pending", type=int, required=True)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--settle", type=float, default=30)
    args = parser.parse_args()

    result = {"healthy_at": None, "last_event_at": None, "recovered_at": None,
              "entities": 0, "pending": 0, "outcome": "timeout"}
    deadline = time.time() + args.timeout
    last_event = None
    offset, partial = 0, b""
    while time.time() < deadline:
        now = time.time()
        try:
            with open(args.log, "rb") as source:
                source.seek(offset)
                chunk = source.read()
        except OSError:
            chunk = b""
        offset += len(chunk)
        lines = (partial + chunk).split(b"\n")
        partial = lines.pop()
        for line in lines:
            line = line.strip()
            if not line.startswith(b"{") or b"queue_recovered" not in line:
                continue
            try:
                event = find_event(json.loads(line))
            except ValueError:
                continue
            if event is not None and event["event"] == "queue_recovered":
                result["entities"] += 1
                result["pending"] += int(number(event, "pending") or 0)
                last_event = now
                result["last_event_at"] = now
        if result["healthy_at"] is None and healthy(args.health_url):
            result["healthy_at"] = time.time()
        if result["healthy_at"] is not None:
            if result["pending"] >= args.pending:
                result["recovered_at"] = max(last_event, result["healthy_at"])
                result["outcome"] = "recovered"
                break
            if last_event is not None and now - last_event >= args.settle:
                result["outcome"] = "short"
                break
        if not alive(args.pid):
            result["outcome"] = "exited"
            break
        time.sleep(0.05)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
