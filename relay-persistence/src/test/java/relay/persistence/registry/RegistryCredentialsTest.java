package relay.persistence.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.Test;
import relay.persistence.auth.Argon2Settings;
import relay.persistence.auth.PasswordHasher;
import relay.persistence.registry.RegistryEntity.ClientDeleted;
import relay.persistence.registry.RegistryEntity.CredentialAdded;
import relay.persistence.registry.RegistryEntity.CredentialDone;
import relay.persistence.registry.RegistryEntity.CredentialRemoved;
import relay.persistence.registry.RegistryEntity.RefusalKind;
import relay.persistence.registry.RegistryEntity.State;

/**
 * SMTP AUTH credentials in the registry entity (in-memory journal, through the serializer):
 * added with sequential ids, a username given or made from the client id, only the hash kept,
 * published and audited; usernames unique ignoring case; refusals change nothing; removed by
 * id or with their client; replay and an older snapshot without credentials read back.
 */
class RegistryCredentialsTest extends RegistryEntityFixture {

  static final PasswordHasher HASHER = new PasswordHasher(new Argon2Settings(64, 1, 1));
  static final String HASH = HASHER.hash("first-password");
  static final String HASH_2 = HASHER.hash("second-password");

  private RegistryEntity.Reply add(String client, String username, String hash) {
    return run(r -> new RegistryEntity.AddCredential(ClientId.of(client),
        Optional.ofNullable(username), Optional.empty(), Optional.empty(), hash, "alice", r))
        .reply();
  }

  private Credential added(String client, String username) {
    return ((CredentialDone) add(client, username, HASH)).credential();
  }

  @Test
  void addedWithAnIdOnlyTheHashPublishedAndAudited() {
    create(client("shop", "192.0.2.1"));
    published();
    var result = run(r -> new RegistryEntity.AddCredential(ClientId.of("shop"),
        Optional.of("Shop-Web"), Optional.of(" checkout service "),
        Optional.of(T0.plusSeconds(86400)), HASH, "alice", r));
    Credential c = ((CredentialDone) result.reply()).credential();
    assertEquals(new Credential("c1", ClientId.of("shop"), "Shop-Web", HASH,
        Optional.of("checkout service"), Optional.of(T0.plusSeconds(86400)), "alice", T0), c);
    assertEquals(new CredentialAdded(c), result.event());
    assertEquals(c, published().credentials().get("c1"));
    assertEquals(new AuditEntry(T0, "alice", "credential-added", "c1",
        "Shop-Web (client shop)"), result.state().audit().get(0));
    assertFalse(c.toString().contains(HASH), "toString never shows the hash");
  }

  @Test
  void usernamesMadeFromTheClientIdWhenLeftOut() {
    create(client("shop", "192.0.2.1"));
    assertEquals("shop", added("shop", null).username());
    assertEquals("shop-c2", added("shop", null).username());
    assertEquals("c3", added("shop", "other").id());
    assertEquals(List.of("shop", "shop-c2", "other"), kit.getState().credentialsOf(
        ClientId.of("shop")).stream().map(Credential::username).toList());
  }

  @Test
  void refusalsChangeNothing() {
    create(client("shop", "192.0.2.1"));
    create(client("copier", "192.0.2.2"));
    added("shop", "Shop-Web");
    refused(run(r -> new RegistryEntity.AddCredential(ClientId.of("copier"),
        Optional.of("shop-web"), Optional.empty(), Optional.empty(), HASH_2, "alice", r)),
        RefusalKind.CONFLICT, "username 'shop-web' is taken");
    refused(run(r -> new RegistryEntity.AddCredential(ClientId.of("nobody"), Optional.empty(),
        Optional.empty(), Optional.empty(), HASH_2, "alice", r)), RefusalKind.NOT_FOUND,
        "no client nobody");
    String[][] invalid = {
        {"two words", "username: only printable ASCII characters without space ('!' to '~')"},
        {"", "username: required"},
        {"u".repeat(65), "username: longer than 64 characters"},
        {"b\u00fccher", "username: only printable ASCII characters without space ('!' to '~')"},
        {"tab\t", "username: only printable ASCII characters without space ('!' to '~')"}};
    for (String[] bad : invalid) {
      refused(run(r -> new RegistryEntity.AddCredential(ClientId.of("shop"),
          Optional.of(bad[0]), Optional.empty(), Optional.empty(), HASH_2, "alice", r)),
          RefusalKind.INVALID, bad[1]);
    }
    refused(run(r -> new RegistryEntity.AddCredential(ClientId.of("shop"), Optional.of("x"),
        Optional.empty(), Optional.empty(), "first-password", "alice", r)), RefusalKind.INVALID,
        "hash: an Argon2id PHC string is required");
    refused(run(r -> new RegistryEntity.AddCredential(ClientId.of("shop"), Optional.of("x"),
        Optional.of("line\nbreak"), Optional.empty(), HASH_2, "alice", r)), RefusalKind.INVALID,
        "note: contains a control character");
    refused(run(r -> new RegistryEntity.AddCredential(ClientId.of("shop"), Optional.of("x"),
        Optional.empty(), Optional.of(T0), HASH_2, "alice", r)), RefusalKind.INVALID,
        "expires: 2026-12-01T10:00:00Z is not in the future");
    refused(run(r -> new RegistryEntity.RemoveCredential(ClientId.of("copier"), "c1", "alice",
        r)), RefusalKind.NOT_FOUND, "client copier has no credential c1");
    refused(run(r -> new RegistryEntity.RemoveCredential(ClientId.of("nobody"), "c1", "alice",
        r)), RefusalKind.NOT_FOUND, "no client nobody");
    refused(run(r -> new RegistryEntity.RemoveCredential(ClientId.of("shop"), "c9", "alice", r)),
        RefusalKind.NOT_FOUND, "client shop has no credential c9");
    assertEquals(List.of("c1"), List.copyOf(kit.getState().credentials().keySet()));

    start(settings(100, 100, 100, 100, 1));
    create(client("shop", "192.0.2.1"));
    added("shop", null);
    refused(run(r -> new RegistryEntity.AddCredential(ClientId.of("shop"), Optional.empty(),
        Optional.empty(), Optional.empty(), HASH_2, "alice", r)), RefusalKind.CONFLICT,
        "the registry holds its maximum of 1 credentials (relay.registry.max-credentials)");
  }

  @Test
  void aDefaultUsernameTakenByAnotherClientIsAConflictNamingTheFix() {
    create(client("shop", "192.0.2.1"));
    create(client("copier", "192.0.2.2"));
    added("copier", "SHOP");
    added("copier", "shop-c3");
    refused(run(r -> new RegistryEntity.AddCredential(ClientId.of("shop"), Optional.empty(),
        Optional.empty(), Optional.empty(), HASH_2, "alice", r)), RefusalKind.CONFLICT,
        "username 'shop-c3' is taken: give one in the body");
  }

  @Test
  void removedByIdOrWithItsClient() {
    create(client("shop", "192.0.2.1"));
    create(client("copier", "192.0.2.2"));
    Credential web = added("shop", "web");
    added("shop", "batch");
    added("copier", "copier");
    var removed = run(r -> new RegistryEntity.RemoveCredential(ClientId.of("shop"), "c1",
        "carol", r));
    assertEquals(new CredentialDone(web), removed.reply());
    assertEquals(new CredentialRemoved("c1", "carol", T0), removed.event());
    assertEquals(new AuditEntry(T0, "carol", "credential-removed", "c1", "web (client shop)"),
        removed.state().audit().get(0));
    assertEquals("c4", added("copier", "WEB").id(), "the username is free again");

    var deleted = run(r -> new RegistryEntity.DeleteClient(ClientId.of("shop"), "dave", r));
    assertEquals(List.of(new ClientDeleted(ClientId.of("shop"), "dave", T0),
        new CredentialRemoved("c2", "dave", T0)), deleted.events());
    assertEquals(List.of("c3", "c4"), List.copyOf(deleted.state().credentials().keySet()));
    create(client("shop", "192.0.2.1"));
    assertTrue(kit.getState().credentialsOf(ClientId.of("shop")).isEmpty());
  }

  @Test
  void replayRestoresCredentialsAndTheirCounter() {
    create(client("shop", "192.0.2.1"));
    added("shop", "web");
    added("shop", "batch");
    run(r -> new RegistryEntity.RemoveCredential(ClientId.of("shop"), "c1", "alice", r));
    State before = kit.getState();
    publisher.receiveSeveralMessages(4);
    State after = kit.restart().state();
    assertEquals(before, after);
    assertEquals(after.credentials(), published().credentials());
    assertEquals("c3", added("shop", "next").id());
  }

  @Test
  void aSnapshotFromBeforeCredentialsReadsAsNone() throws Exception {
    ObjectMapper mapper = JacksonObjectMapperProvider.get(testKit.system())
        .getOrCreate("jackson-json", Optional.empty());
    State old = mapper.readValue("{\"clients\":{},\"blocks\":{},\"audit\":[],\"blocksAdded\":3,"
        + "\"tokens\":{},\"tokensAdded\":2}", State.class);
    assertEquals(new State(java.util.Map.of(), java.util.Map.of(), List.of(), 3,
        java.util.Map.of(), 2, java.util.Map.of(), 0), old);
    Credential c = new Credential("c1", ClientId.of("shop"), "web", HASH, Optional.empty(),
        Optional.empty(), "alice", T0);
    assertEquals(c, mapper.readValue(mapper.writeValueAsString(c), Credential.class));
  }

  @Test
  void theSnapshotFindsAUsernameIgnoringCase() {
    Credential web = new Credential("c2", ClientId.of("shop"), "Shop-Web", HASH,
        Optional.empty(), Optional.of(T0), "alice", T0);
    Credential clash = new Credential("c10", ClientId.of("copier"), "shop-web", HASH_2,
        Optional.empty(), Optional.empty(), "alice", T0);
    RegistrySnapshot s = new RegistrySnapshot(List.of(), List.of(), List.of(),
        List.of(clash, web));
    assertEquals(Optional.of(web), s.credentialByUsername("SHOP-WEB"), "lowest id wins");
    assertEquals(Optional.empty(), s.credentialByUsername("shop"));
    assertEquals(Optional.empty(), s.credentialByUsername(null));
    assertEquals(List.of(web), s.credentialsOf(ClientId.of("shop")));
    assertFalse(web.activeAt(T0));
    assertTrue(web.activeAt(T0.minusMillis(1)));
    assertTrue(clash.activeAt(Instant.MAX));
  }
}
