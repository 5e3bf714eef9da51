package relay.protocol.server;

/**
 * What the {@link InputDecoder} saw in one message's content (DATA, or the BDAT chunks so far).
 *
 * @param size octets of content after dot-unstuffing, counted to the end even past the limit
 * @param sizeExceeded {@code size} went over the message size limit (RFC 1870): 552 5.3.4
 * @param lineTooLong a text line was longer than max-text-line incl. CRLF (RFC 5321 4.5.3.1.6)
 * @param bareLineEnding a CR or LF that was not part of a CRLF (RFC 5321 2.3.8)
 */
public record DataStats(long size, boolean sizeExceeded, boolean lineTooLong,
    boolean bareLineEnding) {

  /** Whether the message must be refused after the end of its data. */
  public boolean refused() {
    return sizeExceeded || lineTooLong || bareLineEnding;
  }
}
