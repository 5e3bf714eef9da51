package relay.protocol.client;

import java.util.Locale;

/**
 * How much TLS a delivery demands of a destination (the {@code tls} key of a shaping block, or
 * what an MTA-STS policy in enforce mode makes of it):
 *
 * <ul>
 *   <li>{@link #OPPORTUNISTIC}: STARTTLS when the server offers it (RFC 3207), any certificate
 *       (recorded as not verified when it does not verify); a failed handshake is retried once in
 *       clear on the same host (RFC 7435 opportunistic security, as Postfix's "may" level);
 *   <li>{@link #REQUIRED}: STARTTLS or no delivery (Postfix "encrypt"); any certificate;
 *   <li>{@link #VERIFY}: STARTTLS with a certificate chain the trust store accepts, valid for the
 *       MX host name (Postfix "secure"; what RFC 8461 MTA-STS enforce asks).
 * </ul>
 *
 * A destination that does not meet REQUIRED or VERIFY is deferred (4.7.x), never sent to in clear.
 */
public enum TlsPolicy {
  OPPORTUNISTIC, REQUIRED, VERIFY;

  /** True when the message must not travel in clear. */
  public boolean requiresTls() {
    return this != OPPORTUNISTIC;
  }

  /** True when the certificate must verify for the MX host name. */
  public boolean requiresVerified() {
    return this == VERIFY;
  }

  /** The stricter of the two. */
  public TlsPolicy atLeast(TlsPolicy other) {
    return other.ordinal() > ordinal() ? other : this;
  }

  /** The configuration word, lower case. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * "opportunistic", "required" or "verify" (any case).
   *
   * @throws IllegalArgumentException naming {@code key} for any other word
   */
  public static TlsPolicy parse(String key, String word) {
    for (TlsPolicy p : values()) {
      if (p.word().equalsIgnoreCase(word.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException(key + " = \"" + word
        + "\": expected opportunistic, required or verify");
  }
}
