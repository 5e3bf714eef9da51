package relay.persistence.registry;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The clients a block concerns, whose contacts are told of it: a {@code client} block its
 * client; an {@code ip} block the client that registered the address; a {@code sender-domain}
 * block every client that lists the domain among its sender domains, a {@code sender} block every
 * client that lists the address's domain. A client allowed any sender domain (an empty list) is
 * not taken to own every domain. {@code recipient-domain} blocks concern no client.
 */
final class BlockSubjects {

  private BlockSubjects() {}

  /** The change of {@code block} with the clients among {@code clients} it concerns. */
  static BlockChange change(BlockChange.Change change, Block block,
      Collection<ClientRecord> clients, String actor, java.time.Instant at) {
    return new BlockChange(change, block, concerned(block, clients), actor, at);
  }

  static List<ClientRecord> concerned(Block block, Collection<ClientRecord> clients) {
    switch (block.kind()) {
      case CLIENT:
        return clients.stream().filter(c -> c.id().value().equals(block.value())).toList();
      case IP:
        return clients.stream().filter(c -> c.address(block.value()).isPresent()).toList();
      case SENDER_DOMAIN:
        return listing(block.value(), clients);
      case SENDER:
        return listing(block.value().substring(block.value().lastIndexOf('@') + 1)
            .toLowerCase(Locale.ROOT), clients);
      default:
        return List.of();
    }
  }

  private static List<ClientRecord> listing(String domain, Collection<ClientRecord> clients) {
    return clients.stream().filter(c -> c.senderDomains().contains(domain)).toList();
  }
}
