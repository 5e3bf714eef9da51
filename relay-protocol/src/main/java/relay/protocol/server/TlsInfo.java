package relay.protocol.server;

import java.util.Objects;
import javax.net.ssl.SSLSession;

/**
 * The TLS session of a connection as the Received: header records it (RFC 3848 asks for the
 * protocol keyword, the comment for the version and cipher is what Postfix writes): the
 * protocol ("TLSv1.3") and the cipher suite ("TLS_AES_256_GCM_SHA384"), each reduced to a safe
 * token.
 */
public record TlsInfo(String protocol, String cipherSuite) {

  public TlsInfo {
    protocol = token(Objects.requireNonNull(protocol, "protocol"));
    cipherSuite = token(Objects.requireNonNull(cipherSuite, "cipherSuite"));
  }

  /** What the handshake of {@code session} agreed on. */
  public static TlsInfo of(SSLSession session) {
    return new TlsInfo(session.getProtocol(), session.getCipherSuite());
  }

  /** Letters, digits, '.', '_' and '-' only (anything else '_'), at most 64 characters. */
  private static String token(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), 64));
    for (int i = 0; i < text.length() && out.length() < 64; i++) {
      char c = text.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-';
      out.append(ok ? c : '_');
    }
    return out.length() == 0 ? "unknown" : out.toString();
  }
}
