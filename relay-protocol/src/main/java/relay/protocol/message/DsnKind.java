package relay.protocol.message;

/** Which DSN to send: a final failure (bounce) or a delay warning (RFC 3464 2.3.3). */
public enum DsnKind {
  FAILED,
  DELAYED
}
