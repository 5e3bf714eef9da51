package relay.node.smtp;

import com.typesafe.config.Config;
import java.time.Clock;
import java.time.Duration;
import relay.persistence.auth.Argon2Settings;
import relay.protocol.settings.Bounds;

/**
 * How the node hashes and verifies SMTP AUTH passwords (keys {@code relay.auth.argon2} and
 * {@code relay.auth.verify}), read once at start and checked.
 *
 * @param argon2 the cost of new hashes (made for the API)
 * @param threads threads that hash and verify, none of them a dispatcher's
 * @param queue verifications waiting for a thread at most; beyond, a login is answered 454 4.7.0
 *     at once and an API create 503
 * @param remember how long a login that verified is answered without verifying it again
 *     ({@link RecentLogins}); zero verifies every login in full
 * @param rememberMax logins remembered at most
 */
public record AuthSettings(Argon2Settings argon2, int threads, int queue, Duration remember,
    int rememberMax) {

  public AuthSettings {
    Bounds.within("relay.auth.verify.threads", threads, 1, 64);
    Bounds.within("relay.auth.verify.queue", queue, 1, 100_000);
    if (remember.isNegative() || remember.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("relay.auth.verify.remember: 0 to 1 day, was "
          + remember);
    }
    Bounds.within("relay.auth.verify.remember-max", rememberMax, 0, 10_000_000);
  }

  /** The logins a node remembers under these settings. */
  public RecentLogins recentLogins(Clock clock) {
    return new RecentLogins(remember, rememberMax, clock);
  }

  /** From the whole configuration. */
  public static AuthSettings fromConfig(Config config) {
    return new AuthSettings(Argon2Settings.fromConfig(config.getConfig("relay.auth.argon2")),
        config.getInt("relay.auth.verify.threads"), config.getInt("relay.auth.verify.queue"),
        config.getDuration("relay.auth.verify.remember"),
        config.getInt("relay.auth.verify.remember-max"));
  }
}
