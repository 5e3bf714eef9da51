#!/usr/bin/env python3
"""Timestamp the message counter of `smtp-sink -c`.

smtp-sink -c writes "sess=N quit=N mesg=N" followed by a carriage return each
time a session ends, a QUIT arrives or a "." ends a message. This filter reads
that stream on stdin and keeps, in a small JSON state file rewritten within
--flush seconds of every change (and at end of input):

  {"count": <messages seen>, "first_t": <epoch s of the first message>,
   "last_t": <epoch s of the latest count increase>, "eof": <bool>}

The benchmark harness polls the file to find when the last message reached the
sink. Times are wall-clock (time.time()) so they compare with `date +%s.%N`.
Unparseable input is ignored; the state only ever moves forward.
"""
import argparse
import json
import os
import re
import select
import sys
import time

COUNTER = re.compile(rb"mesg=(\d+)")


def write_state(path, state):
    tmp = path + ".tmp"
    with open(tmp, "w") as out:
        json.dump(state, out)
    os.replace(tmp, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("state_file")
    parser.add_argument("--flush", type=float, default=0.1,
                        help="seconds between state file rewrites (default 0.1)")
    args = parser.parse_args()

    state = {"count": 0, "first_t": None, "last_t": None, "eof": False}
    write_state(args.state_file, state)
    last_flush, dirty = 0.0, False
    pending = b""
    fd = sys.stdin.fileno()
    while True:
        # Wake up at least every --flush seconds so a quiet tail still gets written.
        readable, _, _ = select.select([fd], [], [], args.flush)
        now = time.time()
        if readable:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            pending += chunk
            records = re.split(rb"[\r\n]", pending)
            pending = records.pop()
            for record in records:
                match = COUNTER.search(record)
                if match is None:
                    continue
                count = int(match.group(1))
                if count > state["count"]:
                    if state["first_t"] is None:
                        state["first_t"] = now
                    state["count"] = count
                    state["last_t"] = now
                    dirty = True
        if dirty and now - last_flush >= args.flush:
            write_state(args.state_file, state)
            last_flush, dirty = now, False
    state["eof"] = True
    write_state(args.state_file, state)


if __name__ == "__main__":
    main()
