package relay.persistence.quota;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a bulk notice must be, checked before it is recorded; each problem a message that starts
 * with the field (as the API names it): at least 1 and at most 1000000000 expected recipients, a
 * window that ends after it starts and after now, no longer than max-window and starting within
 * a year, a note of at most 500 characters.
 */
public final class NoticeRules {

  static final long MAX_EXPECTED = 1_000_000_000L;
  static final int MAX_NOTE = 500;
  static final Duration MAX_LEAD = Duration.ofDays(366);

  private NoticeRules() {}

  static Optional<String> problem(QuotaEntity.PostNotice post, Instant now,
      QuotaSettings settings) {
    return problem(post.expectedRecipients(), post.from(), post.until(), post.note(), now,
        settings.maxNoticeWindow());
  }

  /** The first problem of a notice with these values posted at {@code now}, if any. */
  public static Optional<String> problem(long expectedRecipients, Instant from, Instant until,
      Optional<String> note, Instant now, Duration maxWindow) {
    if (expectedRecipients < 1 || expectedRecipients > MAX_EXPECTED) {
      return Optional.of("expectedRecipients: " + expectedRecipients
          + " is not between 1 and " + MAX_EXPECTED);
    }
    if (!until.isAfter(from)) {
      return Optional.of("until: " + until + " is not after from " + from);
    }
    if (!until.isAfter(now)) {
      return Optional.of("until: " + until + " is not in the future");
    }
    if (Duration.between(from, until).compareTo(maxWindow) > 0) {
      return Optional.of("until: the window from " + from + " is longer than "
          + maxWindow + " (relay.quotas.bulk-notices.max-window)");
    }
    if (from.isAfter(now.plus(MAX_LEAD))) {
      return Optional.of("from: " + from + " is more than a year ahead");
    }
    if (note.map(String::length).orElse(0) > MAX_NOTE) {
      return Optional.of("note: longer than " + MAX_NOTE + " characters");
    }
    return Optional.empty();
  }
}
