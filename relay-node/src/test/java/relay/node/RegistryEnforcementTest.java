package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;
import relay.persistence.log.MessageEventLog;
import relay.persistence.registry.AddressRole;
import relay.persistence.registry.Block;
import relay.persistence.registry.BlockKind;
import relay.persistence.registry.ClientAddress;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.ClientLimits;
import relay.persistence.registry.ClientOrigin;
import relay.persistence.registry.ClientRecord;
import relay.persistence.registry.ClientState;
import relay.persistence.registry.RegistrySnapshot;
import relay.persistence.registry.RegistryView;
import relay.persistence.registry.TestWindow;

/**
 * The operator's registry enforced over real sockets against a running node (H2): blocks of an
 * IP, a client, a sender, a sender domain and a recipient domain, a suspended client, a test
 * address outside its window, a disallowed sender domain, a client's own recipient and size
 * limits; each gets its reply and a "refused" line in the event log, and a change to the
 * registry is seen by the next connection.
 *
 * <p>The node reads a registry view this test swaps (the same interface the replicated view
 * implements), so each case sets exactly the registry it needs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryEnforcementTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.now();

  private final AtomicReference<RegistrySnapshot> registry = new AtomicReference<>();
  private final AtomicBoolean complete = new AtomicBoolean(true);
  /** What the node reads: the snapshot this test sets, complete unless a test says not. */
  private final RegistryView view = new RegistryView() {
    @Override
    public RegistrySnapshot current() {
      return registry.get();
    }

    @Override
    public boolean complete() {
      return complete.get();
    }
  };
  private final AtomicInteger blockIds = new AtomicInteger();
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private Logger eventLogger;
  private Level eventLevel;
  private RelayFixture relay;

  private static ClientRecord client(String id, ClientState state, Optional<TestWindow> window,
      List<String> senderDomains, ClientLimits limits, ClientAddress... addresses) {
    return new ClientRecord(new ClientId(id), id, List.of("ops@" + id + ".test"),
        List.of(addresses), senderDomains, limits, state, window, ClientOrigin.API);
  }

  private static final ClientRecord APP = client("test-app", ClientState.ACTIVE, Optional.empty(),
      List.of(), ClientLimits.DEFAULTS, new ClientAddress("127.0.0.1", AddressRole.PRODUCTION));
  private static final ClientRecord LIMITED = client("limited", ClientState.ACTIVE,
      Optional.empty(), List.of("sender.test"),
      new ClientLimits(Optional.empty(), Optional.of(2), Optional.of(2000L), Optional.empty(),
          Optional.empty()),
      new ClientAddress("127.0.0.3", AddressRole.PRODUCTION));
  private static final ClientRecord TESTER = client("tester", ClientState.ACTIVE,
      Optional.of(new TestWindow(NOW.minus(Duration.ofDays(2)), NOW.minus(Duration.ofDays(1)))),
      List.of(), ClientLimits.DEFAULTS, new ClientAddress("127.0.0.4", AddressRole.TEST),
      new ClientAddress("127.0.0.7", AddressRole.STANDBY));
  private static final ClientRecord PAUSED = client("paused", ClientState.SUSPENDED,
      Optional.empty(), List.of(), ClientLimits.DEFAULTS,
      new ClientAddress("127.0.0.5", AddressRole.PRODUCTION));

  @BeforeAll
  void start() throws Exception {
    eventLogger = (Logger) LoggerFactory.getLogger(MessageEventLog.LOGGER);
    eventLevel = eventLogger.getLevel();
    eventLogger.setLevel(Level.INFO);
    events.start();
    eventLogger.addAppender(events);
    registry.set(snapshot());
    relay = RelayFixture.create(RelayFixture.Storage.H2).withRegistry(view).start();
  }

  @AfterAll
  void stop() throws Exception {
    eventLogger.detachAppender(events);
    eventLogger.setLevel(eventLevel);
    relay.close();
  }

  @BeforeEach
  void clean() {
    registry.set(snapshot());
    complete.set(true);
    events.list.clear();
  }

  private RegistrySnapshot snapshot(Block... blocks) {
    return new RegistrySnapshot(List.of(APP, LIMITED, TESTER, PAUSED), List.of(blocks));
  }

  private Block block(BlockKind kind, String value, String reason) {
    return new Block("b" + blockIds.incrementAndGet(), kind, value, reason, Optional.empty(),
        "operator", NOW.minusSeconds(1));
  }

  private String greeting(String from) throws Exception {
    try (SmtpDialog smtp = SmtpDialog.connectFrom(from, relay.smtp())) {
      return smtp.reply();
    }
  }

  /** EHLO, then each command's reply. */
  private List<String> dialog(String from, String... commands) throws Exception {
    try (SmtpDialog smtp = SmtpDialog.connectFrom(from, relay.smtp())) {
      assertTrue(smtp.reply().startsWith("220 "));
      smtp.command("EHLO app.client.test");
      List<String> replies = new ArrayList<>();
      for (String command : commands) {
        replies.add(smtp.command(command));
      }
      return replies;
    }
  }

  /** The "refused" lines of the event log so far, parsed. */
  private List<JsonNode> refusals() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(events.list)) {
      JsonNode line = JSON.readTree(e.getFormattedMessage());
      if ("refused".equals(line.path("event").asText())) {
        out.add(line);
      }
    }
    return out;
  }

  private JsonNode onlyRefusal() throws Exception {
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (refusals().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    List<JsonNode> lines = refusals();
    assertEquals(1, lines.size(), lines.toString());
    return lines.get(0);
  }

  /**
   * After a full cluster restart the view fills bucket by bucket: until it is complete an address
   * it does not know may be a client registered over the API, so it gets a temporary 421 4.3.0
   * (and retries), not the treatment of a stranger (a permanent 554 at RCPT); clients it already
   * holds (those of relay.clients come from the file at once) are served.
   */
  @Test
  void untilTheViewIsCompleteAnUnknownAddressGets421AndAKnownClientIsServed() throws Exception {
    complete.set(false);
    try (SmtpDialog smtp = SmtpDialog.connectFrom("127.0.0.6", relay.smtp())) {
      assertEquals("421 4.3.0 relay.test Service temporarily unavailable, closing", smtp.reply());
      assertEquals("<closed>", smtp.reply());
    }
    JsonNode line = onlyRefusal();
    assertEquals("connect", line.get("stage").asText());
    assertEquals("127.0.0.6", line.get("source_ip").asText());
    assertEquals("421 4.3.0 relay.test Service temporarily unavailable, closing",
        line.get("reply").asText());
    assertEquals(List.of("250 2.1.0 Ok", "250 2.1.5 Ok"),
        dialog("127.0.0.1", "MAIL FROM:<a@app.client.test>", "RCPT TO:<b@dest.test>"),
        "a client the view holds relays");
    complete.set(true);
    assertTrue(greeting("127.0.0.6").startsWith("220 "), "once complete: unregistered, greeted");
  }

  @Test
  void aBlockedIpIsRefusedAtConnectWithTheReasonAndTheNextConnectionSeesTheUnblock()
      throws Exception {
    assertTrue(greeting("127.0.0.6").startsWith("220 "), "unregistered and unblocked");
    registry.set(snapshot(block(BlockKind.IP, "127.0.0.6", "port scan from this host")));
    try (SmtpDialog smtp = SmtpDialog.connectFrom("127.0.0.6", relay.smtp())) {
      assertEquals("554 5.7.1 relay.test Blocked: port scan from this host", smtp.reply());
      // RFC 5321 3.1: the node waits for QUIT, 503 to anything else
      assertEquals("503 5.5.1 Bad sequence of commands: connection refused, send QUIT",
          smtp.command("EHLO scanner.test"));
      assertEquals("221 2.0.0 Bye", smtp.command("QUIT"));
    }
    JsonNode line = onlyRefusal();
    assertEquals("connect", line.get("stage").asText());
    assertEquals("blocked-ip", line.get("reason").asText());
    assertEquals("", line.get("client").asText());
    assertEquals("127.0.0.6", line.get("source_ip").asText());
    assertEquals("554 5.7.1 relay.test Blocked: port scan from this host",
        line.get("reply").asText());
    registry.set(snapshot());
    assertTrue(greeting("127.0.0.6").startsWith("220 "), "unblocked");
  }

  @Test
  void aBlockedClientIsRefusedAtConnectFromEachOfItsAddresses() throws Exception {
    // the registry refuses control characters in a reason; what else is not ASCII is masked
    registry.set(snapshot(block(BlockKind.CLIENT, "tester", "unpaid invoice \u2014 30 days")));
    assertEquals("554 5.7.1 relay.test Blocked: unpaid invoice ? 30 days", greeting("127.0.0.7"));
    JsonNode line = onlyRefusal();
    assertEquals("tester", line.get("client").asText());
    assertEquals("blocked-client", line.get("reason").asText());
    assertTrue(greeting("127.0.0.1").startsWith("220 "), "another client is not affected");
  }

  @Test
  void aSuspendedClientAndATestAddressOutsideItsWindowAreRefusedAtConnect() throws Exception {
    assertEquals("554 5.7.1 relay.test Client suspended", greeting("127.0.0.5"));
    assertEquals("554 5.7.1 relay.test Test address outside its test window",
        greeting("127.0.0.4"));
    assertTrue(greeting("127.0.0.7").startsWith("220 "), "its standby address relays");
    ClientRecord open = client("tester", ClientState.ACTIVE,
        Optional.of(new TestWindow(NOW.minusSeconds(60), NOW.plus(Duration.ofHours(1)))),
        List.of(), ClientLimits.DEFAULTS, TESTER.addresses().toArray(ClientAddress[]::new));
    registry.set(new RegistrySnapshot(List.of(APP, LIMITED, open, PAUSED), List.of()));
    assertEquals(List.of("250 2.1.0 Ok", "250 2.1.5 Ok"),
        dialog("127.0.0.4", "MAIL FROM:<a@sender.test>", "RCPT TO:<b@dest.test>"),
        "inside the window the test address is the client");
  }

  @Test
  void blockedSendersSenderDomainsAndRecipientDomainsAreRefusedAtMailAndRcpt()
      throws Exception {
    registry.set(snapshot(block(BlockKind.SENDER, "Bad@Sender.test", "phishing"),
        block(BlockKind.SENDER_DOMAIN, "spam.test", "spam source"),
        block(BlockKind.RECIPIENT_DOMAIN, "victim.test", "complaints from victim.test")));
    assertEquals(List.of("554 5.7.1 Blocked: phishing", "554 5.7.1 Blocked: spam source",
            "250 2.1.0 Ok", "554 5.7.1 Blocked: complaints from victim.test", "250 2.1.5 Ok"),
        dialog("127.0.0.1", "MAIL FROM:<bad@sender.test>", "MAIL FROM:<x@spam.test>",
            "MAIL FROM:<good@sender.test>", "RCPT TO:<a@victim.test>", "RCPT TO:<a@dest.test>"));
    List<JsonNode> lines = refusals();
    assertEquals(3, lines.size(), lines.toString());
    JsonNode rcpt = lines.get(2);
    assertEquals("rcpt", rcpt.get("stage").asText());
    assertEquals("test-app", rcpt.get("client").asText());
    assertEquals("127.0.0.1", rcpt.get("source_ip").asText());
    assertEquals("good@sender.test", rcpt.get("sender").asText());
    assertEquals("a@victim.test", rcpt.get("recipient").asText());
    assertEquals("bad@sender.test", lines.get(0).get("sender").asText());
    assertEquals(List.of("blocked-sender", "blocked-sender-domain", "blocked-recipient-domain"),
        lines.stream().map(l -> l.get("reason").asText()).toList());
  }

  @Test
  void aClientsSenderDomainsRecipientLimitAndSizeAreItsOwn() throws Exception {
    assertEquals(List.of("550 5.7.1 Sender domain not allowed for this client",
            "552 5.3.4 Message size exceeds fixed limit", "250 2.1.0 Ok", "250 2.1.5 Ok",
            "250 2.1.5 Ok", "452 4.5.3 Too many recipients"),
        dialog("127.0.0.3", "MAIL FROM:<a@other.test>", "MAIL FROM:<a@sender.test> SIZE=2001",
            "MAIL FROM:<a@sender.test>", "RCPT TO:<x@dest.test>", "RCPT TO:<y@dest.test>",
            "RCPT TO:<z@dest.test>"));
    assertEquals(3, refusals().size());
    try (SmtpDialog smtp = SmtpDialog.connectFrom("127.0.0.3", relay.smtp())) {
      smtp.reply();
      assertTrue(smtp.command("EHLO app.client.test").contains("SIZE 2000"));
      smtp.command("MAIL FROM:<a@sender.test>");
      smtp.command("RCPT TO:<x@dest.test>");
      assertTrue(smtp.command("DATA").startsWith("354"));
      String body = "Subject: big\r\n\r\n" + ("x".repeat(76) + "\r\n").repeat(40);
      assertEquals("552 5.3.4 Message size exceeds fixed limit",
          smtp.send(body + ".\r\n").reply());
    }
    assertEquals("data", refusals().get(3).get("stage").asText());
    assertEquals(List.of("sender-domain", "size", "recipients-limit", "size"),
        refusals().stream().map(l -> l.get("reason").asText()).toList());
    assertEquals(List.of("250 2.1.0 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok"),
        dialog("127.0.0.1", "MAIL FROM:<a@other.test>", "RCPT TO:<x@dest.test>",
            "RCPT TO:<y@dest.test>", "RCPT TO:<z@dest.test>"),
        "another client keeps the server's limits and any sender domain");
  }

  @Test
  void relayDeniedIsInTheEventLog() throws Exception {
    assertEquals(List.of("250 2.1.0 Ok", "554 5.7.1 Relay access denied"),
        dialog("127.0.0.9", "MAIL FROM:<a@x.test>", "RCPT TO:<b@dest.test>"));
    JsonNode line = onlyRefusal();
    assertEquals("127.0.0.9", line.get("source_ip").asText());
    assertEquals("b@dest.test", line.get("recipient").asText());
    assertEquals("relay-denied", line.get("reason").asText());
  }
}
