package relay.node.delivery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Where this relay itself is: the addresses of its network interfaces (looked up again at most
 * once a minute, since interfaces come and go) and the SMTP listeners' bound addresses (known
 * once they are bound; {@code relay.node.RelayNode} reports them). Delivering to one of them
 * would be delivering home; to a listener, a mail loop. Thread-safe.
 */
public final class OwnEndpoints {

  private static final long REFRESH_NANOS = 60_000_000_000L;

  private final Supplier<Set<InetAddress>> interfaces;
  private volatile List<InetSocketAddress> listeners;
  private volatile Set<InetAddress> addresses;
  private volatile long addressesAt;

  OwnEndpoints(Supplier<Set<InetAddress>> interfaces, List<InetSocketAddress> listeners) {
    this.interfaces = interfaces;
    this.listeners = List.copyOf(listeners);
    this.addresses = Set.copyOf(interfaces.get());
    this.addressesAt = System.nanoTime();
  }

  /**
   * This host's interfaces; the listeners as configured until {@link #listenersBound} gives the
   * real ones (a listener on port 0 has no port before it is bound).
   */
  public static OwnEndpoints ofThisHost(List<InetSocketAddress> configuredListeners) {
    return new OwnEndpoints(OwnEndpoints::interfaceAddresses, configuredListeners.stream()
        .filter(a -> a.getPort() != 0 && !a.isUnresolved()).toList());
  }

  /** The listeners' addresses once bound. */
  public void listenersBound(List<InetSocketAddress> bound) {
    this.listeners = List.copyOf(bound);
  }

  /** True when {@code address} is one of this host's interface addresses. */
  boolean isOwnAddress(InetAddress address) {
    return addresses().contains(address);
  }

  /**
   * True when connecting to {@code target} would reach one of this relay's SMTP listeners: the
   * same address and port, or the listener's port on any address of this host when the listener
   * is bound to the wildcard address.
   */
  boolean isListener(InetSocketAddress target) {
    InetAddress address = target.getAddress();
    if (address == null) {
      return false;
    }
    for (InetSocketAddress listener : listeners) {
      if (listener.getPort() != target.getPort() || listener.getAddress() == null) {
        continue;
      }
      InetAddress bound = listener.getAddress();
      if (bound.equals(address)) {
        return true;
      }
      if (bound.isAnyLocalAddress()
          && (address.isLoopbackAddress() || address.isAnyLocalAddress() || isOwnAddress(address))) {
        return true;
      }
    }
    return false;
  }

  private Set<InetAddress> addresses() {
    long now = System.nanoTime();
    if (now - addressesAt > REFRESH_NANOS) {
      addresses = Set.copyOf(interfaces.get());
      addressesAt = now;
    }
    return addresses;
  }

  /** Every address of every interface that is up; empty if the system will not say. */
  private static Set<InetAddress> interfaceAddresses() {
    Set<InetAddress> all = new HashSet<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (nif.isUp()) {
          all.addAll(Collections.list(nif.getInetAddresses()));
        }
      }
    } catch (SocketException e) {
      // no list: loopback and the listeners are still recognised
    }
    return all;
  }
}
