package relay.node.delivery;

import com.typesafe.config.Config;
import java.util.Objects;
import relay.protocol.client.ClientSettings;
import relay.protocol.client.ClientTlsSettings;
import relay.protocol.dns.DnsSettings;

/**
 * What outbound delivery is configured with, read and checked once at start: the SMTP client
 * ({@code relay.smtp.client}; its helo-name defaults to relay.hostname), the resolver
 * ({@code relay.dns}), the destination policy and attempt bounds ({@code relay.delivery}) and
 * outbound TLS ({@code relay.smtp.client.tls}) and MTA-STS ({@code relay.delivery.mta-sts}).
 */
public record OutboundSettings(ClientSettings client, DnsSettings dns, DeliverySettings delivery,
    ClientTlsSettings tls, MtaStsSettings mtaSts) {

  public OutboundSettings {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(mtaSts, "mtaSts");
    Objects.requireNonNull(dns, "dns");
    Objects.requireNonNull(delivery, "delivery");
  }

  /** From the root configuration; {@code hostname} is relay.hostname. */
  public static OutboundSettings fromConfig(Config root, String hostname) {
    return new OutboundSettings(
        ClientSettings.fromConfig(root.getConfig("relay.smtp.client"), hostname),
        DnsSettings.fromConfig(root.getConfig("relay.dns")),
        DeliverySettings.fromConfig(root.getConfig("relay.delivery")),
        ClientTlsSettings.fromConfig(root.getConfig("relay.smtp.client.tls")),
        MtaStsSettings.fromConfig(root.getConfig("relay.delivery.mta-sts")));
  }
}
