package relay.protocol.command;

/** The BODY= parameter of MAIL FROM (RFC 6152, RFC 3030). */
public enum BodyType {
  /** BODY=7BIT, also the meaning when BODY= is absent. */
  SEVEN_BIT,
  /** BODY=8BITMIME (RFC 6152). */
  EIGHT_BIT_MIME,
  /** BODY=BINARYMIME (RFC 3030): recognized, not advertised, answered with 504. */
  BINARY_MIME
}
