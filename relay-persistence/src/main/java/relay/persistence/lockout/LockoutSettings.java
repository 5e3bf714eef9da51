package relay.persistence.lockout;

import com.typesafe.config.Config;
import java.time.Duration;
import relay.protocol.settings.Bounds;

/**
 * Settings of the login lockout (keys under {@code relay.auth.lockout}, documented in relay-node's
 * reference.conf), read once at start and checked: a value out of bounds stops the node with a
 * message naming the key.
 *
 * @param failures this many failed logins from one address within {@code window} lock it out
 * @param window how far back failures count
 * @param duration how long a lockout lasts (the block's {@code until} is the third failure's
 *     time plus this)
 * @param maxAddresses most addresses whose failures are counted at once; beyond, the address
 *     whose last failure is the oldest is forgotten
 * @param maxLockouts most lockouts in force at once; beyond, a further address is not locked
 *     out (logged), so that a flood cannot fill the operator's block list
 * @param retryInterval a lockout block the registry did not take is asked for again after this
 * @param askTimeout how long a node waits for the counter's answer to one failure
 */
public record LockoutSettings(int failures, Duration window, Duration duration, int maxAddresses,
    int maxLockouts, Duration retryInterval, Duration askTimeout) {

  public LockoutSettings {
    Bounds.within("relay.auth.lockout.failures", failures, 1, 1000);
    Bounds.within("relay.auth.lockout.window", window, Duration.ofSeconds(1), Duration.ofDays(30));
    Bounds.within("relay.auth.lockout.duration", duration, Duration.ofSeconds(1),
        Duration.ofDays(365));
    Bounds.within("relay.auth.lockout.max-addresses", maxAddresses, 1, 1_000_000);
    Bounds.within("relay.auth.lockout.max-lockouts", maxLockouts, 1, 50_000);
    Bounds.within("relay.auth.lockout.retry-interval", retryInterval, Duration.ofMillis(100),
        Duration.ofMinutes(10));
    Bounds.within("relay.auth.lockout.ask-timeout", askTimeout, Duration.ofMillis(100),
        Duration.ofMinutes(1));
  }

  /** From the {@code relay.auth.lockout} section. */
  public static LockoutSettings fromConfig(Config section) {
    return new LockoutSettings(section.getInt("failures"), section.getDuration("window"),
        section.getDuration("duration"), section.getInt("max-addresses"),
        section.getInt("max-lockouts"), section.getDuration("retry-interval"),
        section.getDuration("ask-timeout"));
  }
}
