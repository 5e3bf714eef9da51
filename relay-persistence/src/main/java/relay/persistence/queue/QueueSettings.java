package relay.persistence.queue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import relay.protocol.settings.Bounds;

/**
 * Every setting of the delivery queues, read once from the {@code relay.queue} section and
 * checked against its bounds (see this module's {@code reference.conf} for meaning, defaults and
 * RFCs). Immutable; the only place that reads {@code relay.queue} keys.
 */
public record QueueSettings(
    ShapingSettings defaultShaping,
    Map<String, ShapingSettings> domainShaping,
    RetrySchedule retry,
    Duration maxLifetime,
    Duration delayWarning,
    String deliveryDispatcher,
    int maxPendingMessages,
    int maxOutcomesPerWrite,
    Duration outcomeFlushDelay,
    Duration dsnRetryInterval,
    int rememberedCompletions,
    DuplicateSettings duplicates,
    Duration passivateAfterIdle,
    Duration connectionLinger,
    int snapshotEvery,
    Duration persistFailureMinBackoff,
    Duration persistFailureMaxBackoff,
    double persistFailureRandomFactor,
    GatewaySettings gateway) {

  /** The section these settings are read from; every key in a bounds error is under it. */
  public static final String SECTION = "relay.queue";

  public QueueSettings {
    Objects.requireNonNull(defaultShaping, "defaultShaping");
    domainShaping = Map.copyOf(domainShaping);
    Objects.requireNonNull(retry, "retry");
    Bounds.within(key("max-lifetime"), maxLifetime, Duration.ofSeconds(1), Duration.ofDays(30));
    Bounds.within(key("delay-warning"), delayWarning, Duration.ZERO, maxLifetime);
    if (deliveryDispatcher == null || deliveryDispatcher.isBlank()) {
      throw new IllegalArgumentException(key("delivery-dispatcher") + " is empty");
    }
    Bounds.within(key("max-pending-messages"), maxPendingMessages, 1, 10_000_000);
    Bounds.within(key("max-outcomes-per-write"), maxOutcomesPerWrite, 1, 10_000);
    Bounds.within(key("outcome-flush-delay"), outcomeFlushDelay, Duration.ZERO,
        Duration.ofSeconds(10));
    Bounds.within(key("dsn-retry-interval"), dsnRetryInterval, Duration.ofMillis(1),
        Duration.ofDays(1));
    Bounds.within(key("remembered-completions"), rememberedCompletions, 0, 1_000_000);
    Objects.requireNonNull(duplicates, "duplicates");
    Bounds.within(key("passivate-after-idle"), passivateAfterIdle, Duration.ofMillis(10),
        Duration.ofHours(1));
    Bounds.within(key("connection-linger"), connectionLinger, Duration.ZERO,
        Duration.ofMinutes(5));
    Bounds.within(key("snapshot-every"), snapshotEvery, 10, 1_000_000);
    Bounds.within(key("persist-failure-backoff.min"), persistFailureMinBackoff,
        Duration.ofMillis(1), Duration.ofHours(1));
    Bounds.within(key("persist-failure-backoff.max"), persistFailureMaxBackoff,
        persistFailureMinBackoff, Duration.ofHours(1));
    Bounds.within(key("persist-failure-backoff.random-factor"), persistFailureRandomFactor,
        0.0, 1.0);
    Objects.requireNonNull(gateway, "gateway");
  }

  /** The full name of a key of this section, for error messages. */
  static String key(String relative) {
    return SECTION + "." + relative;
  }

  /**
   * Reads and checks the {@code relay.queue} section, e.g. {@code
   * fromConfig(system.settings().config().getConfig("relay.queue"))}.
   *
   * @throws IllegalArgumentException or {@link com.typesafe.config.ConfigException} naming the key
   */
  public static QueueSettings fromConfig(Config relayQueueSection) {
    Config c = relayQueueSection;
    Config shapingDefault = c.getConfig("shaping.default");
    ShapingSettings defaults = ShapingSettings.fromConfig(shapingDefault,
        key("shaping.default"));
    Map<String, ShapingSettings> perDomain = new TreeMap<>();
    ConfigObject domains = c.getObject("shaping.domains");
    for (Map.Entry<String, ConfigValue> e : domains.entrySet()) {
      String path = key("shaping.domains.\"" + e.getKey() + "\"");
      if (e.getValue().valueType() != ConfigValueType.OBJECT) {
        throw new IllegalArgumentException(path + " must be an object");
      }
      Config override = ((ConfigObject) e.getValue()).toConfig().withFallback(shapingDefault);
      perDomain.put(e.getKey().toLowerCase(Locale.ROOT), ShapingSettings.fromConfig(override, path));
    }
    return new QueueSettings(
        defaults,
        perDomain,
        RetrySchedule.fromConfig(c.getConfig("retry")),
        c.getDuration("max-lifetime"),
        switchableDuration(c, "delay-warning"),
        c.getString("delivery-dispatcher"),
        c.getInt("max-pending-messages"),
        c.getInt("max-outcomes-per-write"),
        c.getDuration("outcome-flush-delay"),
        c.getDuration("dsn-retry-interval"),
        c.getInt("remembered-completions"),
        DuplicateSettings.fromConfig(c),
        c.getDuration("passivate-after-idle"),
        c.getDuration("connection-linger"),
        c.getInt("snapshot-every"),
        c.getDuration("persist-failure-backoff.min"),
        c.getDuration("persist-failure-backoff.max"),
        c.getDouble("persist-failure-backoff.random-factor"),
        GatewaySettings.fromConfig(c.getConfig("gateway")));
  }

  /** A duration that may also be {@code off} (or false/no), meaning zero: disabled. */
  private static Duration switchableDuration(Config c, String key) {
    String raw = c.getString(key).trim().toLowerCase(Locale.ROOT);
    if (raw.equals("off") || raw.equals("false") || raw.equals("no")) {
      return Duration.ZERO;
    }
    return c.getDuration(key);
  }

  /** Shaping for a destination domain: its override if configured, else the default. */
  public ShapingSettings shapingFor(String domain) {
    return domainShaping.getOrDefault(domain.toLowerCase(Locale.ROOT), defaultShaping);
  }

  /** The limits sub-queue {@code queue} enforces: its share of its domain's shaping. */
  public ShapingSettings shapingFor(SubQueueId queue) {
    return shapingFor(queue.domain()).forSubQueue(queue.index());
  }

  /** The sub-queue of {@code domain} that serves message {@code queueId} ({@link SubQueueId}). */
  public SubQueueId subQueueFor(String domain, String queueId) {
    return SubQueueId.forMessage(domain, queueId, shapingFor(domain).subQueues());
  }

  /**
   * The sub-queue of {@code domain} that serves {@code message}: chosen by its fingerprint when it
   * has one, so that a client's retry under a new queue id reaches the sub-queue that remembers
   * the first copy ({@link RecentMessages}); by its queue id otherwise.
   */
  public SubQueueId subQueueFor(String domain, QueuedMessage message) {
    return subQueueFor(domain, message.fingerprint() != null ? message.fingerprint()
        : message.queueId());
  }

  /** Whether the one-time delay warning DSN is enabled. */
  public boolean delayWarningEnabled() {
    return !delayWarning.isZero();
  }
}
