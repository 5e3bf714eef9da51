#!/usr/bin/env python3
"""Latency probe: one SMTP session that sends paced messages while the main load runs.

For each message it measures, at the client, the time from writing the final
"." line of DATA to reading the complete reply. That is the figure a sending
application waits for: the server's end-of-data processing (queue file or
spool write, fsync, enqueue) plus loopback round trip. Any body bytes still in
the socket buffer when the "." is written are processed by the server inside
that interval too; with loopback buffers this matters only for large bodies.

The same probe is used against every target, so its figures compare like for
like (RFC 5321 dialogue: EHLO once, then MAIL, RCPT, DATA per message).
With --starttls (the TLS load) each session does STARTTLS and EHLO again, and with --user
AUTH PLAIN (password from the environment variable BENCH_AUTH_PASSWORD), before its messages.
It stops after --max messages or when --stop-file exists, then writes JSON:
  {"sent", "accepted", "failed", "latencies_ms": [...], "errors": [...]}
A non-2xx reply or a broken connection counts as failed (first 10 kept in
"errors"); the probe reconnects and goes on.
"""
import argparse
import json
import os
import time

from smtpclient import Session, make_body, tls_client_context


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("--size", type=int, default=1024, help="body bytes (about)")
    parser.add_argument("--sender", default="probe@bench.example")
    parser.add_argument("--recipient", default="probe@dest.example")
    parser.add_argument("--helo", default="probe.bench.example")
    parser.add_argument("--interval", type=float, default=0.05,
                        help="pause between messages, seconds (default 0.05)")
    parser.add_argument("--max", type=int, default=2000, help="messages at most")
    parser.add_argument("--stop-file", help="stop when this file exists")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--starttls", action="store_true", help="STARTTLS after EHLO")
    parser.add_argument("--user", help="AUTH PLAIN as this user (BENCH_AUTH_PASSWORD)")
    parser.add_argument("--out", required=True, help="JSON result file")
    args = parser.parse_args()
    tls = tls_client_context() if args.starttls else None
    password = os.environ.get("BENCH_AUTH_PASSWORD", "") if args.user else None

    result = {"sent": 0, "accepted": 0, "failed": 0, "latencies_ms": [], "errors": []}
    session = None
    while result["sent"] < args.max:
        if args.stop_file and os.path.exists(args.stop_file):
            break
        try:
            if session is None:
                session = Session(args.host, args.port, args.helo, args.timeout,
                                  tls=tls, user=args.user, password=password)
            result["sent"] += 1
            number = result["sent"]
            body = make_body(args.sender, args.recipient, args.size, f"latency probe {number}",
                             f"probe-{number}-{os.getpid()}@bench.example")
            latency = session.send(args.sender, [args.recipient], body)
            result["latencies_ms"].append(round(latency, 3))
            result["accepted"] += 1
        except (OSError, ValueError, ConnectionError) as error:
            result["failed"] += 1
            if len(result["errors"]) < 10:
                result["errors"].append(str(error))
            if session is not None:
                session.close()
            session = None
            time.sleep(0.5)
        time.sleep(args.interval)
    if session is not None:
        session.quit()
    with open(args.out, "w") as out:
        json.dump(result, out)


if __name__ == "__main__":
    main()
