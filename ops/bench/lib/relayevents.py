#!/usr/bin/env python3
"""Summarise the relay's JSON event log (stdout of relay-node.jar).

  relayevents.py summary LOG     JSON: count per event, accept_ms and delay_ms
                                 percentiles (p50, p99, max), queue_recovered totals
  relayevents.py recovered LOG   JSON: {"entities": n, "pending": sum} over the
                                 queue_recovered events seen so far

The relay logs one JSON object per line; message events come from logger
`relay.events` and carry an "event" field, e.g.
  {"event":"received","queue_id":"..","size":1234,"accept_ms":3.2,...}
  {"event":"delivered","queue_id":"..","delay_ms":..}
  {"event":"queue_recovered","pending":..,...}
The event object may be the line itself, nested one level down (e.g. under
"fields" or "mdc"), or a JSON string in "message"/"msg"; all three are read.
Lines that are not JSON or carry no event are skipped, so mixed logs are fine.
Percentiles use the nearest-rank method.
"""
import argparse
import json
import math
import sys


def find_event(obj):
    """The dict that carries an "event" key, or None."""
    if not isinstance(obj, dict):
        return None
    if isinstance(obj.get("event"), str):
        return obj
    for value in obj.values():
        if isinstance(value, dict) and isinstance(value.get("event"), str):
            return value
        if isinstance(value, str) and value.startswith("{") and '"event"' in value:
            try:
                inner = json.loads(value)
            except ValueError:
                continue
            if isinstance(inner, dict) and isinstance(inner.get("event"), str):
                return inner
    return None


def events(path):
    with open(path, "r", errors="replace") as source:
        for line in source:
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                event = find_event(json.loads(line))
            except ValueError:
                continue
            if event is not None:
                yield event


def percentile(values, pct):
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100.0 * len(ordered)))
    return ordered[rank - 1]


def spread(values):
    return {"n": len(values), "p50": percentile(values, 50),
            "p99": percentile(values, 99), "max": max(values) if values else None}


def number(event, key):
    value = event.get(key)
    return float(value) if isinstance(value, (int, float)) else None


def summary(path):
    counts, accept, delay = {}, [], []
    recovered = {"entities": 0, "pending": 0}
    for event in events(path):
        name = event["event"]
        counts[name] = counts.get(name, 0) + 1
        if name == "received" and number(event, "accept_ms") is not None:
            accept.append(number(event, "accept_ms"))
        elif name == "delivered" and number(event, "delay_ms") is not None:
            delay.append(number(event, "delay_ms"))
        elif name == "queue_recovered":
            recovered["entities"] += 1
            recovered["pending"] += int(number(event, "pending") or 0)
    return {"counts": counts, "accept_ms": spread(accept), "delay_ms": spread(delay),
            "queue_recovered": recovered}


def recovered(path):
    result = {"entities": 0, "pending": 0}
    for event in events(path):
        if event["event"] == "queue_recovered":
            result["entities"] += 1
            result["pending"] += int(number(event, "pending") or 0)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["summary", "recovered"])
    parser.add_argument("log")
    args = parser.parse_args()
    try:
        result = summary(args.log) if args.what == "summary" else recovered(args.log)
    except FileNotFoundError:
        sys.exit(f"no such log: {args.log}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
