package relay.node.delivery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Which addresses a destination may be delivered to: the relay never connects "home" for a
 * recipient domain, whatever DNS or an address literal says. In order:
 *
 * <ol>
 *   <li>an address and port of one of the relay's own SMTP listeners is a {@link Verdict#LOOP}
 *       (even when allowed below: mail sent there comes straight back);
 *   <li>an address inside {@code allowed-networks} is usable (tests, private networks);
 *   <li>an address inside {@code refused-networks}, or one that is not {@link AddressClass#PUBLIC}
 *       (unspecified, loopback, link-local, multicast, reserved), or one of the host's own
 *       interface addresses is {@link Verdict#REFUSED};
 *   <li>anything else is usable.
 * </ol>
 *
 * A hostile domain could otherwise point its MX at 127.0.0.1 or 169.254.169.254 and make the
 * relay talk SMTP to services on its own host or link (and an MX at the relay itself would loop
 * until the message expires).
 */
final class DestinationPolicy {

  enum Verdict { USABLE, LOOP, REFUSED }

  /** A verdict and, for logs, why. */
  record Judgement(Verdict verdict, String why) {}

  private final List<Cidr> allowed;
  private final List<Cidr> refused;
  private final OwnEndpoints own;

  DestinationPolicy(List<Cidr> allowed, List<Cidr> refused, OwnEndpoints own) {
    this.allowed = List.copyOf(allowed);
    this.refused = List.copyOf(refused);
    this.own = own;
  }

  Judgement judge(InetSocketAddress target) {
    InetAddress address = target.getAddress();
    if (address == null) {
      return new Judgement(Verdict.REFUSED, "unresolved");
    }
    if (own.isListener(target)) {
      return new Judgement(Verdict.LOOP, "this relay's own SMTP listener");
    }
    if (allowed.stream().anyMatch(c -> c.contains(address))) {
      return new Judgement(Verdict.USABLE, "allowed network");
    }
    if (refused.stream().anyMatch(c -> c.contains(address))) {
      return new Judgement(Verdict.REFUSED, "refused network");
    }
    AddressClass kind = AddressClass.of(address);
    if (kind != AddressClass.PUBLIC) {
      return new Judgement(Verdict.REFUSED, kind.text());
    }
    if (own.isOwnAddress(address)) {
      return new Judgement(Verdict.REFUSED, "this host's own address");
    }
    return new Judgement(Verdict.USABLE, "public");
  }
}
