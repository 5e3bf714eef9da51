package relay.protocol.sts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import relay.protocol.client.ClientTls;
import relay.protocol.client.Deadline;

/**
 * Fetches an MTA-STS policy (RFC 8461 3.3): {@code GET /.well-known/mta-sts.txt} from {@code
 * mta-sts.<domain>} over HTTPS with a certificate that must verify for that name (chain against
 * the trust store, name by the JDK's "HTTPS" rules), at addresses the caller resolved with the
 * relay's own resolver (so tests answer them from their DNS server, and the caller can refuse
 * addresses that point home). Only a 200 counts: redirects are not followed (RFC 8461 3.3); a
 * Content-Type other than text/plain, a body over {@code maxBytes} or a fetch past its timeout
 * fails.
 *
 * <p>The request is HTTP/1.0 with a Host header, so the answer is never chunked and ends with
 * the connection (or its Content-Length). Time: connect-timeout per address, and the whole fetch
 * (addresses tried in turn, handshake, request, answer) ends by {@code timeout}: the socket is
 * closed under a server that drips.
 */
public final class StsPolicyFetcher {

  /** The fetch failed; the message says why in fixed words (for logs), never a server's text. */
  public static final class FetchFailed extends Exception {
    private static final long serialVersionUID = 1L;

    FetchFailed(String why, Throwable cause) {
      super(why, cause);
    }
  }

  private static final int MAX_HEADER_BYTES = 16 * 1024;

  private final SSLContext context;
  private final int port;
  private final Duration connectTimeout;
  private final Duration timeout;
  private final int maxBytes;

  /**
   * @param context a client context whose trust manager verifies chains (the JDK's or a test CA)
   * @param port 443 (tests: the port of their HTTPS server)
   */
  public StsPolicyFetcher(SSLContext context, int port, Duration connectTimeout, Duration timeout, int maxBytes) {
    this.context = context;
    this.port = port;
    this.connectTimeout = connectTimeout;
    this.timeout = timeout;
    this.maxBytes = maxBytes;
  }

  /** The policy host of a domain: {@code mta-sts.<domain>}. */
  public static String policyHost(String domain) {
    return "mta-sts." + domain;
  }

  /**
   * The policy text of {@code host} (mta-sts.&lt;domain&gt;), from the first of {@code addresses}
   * that answers.
   */
  public String fetch(String host, List<InetAddress> addresses) throws FetchFailed {
    if (addresses.isEmpty()) {
      throw new FetchFailed("no address for " + host, null);
    }
    Deadline by = Deadline.after(timeout);
    FetchFailed last = null;
    for (InetAddress address : addresses) {
      if (by.expired()) {
        break;
      }
      try {
        return fetchFrom(host, address, by);
      } catch (FetchFailed e) {
        last = e;
      }
    }
    throw last != null ? last : new FetchFailed("timed out", null);
  }

  private String fetchFrom(String host, InetAddress address, Deadline by) throws FetchFailed {
    Socket plain = new Socket();
    ScheduledFuture<?> cut = ClientTls.closeAt(plain, by);
    try (plain) {
      try {
        plain.connect(new InetSocketAddress(address, port), Math.max(1, by.within(connectTimeout).waitMillis()));
      } catch (IOException e) {
        throw new FetchFailed("cannot connect to " + host + " at " + address.getHostAddress(), e);
      }
      try (SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true)) {
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        params.setServerNames(List.of(new SNIHostName(host)));
        params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        ssl.setSSLParameters(params);
        ssl.setSoTimeout(Math.max(1, by.waitMillis()));
        try {
          ssl.startHandshake();
        } catch (IOException e) {
          throw new FetchFailed("TLS with " + host + " failed or its certificate did not verify", e);
        }
        OutputStream out = ssl.getOutputStream();
        out.write(("GET /.well-known/mta-sts.txt HTTP/1.0\r\nHost: " + host
            + "\r\nAccept: text/plain\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return answer(ssl.getInputStream(), ssl, by);
      }
    } catch (FetchFailed e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new FetchFailed(by.expired() ? "timed out fetching from " + host : "error fetching from " + host, e);
    } finally {
      cut.cancel(false);
    }
  }

  /** Reads status line, headers and body of the answer. */
  private String answer(InputStream in, Socket socket, Deadline by) throws IOException, FetchFailed {
    String head = readHead(in, socket, by);
    String[] lines = head.split("\r?\n");
    String status = lines[0];
    if (!status.matches("HTTP/1\\.[01] 200( .*)?")) {
      throw new FetchFailed("answer is not 200 (redirects are not followed)", null);
    }
    long length = -1;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim().toLowerCase(Locale.ROOT);
      if (name.equals("content-type") && !value.startsWith("text/plain")) {
        throw new FetchFailed("Content-Type is not text/plain", null);
      }
      if (name.equals("transfer-encoding") && !value.equals("identity")) {
        throw new FetchFailed("unexpected Transfer-Encoding", null);
      }
      if (name.equals("content-length")) {
        if (!value.matches("[0-9]{1,12}")) {
          throw new FetchFailed("bad Content-Length", null);
        }
        length = Long.parseLong(value);
        if (length > maxBytes) {
          throw new FetchFailed("policy larger than " + maxBytes + " bytes", null);
        }
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    while (length < 0 || body.size() < length) {
      socket.setSoTimeout(Math.max(1, by.waitMillis()));
      int n = in.read(buffer);
      if (n < 0) {
        break;
      }
      body.write(buffer, 0, n);
      if (body.size() > maxBytes) {
        throw new FetchFailed("policy larger than " + maxBytes + " bytes", null);
      }
    }
    if (length >= 0 && body.size() < length) {
      throw new FetchFailed("answer shorter than its Content-Length", null);
    }
    return body.toString(StandardCharsets.UTF_8);
  }

  /** The status line and headers, up to the empty line, at most 16 KiB. */
  private static String readHead(InputStream in, Socket socket, Deadline by) throws IOException, FetchFailed {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0; // how much of CRLFCRLF (or LFLF) has been seen
    while (true) {
      socket.setSoTimeout(Math.max(1, by.waitMillis()));
      int b = in.read();
      if (b < 0) {
        throw new FetchFailed("connection closed before the answer's headers ended", null);
      }
      head.write(b);
      if (head.size() > MAX_HEADER_BYTES) {
        throw new FetchFailed("answer headers too long", null);
      }
      if (b == '\n') {
        if (state == 1) {
          break;
        }
        state = 1;
      } else if (b != '\r') {
        state = 0;
      }
    }
    return head.toString(StandardCharsets.ISO_8859_1).strip();
  }
}
