package relay.node.smtp;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import relay.persistence.quota.QuotaLeases;
import relay.persistence.quota.QuotaLimits;
import relay.persistence.registry.Block;
import relay.persistence.registry.BlockKind;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.ClientRecord;
import relay.persistence.registry.RegistrySnapshot;
import relay.persistence.registry.RegistryView;
import relay.protocol.address.Mailbox;
import relay.protocol.server.EnvelopePolicy;
import relay.protocol.server.EnvelopeRefusal;
import relay.protocol.server.RefusalReason;
import relay.protocol.server.SessionLimits;

/**
 * The operator's envelope rules for one connection, read from this node's registry view at each
 * MAIL and RCPT (a volatile read, no I/O), so a block added during a session applies from the
 * next command:
 * <ul>
 *   <li>MAIL: a block of the client, of the sender address or of its domain (exact domain, not
 *       its subdomains): 554 5.7.1 with the operator's reason; a domain outside the client's
 *       allowed sender domains (empty = any): 550 5.7.1;
 *   <li>RCPT: a block of the recipient's domain (exact): 554 5.7.1 with the reason;
 *   <li>RCPT, last: the client's hourly and daily recipient quotas, counted across the cluster
 *       from this node's lease ({@link QuotaLeases}, no I/O): 452 4.5.3 with the reset time;
 *   <li>limits: the client's own max-message-size and max-recipients-per-message where set, the
 *       server's otherwise.
 * </ul>
 * An unidentified connection ({@code client} empty) is held to the blocks only.
 */
final class RegistryEnvelopePolicy implements EnvelopePolicy {

  private final RegistryView view;
  private final Optional<ClientId> client;
  private final QuotaLeases quotas;
  private final Clock clock;

  RegistryEnvelopePolicy(RegistryView view, Optional<ClientId> client, QuotaLeases quotas,
      Clock clock) {
    this.view = view;
    this.client = client;
    this.quotas = quotas;
    this.clock = clock;
  }

  @Override
  public Optional<EnvelopeRefusal> sender(Mailbox sender) {
    RegistrySnapshot registry = view.current();
    Instant now = clock.instant();
    Optional<EnvelopeRefusal> blocked = client
        .flatMap(id -> registry.activeBlock(BlockKind.CLIENT, id.value(), now))
        .map(b -> blocked(RefusalReason.BLOCKED_CLIENT, b))
        .or(() -> registry.activeBlock(BlockKind.SENDER, sender.address(), now)
            .map(b -> blocked(RefusalReason.BLOCKED_SENDER, b)))
        .or(() -> registry.activeBlock(BlockKind.SENDER_DOMAIN, sender.domainKey(), now)
            .map(b -> blocked(RefusalReason.BLOCKED_SENDER_DOMAIN, b)));
    if (blocked.isPresent()) {
      return blocked;
    }
    Optional<ClientRecord> record = client.flatMap(registry::client);
    if (record.isPresent() && !record.get().allowsSenderDomain(sender.domainKey())) {
      return Optional.of(new EnvelopeRefusal.SenderDomainNotAllowed());
    }
    return Optional.empty();
  }

  @Override
  public Optional<EnvelopeRefusal> recipient(Mailbox recipient) {
    return view.current()
        .activeBlock(BlockKind.RECIPIENT_DOMAIN, recipient.domainKey(), clock.instant())
        .map(block -> blocked(RefusalReason.BLOCKED_RECIPIENT_DOMAIN, block));
  }

  private static EnvelopeRefusal blocked(RefusalReason what, Block block) {
    return new EnvelopeRefusal.Blocked(what, block.reason());
  }

  @Override
  public Optional<EnvelopeRefusal> countRecipient(Mailbox recipient) {
    Optional<ClientRecord> record = client.flatMap(view.current()::client);
    if (record.isEmpty()) {
      return Optional.empty();
    }
    return quotas.count(record.get().id().value(), QuotaLimits.of(record.get().limits()));
  }

  @Override
  public SessionLimits limits(SessionLimits server) {
    Optional<ClientRecord> record = client.flatMap(view.current()::client);
    if (record.isEmpty()) {
      return server;
    }
    return new SessionLimits(
        record.get().limits().maxMessageSize().orElse(server.maxMessageSize()),
        record.get().limits().maxRecipientsPerMessage().orElse(server.maxRecipients()));
  }

  @Override
  public String toString() {
    return "RegistryEnvelopePolicy(" + client.map(ClientId::value).orElse("unidentified") + ")";
  }
}
