package relay.protocol.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The client side of STARTTLS (RFC 3207) over a blocking socket: turns a connected socket into
 * an {@link SSLSocket} ({@code SSLSocketFactory.createSocket(socket, host, port, true)}, SNI =
 * the MX host name, TLSv1.3/1.2 as configured, the JDK's default cipher suites for them) and says
 * whether the server's certificate verified: its chain against the trust store (the JDK's, or a
 * configured PKCS12 file) and its names against the MX host name by the rules of RFC 6125 as the
 * JDK's "HTTPS" endpoint identification applies them (one wildcard in the leftmost label, as RFC
 * 8461 4.1 wants for MTA-STS too).
 *
 * <p>Opportunistic TLS (RFC 7435) uses a certificate that does not verify: the check is recorded,
 * not enforced, unless the caller asks for a verified certificate, in which case the handshake
 * fails. One thread-safe instance serves the node; the trust store is read once at start.
 *
 * <p>Each handshake gets an {@link SSLContext} of its own, whose trust manager records that
 * connection's verdict. The cost: no TLS session resumption across connections (a full handshake
 * each time), which outbound connections carrying many messages each amortise. XXX: a shared
 * context with resumption would need the verdict kept with the cached session.
 */
public final class ClientTls {

  /** Why a certificate did not verify, in fixed words for replies and logs. */
  public enum Unverified {
    UNTRUSTED("certificate chain not trusted"),
    NAME_MISMATCH("certificate not valid for the host name");

    private final String text;

    Unverified(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /** The handshake failed; {@link #unverified()} is set when the certificate check ended it. */
  public static final class HandshakeFailed extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Unverified unverified;

    HandshakeFailed(Unverified unverified, Throwable cause) {
      super(unverified == null ? "TLS handshake failed" : unverified.text(), cause);
      this.unverified = unverified;
    }

    /** Null when the handshake failed for another reason than the certificate. */
    public Unverified unverified() {
      return unverified;
    }
  }

  /** The upgraded socket and what protects it. */
  public record Upgraded(SSLSocket socket, TlsStatus status, Unverified unverified) {}

  private final ClientTlsSettings settings;
  private final X509ExtendedTrustManager trust;
  private final String[] protocols;

  private ClientTls(ClientTlsSettings settings, X509ExtendedTrustManager trust) {
    this.settings = settings;
    this.trust = trust;
    this.protocols = settings.protocols().toArray(String[]::new);
  }

  /**
   * Loads the trust store once.
   *
   * @throws IllegalArgumentException when the configured trust store cannot be read
   */
  public static ClientTls create(ClientTlsSettings settings) {
    try {
      return new ClientTls(settings, trustManager(settings.trustStore(), settings.trustStorePassword()));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("trust store " + settings.trustStore().map(Object::toString).orElse("")
          + " cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * The PKIX trust manager of a PKCS12 trust store file, or of the JDK's default trust store when
   * there is none.
   */
  public static X509ExtendedTrustManager trustManager(Optional<Path> file, String password)
      throws IOException, GeneralSecurityException {
    KeyStore store = null;
    if (file.isPresent()) {
      store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(file.get())) {
        store.load(in, password.toCharArray());
      }
    }
    return trustManager(store);
  }

  /** The PKIX trust manager of a key store (null: the JDK's default trust store). */
  public static X509ExtendedTrustManager trustManager(KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    for (TrustManager tm : factory.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X509 trust manager");
  }

  /**
   * Closes {@code socket} when {@code deadline} passes unless the returned future is cancelled
   * first (bounds a handshake or a whole exchange a server could drip out).
   */
  public static ScheduledFuture<?> closeAt(Socket socket, Deadline deadline) {
    return WriteWatchdog.closeAt(socket, deadline);
  }

  public ClientTlsSettings settings() {
    return settings;
  }

  /**
   * Runs the TLS handshake over {@code plain} as the client, by {@code deadline} and within
   * handshake-timeout (the socket is closed under a handshake that runs past it).
   *
   * @param host the MX host name: SNI and the name the certificate must be valid for
   * @param requireVerified fail the handshake when the certificate does not verify
   * @throws HandshakeFailed the handshake failed; the socket is closed
   */
  public Upgraded upgrade(Socket plain, String host, int port, boolean requireVerified, Deadline deadline)
      throws HandshakeFailed {
    Deadline by = deadline.within(settings.handshakeTimeout());
    Recording recording = new Recording(trust, requireVerified);
    SSLSocket ssl = null;
    ScheduledFuture<?> cut = null;
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {recording}, null);
      ssl = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
      ssl.setUseClientMode(true);
      SSLParameters params = ssl.getSSLParameters();
      params.setProtocols(protocols);
      params.setEndpointIdentificationAlgorithm("HTTPS");
      sniName(host).ifPresent(n -> params.setServerNames(List.of(n)));
      ssl.setSSLParameters(params);
      if (by.expired()) {
        throw new IOException("no time left for the handshake");
      }
      // Reads wait at most the time left; a server dripping handshake bytes is cut off by closing
      // the socket when the time is up. The handshake's own writes are a few KB into a fresh TCP
      // send buffer and do not block.
      ssl.setSoTimeout(by.waitMillis());
      cut = WriteWatchdog.closeAt(ssl, by);
      ssl.startHandshake();
      SSLSession session = ssl.getSession();
      if (!session.isValid() || "SSL_NULL_WITH_NULL_NULL".equals(session.getCipherSuite())) {
        throw new IOException("no TLS session");
      }
      Unverified verdict = recording.verdict;
      if (verdict == null && !recording.checked) {
        verdict = Unverified.UNTRUSTED; // no certificate was checked: nothing to say it verifies
      }
      return new Upgraded(ssl, new TlsStatus(session.getProtocol(), session.getCipherSuite(), verdict == null),
          verdict);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      closeQuietly(ssl != null ? ssl : plain);
      throw new HandshakeFailed(requireVerified ? recording.verdict : null, e);
    } finally {
      if (cut != null) {
        cut.cancel(false);
      }
    }
  }

  private static Optional<SNIHostName> sniName(String host) {
    // RFC 6066 3: a DNS host name, not an address literal; no trailing dot.
    if (host.isEmpty() || host.startsWith("[") || host.indexOf(':') >= 0
        || Character.isDigit(host.charAt(host.length() - 1))) {
      return Optional.empty();
    }
    try {
      return Optional.of(new SNIHostName(host.endsWith(".") ? host.substring(0, host.length() - 1) : host));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  /**
   * Checks the server's certificate with the real trust manager (chain and, through the socket's
   * "HTTPS" endpoint identification, the host name) and records the verdict; throws only when a
   * verified certificate is required. We are never the server here.
   */
  private static final class Recording extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;
    private final boolean enforce;
    private volatile boolean checked;
    private volatile Unverified verdict;

    Recording(X509ExtendedTrustManager delegate, boolean enforce) {
      this.delegate = delegate;
      this.enforce = enforce;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checked = true;
      try {
        delegate.checkServerTrusted(chain, authType, socket);
        verdict = null;
      } catch (CertificateException e) {
        fail(chain, authType, e);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checked = true;
      try {
        delegate.checkServerTrusted(chain, authType, engine);
        verdict = null;
      } catch (CertificateException e) {
        fail(chain, authType, e);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      // Without a socket there is no host name to check against: never counts as verified.
      checked = true;
      verdict = Unverified.NAME_MISMATCH;
      if (enforce) {
        throw new CertificateException("no host name to verify against");
      }
    }

    /** Tells a chain that is trusted but names another host from one that is not trusted. */
    private void fail(X509Certificate[] chain, String authType, CertificateException e) throws CertificateException {
      Unverified why;
      try {
        ((X509TrustManager) delegate).checkServerTrusted(chain, authType);
        why = Unverified.NAME_MISMATCH;
      } catch (CertificateException chainFailed) {
        why = Unverified.UNTRUSTED;
      }
      verdict = why;
      if (enforce) {
        throw e;
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("not a server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("not a server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("not a server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }
}
