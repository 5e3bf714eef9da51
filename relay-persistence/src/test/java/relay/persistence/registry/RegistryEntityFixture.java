package relay.persistence.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import relay.persistence.MovableClock;
import relay.persistence.registry.RegistryEntity.Command;
import relay.persistence.registry.RegistryEntity.Event;
import relay.persistence.registry.RegistryEntity.Refused;
import relay.persistence.registry.RegistryEntity.RefusalKind;
import relay.persistence.registry.RegistryEntity.Reply;
import relay.persistence.registry.RegistryEntity.State;

/**
 * The registry entity on the in-memory journal (commands, events and state go through the
 * serializer), started afresh for each test, with a clock the test moves and a probe as its
 * publisher; one ActorTestKit per test class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RegistryEntityFixture {

  final ActorTestKit testKit = ActorTestKit.create(EventSourcedBehaviorTestKit.config()
      .withFallback(ConfigFactory.load()));
  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  final MovableClock clock = new MovableClock(T0);
  TestProbe<RegistryPublisher.Command> publisher;
  EventSourcedBehaviorTestKit<Command, Event, State> kit;

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  static RegistrySettings settings(int auditEntries, int maxClients, int maxBlocks) {
    return settings(auditEntries, maxClients, maxBlocks, 100, 100);
  }

  static RegistrySettings settings(int auditEntries, int maxClients, int maxBlocks,
      int maxTokens, int maxCredentials) {
    return new RegistrySettings(Duration.ofSeconds(3), Duration.ofSeconds(1),
        Duration.ofSeconds(1), auditEntries, maxClients, maxBlocks, maxTokens, maxCredentials,
        100, "postmaster@localhost", Duration.ofSeconds(1));
  }

  @BeforeEach
  void start() {
    clock.now = T0;
    start(settings(100, 100, 100));
  }

  void start(RegistrySettings settings) {
    // The registry has one persistence id: every test starts from an empty journal.
    PersistenceTestKit.create(testKit.system()).clearAll();
    SnapshotTestKit.create(testKit.system()).clearAll();
    publisher = testKit.createTestProbe();
    kit = EventSourcedBehaviorTestKit.create(testKit.system(),
        RegistryEntity.create(settings, clock, publisher.getRef()));
    assertEquals(0, published().sequenceNr()); // the publish after recovery
  }

  static ClientRecord client(String id, String... ips) {
    return RegistryModelTest.client(id, java.util.Arrays.stream(ips)
        .map(ip -> new ClientAddress(ip, AddressRole.PRODUCTION)).toList());
  }

  CommandResultWithReply<Command, Event, State, Reply> run(
      java.util.function.Function<org.apache.pekko.actor.typed.ActorRef<Reply>, Command> f) {
    return kit.runCommand(f::apply);
  }

  CommandResultWithReply<Command, Event, State, Reply> create(ClientRecord c) {
    return run(r -> new RegistryEntity.CreateClient(c, "alice", r));
  }

  CommandResultWithReply<Command, Event, State, Reply> addBlock(BlockKind kind, String value,
      Optional<Instant> until) {
    return run(r -> new RegistryEntity.AddBlock(kind, value, "abuse", until, "bob", r));
  }

  static void refused(CommandResultWithReply<Command, Event, State, Reply> result,
      RefusalKind kind, String detail) {
    assertEquals(new Refused(kind, detail), result.reply());
    assertTrue(result.hasNoEvents());
  }

  RegistryPublisher.Publish published() {
    return (RegistryPublisher.Publish) publisher.receiveMessage();
  }
}
