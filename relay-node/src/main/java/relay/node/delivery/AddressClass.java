package relay.node.delivery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * What kind of address a destination resolved to, as far as the relay's refusal to deliver "home"
 * goes. Only {@link #PUBLIC} is delivered to without the operator's allow list; private-use
 * ranges (RFC 1918, RFC 4193) count as public here, since relays inside organisations deliver to
 * them; an operator who wants them refused lists them in relay.delivery.refused-networks.
 * (IPv4-mapped IPv6 addresses arrive here as the IPv4 address they map: the JDK converts them.)
 */
enum AddressClass {
  PUBLIC("public"),
  /** 0.0.0.0/8 ("this network", RFC 1122 3.2.1.3; connecting to it reaches this host) and ::. */
  UNSPECIFIED("unspecified"),
  /** 127.0.0.0/8 and ::1 (RFC 1122, RFC 4291 2.5.3). */
  LOOPBACK("loopback"),
  /** 169.254.0.0/16 (RFC 3927) and fe80::/10 (RFC 4291 2.5.6). */
  LINK_LOCAL("link-local"),
  /** 224.0.0.0/4 and ff00::/8: not a host at all. */
  MULTICAST("multicast"),
  /**
   * 240.0.0.0/4 with the broadcast address (RFC 1112 4, RFC 919), deprecated site-local fec0::/10
   * (RFC 3879) and IPv4-compatible ::a.b.c.d (RFC 4291 2.5.5.1).
   */
  RESERVED("reserved");

  private final String text;

  AddressClass(String text) {
    this.text = text;
  }

  String text() {
    return text;
  }

  static AddressClass of(InetAddress address) {
    if (address instanceof Inet4Address) {
      int first = address.getAddress()[0] & 0xff;
      int second = address.getAddress()[1] & 0xff;
      if (first == 0) {
        return UNSPECIFIED;
      }
      if (first == 127) {
        return LOOPBACK;
      }
      if (first == 169 && second == 254) {
        return LINK_LOCAL;
      }
      if (first >= 224 && first <= 239) {
        return MULTICAST;
      }
      if (first >= 240) {
        return RESERVED;
      }
      return PUBLIC;
    }
    Inet6Address v6 = (Inet6Address) address;
    if (v6.isAnyLocalAddress()) {
      return UNSPECIFIED;
    }
    if (v6.isLoopbackAddress()) {
      return LOOPBACK;
    }
    if (v6.isLinkLocalAddress()) {
      return LINK_LOCAL;
    }
    if (v6.isMulticastAddress()) {
      return MULTICAST;
    }
    if (v6.isSiteLocalAddress() || v6.isIPv4CompatibleAddress()) {
      return RESERVED;
    }
    return PUBLIC;
  }
}
