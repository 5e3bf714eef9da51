package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import relay.persistence.registry.AddressRole;
import relay.persistence.registry.Block;
import relay.persistence.registry.BlockKind;
import relay.persistence.registry.ClientAddress;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.ClientLimits;
import relay.persistence.registry.ClientOrigin;
import relay.persistence.registry.ClientRecord;
import relay.persistence.registry.ClientState;
import relay.persistence.registry.RegistryResult;
import relay.persistence.registry.RegistryService;

/**
 * Notices to clients' contacts on a real node (H2) into a real SMTP sink, parsed with Jakarta
 * Mail: a block of a client's address, of its sender domain (expiring by itself) and of the
 * client itself, each followed by its removal, reach that client's contacts (and only them)
 * from the configured sender; a recipient-domain block concerns nobody; announcements posted
 * over HTTP reach every client's contacts, or the chosen clients', one mail per client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContactNoticesTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final List<String> SHOP_CONTACTS =
      List.of("alice@contacts.test", "bob@contacts.test");

  private RelayFixture relay;
  private RegistryService service;

  @BeforeAll
  void start() throws Exception {
    relay = RelayFixture.create(RelayFixture.Storage.H2);
    relay.dns.mx("contacts.test", 10, "mx.contacts.test").a("mx.contacts.test", "127.0.0.2");
    relay.with("relay.registry.import.contact = \"ops@contacts.test\"")
        .with("relay.notices.from = \"notices@relay.test\"")
        .start();
    service = relay.node().registry().service();
    ok(service.createClient(new ClientRecord(new ClientId("shop"), "The Shop", SHOP_CONTACTS,
        List.of(new ClientAddress("127.0.0.9", AddressRole.PRODUCTION)), List.of("shop.test"),
        ClientLimits.DEFAULTS, ClientState.ACTIVE, Optional.empty(), ClientOrigin.API), "test"));
  }

  @AfterAll
  void stop() throws Exception {
    relay.close();
  }

  private static <T> T ok(CompletionStage<RegistryResult<T>> call) throws Exception {
    return RegistryChangesOverSmtpTest.ok(call);
  }

  private NoticeMail one(String subjectPart, String bodyPart) throws InterruptedException {
    List<NoticeMail> found = NoticeMail.await(relay.sink, m -> m.subject().contains(subjectPart)
        && m.body().contains(bodyPart), 1, WAIT);
    assertEquals(1, found.size(), found.toString());
    return found.get(0);
  }

  /** What every notice carries: null sender, From, To = the contacts, the RFC 3834 header. */
  private static void isANotice(NoticeMail n, List<String> contacts) {
    assertEquals("", n.envelopeSender(), "automatic mail goes out from <>");
    assertEquals(contacts, n.envelopeRecipients().stream().sorted().toList());
    assertEquals(contacts, n.to());
    assertEquals("notices@relay.test", n.from());
    assertEquals("auto-generated", n.autoSubmitted());
    assertNotNull(n.date());
    assertTrue(n.messageId().matches("<n\\d+\\.\\d+\\.notice@relay\\.test>"), n.messageId());
  }

  @Test
  void anAddressBlockAndItsRemovalAreToldToTheClientsContacts() throws Exception {
    Instant until = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    Block block = ok(service.addBlock(BlockKind.IP, "127.0.0.9", "spam from a compromised host",
        Optional.of(until), "ops-anna"));
    NoticeMail blocked = one("ip 127.0.0.9 blocked", "spam from a compromised host");
    isANotice(blocked, SHOP_CONTACTS);
    assertEquals("[relay.test] The Shop: ip 127.0.0.9 blocked", blocked.subject());
    assertTrue(blocked.body().contains("Until:  " + until), blocked.body());
    assertTrue(blocked.body().contains("\"The Shop\" (shop)"), blocked.body());

    ok(service.removeBlock(block.id(), "ops-ben"));
    NoticeMail unblocked = one("ip 127.0.0.9 no longer blocked", "removed by ops-ben");
    isANotice(unblocked, SHOP_CONTACTS);
    assertTrue(unblocked.body().contains("spam from a compromised host"), unblocked.body());
  }

  @Test
  void aSenderDomainBlockThatExpiresIsToldWhenMadeAndWhenItExpires() throws Exception {
    ok(service.addBlock(BlockKind.SENDER_DOMAIN, "shop.test", "phishing reports",
        Optional.of(Instant.now().plusSeconds(2)), "ops-anna"));
    isANotice(one("sender-domain shop.test blocked", "phishing reports"), SHOP_CONTACTS);
    NoticeMail expired = one("sender-domain shop.test no longer blocked", "expired");
    isANotice(expired, SHOP_CONTACTS);
  }

  @Test
  void aClientBlockReachesItsOwnContactsAndARecipientDomainBlockNobody() throws Exception {
    Block victim = ok(service.addBlock(BlockKind.RECIPIENT_DOMAIN, "victim.test", "complaints",
        Optional.empty(), "ops-anna"));
    Block client = ok(service.addBlock(BlockKind.CLIENT, "test-app", "unpaid invoices",
        Optional.empty(), "ops-anna"));
    NoticeMail blocked = one("client test-app blocked", "unpaid invoices");
    isANotice(blocked, List.of("ops@contacts.test"));
    assertTrue(blocked.body().contains("Until:  permanent"), blocked.body());
    ok(service.removeBlock(client.id(), "ops-anna"));
    ok(service.removeBlock(victim.id(), "ops-anna"));
    isANotice(one("client test-app no longer blocked", "unpaid invoices"),
        List.of("ops@contacts.test"));
    Thread.sleep(1_000); // a notice about victim.test would have been decided with the others
    assertEquals(List.of(), NoticeMail.at(relay.sink, m -> m.subject().contains("victim.test")));
  }

  @Test
  void announcementsPostedOverHttpReachEveryClientOrTheChosenOnes() throws Exception {
    int port = relay.node().httpAddress().getPort();
    String token = Files.readString(relay.dataDir.resolve("admin-token")).strip();
    NodeApiTest.Answer all = NodeApiTest.call(port, "POST", "/api/v1/announcements", token,
        "{\"subject\":\"Maintenance on Sunday\",\"body\":\"The relay is down 02:00-03:00 UTC."
            + "\\nMail waits at your side.\"}");
    assertEquals(202, all.status(), all.body());
    assertTrue(all.body().matches("\\{\"id\":\"a\\d+\",\"clients\":2,\"recipients\":3}"),
        all.body());
    List<NoticeMail> sent = NoticeMail.await(relay.sink,
        m -> m.subject().equals("[relay.test] Maintenance on Sunday"), 2, WAIT);
    List<List<String>> to = sent.stream().map(NoticeMail::to)
        .sorted((a, b) -> a.get(0).compareTo(b.get(0))).toList();
    assertEquals(List.of(SHOP_CONTACTS, List.of("ops@contacts.test")), to,
        "one mail per client, each to its own contacts only");
    for (NoticeMail n : sent) {
      isANotice(n, n.to());
      assertTrue(n.body().startsWith("The relay is down 02:00-03:00 UTC.\nMail waits at your side."),
          n.body());
    }

    NodeApiTest.Answer chosen = NodeApiTest.call(port, "POST", "/api/v1/announcements", token,
        "{\"subject\":\"Your quota\",\"body\":\"Raised.\",\"clients\":[\"shop\"]}");
    assertEquals(202, chosen.status(), chosen.body());
    NoticeMail quota = one("Your quota", "Raised.");
    isANotice(quota, SHOP_CONTACTS);

    NodeApiTest.Answer unknown = NodeApiTest.call(port, "POST", "/api/v1/announcements", token,
        "{\"subject\":\"x\",\"body\":\"y\",\"clients\":[\"nobody\"]}");
    assertEquals(422, unknown.status(), unknown.body());
    assertTrue(unknown.body().contains("no client nobody"), unknown.body());
    assertEquals(401, NodeApiTest.call(port, "POST", "/api/v1/announcements", null,
        "{\"subject\":\"x\",\"body\":\"y\"}").status());
    NodeApiTest.Answer audit = NodeApiTest.call(port, "GET", "/api/v1/audit", token, null);
    assertTrue(audit.body().contains("\"action\":\"announcement\""), audit.body());
    assertTrue(audit.body().contains("'Your quota' to 1 clients"), audit.body());
  }
}
