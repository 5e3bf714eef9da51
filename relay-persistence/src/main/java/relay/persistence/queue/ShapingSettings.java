package relay.persistence.queue;

import com.typesafe.config.Config;
import java.util.Objects;
import relay.protocol.client.TlsPolicy;
import relay.protocol.settings.Bounds;

/**
 * How the relay paces itself toward one destination domain (keys under {@code
 * relay.queue.shaping.default} and {@code relay.queue.shaping.domains."<domain>"}), and how a
 * domain served by several sub-queues divides its limits among them ({@link #forSubQueue}).
 *
 * @param maxConnections outbound connections (workers) open at once, cluster-wide
 * @param messagesPerConnection messages over one connection before it is closed
 * @param recipientsPerTransaction recipients in one mail transaction (RFC 5321 §4.5.3.1.8)
 * @param messagesPerMinute messages started per minute, 0 = unlimited
 * @param subQueues DeliveryQueue entities that serve the domain (see {@link SubQueueId}); each
 *     needs at least one connection and, when the rate is limited, one message per minute
 * @param tls how much TLS delivery to the domain demands (opportunistic, required, verify); the
 *     transport reads it from here because the queue hands it each connect, and a per-domain
 *     override belongs with the domain's other outbound rules
 */
public record ShapingSettings(int maxConnections, int messagesPerConnection,
    int recipientsPerTransaction, int messagesPerMinute, int subQueues, TlsPolicy tls) {

  /**
   * Checks the bounds; keys in the errors are relative to the shaping block, {@link
   * #fromConfig} puts the block's full path in front.
   */
  public ShapingSettings {
    Objects.requireNonNull(tls, "tls");
    Bounds.within("max-connections", maxConnections, 1, 1000);
    Bounds.within("messages-per-connection", messagesPerConnection, 1, 100_000);
    Bounds.within("recipients-per-transaction", recipientsPerTransaction, 1, 10_000);
    Bounds.within("messages-per-minute", messagesPerMinute, 0, 1_000_000);
    Bounds.within("sub-queues", subQueues, 1, SubQueueId.MAX_INDEX + 1);
    if (subQueues > maxConnections) {
      throw new IllegalArgumentException("sub-queues = " + subQueues
          + " is more than max-connections = " + maxConnections
          + ": every sub-queue needs at least one connection");
    }
    if (messagesPerMinute > 0 && subQueues > messagesPerMinute) {
      throw new IllegalArgumentException("sub-queues = " + subQueues
          + " is more than messages-per-minute = " + messagesPerMinute
          + ": every sub-queue needs at least one message per minute");
    }
  }

  /** Opportunistic TLS. */
  public ShapingSettings(int maxConnections, int messagesPerConnection,
      int recipientsPerTransaction, int messagesPerMinute, int subQueues) {
    this(maxConnections, messagesPerConnection, recipientsPerTransaction, messagesPerMinute, subQueues,
        TlsPolicy.OPPORTUNISTIC);
  }

  /** One queue for the domain (sub-queues = 1). */
  public ShapingSettings(int maxConnections, int messagesPerConnection,
      int recipientsPerTransaction, int messagesPerMinute) {
    this(maxConnections, messagesPerConnection, recipientsPerTransaction, messagesPerMinute, 1);
  }

  /**
   * Reads the keys of one shaping block (all must be present, e.g. via a fallback); {@code path}
   * is the block's full name ({@code relay.queue.shaping.default}), named in a bounds error.
   */
  public static ShapingSettings fromConfig(Config c, String path) {
    try {
      return new ShapingSettings(
          c.getInt("max-connections"),
          c.getInt("messages-per-connection"),
          c.getInt("recipients-per-transaction"),
          c.getInt("messages-per-minute"),
          c.getInt("sub-queues"),
          TlsPolicy.parse("tls", c.getString("tls")));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(path + "." + e.getMessage(), e);
    }
  }

  /**
   * The limits one sub-queue enforces by itself. max-connections and messages-per-minute are
   * divided: each sub-queue gets the quotient and the first {@code limit % subQueues} get one
   * more, so the shares add up to exactly the domain's limit. messages-per-connection and
   * recipients-per-transaction are per connection and stay as they are. With one sub-queue this
   * is the domain's shaping itself.
   *
   * <p>A sub-queue at or beyond {@code subQueues} is no longer configured (the count was lowered
   * while it held mail): it only drains, over one connection at the smallest rate share.
   * XXX: while such a sub-queue drains, the domain may see one connection more than its limit per
   * draining sub-queue; handing its messages over to the configured sub-queues would avoid that
   * but loses their retry state.
   */
  public ShapingSettings forSubQueue(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("sub-queue " + index + " is negative");
    }
    if (subQueues == 1 && index == 0) {
      return this;
    }
    if (index >= subQueues) {
      return new ShapingSettings(1, messagesPerConnection, recipientsPerTransaction,
          messagesPerMinute / subQueues, 1, tls);
    }
    return new ShapingSettings(share(maxConnections, index), messagesPerConnection,
        recipientsPerTransaction, share(messagesPerMinute, index), 1, tls);
  }

  /** Whether sub-queue {@code index} is one of the configured ones (not only draining). */
  public boolean configures(int index) {
    return index >= 0 && index < subQueues;
  }

  private int share(int limit, int index) {
    return limit / subQueues + (index < limit % subQueues ? 1 : 0);
  }
}
