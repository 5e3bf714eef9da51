package relay.protocol.server;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import relay.protocol.address.Mailbox;
import relay.protocol.address.MailboxParser;
import relay.protocol.address.ParsedPath;
import relay.protocol.settings.Bounds;

/**
 * The limits and names of the inbound SMTP server, read once from {@code relay.smtp.server} and
 * {@code relay.postmaster} (see reference.conf for each key, its default and its RFC) and checked
 * against their bounds.
 *
 * @param hostname the name in the greeting, the 421 replies and the Received: header
 * @param postmaster where mail to {@code <postmaster>} goes (RFC 5321 4.5.1); empty: refused
 * @param maxMessageSize octets, for registered clients (advertised as SIZE)
 * @param maxRecipients per transaction, for registered clients
 * @param maxErrors protocol errors before 421 4.7.0
 * @param maxJunkCommands commands with the JUNK trait before each counts as an error
 * @param timeouts how long each part of a session may take
 * @param maxCommandLine octets incl. CRLF
 * @param maxTextLine octets incl. CRLF
 * @param maxReceivedHeaders Received: headers before a message is a loop
 * @param maxPendingOutput reply octets held for a client that does not read before the server
 *     stops reading its commands
 * @param socketSendBuffer the kernel's send buffer per connection (SO_SNDBUF), which also holds
 *     replies a client does not read
 * @param acceptBacklog connections the kernel queues before the node accepts them
 * @param maxConnections open connections per listener set (node), whoever the clients are
 * @param unidentified the bounds of connections that no registration identifies
 * @param extraEhloKeywords added to the EHLO reply
 */
public record SmtpServerSettings(
    String hostname,
    Optional<Mailbox> postmaster,
    long maxMessageSize,
    int maxRecipients,
    int maxErrors,
    int maxJunkCommands,
    Timeouts timeouts,
    int maxCommandLine,
    int maxTextLine,
    int maxReceivedHeaders,
    int maxPendingOutput,
    int socketSendBuffer,
    int acceptBacklog,
    int maxConnections,
    Unidentified unidentified,
    List<String> extraEhloKeywords) {

  private static final String KEY = "relay.smtp.server.";
  private static final Pattern HOSTNAME = Pattern.compile(
      "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern EHLO_LINE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*( [\\x21-\\x7e]+)*");

  /**
   * Deadlines of a session (RFC 5321 4.5.3.2 gives the per-step minimums; the whole-line and
   * rate rules are ours, against clients that trickle bytes to hold a connection).
   *
   * @param command a whole command line must arrive within this, counted from the reply to the
   *     previous one (not from the last byte)
   * @param data message content may take this long plus its octets at {@code minDataRate}
   * @param minDataRate octets per second a message's content must keep up on average
   * @param maxSession a session's lifetime; it closes at the end of the transaction in progress
   * @param write a reply the client does not read for this long closes the connection
   */
  public record Timeouts(Duration command, Duration data, long minDataRate, Duration maxSession,
      Duration write) {
    public Timeouts {
      Bounds.within(KEY + "command-timeout", command, Duration.ofSeconds(1), Duration.ofHours(1));
      Bounds.within(KEY + "data-timeout", data, Duration.ofSeconds(1), Duration.ofHours(1));
      Bounds.within(KEY + "min-data-rate", minDataRate, 1, 1L << 30);
      Bounds.within(KEY + "max-session-time", maxSession, Duration.ofSeconds(1), Duration.ofDays(1));
      Bounds.within(KEY + "write-timeout", write, Duration.ofSeconds(1), Duration.ofHours(1));
    }

    /** How long the content received so far may have taken: data + octets / min-data-rate. */
    public Duration contentAllowance(long octets) {
      return data.plusMillis(Math.min(Long.MAX_VALUE / 4, octets * 1000 / minDataRate));
    }
  }

  /**
   * Bounds of unidentified connections (no registered address, no AUTH): they may only mail
   * postmaster, so they need little, and they are where floods come from.
   *
   * @param maxConnections open at once on this node, all addresses together
   * @param maxConnectionsPerAddress open at once from one IP address
   * @param maxMessageSize octets of one message to postmaster
   * @param messagesPerHour messages to postmaster accepted per hour from one IP address
   */
  public record Unidentified(int maxConnections, int maxConnectionsPerAddress,
      long maxMessageSize, int messagesPerHour) {
    public Unidentified {
      Bounds.within(KEY + "unidentified.max-connections", maxConnections, 1, 1_000_000);
      Bounds.within(KEY + "unidentified.max-connections-per-address", maxConnectionsPerAddress,
          1, 1_000_000);
      Bounds.within(KEY + "unidentified.max-message-size", maxMessageSize, 1024, 1L << 30);
      Bounds.within(KEY + "unidentified.messages-per-hour", messagesPerHour, 0, 1_000_000);
    }
  }

  public SmtpServerSettings {
    Objects.requireNonNull(hostname, "hostname");
    if (hostname.length() > 255 || !HOSTNAME.matcher(hostname).matches()) {
      throw new IllegalArgumentException(KEY + "hostname is not a host name: " + hostname);
    }
    Objects.requireNonNull(postmaster, "postmaster");
    Bounds.within(KEY + "max-message-size", maxMessageSize, 1024, 1L << 40);
    Bounds.within(KEY + "max-recipients", maxRecipients, 1, 100_000);
    Bounds.within(KEY + "max-errors", maxErrors, 1, 1000);
    Bounds.within(KEY + "max-junk-commands", maxJunkCommands, 0, 1_000_000);
    Objects.requireNonNull(timeouts, "timeouts");
    Bounds.within(KEY + "max-command-line", maxCommandLine, 512, 65_536);
    Bounds.within(KEY + "max-text-line", maxTextLine, 1000, 1_048_576);
    Bounds.within(KEY + "max-received-headers", maxReceivedHeaders, 1, 1000);
    Bounds.within(KEY + "max-pending-output", maxPendingOutput, 1024, 16 << 20);
    Bounds.within(KEY + "socket-send-buffer", socketSendBuffer, 4096, 16 << 20);
    Bounds.within(KEY + "accept-backlog", acceptBacklog, 1, 65_535);
    Bounds.within(KEY + "max-connections", maxConnections, 1, 1_000_000);
    Objects.requireNonNull(unidentified, "unidentified");
    extraEhloKeywords = List.copyOf(extraEhloKeywords);
    for (String keyword : extraEhloKeywords) {
      if (!EHLO_LINE.matcher(keyword).matches()) {
        throw new IllegalArgumentException(KEY + "extra-ehlo-keywords has a malformed entry: "
            + keyword);
      }
    }
  }

  /**
   * Reads {@code relay.smtp.server} and {@code relay.postmaster} from the node's whole
   * configuration.
   */
  public static SmtpServerSettings fromConfig(Config config) {
    Config server = config.getConfig("relay.smtp.server");
    Config unidentified = server.getConfig("unidentified");
    return new SmtpServerSettings(
        server.getString("hostname"),
        postmaster(config.getString("relay.postmaster")),
        server.getBytes("max-message-size"),
        server.getInt("max-recipients"),
        server.getInt("max-errors"),
        server.getInt("max-junk-commands"),
        new Timeouts(server.getDuration("command-timeout"), server.getDuration("data-timeout"),
            server.getBytes("min-data-rate"), server.getDuration("max-session-time"),
            server.getDuration("write-timeout")),
        server.getInt("max-command-line"),
        server.getInt("max-text-line"),
        server.getInt("max-received-headers"),
        octets(server, "max-pending-output"),
        octets(server, "socket-send-buffer"),
        server.getInt("accept-backlog"),
        server.getInt("max-connections"),
        new Unidentified(unidentified.getInt("max-connections"),
            unidentified.getInt("max-connections-per-address"),
            unidentified.getBytes("max-message-size"), unidentified.getInt("messages-per-hour")),
        server.getStringList("extra-ehlo-keywords"));
  }

  /** The limits that apply to one client's transactions. */
  public SessionLimits limitsFor(ClientIdentity client) {
    return client.mayRelay() ? new SessionLimits(maxMessageSize, maxRecipients)
        : new SessionLimits(Math.min(maxMessageSize, unidentified.maxMessageSize()), 1);
  }

  /** The same settings with another host name (tests). */
  public SmtpServerSettings withHostname(String name) {
    return new SmtpServerSettings(name, postmaster, maxMessageSize, maxRecipients, maxErrors,
        maxJunkCommands, timeouts, maxCommandLine, maxTextLine, maxReceivedHeaders,
        maxPendingOutput, socketSendBuffer, acceptBacklog, maxConnections, unidentified,
        extraEhloKeywords);
  }

  private static int octets(Config server, String key) {
    return (int) Math.min(Integer.MAX_VALUE, server.getBytes(key));
  }

  private static Optional<Mailbox> postmaster(String address) {
    if (address.isBlank()) {
      return Optional.empty();
    }
    ParsedPath path = MailboxParser.parseForwardPath("<" + address.strip() + ">", false);
    if (path instanceof ParsedPath.Ok ok) {
      return Optional.of(ok.mailbox());
    }
    throw new IllegalArgumentException("relay.postmaster = \"" + address
        + "\" is not a mailbox address (local@domain)");
  }
}
