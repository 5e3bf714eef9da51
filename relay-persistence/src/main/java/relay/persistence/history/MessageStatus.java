package relay.persistence.history;

import java.util.Locale;

/**
 * Where a message stands, from its recipients' last outcomes: {@code queued} while any recipient
 * has none yet, then {@code delivered} (all delivered), {@code bounced} (all bounced or
 * expired) or {@code mixed}.
 */
public enum MessageStatus {
  QUEUED, DELIVERED, BOUNCED, MIXED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** From the number of recipients and how many of them were delivered and failed for good. */
  public static MessageStatus of(int recipients, int delivered, int failed) {
    if (delivered + failed < recipients) {
      return QUEUED;
    }
    if (failed == 0) {
      return DELIVERED;
    }
    return delivered == 0 ? BOUNCED : MIXED;
  }
}
