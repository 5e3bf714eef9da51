#!/usr/bin/env python3
"""TLS load for the benchmark: what smtp-source does, with STARTTLS and AUTH in every session.

  tlsload.py HOST PORT --messages N --sessions S --per-session M --user U --out FILE

S threads each open sessions one after the other until N messages are sent in all: connect,
EHLO, STARTTLS, EHLO, AUTH PLAIN (password from the environment variable BENCH_AUTH_PASSWORD,
so that it shows neither in the process list nor in the run's files), then up to M messages
(MAIL, RCPT x R, DATA; RSET between two messages), QUIT. --per-session 1 (the default) pays a
full TLS handshake and an AUTH for every message, the hard case for a server.

Like smtp-source it stops at the first message that does not get its 250 (or a session that
fails before it): exit status 0 only if all N messages were accepted. Writes JSON:
  {"messages", "sessions", "per_session", "accepted", "failed", "sessions_opened", "tls",
   "elapsed_s", "cpu_s", "cpu_ms_per_msg", "setup_ms_p50", "setup_ms_p99", "errors"}
cpu_s is this process's own user+system CPU over the load (all threads; the handshakes are
OpenSSL's work in this process), so the harness can show that the client is not the limit.
setup_ms is each session's time from connect to the 235 of AUTH.
"""
import argparse
import json
import math
import os
import resource
import sys
import threading
import time

from smtpclient import Session, make_body, tls_client_context


class Work:
    """Hands out messages to the sessions and keeps the counts (one lock, taken per session
    and per message: a few microseconds against milliseconds of TLS and SMTP)."""

    def __init__(self, total, per_session):
        self.lock = threading.Lock()
        self.remaining = total
        self.per_session = per_session
        self.accepted = 0
        self.failed = 0
        self.sessions = 0
        self.setup_ms = []
        self.errors = []
        self.tls = None
        self.stopped = False
        self.numbered = 0
        self.pid = os.getpid()

    def take(self):
        """Messages for the next session: up to per_session, 0 when done or stopped."""
        with self.lock:
            if self.stopped:
                return 0
            count = min(self.per_session, self.remaining)
            self.remaining -= count
            return count

    def opened(self, setup_ms, tls):
        with self.lock:
            self.sessions += 1
            self.setup_ms.append(setup_ms)
            self.tls = self.tls or tls

    def message_id(self):
        """A Message-ID header line of its own for every message: the relay takes a second
        message with the same Message-ID for a duplicate and does not deliver it again."""
        with self.lock:
            self.numbered += 1
            number = self.numbered
        return f"Message-ID: <tlsload-{self.pid}-{number}@bench.example>\r\n".encode("ascii")

    def sent(self):
        with self.lock:
            self.accepted += 1

    def fail(self, error, unsent):
        """A session broke with unsent messages left: count them failed, stop everyone."""
        with self.lock:
            self.failed += unsent
            self.stopped = True
            if len(self.errors) < 10:
                self.errors.append(str(error))


def run_sessions(work, args, tls, password, body, recipients):
    while True:
        count = work.take()
        if count == 0:
            return
        done = 0
        try:
            started = time.perf_counter()
            session = Session(args.host, args.port, args.helo, args.timeout,
                              tls=tls, user=args.user, password=password)
            work.opened((time.perf_counter() - started) * 1000.0, session.tls())
            try:
                for done in range(count):
                    if done:
                        session.command("RSET", 250)
                    session.send(args.sender, recipients, work.message_id() + body)
                    work.sent()
                done = count
            finally:
                if done == count:
                    session.quit()
                else:
                    session.close()
        except (OSError, ValueError, ConnectionError) as error:
            work.fail(error, count - done)
            return


def percentile(values, pct):
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(1, math.ceil(pct / 100.0 * len(ordered))) - 1], 3)


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("--messages", type=int, required=True, help="messages in all")
    parser.add_argument("--sessions", type=int, default=20, help="parallel sessions")
    parser.add_argument("--per-session", type=int, default=1, help="messages per session")
    parser.add_argument("--size", type=int, default=1024, help="body bytes (about)")
    parser.add_argument("--recipients", type=int, default=1, help="recipients per message")
    parser.add_argument("--sender", default="from@bench.example")
    parser.add_argument("--recipient", default="to@dest.example",
                        help="with --recipients R > 1: 1to@..., 2to@..., as smtp-source -r")
    parser.add_argument("--helo", default="bench.client")
    parser.add_argument("--no-tls", action="store_true", help="no STARTTLS (a check only)")
    parser.add_argument("--user", help="AUTH PLAIN as this user (BENCH_AUTH_PASSWORD)")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--out", required=True, help="JSON result file")
    args = parser.parse_args()
    if min(args.messages, args.sessions, args.per_session, args.recipients) < 1:
        parser.error("--messages, --sessions, --per-session and --recipients must be >= 1")

    tls = None if args.no_tls else tls_client_context()
    password = os.environ.get("BENCH_AUTH_PASSWORD", "") if args.user else None
    recipients = ([args.recipient] if args.recipients == 1
                  else [f"{i}{args.recipient}" for i in range(1, args.recipients + 1)])
    body = make_body(args.sender, recipients[0], args.size, "benchmark TLS load")
    work = Work(args.messages, args.per_session)

    cpu_start, started = cpu_seconds(), time.perf_counter()
    threads = [threading.Thread(target=run_sessions,
                                args=(work, args, tls, password, body, recipients), daemon=True)
               for _ in range(min(args.sessions, args.messages))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu_start

    result = {
        "messages": args.messages, "sessions": args.sessions, "per_session": args.per_session,
        "accepted": work.accepted, "failed": work.failed + work.remaining * work.stopped,
        "sessions_opened": work.sessions, "tls": work.tls,
        "elapsed_s": round(elapsed, 3), "cpu_s": round(cpu, 3),
        "cpu_ms_per_msg": round(cpu * 1000.0 / work.accepted, 3) if work.accepted else None,
        "setup_ms_p50": percentile(work.setup_ms, 50),
        "setup_ms_p99": percentile(work.setup_ms, 99),
        "errors": work.errors,
    }
    with open(args.out, "w") as out:
        json.dump(result, out)
    print(f"tlsload: {work.accepted} of {args.messages} messages accepted in {elapsed:.2f} s over "
          f"{work.sessions} sessions ({work.tls or 'no TLS'}); own CPU {cpu:.2f} s")
    if work.accepted != args.messages:
        print(f"tlsload: error: {'; '.join(work.errors) or 'not every message was accepted'}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
