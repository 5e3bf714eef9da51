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
It stops after --max messages or when --stop-file exists, then writes JSON:
  {"sent", "accepted", "failed", "latencies_ms": [...], "errors": [...]}
A non-2xx reply or a broken connection counts as failed (first 10 kept in
"errors"); the probe reconnects and goes on.
"""
import argparse
import json
import os
import socket
import time


class Session:
    def __init__(self, host, port, helo, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = self.sock.makefile("rb")
        self.expect(self.reply(), 220)
        self.command(f"EHLO {helo}", 250)

    def reply(self):
        lines = []
        while True:
            line = self.reader.readline(4096)
            if not line:
                raise ConnectionError("connection closed by server")
            lines.append(line.decode("ascii", "replace").rstrip("\r\n"))
            if len(line) < 4 or line[3:4] != b"-":
                return lines

    @staticmethod
    def expect(lines, code):
        if not lines[-1][:3].isdigit() or int(lines[-1][:3]) // 100 != code // 100:
            raise ValueError(" | ".join(lines))

    def command(self, text, code):
        self.sock.sendall(text.encode("ascii") + b"\r\n")
        self.expect(self.reply(), code)

    def send(self, sender, recipient, body):
        """Send one message; return end-of-DATA latency in milliseconds."""
        self.command(f"MAIL FROM:<{sender}>", 250)
        self.command(f"RCPT TO:<{recipient}>", 250)
        self.command("DATA", 354)
        self.sock.sendall(body)
        started = time.perf_counter()
        self.sock.sendall(b".\r\n")
        lines = self.reply()
        elapsed = (time.perf_counter() - started) * 1000.0
        self.expect(lines, 250)
        return elapsed

    def close(self):
        try:
            self.sock.sendall(b"QUIT\r\n")
            self.reply()
        except (OSError, ValueError, ConnectionError):
            pass
        self.sock.close()


def make_body(sender, recipient, size, number):
    header = (f"From: <{sender}>\r\nTo: <{recipient}>\r\n"
              f"Subject: latency probe {number}\r\n"
              f"Message-ID: <probe-{number}-{os.getpid()}@bench.example>\r\n\r\n")
    line = b"x" * 76 + b"\r\n"
    lines = max(1, size // len(line))
    return header.encode("ascii") + line * lines


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
    parser.add_argument("--out", required=True, help="JSON result file")
    args = parser.parse_args()

    result = {"sent": 0, "accepted": 0, "failed": 0, "latencies_ms": [], "errors": []}
    session = None
    while result["sent"] < args.max:
        if args.stop_file and os.path.exists(args.stop_file):
            break
        try:
            if session is None:
                session = Session(args.host, args.port, args.helo, args.timeout)
            result["sent"] += 1
            body = make_body(args.sender, args.recipient, args.size, result["sent"])
            result["latencies_ms"].append(round(session.send(args.sender, args.recipient, body), 3))
            result["accepted"] += 1
        except (OSError, ValueError, ConnectionError) as error:
            result["failed"] += 1
            if len(result["errors"]) < 10:
                result["errors"].append(str(error))
            if session is not None:
                session.sock.close()
            session = None
            time.sleep(0.5)
        time.sleep(args.interval)
    if session is not None:
        session.close()
    with open(args.out, "w") as out:
        json.dump(result, out)


if __name__ == "__main__":
    main()
