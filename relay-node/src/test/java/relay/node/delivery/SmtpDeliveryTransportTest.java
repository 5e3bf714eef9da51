package relay.node.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import relay.persistence.queue.DeliveryFailure;
import relay.protocol.client.ClientSettings;
import relay.protocol.client.Deadline;
import relay.protocol.client.TlsPolicy;
import relay.protocol.dns.MxResolver;
import relay.testing.HostileServer;
import relay.testing.TestDnsServer;

/**
 * The transport's bounds over real sockets: a domain with ten MX hosts, each a server that
 * accepts and never greets (greeting timeout 300 ms), and a real DNS server. One attempt tries
 * at most max-addresses-per-attempt of them and ends by its deadline; while the destination is
 * degraded a second attempt stops after its first address and a third is turned away at once.
 */
class SmtpDeliveryTransportTest {

  private static final int HOSTS = 10;

  private TestDnsServer dns;
  private final List<HostileServer> silent = new ArrayList<>();
  private ClientSettings client;

  @BeforeEach
  void start() throws Exception {
    dns = TestDnsServer.start();
    int port = 0;
    for (int i = 0; i < HOSTS; i++) {
      HostileServer s = HostileServer.silent("127.0.0." + (40 + i), port);
      port = s.port();
      silent.add(s);
      dns.mx("many.test", 10 + i, "mx" + i + ".many.test").a("mx" + i + ".many.test", "127.0.0." + (40 + i));
    }
    client = ClientSettings.defaults().withHeloName("relay.test").withReplyTimeouts(Duration.ofMillis(300))
        .withPort(port);
  }

  @AfterEach
  void stop() {
    silent.forEach(HostileServer::close);
    dns.close();
  }

  private SmtpDeliveryTransport transport(Duration degradedFor) {
    DeliverySettings settings = new DeliverySettings(5, List.of(Cidr.parse("k", "127.0.0.0/8")), List.of(),
        degradedFor);
    OwnEndpoints own = new OwnEndpoints(Set::of, List.of(new InetSocketAddress("127.0.0.1", 1)));
    return new SmtpDeliveryTransport(new MxResolver(List.of(dns.address()), Duration.ofSeconds(2), 0), client, Map.of(),
        settings, own, Set.of("relay.test"));
  }

  private int connections() {
    return silent.stream().mapToInt(HostileServer::totalConnections).sum();
  }

  @Test
  void oneAttemptTriesAtMostFiveAddresses() {
    SmtpDeliveryTransport transport = transport(Duration.ZERO);
    long start = System.nanoTime();
    DeliveryFailure f = assertThrows(DeliveryFailure.class,
        () -> transport.connect("many.test", TlsPolicy.OPPORTUNISTIC, Deadline.after(Duration.ofMinutes(1))));
    long took = (System.nanoTime() - start) / 1_000_000;

    assertEquals(5, connections(), "of 10 MX hosts, max-addresses-per-attempt = 5 were tried");
    assertEquals("451 4.4.2", f.reply().code() + " " + f.reply().enhanced());
    assertTrue(f.reply().lines().get(0).contains("timed out waiting for the greeting"), f.reply().summary());
    assertTrue(took >= 5 * 300 && took < 10_000, "five greeting timeouts: " + took + " ms");
  }

  @Test
  void theAttemptsDeadlineEndsItEarlier() {
    SmtpDeliveryTransport transport = transport(Duration.ZERO);
    long start = System.nanoTime();
    DeliveryFailure f = assertThrows(DeliveryFailure.class,
        () -> transport.connect("many.test", TlsPolicy.OPPORTUNISTIC, Deadline.after(Duration.ofMillis(700))));
    long took = (System.nanoTime() - start) / 1_000_000;

    assertTrue(connections() <= 3, "700 ms hold at most three 300 ms greetings: " + connections());
    assertTrue(f.reply().lines().get(0).contains("exceeded its time limit"), f.reply().summary());
    assertTrue(took >= 650 && took < 4_000, "ended after " + took + " ms");
  }

  @Test
  void onceDegradedOnlyTheProbeGoesOnAndNewAttemptsAreTurnedAway() throws Exception {
    SmtpDeliveryTransport transport = transport(Duration.ofMinutes(1));
    CompletableFuture<DeliveryFailure> first = attemptInBackground(transport);
    CompletableFuture<DeliveryFailure> second = attemptInBackground(transport);
    Thread.sleep(1_000); // both failed their first address; one goes on as the probe

    DeliveryFailure third = assertThrows(DeliveryFailure.class,
        () -> transport.connect("many.test", TlsPolicy.OPPORTUNISTIC, Deadline.after(Duration.ofMinutes(1))));
    assertEquals("451 4.4.1 many.test is not responding; delivery deferred", third.reply().summary());
    assertTrue(third.destinationDegraded());

    DeliveryFailure a = first.get();
    DeliveryFailure b = second.get();
    assertTrue(a.reply().isTransient() && b.reply().isTransient());
    assertEquals(6, connections(), "the probe's five addresses and the other attempt's first");
  }

  private CompletableFuture<DeliveryFailure> attemptInBackground(SmtpDeliveryTransport transport) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        transport.connect("many.test", TlsPolicy.OPPORTUNISTIC, Deadline.after(Duration.ofMinutes(1))).close();
        throw new AssertionError("connected to a silent server");
      } catch (DeliveryFailure f) {
        return f;
      }
    });
  }
}
