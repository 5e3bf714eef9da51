package relay.persistence.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import relay.persistence.registry.RegistryEntity.ActionRecorded;
import relay.persistence.registry.RegistryEntity.BlockAdded;
import relay.persistence.registry.RegistryEntity.BlockExpired;
import relay.persistence.registry.RegistryEntity.BlockRemoved;
import relay.persistence.registry.RegistryEntity.ClientCreated;
import relay.persistence.registry.RegistryEntity.ClientDeleted;
import relay.persistence.registry.RegistryEntity.ClientImported;
import relay.persistence.registry.RegistryEntity.ClientReplaced;
import relay.persistence.registry.RegistryEntity.CredentialAdded;
import relay.persistence.registry.RegistryEntity.CredentialRemoved;
import relay.persistence.registry.RegistryEntity.Event;
import relay.persistence.registry.RegistryEntity.State;
import relay.persistence.registry.RegistryEntity.TokenCreated;
import relay.persistence.registry.RegistryEntity.TokenRevoked;

/**
 * How each {@link RegistryEntity} event changes its {@link State}: the record it adds, replaces
 * or removes, and the audit entry it makes (newest first, at most relay.registry.audit-entries).
 * Pure: replay gives the same state.
 */
final class RegistryEvents {

  private RegistryEvents() {}

  static State apply(State s, Event event, int auditEntries) {
    if (event instanceof ClientCreated e) {
      return audited(withClient(s, e.client()), auditEntries, new AuditEntry(e.at(), e.actor(),
          "client-created", e.client().id().value(), e.client().name()));
    }
    if (event instanceof ClientReplaced e) {
      return audited(withClient(s, e.client()), auditEntries, new AuditEntry(e.at(), e.actor(),
          "client-replaced", e.client().id().value(), e.client().name()));
    }
    if (event instanceof ClientImported e) {
      return audited(withClient(s, e.client()), auditEntries, new AuditEntry(e.at(),
          RegistryEntity.CONFIG_ACTOR, "client-imported", e.client().id().value(),
          e.client().name()));
    }
    if (event instanceof ClientDeleted e) {
      Map<String, ClientRecord> rest = new TreeMap<>(s.clients());
      rest.remove(e.id().value());
      return audited(new State(rest, s.blocks(), s.audit(), s.blocksAdded(), s.tokens(),
          s.tokensAdded(), s.credentials(), s.credentialsAdded()), auditEntries,
          new AuditEntry(e.at(), e.actor(), "client-deleted", e.id().value(), ""));
    }
    if (event instanceof BlockAdded e) {
      Block b = e.block();
      Map<String, Block> more = new TreeMap<>(s.blocks());
      more.put(b.id(), b);
      return audited(new State(s.clients(), more, s.audit(), s.blocksAdded() + 1, s.tokens(),
          s.tokensAdded(), s.credentials(), s.credentialsAdded()), auditEntries,
          new AuditEntry(b.createdAt(), b.createdBy(), "block-added", b.id(),
              b.kind().wireName() + " " + b.value() + b.until().map(u -> " until " + u)
                  .orElse("") + ": " + b.reason()));
    }
    if (event instanceof BlockRemoved e) {
      return audited(withoutBlock(s, e.id()), auditEntries, new AuditEntry(e.at(), e.actor(),
          "block-removed", e.id(), describe(s, e.id())));
    }
    if (event instanceof ActionRecorded e) {
      return audited(s, auditEntries, e.entry());
    }
    if (event instanceof TokenCreated e) {
      ApiToken t = e.token();
      Map<String, ApiToken> more = new TreeMap<>(s.tokens());
      more.put(t.id(), t);
      return audited(new State(s.clients(), s.blocks(), s.audit(), s.blocksAdded(), more,
          s.tokensAdded() + 1, s.credentials(), s.credentialsAdded()), auditEntries,
          new AuditEntry(t.createdAt(), t.createdBy(), "token-created", t.id(), t.describe()));
    }
    if (event instanceof TokenRevoked e) {
      ApiToken t = s.tokens().get(e.id());
      Map<String, ApiToken> rest = new TreeMap<>(s.tokens());
      rest.remove(e.id());
      return audited(new State(s.clients(), s.blocks(), s.audit(), s.blocksAdded(), rest,
          s.tokensAdded(), s.credentials(), s.credentialsAdded()), auditEntries,
          new AuditEntry(e.at(), e.actor(), "token-revoked", e.id(),
              t == null ? "" : t.describe()));
    }
    if (event instanceof CredentialAdded e) {
      Credential c = e.credential();
      Map<String, Credential> more = new TreeMap<>(s.credentials());
      more.put(c.id(), c);
      return audited(new State(s.clients(), s.blocks(), s.audit(), s.blocksAdded(), s.tokens(),
          s.tokensAdded(), more, s.credentialsAdded() + 1), auditEntries, new AuditEntry(
          c.createdAt(), c.createdBy(), "credential-added", c.id(), c.describe()));
    }
    if (event instanceof CredentialRemoved e) {
      Credential c = s.credentials().get(e.id());
      Map<String, Credential> rest = new TreeMap<>(s.credentials());
      rest.remove(e.id());
      return audited(new State(s.clients(), s.blocks(), s.audit(), s.blocksAdded(), s.tokens(),
          s.tokensAdded(), rest, s.credentialsAdded()), auditEntries, new AuditEntry(e.at(),
          e.actor(), "credential-removed", e.id(), c == null ? "" : c.describe()));
    }
    BlockExpired e = (BlockExpired) event;
    return audited(withoutBlock(s, e.id()), auditEntries, new AuditEntry(e.at(),
        RegistryEntity.REGISTRY_ACTOR, "block-expired", e.id(), describe(s, e.id())));
  }

  private static String describe(State s, String blockId) {
    Block b = s.blocks().get(blockId);
    return b == null ? "" : b.kind().wireName() + " " + b.value();
  }

  private static State withClient(State s, ClientRecord client) {
    Map<String, ClientRecord> more = new TreeMap<>(s.clients());
    more.put(client.id().value(), client);
    return new State(more, s.blocks(), s.audit(), s.blocksAdded(), s.tokens(), s.tokensAdded(),
        s.credentials(), s.credentialsAdded());
  }

  private static State withoutBlock(State s, String id) {
    Map<String, Block> rest = new TreeMap<>(s.blocks());
    rest.remove(id);
    return new State(s.clients(), rest, s.audit(), s.blocksAdded(), s.tokens(), s.tokensAdded(),
        s.credentials(), s.credentialsAdded());
  }

  private static State audited(State s, int max, AuditEntry entry) {
    if (max == 0) {
      return s;
    }
    List<AuditEntry> newest = new ArrayList<>(Math.min(s.audit().size() + 1, max));
    newest.add(entry);
    newest.addAll(s.audit().subList(0, Math.min(s.audit().size(), max - 1)));
    return new State(s.clients(), s.blocks(), newest, s.blocksAdded(), s.tokens(),
        s.tokensAdded(), s.credentials(), s.credentialsAdded());
  }
}
