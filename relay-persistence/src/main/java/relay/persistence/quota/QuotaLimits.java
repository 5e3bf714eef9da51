package relay.persistence.quota;

import java.util.Optional;
import relay.persistence.CborSerializable;
import relay.persistence.registry.ClientLimits;

/**
 * A client's recipient quotas as its registration sets them (before any bulk-notice raise): each
 * empty means no quota for that window.
 */
public record QuotaLimits(Optional<Integer> perHour, Optional<Integer> perDay)
    implements CborSerializable {

  public static final QuotaLimits NONE = new QuotaLimits(Optional.empty(), Optional.empty());

  public QuotaLimits {
    perHour = perHour == null ? Optional.empty() : perHour;
    perDay = perDay == null ? Optional.empty() : perDay;
  }

  /** The quotas of a registration's limits. */
  public static QuotaLimits of(ClientLimits limits) {
    return new QuotaLimits(limits.recipientsPerHour(), limits.recipientsPerDay());
  }

  /** Whether there is no quota at all (nothing to count). */
  public boolean isNone() {
    return perHour.isEmpty() && perDay.isEmpty();
  }

  /** The smaller of the two quotas (a bound on what one window can hold), MAX_VALUE if none. */
  public long lowest() {
    return Math.min(perHour.orElse(Integer.MAX_VALUE), perDay.orElse(Integer.MAX_VALUE));
  }
}
