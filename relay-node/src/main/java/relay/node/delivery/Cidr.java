package relay.node.delivery;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 network written as "address/prefix" (RFC 4632, RFC 4291 2.3), or a single
 * address (a /32 or /128). Only literals are accepted: nothing here ever asks DNS.
 */
record Cidr(byte[] network, int prefix) {

  /**
   * Parses one entry of an address list; the error names {@code key} and the entry.
   *
   * @throws IllegalArgumentException not a literal, a bad prefix, or host bits set after the prefix
   */
  static Cidr parse(String key, String text) {
    String s = text.trim();
    int slash = s.indexOf('/');
    String address = slash < 0 ? s : s.substring(0, slash);
    if (address.isEmpty() || !address.matches("[0-9A-Fa-f:.]+") || (!address.contains(".") && !address.contains(":"))) {
      throw new IllegalArgumentException(key + ": \"" + text + "\" is not an IP address or network");
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(address).getAddress(); // a literal: parsed, never looked up
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(key + ": \"" + text + "\" is not an IP address or network");
    }
    int bits = bytes.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException(key + ": \"" + text + "\" has a prefix outside 0.." + bits);
      }
    }
    for (int bit = prefix; bit < bits; bit++) {
      if ((bytes[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
        throw new IllegalArgumentException(key + ": \"" + text + "\" has host bits set after /" + prefix);
      }
    }
    return new Cidr(bytes, prefix);
  }

  /** True when {@code address} is of the same family and inside this network. */
  boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length != network.length) {
      return false;
    }
    int whole = prefix / 8;
    for (int i = 0; i < whole; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[whole] & mask) == (network[whole] & mask);
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      return "?/" + prefix;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefix == prefix && java.util.Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return 31 * java.util.Arrays.hashCode(network) + prefix;
  }
}
