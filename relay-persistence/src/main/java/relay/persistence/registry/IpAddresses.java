package relay.persistence.registry;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The canonical text of one IP address, the key under which the registry files it: IPv4 in
 * dotted decimal without leading zeros, IPv6 in the RFC 5952 form (lower case, the longest run of
 * two or more zero groups as "::"), an IPv4-mapped IPv6 address as the IPv4 address it maps (the
 * JDK hands such connections over as IPv4 too). Only literals are read: a name is never looked
 * up in DNS.
 */
public final class IpAddresses {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final Pattern RANGE = Pattern.compile(".*([/*]|\\d\\s*-\\s*\\d).*");

  private IpAddresses() {}

  /**
   * The canonical form of {@code ip} (surrounding blanks ignored), or an {@link
   * IllegalArgumentException} whose message starts with {@code field} and says what is wrong: a
   * range ("10.0.0.0/8 is a range; register single addresses"), a host name, or a malformed
   * literal.
   */
  public static String canonical(String field, String ip) {
    if (ip == null || ip.isBlank()) {
      throw new IllegalArgumentException(field + ": an IP address is required");
    }
    String s = ip.strip();
    if (RANGE.matcher(s).matches()) {
      throw new IllegalArgumentException(field + ": " + s
          + " is a range; register single addresses");
    }
    return parse(s).orElseThrow(() -> new IllegalArgumentException(field + ": \"" + s + "\" is "
        + (looksLikeName(s) ? "a host name, not an IP address; register single IP addresses"
            : "not a valid IPv4 or IPv6 address")));
  }

  /** The canonical form of {@code ip}, or empty when it is not a single address literal. */
  public static Optional<String> tryCanonical(String ip) {
    return ip == null ? Optional.empty() : parse(ip.strip());
  }

  /** The canonical form of an address the JDK already parsed (a connection's peer). */
  public static String canonical(InetAddress address) {
    if (address instanceof Inet6Address) {
      return ipv6Text(address.getAddress());
    }
    return address.getHostAddress();
  }

  private static Optional<String> parse(String s) {
    if (IPV4.matcher(s).matches()) {
      StringBuilder out = new StringBuilder(15);
      for (String part : s.split("\\.")) {
        if (part.length() > 1 && part.charAt(0) == '0') {
          return Optional.empty(); // 010 is octal to some parsers: ambiguous, refused
        }
        int octet = Integer.parseInt(part);
        if (octet > 255) {
          return Optional.empty();
        }
        out.append(out.length() == 0 ? "" : ".").append(octet);
      }
      return Optional.of(out.toString());
    }
    if (IPV6.matcher(s).matches() && s.length() <= 45) {
      try {
        // In brackets the JDK parses a literal or fails; it never falls back to a DNS lookup.
        InetAddress a = InetAddress.getByName("[" + s + "]");
        return Optional.of(a instanceof Inet4Address ? a.getHostAddress()
            : ipv6Text(a.getAddress()));
      } catch (UnknownHostException | IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static boolean looksLikeName(String s) {
    return s.matches("[A-Za-z0-9._-]*[A-Za-z][A-Za-z0-9._-]*");
  }

  /** RFC 5952 section 4: lower case, no leading zeros, longest zero run (length >= 2) as "::". */
  private static String ipv6Text(byte[] bytes) {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 0;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    if (bestLength < 2) {
      bestStart = -1;
    }
    StringBuilder out = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }
}
