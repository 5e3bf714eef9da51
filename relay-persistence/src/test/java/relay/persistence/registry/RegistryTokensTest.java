package relay.persistence.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static relay.persistence.registry.RegistryEntityFixture.T0;
import static relay.persistence.registry.RegistryEntityFixture.client;
import static relay.persistence.registry.RegistryEntityFixture.refused;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import relay.persistence.registry.RegistryEntity.ClientDeleted;
import relay.persistence.registry.RegistryEntity.RefusalKind;
import relay.persistence.registry.RegistryEntity.State;
import relay.persistence.registry.RegistryEntity.TokenCreated;
import relay.persistence.registry.RegistryEntity.TokenDone;
import relay.persistence.registry.RegistryEntity.TokenRevoked;

/**
 * API tokens in the registry entity (in-memory journal, through the serializer): created with
 * sequential ids and only a hash, published, audited; refusals (name in use, unknown client,
 * client role without client or other role with one, bad hash, full registry) change nothing;
 * revoked by id, and all of a client's tokens revoked with the client; replay restores them.
 */
class RegistryTokensTest extends RegistryEntityFixture {

  static final String HASH_A = "a".repeat(64);
  static final String HASH_B = "b".repeat(64);

  private TokenDone token(String name, TokenRole role, String client, String hash) {
    var result = run(r -> new RegistryEntity.CreateToken(name, role,
        Optional.ofNullable(client).map(ClientId::of), hash, "alice", r));
    return (TokenDone) result.reply();
  }

  @Test
  void createdWithAnIdAndOnlyTheHashPublishedAndAudited() {
    create(client("shop", "192.0.2.1"));
    published();
    var result = run(r -> new RegistryEntity.CreateToken(" grafana ", TokenRole.VIEWER,
        Optional.empty(), HASH_A, "alice", r));
    ApiToken viewer = ((TokenDone) result.reply()).token();
    assertEquals(new ApiToken("t1", "grafana", TokenRole.VIEWER, Optional.empty(), HASH_A,
        "alice", T0), viewer);
    assertEquals(new TokenCreated(viewer), result.event());
    assertEquals(viewer, published().tokens().get("t1"));
    assertEquals(new AuditEntry(T0, "alice", "token-created", "t1", "grafana (viewer)"),
        result.state().audit().get(0));
    ApiToken shopToken = token("shop-app", TokenRole.CLIENT, "shop", HASH_B).token();
    assertEquals("t2", shopToken.id());
    assertEquals(Optional.of(ClientId.of("shop")), shopToken.client());
  }

  @Test
  void refusalsChangeNothing() {
    create(client("shop", "192.0.2.1"));
    token("grafana", TokenRole.VIEWER, null, HASH_A);
    refused(run(r -> new RegistryEntity.CreateToken("grafana", TokenRole.ADMIN,
        Optional.empty(), HASH_B, "alice", r)), RefusalKind.CONFLICT,
        "a token named 'grafana' exists; revoke it first or choose another name");
    refused(run(r -> new RegistryEntity.CreateToken("x", TokenRole.CLIENT,
        Optional.of(ClientId.of("nobody")), HASH_B, "alice", r)), RefusalKind.INVALID,
        "client: no client nobody");
    refused(run(r -> new RegistryEntity.CreateToken("x", TokenRole.CLIENT, Optional.empty(),
        HASH_B, "alice", r)), RefusalKind.INVALID, "client: required for a token of role client");
    refused(run(r -> new RegistryEntity.CreateToken("x", TokenRole.VIEWER,
        Optional.of(ClientId.of("shop")), HASH_B, "alice", r)), RefusalKind.INVALID,
        "client: only a token of role client is bound to a client");
    refused(run(r -> new RegistryEntity.CreateToken("x", TokenRole.ADMIN, Optional.empty(),
        "secret", "alice", r)), RefusalKind.INVALID,
        "hash: 64 lower-case hex digits (SHA-256) required");
    refused(run(r -> new RegistryEntity.CreateToken(" ", TokenRole.ADMIN, Optional.empty(),
        HASH_B, "alice", r)), RefusalKind.INVALID, "name: required");
    refused(run(r -> new RegistryEntity.CreateToken("n".repeat(101), TokenRole.ADMIN,
        Optional.empty(), HASH_B, "alice", r)), RefusalKind.INVALID,
        "name: longer than 100 characters");
    refused(run(r -> new RegistryEntity.RevokeToken("t9", "alice", r)), RefusalKind.NOT_FOUND,
        "no token t9");
    assertEquals(List.of("t1"), List.copyOf(kit.getState().tokens().keySet()));
    start(settings(100, 100, 100, 1, 100));
    token("one", TokenRole.ADMIN, null, HASH_A);
    refused(run(r -> new RegistryEntity.CreateToken("two", TokenRole.ADMIN, Optional.empty(),
        HASH_B, "alice", r)), RefusalKind.CONFLICT,
        "the registry holds its maximum of 1 tokens (relay.registry.max-tokens)");
  }

  @Test
  void revokedByIdOrWithItsClient() {
    create(client("shop", "192.0.2.1"));
    create(client("copier", "192.0.2.2"));
    ApiToken viewer = token("grafana", TokenRole.VIEWER, null, HASH_A).token();
    token("shop-1", TokenRole.CLIENT, "shop", "1".repeat(64));
    token("shop-2", TokenRole.CLIENT, "shop", "2".repeat(64));
    token("copier", TokenRole.CLIENT, "copier", "3".repeat(64));
    var revoked = run(r -> new RegistryEntity.RevokeToken("t1", "carol", r));
    assertEquals(new TokenDone(viewer), revoked.reply());
    assertEquals(new TokenRevoked("t1", "carol", T0), revoked.event());
    assertEquals(new AuditEntry(T0, "carol", "token-revoked", "t1", "grafana (viewer)"),
        revoked.state().audit().get(0));
    // the name is free again
    assertEquals("t5", token("grafana", TokenRole.VIEWER, null, HASH_A).token().id());

    var deleted = run(r -> new RegistryEntity.DeleteClient(ClientId.of("shop"), "dave", r));
    assertEquals(List.of(new ClientDeleted(ClientId.of("shop"), "dave", T0),
        new TokenRevoked("t2", "dave", T0), new TokenRevoked("t3", "dave", T0)),
        deleted.events());
    State state = deleted.state();
    assertEquals(List.of("t4", "t5"), List.copyOf(state.tokens().keySet()));
    assertEquals(List.of("token-revoked", "token-revoked", "client-deleted"),
        state.audit().subList(0, 3).stream().map(AuditEntry::action).toList());
    // a later client of the same id does not get the old tokens back
    create(client("shop", "192.0.2.1"));
    assertTrue(kit.getState().tokensOf(ClientId.of("shop")).isEmpty());
  }

  @Test
  void replayRestoresTokensAndTheirCounter() {
    create(client("shop", "192.0.2.1"));
    token("grafana", TokenRole.VIEWER, null, HASH_A);
    token("shop-app", TokenRole.CLIENT, "shop", HASH_B);
    run(r -> new RegistryEntity.RevokeToken("t1", "alice", r));
    State before = kit.getState();
    publisher.receiveSeveralMessages(4);
    State after = kit.restart().state();
    assertEquals(before, after);
    assertEquals(after.tokens(), published().tokens());
    assertEquals("t3", token("next", TokenRole.ADMIN, null, HASH_A).token().id());
  }
}
