package relay.protocol.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * What a connection negotiated once its TLS handshake completed: what the Received: header
 * records ("with ESMTPS", RFC 3848; the comment "(version=TLSv1.3
 * cipher=TLS_AES_256_GCM_SHA384)") and what the delivery log keeps.
 *
 * @param protocol the TLS version, as the JDK names it ("TLSv1.3", "TLSv1.2")
 * @param cipherSuite the negotiated suite, IANA name ("TLS_AES_256_GCM_SHA384")
 * @param peerCertificates the certificates the peer presented, its own first; empty when it
 *     presented none (the usual case for a server's clients, which are not asked for one)
 */
public record TlsInfo(String protocol, String cipherSuite,
    List<X509Certificate> peerCertificates) {

  public TlsInfo {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(cipherSuite, "cipherSuite");
    peerCertificates = List.copyOf(peerCertificates);
  }

  /** The facts of an established session. */
  public static TlsInfo of(SSLSession session) {
    List<X509Certificate> peer = new ArrayList<>();
    try {
      for (Certificate certificate : session.getPeerCertificates()) {
        if (certificate instanceof X509Certificate x509) {
          peer.add(x509);
        }
      }
    } catch (SSLPeerUnverifiedException e) {
      // the peer presented no certificate (a client that was not asked for one)
    }
    return new TlsInfo(session.getProtocol(), session.getCipherSuite(), peer);
  }

  /** Whether the peer presented a certificate (for a server: a client certificate). */
  public boolean peerCertified() {
    return !peerCertificates.isEmpty();
  }

  /**
   * The comment of a Received: header, without its parentheses: {@code version=TLSv1.3
   * cipher=TLS_AES_256_GCM_SHA384}, followed by {@code client-cert=present} when the peer
   * presented a certificate (its presence only: the relay does not verify client certificates).
   */
  public String traceComment() {
    return "version=" + protocol + " cipher=" + cipherSuite
        + (peerCertified() ? " client-cert=present" : "");
  }
}
