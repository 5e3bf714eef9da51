package relay.protocol.client;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import relay.protocol.settings.Bounds;

/**
 * The {@code relay.smtp.client} section, read once and checked (see reference.conf for each key
 * and its RFC). Timeouts follow RFC 5321 4.5.3.2 by default. {@link #port()} is the port callers
 * connect to on each MX address (25); {@link SmtpClientConnection#open} itself takes the full
 * socket address.
 */
public record ClientSettings(
    String heloName,
    int port,
    Duration connectTimeout,
    Duration greetingTimeout,
    Duration heloTimeout,
    Duration mailTimeout,
    Duration rcptTimeout,
    Duration dataInitTimeout,
    Duration dataBlockTimeout,
    Duration dataDoneTimeout,
    Duration rsetTimeout,
    Duration quitTimeout,
    Duration attemptTimeout,
    int maxReplyLineLength,
    int maxReplyLines,
    int bufferSize) {

  private static final String KEY = "relay.smtp.client.";
  private static final Duration MIN = Duration.ofMillis(1);
  private static final Duration HOUR = Duration.ofHours(1);

  public ClientSettings {
    if (heloName == null || heloName.isEmpty()) {
      throw new IllegalArgumentException("relay.smtp.client.helo-name is empty");
    }
    for (int i = 0; i < heloName.length(); i++) {
      char c = heloName.charAt(i);
      if (c <= ' ' || c >= 127) {
        throw new IllegalArgumentException("relay.smtp.client.helo-name has a space or control character");
      }
    }
    Bounds.within(KEY + "port", port, 1, 65535);
    Bounds.within(KEY + "connect-timeout", connectTimeout, MIN, Duration.ofMinutes(10));
    Bounds.within(KEY + "greeting-timeout", greetingTimeout, MIN, HOUR);
    Bounds.within(KEY + "helo-timeout", heloTimeout, MIN, HOUR);
    Bounds.within(KEY + "mail-timeout", mailTimeout, MIN, HOUR);
    Bounds.within(KEY + "rcpt-timeout", rcptTimeout, MIN, HOUR);
    Bounds.within(KEY + "data-init-timeout", dataInitTimeout, MIN, HOUR);
    Bounds.within(KEY + "data-block-timeout", dataBlockTimeout, MIN, HOUR);
    Bounds.within(KEY + "data-done-timeout", dataDoneTimeout, MIN, Duration.ofHours(2));
    Bounds.within(KEY + "rset-timeout", rsetTimeout, MIN, HOUR);
    Bounds.within(KEY + "quit-timeout", quitTimeout, MIN, HOUR);
    Bounds.within(KEY + "attempt-timeout", attemptTimeout, MIN, Duration.ofHours(4));
    Bounds.within(KEY + "max-reply-line-length", maxReplyLineLength, 512, 65536);
    Bounds.within(KEY + "max-reply-lines", maxReplyLines, 1, 10000);
    Bounds.within(KEY + "buffer-size", bufferSize, 1024, 16 * 1024 * 1024);
  }

  /**
   * Reads the {@code relay.smtp.client} section (the section, not the root config); an empty
   * helo-name becomes the local host's canonical name.
   */
  public static ClientSettings fromConfig(Config client) {
    return fromConfig(client, null);
  }

  /**
   * Reads the {@code relay.smtp.client} section; an empty helo-name becomes {@code defaultHeloName}
   * (the node passes relay.hostname), or the local host's canonical name when that is null.
   */
  public static ClientSettings fromConfig(Config client, String defaultHeloName) {
    String helo = client.getString("helo-name").trim();
    if (helo.isEmpty()) {
      helo = defaultHeloName != null ? defaultHeloName : localHostName();
    }
    return new ClientSettings(
        helo,
        client.getInt("port"),
        client.getDuration("connect-timeout"),
        client.getDuration("greeting-timeout"),
        client.getDuration("helo-timeout"),
        client.getDuration("mail-timeout"),
        client.getDuration("rcpt-timeout"),
        client.getDuration("data-init-timeout"),
        client.getDuration("data-block-timeout"),
        client.getDuration("data-done-timeout"),
        client.getDuration("rset-timeout"),
        client.getDuration("quit-timeout"),
        client.getDuration("attempt-timeout"),
        client.getInt("max-reply-line-length"),
        client.getInt("max-reply-lines"),
        (int) Math.min(Integer.MAX_VALUE, client.getBytes("buffer-size")));
  }

  /** The defaults from reference.conf. */
  public static ClientSettings defaults() {
    return fromConfig(ConfigFactory.defaultReference().getConfig("relay.smtp.client"));
  }

  /** A copy with every reply and write timeout (not connect) set to one value; for tests. */
  public ClientSettings withReplyTimeouts(Duration timeout) {
    return new ClientSettings(heloName, port, connectTimeout, timeout, timeout, timeout, timeout, timeout, timeout,
        timeout, timeout, timeout, attemptTimeout, maxReplyLineLength, maxReplyLines, bufferSize);
  }

  public ClientSettings withHeloName(String name) {
    return new ClientSettings(name, port, connectTimeout, greetingTimeout, heloTimeout, mailTimeout, rcptTimeout,
        dataInitTimeout, dataBlockTimeout, dataDoneTimeout, rsetTimeout, quitTimeout, attemptTimeout,
        maxReplyLineLength, maxReplyLines, bufferSize);
  }

  /** A copy that connects to another port (tests point it at a sink). */
  public ClientSettings withPort(int otherPort) {
    return new ClientSettings(heloName, otherPort, connectTimeout, greetingTimeout, heloTimeout, mailTimeout,
        rcptTimeout, dataInitTimeout, dataBlockTimeout, dataDoneTimeout, rsetTimeout, quitTimeout, attemptTimeout,
        maxReplyLineLength, maxReplyLines, bufferSize);
  }

  /** A copy with another attempt-timeout (tests). */
  public ClientSettings withAttemptTimeout(Duration timeout) {
    return new ClientSettings(heloName, port, connectTimeout, greetingTimeout, heloTimeout, mailTimeout,
        rcptTimeout, dataInitTimeout, dataBlockTimeout, dataDoneTimeout, rsetTimeout, quitTimeout, timeout,
        maxReplyLineLength, maxReplyLines, bufferSize);
  }

  private static String localHostName() {
    try {
      String name = InetAddress.getLocalHost().getCanonicalHostName();
      // RFC 5321 4.1.1.1: a bare IP is only valid as an address literal.
      if (name.indexOf(':') >= 0 || (!name.isEmpty() && Character.isDigit(name.charAt(name.length() - 1)))) {
        return "[" + (name.indexOf(':') >= 0 ? "IPv6:" : "") + name + "]";
      }
      return name;
    } catch (UnknownHostException e) {
      return "localhost.localdomain";
    }
  }
}
