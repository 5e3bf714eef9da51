#!/usr/bin/env python3
"""A stand-in for relay-node.jar, for testing the benchmark scripts only.

It honours the contract the scripts rely on, nothing more: reads the keys the
harness writes (listener port, http port, data-dir, the "*" route), answers
SMTP on the listener, writes each message to DATA-DIR/queue/<id> with fsync
before the 250, logs JSON event lines (received with accept_ms, delivered,
deferred, queue_recovered with pending), relays to the route with smtplib, and
answers GET /health with 200. On start it recovers the files left in the queue
and logs one queue_recovered event for them. SIGTERM stops it.
For the TLS load it offers STARTTLS with the configured PEM files when the listener
has a tls field, takes any AUTH, writes DATA-DIR/admin-token and answers a POST to
/api/v1/clients/<id>/credentials with a made-up credential.
It is not a model of the real relay and its figures mean nothing.
"""
import asyncio
import json
import os
import queue
import re
import signal
import smtplib
import ssl
import sys
import threading
import time
import uuid

LOCK = threading.Lock()


def log(**event):
    with LOCK:
        sys.stdout.write(json.dumps({"logger": "relay.events", **event}) + "\n")
        sys.stdout.flush()


def read_config(path):
    """The file with its include file("...") lines replaced by the included text."""
    text = open(path).read()
    return re.sub(r'include file\("([^"]+)"\)', lambda m: read_config(m.group(1)), text)


def settings(path):
    text = read_config(path)
    tls = None
    if re.search(r"relay\.listeners.*tls = ", text):
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        pair = re.search(r'certificates = \[ \{ chain = "([^"]+)", key = "([^"]+)"', text)
        tls.load_cert_chain(pair.group(1), pair.group(2))
    return {
        "tls": tls,
        "smtp_port": int(re.search(r"relay\.listeners.*port = (\d+)", text).group(1)),
        "http_port": int(re.search(r"relay\.http \{.*port = (\d+)", text).group(1)),
        "data_dir": re.search(r'relay\.data-dir = "([^"]+)"', text).group(1),
        "route": re.search(r'"\*" = "([^"]+)"', text).group(1),
    }


class Deliverer(threading.Thread):
    """Relays queued files to the route; on failure waits and keeps them queued."""

    def __init__(self, work, spool, route):
        super().__init__(daemon=True)
        self.work, self.spool = work, spool
        self.host, self.port = route.rsplit(":", 1)

    def run(self):
        client = None
        while True:
            queue_id, sender, recipients, received = self.work.get()
            path = os.path.join(self.spool, queue_id)
            try:
                if client is None:
                    client = smtplib.SMTP(self.host, int(self.port), timeout=30)
                    client.ehlo("relay.bench")
                with open(path, "rb") as source:
                    body = source.read().split(b"\n\n", 1)[1]
                client.sendmail(sender, recipients, body)
                os.unlink(path)
                log(event="delivered", queue_id=queue_id,
                    delay_ms=round((time.time() - received) * 1000, 2))
            except (OSError, smtplib.SMTPException) as error:
                log(event="deferred", queue_id=queue_id, reason=str(error)[:80])
                client = None
                time.sleep(30)


class Session(asyncio.Protocol):
    def __init__(self, node):
        self.node, self.buffer, self.data, self.tls_pending = node, b"", None, False
        self.sender, self.recipients = None, []

    def connection_made(self, transport):
        self.transport = transport
        self.reply("220 relay.bench ESMTP fake")

    def reply(self, text):
        self.transport.write(text.encode() + b"\r\n")

    def data_received(self, chunk):
        self.buffer += chunk
        if self.tls_pending:  # secure data before start_tls returned: wait for the transport
            return
        while b"\r\n" in self.buffer:
            line, self.buffer = self.buffer.split(b"\r\n", 1)
            if self.data is not None:
                if line == b".":
                    self.finish()
                else:
                    self.data.append(line[1:] if line.startswith(b".") else line)
            else:
                self.command(line.decode("ascii", "replace"))
            if self.tls_pending:  # STARTTLS: drop plaintext sent after it; the rest is TLS
                self.buffer = b""
                return

    def command(self, line):
        verb = line[:4].upper()
        if verb in ("EHLO", "HELO"):
            self.reply("250 relay.bench")
        elif verb == "STAR" and self.node["tls"] is not None:
            self.reply("220 2.0.0 Ready to start TLS")
            self.tls_pending = True
            asyncio.ensure_future(self.start_tls())
        elif verb == "AUTH":
            self.reply("235 2.7.0 Authentication successful")
        elif verb == "MAIL":
            self.sender, self.recipients = line.split(":", 1)[1].strip(" <>"), []
            self.reply("250 2.1.0 Ok")
        elif verb == "RCPT":
            self.recipients.append(line.split(":", 1)[1].strip(" <>"))
            self.reply("250 2.1.5 Ok")
        elif verb == "DATA":
            self.data = []
            self.reply("354 End data with <CR><LF>.<CR><LF>")
        elif verb == "QUIT":
            self.reply("221 2.0.0 Bye")
            self.transport.close()
        else:
            self.reply("250 2.0.0 Ok")

    async def start_tls(self):
        loop = asyncio.get_running_loop()
        try:
            self.transport = await loop.start_tls(self.transport, self, self.node["tls"],
                                                  server_side=True)
        except (OSError, ConnectionError):
            self.transport.close()
            return
        self.tls_pending = False
        self.data_received(b"")

    def finish(self):
        started = time.perf_counter()
        queue_id = uuid.uuid4().hex[:12]
        header = json.dumps({"from": self.sender, "to": self.recipients}).encode()
        body = b"\r\n".join(self.data) + b"\r\n"
        with open(os.path.join(self.node["spool"], queue_id), "wb") as out:
            out.write(header + b"\n\n" + body)
            out.flush()
            os.fsync(out.fileno())
        log(event="received", queue_id=queue_id, client="127.0.0.1", size=len(body),
            accept_ms=round((time.perf_counter() - started) * 1000, 3))
        self.node["work"].put((queue_id, self.sender, self.recipients, time.time()))
        self.reply(f"250 2.0.0 Ok: queued as {queue_id}")
        self.data = None


class Health(asyncio.Protocol):
    """200 "ok" to any request but a POST of a credential, which gets a made-up one."""

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, chunk):
        if chunk.startswith(b"POST /api/v1/clients/") and b"/credentials " in chunk:
            body = json.dumps({"id": "c1", "username": "bench", "password": "fake"}).encode()
            status = b"201 Created"
        else:
            body, status = b"ok\n", b"200 OK"
        self.transport.write(b"HTTP/1.1 " + status + b"\r\nContent-Length: "
                             + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
        self.transport.close()


async def serve(conf):
    spool = os.path.join(conf["data_dir"], "queue")
    os.makedirs(spool, exist_ok=True)
    work = queue.Queue()
    node = {"spool": spool, "work": work, "tls": conf["tls"]}
    with open(os.path.join(conf["data_dir"], "admin-token"), "w") as token:
        token.write("fake-admin-token-for-the-selftest\n")
    for _ in range(4):
        Deliverer(work, spool, conf["route"]).start()
    pending = sorted(os.listdir(spool))
    for queue_id in pending:
        with open(os.path.join(spool, queue_id), "rb") as source:
            envelope = json.loads(source.read().split(b"\n\n", 1)[0])
        work.put((queue_id, envelope["from"], envelope["to"], time.time()))
    log(event="queue_recovered", queue="dest.example", pending=len(pending))
    loop = asyncio.get_running_loop()
    await loop.create_server(lambda: Session(node), "127.0.0.1", conf["smtp_port"])
    await loop.create_server(Health, "127.0.0.1", conf["http_port"])
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    await stop


def main():
    config = next(arg.split("=", 1)[1] for arg in sys.argv if arg.startswith("-Dconfig.file="))
    asyncio.run(serve(settings(config)))


if __name__ == "__main__":
    main()
