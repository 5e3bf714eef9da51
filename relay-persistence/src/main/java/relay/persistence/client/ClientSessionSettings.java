package relay.persistence.client;

import com.typesafe.config.Config;
import java.time.Duration;
import relay.protocol.settings.Bounds;

/**
 * Settings of the cluster-wide session count (keys under {@code relay.client-sessions}), read
 * once at start and checked: a value out of bounds stops the node with a message naming the key.
 *
 * @param acquireTimeout how long a new connection waits for its slot before it is answered
 *     "421 4.3.0" (the slot, if granted later, is released)
 * @param reportTimeout how long a freshly started {@link ClientEntity} waits for the nodes'
 *     reports of the slots they hold before it answers acquires anyway
 * @param maxWaitingAcquires acquires a starting entity keeps while it waits for the reports;
 *     beyond, an acquire is answered "unavailable" at once
 * @param resendInterval how often a node's slot holder sends an acquire again while it has no
 *     verdict (the cluster drops messages to an entity being handed over)
 * @param refreshInterval how often a node's slot holder tells each entity the slots it holds,
 *     so that a release lost in a hand-over does not keep a slot counted
 */
public record ClientSessionSettings(Duration acquireTimeout, Duration reportTimeout,
    int maxWaitingAcquires, Duration resendInterval, Duration refreshInterval) {

  /** With the default resend (1s) and refresh (10s) intervals. */
  public ClientSessionSettings(Duration acquireTimeout, Duration reportTimeout,
      int maxWaitingAcquires) {
    this(acquireTimeout, reportTimeout, maxWaitingAcquires, Duration.ofSeconds(1),
        Duration.ofSeconds(10));
  }

  public ClientSessionSettings {
    Bounds.within("relay.client-sessions.acquire-timeout", acquireTimeout, Duration.ofMillis(100),
        Duration.ofMinutes(1));
    Bounds.within("relay.client-sessions.report-timeout", reportTimeout, Duration.ofMillis(10),
        Duration.ofMinutes(1));
    if (reportTimeout.compareTo(acquireTimeout) >= 0) {
      throw new IllegalArgumentException("relay.client-sessions.report-timeout = " + reportTimeout
          + " must be shorter than relay.client-sessions.acquire-timeout = " + acquireTimeout);
    }
    Bounds.within("relay.client-sessions.resend-interval", resendInterval, Duration.ofMillis(10),
        Duration.ofMinutes(1));
    Bounds.within("relay.client-sessions.refresh-interval", refreshInterval, Duration.ofMillis(100),
        Duration.ofHours(1));
    Bounds.within("relay.client-sessions.max-waiting-acquires", maxWaitingAcquires, 1, 100_000);
  }

  /** From the {@code relay.client-sessions} section. */
  public static ClientSessionSettings fromConfig(Config section) {
    return new ClientSessionSettings(section.getDuration("acquire-timeout"),
        section.getDuration("report-timeout"), section.getInt("max-waiting-acquires"),
        section.getDuration("resend-interval"), section.getDuration("refresh-interval"));
  }
}
