package relay.persistence.history;

import java.util.Locale;

/**
 * What happened to a message, as its history lists it: {@code accepted} (the client got its 250),
 * one per attempt outcome and recipient {@code deferred}, {@code delivered}, {@code bounced} or
 * {@code expired} (with the remote host and its reply), and {@code dsn} when the relay queued a
 * delivery status notification about it to the sender.
 */
public enum EventKind {
  ACCEPTED, DEFERRED, DELIVERED, BOUNCED, EXPIRED, DSN;

  /** The name in the API and the database: lower case. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind of a stored name; unknown names (a newer node's) are refused. */
  public static EventKind ofWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  /** Whether this event ends a recipient's delivery (delivered, bounced, expired). */
  public boolean isFinal() {
    return this == DELIVERED || this == BOUNCED || this == EXPIRED;
  }
}
