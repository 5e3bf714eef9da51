package relay.persistence.queue;

/** The kinds of delivery status notification the queue asks for (RFC 3464 §2.3.3 Action). */
public enum DsnKind {
  /** Action: failed; bounced or expired recipients. */
  FAILED,
  /** Action: delayed; the delay warning, sent once per message. */
  DELAYED
}
