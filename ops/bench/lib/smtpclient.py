"""A small blocking SMTP client for the benchmark's probe and TLS load (imported, not run).

RFC 5321 dialogue without pipelining, as smtp-source speaks it, plus STARTTLS (RFC 3207) and
AUTH PLAIN with an initial response (RFC 4954, RFC 4616) for the TLS load. The TLS work happens in
OpenSSL through Python's ssl module; the server's certificate is not verified (the benchmark's is
self-signed, and verifying it would only add client CPU that is not the targets').
"""
import base64
import socket
import time


def tls_client_context():
    """A client context for the benchmark: TLS 1.2 or 1.3, any certificate accepted."""
    import ssl  # here, not at the top: the probe of the clear loads starts faster without it
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


class Session:
    """One SMTP session: greeting and EHLO; with tls, STARTTLS and EHLO again; with a user,
    AUTH PLAIN. A reply of the wrong class raises ValueError, a closed connection
    ConnectionError, a socket error OSError."""

    def __init__(self, host, port, helo, timeout, tls=None, user=None, password=None):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = self.sock.makefile("rb")
        self.expect(self.reply(), 220)
        self.command(f"EHLO {helo}", 250)
        if tls is not None:
            self.command("STARTTLS", 220)
            self.sock = tls.wrap_socket(self.sock)
            self.reader = self.sock.makefile("rb")
            self.command(f"EHLO {helo}", 250)
        if user is not None:
            secret = base64.b64encode(f"\0{user}\0{password}".encode("utf-8")).decode("ascii")
            self.command(f"AUTH PLAIN {secret}", 235)

    def tls(self):
        """'TLSv1.3 TLS_AES_256_GCM_SHA384', or None in clear."""
        if not hasattr(self.sock, "cipher"):
            return None
        return f"{self.sock.version()} {self.sock.cipher()[0]}"

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

    def send(self, sender, recipients, body):
        """Send one message (body ends with CRLF, dot-stuffing not needed); return the
        end-of-DATA latency in milliseconds, from writing the final "." to the full reply."""
        self.command(f"MAIL FROM:<{sender}>", 250)
        for recipient in recipients:
            self.command(f"RCPT TO:<{recipient}>", 250)
        self.command("DATA", 354)
        self.sock.sendall(body)
        started = time.perf_counter()
        self.sock.sendall(b".\r\n")
        lines = self.reply()
        elapsed = (time.perf_counter() - started) * 1000.0
        self.expect(lines, 250)
        return elapsed

    def quit(self):
        """QUIT and close; errors here are the server's to ignore, not a failed message."""
        try:
            self.sock.sendall(b"QUIT\r\n")
            self.reply()
        except (OSError, ValueError, ConnectionError):
            pass
        self.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def make_body(sender, recipient, size, subject, message_id=None):
    """A message of about size bytes: a few header lines (Message-ID only when given), then
    lines of 76 'x'."""
    header = (f"From: <{sender}>\r\nTo: <{recipient}>\r\n"
              f"Subject: {subject}\r\n"
              + (f"Message-ID: <{message_id}>\r\n" if message_id else "") + "\r\n")
    line = b"x" * 76 + b"\r\n"
    lines = max(1, size // len(line))
    return header.encode("ascii") + line * lines
