package relay.protocol.dns;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Address;
import relay.protocol.settings.Bounds;

/**
 * The {@code relay.dns} section, read once and checked. See reference.conf for each key.
 *
 * @param servers DNS servers to ask; empty = the system's resolvers
 * @param timeout wait for one answer from one server
 * @param retries further tries per server after a timeout
 * @param maxMxHosts most MX hosts returned for one domain
 * @param cacheMaxTtl longest time a positive answer is cached; zero = no cache
 * @param cacheMaxEntries most domains in the cache
 */
public record DnsSettings(
    List<InetSocketAddress> servers,
    Duration timeout,
    int retries,
    int maxMxHosts,
    Duration cacheMaxTtl,
    int cacheMaxEntries) {

  public DnsSettings {
    servers = List.copyOf(servers);
    Bounds.within("relay.dns.timeout", timeout, Duration.ofMillis(1), Duration.ofMinutes(5));
    Bounds.within("relay.dns.retries", retries, 0, 10);
    Bounds.within("relay.dns.max-mx-hosts", maxMxHosts, 1, 100);
    Bounds.within("relay.dns.cache-max-ttl", cacheMaxTtl, Duration.ZERO, Duration.ofDays(1));
    Bounds.within("relay.dns.cache-max-entries", cacheMaxEntries, 0, 1_000_000);
  }

  /** Settings without a cache, as tests want them: every lookup reaches the server. */
  public static DnsSettings uncached(List<InetSocketAddress> servers, Duration timeout, int retries) {
    return new DnsSettings(servers, timeout, retries, 10, Duration.ZERO, 0);
  }

  /** Reads the {@code relay.dns} section (the section itself, not the root config). */
  public static DnsSettings fromConfig(Config dns) {
    List<InetSocketAddress> servers = new ArrayList<>();
    for (String server : dns.getStringList("servers")) {
      servers.add(parseServer(server));
    }
    return new DnsSettings(
        servers,
        dns.getDuration("timeout"),
        dns.getInt("retries"),
        dns.getInt("max-mx-hosts"),
        dns.getDuration("cache-max-ttl"),
        dns.getInt("cache-max-entries"));
  }

  /**
   * Parses "address:port", "[v6-address]:port" or a bare address (port 53). Host names are
   * refused: resolving the resolver's own name would need a resolver.
   */
  static InetSocketAddress parseServer(String text) {
    String s = text.trim();
    String host = s;
    int port = 53;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("relay.dns.servers: unclosed '[' in " + text);
      }
      host = s.substring(1, close);
      if (close + 1 < s.length()) {
        if (s.charAt(close + 1) != ':') {
          throw new IllegalArgumentException("relay.dns.servers: expected ':port' after ']' in " + text);
        }
        port = parsePort(text, s.substring(close + 2));
      }
    } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
      host = s.substring(0, s.indexOf(':'));
      port = parsePort(text, s.substring(s.indexOf(':') + 1));
    }
    try {
      InetAddress address = Address.getByAddress(host);
      return new InetSocketAddress(address, port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("relay.dns.servers: not an IP address: " + text, e);
    }
  }

  private static int parsePort(String text, String port) {
    try {
      int p = Integer.parseInt(port);
      if (p < 1 || p > 65535) {
        throw new IllegalArgumentException("relay.dns.servers: port out of range in " + text);
      }
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("relay.dns.servers: bad port in " + text, e);
    }
  }
}
