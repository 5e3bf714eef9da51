package relay.node.delivery;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import relay.protocol.settings.Bounds;

/**
 * The {@code relay.delivery} section (relay-node's reference.conf), read once and checked: how
 * many addresses one attempt tries, which destination addresses are allowed or refused beyond
 * the built-in rules ({@link DestinationPolicy}), and how long a destination that stopped
 * answering counts as degraded on this node ({@link DestinationHealth}).
 */
public record DeliverySettings(int maxAddressesPerAttempt, List<Cidr> allowedNetworks,
    List<Cidr> refusedNetworks, Duration degradedFor) {

  public DeliverySettings {
    Bounds.within("relay.delivery.max-addresses-per-attempt", maxAddressesPerAttempt, 1, 100);
    allowedNetworks = List.copyOf(allowedNetworks);
    refusedNetworks = List.copyOf(refusedNetworks);
    Bounds.within("relay.delivery.degraded-for", degradedFor, Duration.ZERO, Duration.ofDays(1));
  }

  /** Reads the {@code relay.delivery} section (the section itself). */
  public static DeliverySettings fromConfig(Config delivery) {
    return new DeliverySettings(
        delivery.getInt("max-addresses-per-attempt"),
        delivery.getStringList("allowed-networks").stream()
            .map(n -> Cidr.parse("relay.delivery.allowed-networks", n)).toList(),
        delivery.getStringList("refused-networks").stream()
            .map(n -> Cidr.parse("relay.delivery.refused-networks", n)).toList(),
        delivery.getDuration("degraded-for"));
  }
}
