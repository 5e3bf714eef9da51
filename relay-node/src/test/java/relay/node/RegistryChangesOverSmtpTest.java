package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
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
 * The node's own registry (entity, Distributed Data, this node's view) changed through its
 * service while the node runs (H2, real sockets): the configured client relays from the start, a
 * block or a new client is seen by the next connection, and so is its removal. Each wait is
 * measured and printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryChangesOverSmtpTest {

  private RelayFixture relay;
  private RegistryService service;

  @BeforeAll
  void start() throws Exception {
    relay = RelayFixture.create(RelayFixture.Storage.H2).start();
    service = relay.node().registry().service();
  }

  @AfterAll
  void stop() throws Exception {
    relay.close();
  }

  /** The value of a call that must succeed. */
  static <T> T ok(CompletionStage<RegistryResult<T>> call) throws Exception {
    RegistryResult<T> result = call.toCompletableFuture().get(10, TimeUnit.SECONDS);
    if (result instanceof RegistryResult.Ok<T> done) {
      return done.value();
    }
    throw new AssertionError("registry call refused: " + result);
  }

  private String greeting(String from) throws Exception {
    try (SmtpDialog smtp = SmtpDialog.connectFrom(from, relay.smtp())) {
      return smtp.reply();
    }
  }

  private String rcpt(String from, String recipient) throws Exception {
    try (SmtpDialog smtp = SmtpDialog.connectFrom(from, relay.smtp())) {
      String greeting = smtp.reply();
      if (!greeting.startsWith("220")) {
        return greeting;
      }
      smtp.command("EHLO app.client.test");
      smtp.command("MAIL FROM:<a@sender.test>");
      return smtp.command("RCPT TO:<" + recipient + ">");
    }
  }

  /** Polls {@code reply} until it starts with {@code expected}; returns the milliseconds. */
  private long until(String what, String expected, Callable<String> reply) throws Exception {
    long start = System.nanoTime();
    String last = reply.call();
    while (!last.startsWith(expected)) {
      assertTrue(System.nanoTime() - start < 5_000_000_000L, what + ": still " + last);
      Thread.sleep(10);
      last = reply.call();
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.println("registry change seen over SMTP: " + what + " after " + ms + " ms");
    return ms;
  }

  @Test
  void theConfiguredClientRelaysFromTheStart() throws Exception {
    assertEquals("250 2.1.5 Ok", rcpt("127.0.0.1", "b@dest.test"));
  }

  @Test
  void anIpBlockAndItsRemovalAreSeenByTheNextConnection() throws Exception {
    assertTrue(greeting("127.0.0.6").startsWith("220 "));
    Block block = ok(service.addBlock(BlockKind.IP, "127.0.0.6", "scanning ports",
        Optional.empty(), "test"));
    until("ip block", "554 5.7.1 relay.test Blocked: scanning ports",
        () -> greeting("127.0.0.6"));
    ok(service.removeBlock(block.id(), "test"));
    until("ip unblock", "220 ", () -> greeting("127.0.0.6"));
  }

  @Test
  void aClientCreatedRelaysAndOnceDeletedIsDenied() throws Exception {
    assertEquals("554 5.7.1 Relay access denied", rcpt("127.0.0.8", "b@dest.test"));
    ClientRecord client = new ClientRecord(new ClientId("new-app"), "New app",
        List.of("ops@new-app.test"), List.of(new ClientAddress("127.0.0.8",
            AddressRole.PRODUCTION)), List.of("sender.test"), ClientLimits.DEFAULTS,
        ClientState.ACTIVE, Optional.empty(), ClientOrigin.API);
    ok(service.createClient(client, "test"));
    until("client created", "250 2.1.5 Ok", () -> rcpt("127.0.0.8", "b@dest.test"));
    Block block = ok(service.addBlock(BlockKind.RECIPIENT_DOMAIN, "victim.test",
        "complaints", Optional.empty(), "test"));
    until("recipient-domain block", "554 5.7.1 Blocked: complaints",
        () -> rcpt("127.0.0.8", "b@victim.test"));
    ok(service.removeBlock(block.id(), "test"));
    ok(service.replaceClient(client.withState(ClientState.SUSPENDED), "test"));
    until("client suspended", "554 5.7.1 relay.test Client suspended",
        () -> greeting("127.0.0.8"));
    ok(service.deleteClient(client.id(), "test"));
    until("client deleted", "554 5.7.1 Relay access denied",
        () -> rcpt("127.0.0.8", "b@dest.test"));
  }
}
