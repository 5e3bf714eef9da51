package relay.persistence.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import relay.persistence.OneNodeCluster;

/**
 * The service as the HTTP API uses it, on a one-node cluster with the in-memory journal: each
 * refusal of the entity as its RegistryResult, reads right after writes, the config import, and a
 * registry that does not answer as a failed stage.
 */
class EntityRegistryServiceTest {

  static ActorTestKit testKit;
  static Registry registry;

  @BeforeAll
  static void start() {
    testKit = OneNodeCluster.create();
    registry = Registry.start(testKit.system(), List.of(Registry.configured("Copier 3",
        List.of("192.0.2.7"), 5, "postmaster@localhost")));
    OneNodeCluster.join(testKit);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static <T> RegistryResult<T> get(CompletionStage<RegistryResult<T>> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  RegistryService service() {
    return registry.service();
  }

  @Test
  void configuredClientsAreImported() throws Exception {
    RegistryEntity.Imported imported = registry.imported().toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
    assertEquals(List.of("copier-3"), imported.imported());
    ClientRecord copier = ((RegistryResult.Ok<ClientRecord>) get(service().client(
        ClientId.of("copier-3")))).value();
    assertEquals(ClientOrigin.CONFIG, copier.origin());
    assertEquals(Optional.of(5), copier.limits().maxSessions());
  }

  @Test
  void credentialsAreVisibleInTheViewRightAfterTheChangeAndGoWithTheirClient()
      throws Exception {
    ClientRecord app = RegistryModelTest.client("cred-app", List.of());
    assertInstanceOf(RegistryResult.Ok.class, get(service().createClient(app, "alice")));
    Credential web = ((RegistryResult.Ok<Credential>) get(service().addCredential(app.id(),
        Optional.of("Cred-Web"), Optional.empty(), Optional.empty(),
        RegistryCredentialsTest.HASH, "alice"))).value();
    Credential batch = ((RegistryResult.Ok<Credential>) get(service().addCredential(app.id(),
        Optional.empty(), Optional.of("nightly"), Optional.empty(),
        RegistryCredentialsTest.HASH_2, "alice"))).value();
    assertEquals("cred-app", batch.username());
    RegistrySnapshot view = registry.view().current();
    assertEquals(Optional.of(web), view.credentialByUsername("CRED-WEB"));
    assertEquals(new RegistryResult.Ok<>(List.of(web, batch)),
        get(service().credentials(app.id())));
    assertEquals(new RegistryResult.Conflict<>("username 'cred-web' is taken"),
        get(service().addCredential(app.id(), Optional.of("cred-web"), Optional.empty(),
            Optional.empty(), RegistryCredentialsTest.HASH, "alice")));
    assertEquals(new RegistryResult.NotFound<>("no client nobody"),
        get(service().credentials(ClientId.of("nobody"))));

    assertEquals(new RegistryResult.Ok<>(web), get(service().removeCredential(app.id(),
        web.id(), "alice")));
    assertEquals(Optional.empty(), registry.view().current().credentialByUsername("cred-web"));
    assertInstanceOf(RegistryResult.Ok.class, get(service().deleteClient(app.id(), "alice")));
    assertEquals(Optional.empty(), registry.view().current().credentialByUsername("cred-app"));
  }

  @Test
  void refusalsAreResults() throws Exception {
    ClientRecord shop = RegistryModelTest.client("shop-r", List.of(
        new ClientAddress("192.0.2.20", AddressRole.PRODUCTION)));
    assertInstanceOf(RegistryResult.Ok.class, get(service().createClient(shop, "alice")));
    assertEquals(new RegistryResult.Conflict<>("client shop-r exists"),
        get(service().createClient(shop, "alice")));
    assertEquals(new RegistryResult.Conflict<>("address 192.0.2.20 is registered to client"
        + " shop-r"), get(service().createClient(RegistryModelTest.client("other-r", List.of(
            new ClientAddress("192.0.2.20", AddressRole.TEST))), "alice")));
    assertEquals(new RegistryResult.NotFound<>("no client nobody"),
        get(service().replaceClient(RegistryModelTest.client("nobody", List.of()), "alice")));
    assertEquals(new RegistryResult.NotFound<>("no client nobody"),
        get(service().deleteClient(ClientId.of("nobody"), "alice")));
    assertEquals(new RegistryResult.NotFound<>("no client nobody"),
        get(service().client(ClientId.of("nobody"))));
    assertEquals(new RegistryResult.Invalid<>("value: 10.0.0.0/8 is a range; register single"
        + " addresses"), get(service().addBlock(BlockKind.IP, "10.0.0.0/8", "abuse",
            Optional.empty(), "alice")));
    assertEquals(new RegistryResult.NotFound<>("no block nope"),
        get(service().removeBlock("nope", "alice")));
    assertEquals(new RegistryResult.Invalid<>("limit: 0 is not a positive number"),
        get(service().audit(0)));
  }

  @Test
  void aChangeIsReadBackAtOnceOnTheNodeThatMadeIt() throws Exception {
    ClientRecord shop = RegistryModelTest.client("shop-w", List.of(
        new ClientAddress("2001:db8::20", AddressRole.PRODUCTION)));
    get(service().createClient(shop, "alice"));
    assertEquals(RegistryResult.ok(shop), get(service().client(shop.id())));
    assertTrue(registry.view().current().clientByAddress("2001:db8:0::20").isPresent());
    ClientRecord suspended = shop.withState(ClientState.SUSPENDED);
    get(service().replaceClient(suspended, "alice"));
    assertEquals(RegistryResult.ok(suspended), get(service().client(shop.id())));

    Block soon = ((RegistryResult.Ok<Block>) get(service().addBlock(BlockKind.RECIPIENT_DOMAIN,
        "Soon.Example", "maintenance", Optional.of(Instant.now().plusMillis(500)), "alice")))
        .value();
    List<Block> blocks = ((RegistryResult.Ok<List<Block>>) get(service().blocks())).value();
    assertTrue(blocks.contains(soon), blocks.toString());
    Thread.sleep(600);
    blocks = ((RegistryResult.Ok<List<Block>>) get(service().blocks())).value();
    assertTrue(!blocks.contains(soon), "an expired block is not listed");
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(3), () -> {
      assertTrue(registry.view().current().block(soon.id()).isEmpty(), "expired by the entity");
      return null;
    });
    List<AuditEntry> audit = ((RegistryResult.Ok<List<AuditEntry>>) get(service().audit(3)))
        .value();
    assertEquals(List.of("block-expired", "block-added", "client-replaced"),
        audit.stream().map(AuditEntry::action).toList());

    assertEquals(RegistryResult.ok(suspended), get(service().deleteClient(shop.id(), "alice")));
    assertTrue(registry.view().current().client(shop.id()).isEmpty());
  }

  @Test
  void aRegistryThatDoesNotAnswerFailsTheStage() {
    RegistrySettings settings = new RegistrySettings(Duration.ofMillis(200),
        Duration.ofSeconds(1), Duration.ofSeconds(1), 10, 10, 10, 10, 10, 10,
        "postmaster@localhost",
        Duration.ofSeconds(1));
    EntityRegistryService silent = new EntityRegistryService(testKit.system(),
        testKit.spawn(Behaviors.ignore()), registry.view(), settings, Clock.systemUTC());
    ExecutionException failure = assertThrows(ExecutionException.class, () -> get(silent
        .addBlock(BlockKind.IP, "192.0.2.1", "abuse", Optional.empty(), "alice")));
    assertInstanceOf(TimeoutException.class, failure.getCause());
  }
}
