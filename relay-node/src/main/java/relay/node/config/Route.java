package relay.node.config;

import java.net.InetSocketAddress;

/**
 * A static route or smarthost: deliver to this host and port instead of the domain's MX hosts.
 * The host is a name (resolved by the system resolver) or an address literal, written in
 * brackets in the configuration ("[192.0.2.1]:25", "[2001:db8::1]:25").
 */
public record Route(String host, int port) {

  /** Parses "host:port" from {@code relay.routes}; the error names the key and the domain. */
  static Route parse(String domain, String target) {
    int colon = target.lastIndexOf(':');
    if (colon <= 0 || colon == target.length() - 1) {
      throw new IllegalArgumentException("relay.routes: \"" + domain + "\" must map to host:port, not \"" + target + "\"");
    }
    int port;
    try {
      port = Integer.parseInt(target.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("relay.routes: \"" + domain + "\" has a bad port in \"" + target + "\"");
    }
    String host = target.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new Route(host, port);
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(host, port);
  }
}
