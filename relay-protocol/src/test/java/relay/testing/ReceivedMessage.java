package relay.testing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * One message the {@link SmtpSink} accepted with 250 after DATA.
 *
 * @param connection number of the connection it came on (1 = the sink's first connection)
 * @param helo the EHLO or HELO command line that opened the session, e.g. "EHLO relay.test"
 * @param mailFrom reverse path without angle brackets ("" for the null sender)
 * @param mailParameters what followed the reverse path on the MAIL line, e.g. "SIZE=120 BODY=8BITMIME"
 * @param recipients accepted forward paths, in RCPT order
 * @param data the message as received, dot-unstuffed, CRLF lines, without the final "."
 * @param arrivedAt when the final dot was read
 * @param tls "TLSv1.3 TLS_AES_256_GCM_SHA384" when it came over STARTTLS, "" in clear
 */
public record ReceivedMessage(
    int connection,
    String helo,
    String mailFrom,
    String mailParameters,
    List<String> recipients,
    byte[] data,
    Instant arrivedAt,
    String tls) {

  public ReceivedMessage {
    recipients = List.copyOf(recipients);
  }

  /** The data as UTF-8 text. */
  public String text() {
    return new String(data, StandardCharsets.UTF_8);
  }
}
