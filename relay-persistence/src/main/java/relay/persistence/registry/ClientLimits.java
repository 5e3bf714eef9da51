package relay.persistence.registry;

import java.util.Optional;
import relay.persistence.CborSerializable;
import relay.protocol.settings.Bounds;

/**
 * A client's own limits; each one empty means "the node's default" (relay.smtp.server and
 * relay.clients settings).
 *
 * @param maxSessions concurrent SMTP sessions across the cluster, 1 .. 1000000
 * @param maxRecipientsPerMessage RCPT TO per message, 1 .. 100000 ({@code 452 4.5.3} beyond;
 *     RFC 5321 4.5.3.1.8 asks servers to accept at least 100)
 * @param maxMessageSize octets of one message, 1 .. 10 GiB ({@code 552 5.3.4} beyond)
 * @param recipientsPerHour recipients accepted per hour across the cluster, 1 .. 1000000000
 * @param recipientsPerDay recipients accepted per day across the cluster, 1 .. 1000000000
 */
public record ClientLimits(Optional<Integer> maxSessions, Optional<Integer> maxRecipientsPerMessage,
    Optional<Long> maxMessageSize, Optional<Integer> recipientsPerHour,
    Optional<Integer> recipientsPerDay) implements CborSerializable {

  /** No limit of its own: the node's defaults apply. */
  public static final ClientLimits DEFAULTS = new ClientLimits(Optional.empty(), Optional.empty(),
      Optional.empty(), Optional.empty(), Optional.empty());

  public ClientLimits {
    maxSessions = within("limits.max-sessions", maxSessions, 1_000_000);
    maxRecipientsPerMessage = within("limits.max-recipients-per-message", maxRecipientsPerMessage,
        100_000);
    maxMessageSize = maxMessageSize == null ? Optional.empty() : maxMessageSize;
    maxMessageSize.ifPresent(v -> Bounds.within("limits.max-message-size", v, 1L, 10L << 30));
    recipientsPerHour = within("limits.recipients-per-hour", recipientsPerHour, 1_000_000_000);
    recipientsPerDay = within("limits.recipients-per-day", recipientsPerDay, 1_000_000_000);
  }

  /** Only max-sessions set (what a configured client has). */
  public static ClientLimits maxSessions(int maxSessions) {
    return new ClientLimits(Optional.of(maxSessions), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty());
  }

  private static Optional<Integer> within(String key, Optional<Integer> value, int max) {
    Optional<Integer> v = value == null ? Optional.empty() : value;
    v.ifPresent(n -> Bounds.within(key, n, 1, max));
    return v;
  }
}
