package relay.protocol.client;

import java.util.Objects;

/**
 * What protected one outbound connection, as the delivery log and the message history record it:
 * the TLS protocol and cipher suite negotiated after STARTTLS and whether the server's
 * certificate verified (chain trusted and valid for the MX host name), or {@link #NONE} for a
 * connection in clear (or no connection at all).
 *
 * @param protocol "TLSv1.3", "TLSv1.2"; "" for none
 * @param cipher the suite's standard name ("TLS_AES_256_GCM_SHA384"); "" for none
 * @param verified the certificate verified for the MX host name
 */
public record TlsStatus(String protocol, String cipher, boolean verified) {

  /** In clear. */
  public static final TlsStatus NONE = new TlsStatus("", "", false);

  public TlsStatus {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(cipher, "cipher");
  }

  /** True when the connection was encrypted. */
  public boolean encrypted() {
    return !protocol.isEmpty();
  }

  /**
   * "TLSv1.3 TLS_AES_256_GCM_SHA384 verified", "TLSv1.2 ... unverified", or "none": the form the
   * message history stores.
   */
  public String summary() {
    return encrypted() ? protocol + " " + cipher + (verified ? " verified" : " unverified") : "none";
  }

  @Override
  public String toString() {
    return summary();
  }
}
