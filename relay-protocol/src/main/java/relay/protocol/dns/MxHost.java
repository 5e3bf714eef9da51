package relay.protocol.dns;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * One host to try for a destination: its name (lower case, without the trailing dot), the MX preference
 * (0 for an implicit MX, RFC 5321 5.1) and its addresses, IPv4 first, then IPv6.
 */
public record MxHost(String name, int preference, List<InetAddress> addresses) {

  public MxHost {
    Objects.requireNonNull(name, "name");
    addresses = List.copyOf(addresses);
  }
}
