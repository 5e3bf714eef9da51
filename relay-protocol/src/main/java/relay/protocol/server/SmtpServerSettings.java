package relay.protocol.server;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The limits and names of the inbound SMTP server, read once from {@code relay.smtp.server}
 * (see reference.conf for each key, its default and its RFC) and checked against their bounds.
 */
public record SmtpServerSettings(
    String hostname,
    long maxMessageSize,
    int maxRecipients,
    int maxErrors,
    Duration commandTimeout,
    Duration dataTimeout,
    int maxCommandLine,
    int maxTextLine,
    int maxReceivedHeaders,
    List<String> extraEhloKeywords) {

  private static final Pattern HOSTNAME = Pattern.compile(
      "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern EHLO_LINE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*( [\\x21-\\x7e]+)*");

  public SmtpServerSettings {
    Objects.requireNonNull(hostname, "hostname");
    if (hostname.length() > 255 || !HOSTNAME.matcher(hostname).matches()) {
      throw new IllegalArgumentException("relay.smtp.server.hostname is not a host name: " + hostname);
    }
    within("max-message-size", maxMessageSize, 1024, 1L << 40);
    within("max-recipients", maxRecipients, 1, 100_000);
    within("max-errors", maxErrors, 1, 1000);
    within("command-timeout", commandTimeout, Duration.ofSeconds(1), Duration.ofHours(1));
    within("data-timeout", dataTimeout, Duration.ofSeconds(1), Duration.ofHours(1));
    within("max-command-line", maxCommandLine, 512, 65_536);
    within("max-text-line", maxTextLine, 1000, 1_048_576);
    within("max-received-headers", maxReceivedHeaders, 1, 1000);
    extraEhloKeywords = List.copyOf(extraEhloKeywords);
    for (String keyword : extraEhloKeywords) {
      if (!EHLO_LINE.matcher(keyword).matches()) {
        throw new IllegalArgumentException(
            "relay.smtp.server.extra-ehlo-keywords has a malformed entry: " + keyword);
      }
    }
  }

  /** Reads the {@code relay.smtp.server} section: {@code config.getConfig("relay.smtp.server")}. */
  public static SmtpServerSettings fromConfig(Config config) {
    return new SmtpServerSettings(
        config.getString("hostname"),
        config.getBytes("max-message-size"),
        config.getInt("max-recipients"),
        config.getInt("max-errors"),
        config.getDuration("command-timeout"),
        config.getDuration("data-timeout"),
        config.getInt("max-command-line"),
        config.getInt("max-text-line"),
        config.getInt("max-received-headers"),
        config.getStringList("extra-ehlo-keywords"));
  }

  /** The same settings with another host name (tests and per-listener names). */
  public SmtpServerSettings withHostname(String name) {
    return new SmtpServerSettings(name, maxMessageSize, maxRecipients, maxErrors, commandTimeout,
        dataTimeout, maxCommandLine, maxTextLine, maxReceivedHeaders, extraEhloKeywords);
  }

  private static void within(String key, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException("relay.smtp.server." + key + " = " + value
          + " is outside " + min + " .. " + max);
    }
  }

  private static void within(String key, Duration value, Duration min, Duration max) {
    Objects.requireNonNull(value, key);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException("relay.smtp.server." + key + " = " + value
          + " is outside " + min + " .. " + max);
    }
  }
}
