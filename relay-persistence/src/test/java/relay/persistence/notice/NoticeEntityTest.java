package relay.persistence.notice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import relay.persistence.MovableClock;
import relay.persistence.notice.NoticeEntity.Announced;
import relay.persistence.notice.NoticeEntity.Command;
import relay.persistence.notice.NoticeEntity.Event;
import relay.persistence.notice.NoticeEntity.NoticesQueued;
import relay.persistence.notice.NoticeEntity.State;
import relay.persistence.queue.DelayReport;
import relay.persistence.queue.RecordedReply;
import relay.persistence.registry.Block;
import relay.persistence.registry.BlockChange;
import relay.persistence.registry.BlockKind;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.ClientLimits;
import relay.persistence.registry.ClientOrigin;
import relay.persistence.registry.ClientRecord;
import relay.persistence.registry.ClientState;

/**
 * The notices entity on the in-memory journal (commands, events and state through the
 * serializer): one delay notice per client and destination per period, kept across a restart;
 * block changes to each client concerned; announcements one notice per client; a notice pending
 * until the port took it, submitted again after a failure.
 */
class NoticeEntityTest {

  static final ActorTestKit testKit = ActorTestKit.create(EventSourcedBehaviorTestKit.config()
      .withFallback(ConfigFactory.load()));
  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  static final NoticeSettings SETTINGS = new NoticeSettings("", "", Duration.ofHours(1),
      Duration.ofHours(24), Duration.ofMinutes(5), Duration.ofMillis(200), Duration.ofSeconds(3));

  static final ClientRecord SHOP = client("shop", "alice@shop.example", "bob@shop.example");
  static final ClientRecord MILL = client("mill", "ops@mill.example");

  final MovableClock clock = new MovableClock(T0);
  /** What the port was given, and whether it fails. */
  final List<Notice> submitted = new CopyOnWriteArrayList<>();
  volatile boolean portFails;
  EventSourcedBehaviorTestKit<Command, Event, State> kit;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static ClientRecord client(String id, String... contacts) {
    return new ClientRecord(ClientId.of(id), "Client " + id, List.of(contacts), List.of(),
        List.of(), ClientLimits.DEFAULTS, ClientState.ACTIVE, Optional.empty(), ClientOrigin.API);
  }

  @BeforeEach
  void start() {
    PersistenceTestKit.create(testKit.system()).clearAll();
    SnapshotTestKit.create(testKit.system()).clearAll();
    kit = EventSourcedBehaviorTestKit.create(testKit.system(),
        NoticeEntity.create(SETTINGS, clock, this::port));
  }

  private CompletionStage<Done> port(Notice n) {
    submitted.add(n);
    return portFails ? CompletableFuture.failedFuture(new IllegalStateException("queue full"))
        : CompletableFuture.completedFuture(Done.getInstance());
  }

  private static DelayReport delay(String client, String domain, int waiting) {
    return new DelayReport(client, domain, waiting, waiting - 1, T0.minusSeconds(7200),
        new RecordedReply(451, "4.3.0", "try later"), "mx.dest.test", T0);
  }

  /** The notices of the one NoticesQueued among {@code events} (a NoticeSubmitted may be there). */
  private static List<Notice> queued(List<Event> events) {
    List<NoticesQueued> queued = events.stream().filter(NoticesQueued.class::isInstance)
        .map(NoticesQueued.class::cast).toList();
    assertEquals(1, queued.size(), events.toString());
    return queued.get(0).notices();
  }

  private static boolean noNotice(List<Event> events) {
    return events.stream().noneMatch(NoticesQueued.class::isInstance);
  }

  private static void eventually(String what, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what);
      Thread.sleep(20);
    }
  }

  @Test
  void oneDelayNoticePerClientAndDestinationPerPeriodAlsoAfterARestart() {
    Notice first = queued(kit.runCommand(new NoticeEntity.Delayed(delay("shop", "dest.test", 500),
        SHOP)).events()).get(0);
    assertEquals(NoticeKind.DELAYED, first.kind());
    assertEquals(List.of("alice@shop.example", "bob@shop.example"), first.to());
    assertEquals("500", first.values().get("waiting"));
    assertEquals("451 4.3.0 try later", first.values().get("last-reply"));
    assertEquals("dest.test", first.values().get("destination"));

    assertTrue(noNotice(kit.runCommand(new NoticeEntity.Delayed(
        delay("shop", "dest.test", 501), SHOP)).events()), "the same client and destination");
    assertEquals(1, queued(kit.runCommand(new NoticeEntity.Delayed(
        delay("shop", "other.test", 3), SHOP)).events()).size(), "another destination");
    assertEquals(1, queued(kit.runCommand(new NoticeEntity.Delayed(
        delay("mill", "dest.test", 3), MILL)).events()).size(), "another client");

    kit.restart();
    assertTrue(noNotice(kit.runCommand(new NoticeEntity.Delayed(
        delay("shop", "dest.test", 502), SHOP)).events()),
        "the period survives a restart (a move of the singleton)");
    clock.now = T0.plus(Duration.ofHours(24));
    assertEquals("n4", queued(kit.runCommand(new NoticeEntity.Delayed(
        delay("shop", "dest.test", 9), SHOP)).events()).get(0).id(), "the next period");
  }

  @Test
  void aBlockChangeNotifiesEachClientConcernedWithItsOwnContacts() {
    Block block = new Block("b7", BlockKind.SENDER_DOMAIN, "shared.example", "phishing",
        Optional.empty(), "ops-anna", T0);
    List<Notice> notices = queued(kit.runCommand(new NoticeEntity.BlockChanged(new BlockChange(
        BlockChange.Change.ADDED, block, List.of(SHOP, MILL), "ops-anna", T0))).events());
    assertEquals(2, notices.size());
    assertEquals(List.of("alice@shop.example", "bob@shop.example"), notices.get(0).to());
    assertEquals(List.of("ops@mill.example"), notices.get(1).to());
    Map<String, String> v = notices.get(0).values();
    assertEquals(NoticeKind.BLOCKED, notices.get(0).kind());
    assertEquals("phishing", v.get("reason"));
    assertEquals("permanent", v.get("until"));
    assertEquals("sender-domain", v.get("block-kind"));
    assertEquals("shared.example", v.get("block-value"));

    Notice expired = queued(kit.runCommand(new NoticeEntity.BlockChanged(new BlockChange(
        BlockChange.Change.EXPIRED, block, List.of(MILL), "registry", T0))).events()).get(0);
    assertEquals(NoticeKind.UNBLOCKED, expired.kind());
    assertEquals("expired", expired.values().get("change"));
    Notice removed = queued(kit.runCommand(new NoticeEntity.BlockChanged(new BlockChange(
        BlockChange.Change.REMOVED, block, List.of(MILL), "ops-ben", T0))).events()).get(0);
    assertEquals("removed by ops-ben", removed.values().get("change"));

    assertTrue(noNotice(kit.runCommand(new NoticeEntity.BlockChanged(new BlockChange(
        BlockChange.Change.ADDED, block, List.of(), "ops-anna", T0))).events()),
        "a block that concerns no client");
  }

  @Test
  void anAnnouncementIsOneNoticePerClient() {
    var first = kit.<Announced>runCommand(r -> new NoticeEntity.Announce(List.of(SHOP, MILL),
        "Maintenance", "Sunday 02:00", "ops-anna", r));
    assertEquals(new Announced("a1", 2, 3), first.reply());
    List<Notice> notices = queued(first.events());
    assertEquals(List.of("n1", "n2"), notices.stream().map(Notice::id).toList());
    assertEquals("Maintenance", notices.get(1).values().get("subject"));
    assertEquals("Sunday 02:00", notices.get(1).values().get("body"));
    assertEquals("a1", notices.get(1).values().get("announcement-id"));
    assertEquals("a2", kit.<Announced>runCommand(r -> new NoticeEntity.Announce(List.of(MILL),
        "Again", "x", "ops-anna", r)).reply().id());
  }

  @Test
  void aNoticeIsPendingUntilThePortTookItAndIsSubmittedAgainAfterAFailure() throws Exception {
    portFails = true;
    kit.runCommand(new NoticeEntity.Delayed(delay("shop", "dest.test", 5), SHOP));
    eventually("submitted once", () -> submitted.size() >= 1);
    assertEquals(1, kit.getState().pending().size());
    eventually("submitted again after retry-interval", () -> submitted.size() >= 2);
    portFails = false;
    eventually("taken at last", () -> kit.getState().pending().isEmpty());
    assertTrue(submitted.stream().allMatch(n -> n.id().equals("n1")), submitted.toString());

    portFails = true;
    kit.runCommand(new NoticeEntity.Delayed(delay("mill", "dest.test", 5), MILL));
    eventually("submitted", () -> submitted.stream().anyMatch(n -> n.id().equals("n2")));
    int before = submitted.size();
    portFails = false;
    kit.restart(); // pending notices are submitted again after recovery
    eventually("resubmitted after recovery", () -> submitted.size() > before
        && kit.getState().pending().isEmpty());
  }
}
