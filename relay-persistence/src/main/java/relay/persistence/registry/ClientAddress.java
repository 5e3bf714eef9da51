package relay.persistence.registry;

import relay.persistence.CborSerializable;

/**
 * One source address a client connects from, with its role. {@code ip} is a single IPv4 or IPv6
 * address in canonical form ({@link IpAddresses}); a range ("10.0.0.0/8") or a host name is
 * refused, because a range would relay for every machine in it.
 */
public record ClientAddress(String ip, AddressRole role) implements CborSerializable {

  public ClientAddress {
    ip = IpAddresses.canonical("ip", ip);
    if (role == null) {
      throw new IllegalArgumentException("role: missing for " + ip
          + "; one of production, standby, test");
    }
  }
}
