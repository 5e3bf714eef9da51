package relay.node.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import relay.protocol.dns.MxResolver;
import relay.protocol.sts.StsPolicy;
import relay.testing.StsPolicyServer;
import relay.testing.TestCertificates;
import relay.testing.TestDnsServer;

/**
 * The MTA-STS cache against a real DNS server and a real HTTPS policy server (RFC 8461 3 and
 * 5.1): fetched once and cached, fetched again only when the TXT id changes, a failed fetch keeps
 * the cached policy, no record or a redirect means no policy, concurrent first deliveries share
 * one fetch, and a policy host that points home is not fetched from.
 */
class MtaStsPoliciesTest {

  private static final String ENFORCE_A = "version: STSv1\r\nmode: enforce\r\nmx: mx.a.test\r\nmax_age: 86400\r\n";
  private static final String ENFORCE_B = "version: STSv1\r\nmode: enforce\r\nmx: mx.b.test\r\nmax_age: 86400\r\n";

  @TempDir
  static Path dir;
  private TestDnsServer dns;
  private StsPolicyServer web;
  private static TestCertificates cert;

  @BeforeAll
  static void certificate() throws Exception {
    cert = TestCertificates.create(dir, "web", "mta-sts.one.test", "mta-sts.one.test",
        "mta-sts.two.test", "mta-sts.none.test", "mta-sts.moved.test", "mta-sts.home.test");
  }

  @BeforeEach
  void start() throws Exception {
    dns = TestDnsServer.start();
    web = StsPolicyServer.start(cert.serverContext());
    for (String d : List.of("one.test", "two.test", "moved.test")) {
      dns.a("mta-sts." + d, "127.0.0.1");
    }
  }

  @AfterEach
  void stop() {
    web.close();
    dns.close();
  }

  private MtaStsPolicies policies(Duration recheck, List<Cidr> allowed) {
    MtaStsSettings settings = new MtaStsSettings(true, web.port(), Optional.of(cert.trustStore()), cert.password(),
        Duration.ofSeconds(2), Duration.ofSeconds(5), 65536, 100, recheck);
    OwnEndpoints own = new OwnEndpoints(Set::of, List.of(new InetSocketAddress("127.0.0.1", 1)));
    return new MtaStsPolicies(new MxResolver(List.of(dns.address()), Duration.ofSeconds(2), 0), settings,
        new DestinationPolicy(allowed, List.of(), own));
  }

  private MtaStsPolicies policies(Duration recheck) {
    return policies(recheck, List.of(Cidr.parse("test", "127.0.0.0/8")));
  }

  @Test
  void fetchedOnceCachedAndFetchedAgainOnlyWhenTheIdChanges() throws Exception {
    dns.txt("_mta-sts.one.test", "v=STSv1; id=1;");
    web.policy("mta-sts.one.test", ENFORCE_A);
    MtaStsPolicies p = policies(Duration.ofMillis(50));
    assertEquals(List.of("mx.a.test"), p.policyFor("one.test").orElseThrow().mx());
    assertEquals(StsPolicy.Mode.ENFORCE, p.policyFor("one.test").orElseThrow().mode());
    assertEquals(1, web.fetches("mta-sts.one.test"));

    web.policy("mta-sts.one.test", ENFORCE_B); // same id: the relay has no reason to fetch it
    for (int i = 0; i < 5; i++) {
      Thread.sleep(80);
      assertEquals(List.of("mx.a.test"), p.policyFor("one.test").orElseThrow().mx());
    }
    assertEquals(1, web.fetches("mta-sts.one.test"), "rechecked the TXT record, not refetched");

    dns.remove("_mta-sts.one.test").txt("_mta-sts.one.test", "v=STSv1; id=2;");
    Thread.sleep(80);
    p.policyFor("one.test"); // starts the background refresh
    assertTrue(await(() -> p.policyFor("one.test").orElseThrow().mx().equals(List.of("mx.b.test"))),
        "the new id brought the new policy");
    assertEquals(2, web.fetches("mta-sts.one.test"));
  }

  @Test
  void aFailedFetchKeepsTheCachedPolicyAndNoneMeansNoPolicy() throws Exception {
    dns.txt("_mta-sts.two.test", "v=STSv1; id=1;");
    web.policy("mta-sts.two.test", ENFORCE_A);
    MtaStsPolicies p = policies(Duration.ofMillis(50));
    assertTrue(p.policyFor("two.test").isPresent());
    web.status("mta-sts.two.test", 500);
    dns.remove("_mta-sts.two.test").txt("_mta-sts.two.test", "v=STSv1; id=2;");
    Thread.sleep(80);
    p.policyFor("two.test");
    assertTrue(await(() -> web.fetches("mta-sts.two.test") == 2), "tried again");
    Thread.sleep(100);
    assertEquals(List.of("mx.a.test"), p.policyFor("two.test").orElseThrow().mx(), "the cached one stays");

    assertEquals(Optional.empty(), p.policyFor("plain.test"), "no TXT record: no policy");
    dns.txt("_mta-sts.none.test", "v=STSv1; id=1;").a("mta-sts.none.test", "127.0.0.1");
    web.policy("mta-sts.none.test", "version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n");
    assertEquals(Optional.empty(), p.policyFor("none.test"), "mode none: no policy");
  }

  @Test
  void aRedirectIsNotFollowedAndAPolicyHostThatPointsHomeIsNotAsked() throws Exception {
    dns.txt("_mta-sts.moved.test", "v=STSv1; id=1;");
    web.policy("mta-sts.moved.test", ENFORCE_A).status("mta-sts.moved.test", 302);
    assertEquals(Optional.empty(), policies(Duration.ofMinutes(1)).policyFor("moved.test"));
    assertEquals(1, web.fetches("mta-sts.moved.test"));

    dns.txt("_mta-sts.home.test", "v=STSv1; id=1;").a("mta-sts.home.test", "127.0.0.1");
    web.policy("mta-sts.home.test", ENFORCE_A);
    assertEquals(Optional.empty(), policies(Duration.ofMinutes(1), List.of()).policyFor("home.test"),
        "127.0.0.1 is refused like an MX address pointing home");
    assertEquals(0, web.fetches("mta-sts.home.test"));
  }

  @Test
  void concurrentFirstDeliveriesShareOneFetch() throws Exception {
    dns.txt("_mta-sts.one.test", "v=STSv1; id=1;");
    web.policy("mta-sts.one.test", ENFORCE_A).delay(Duration.ofMillis(300));
    MtaStsPolicies p = policies(Duration.ofMinutes(1));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Optional<StsPolicy>>> all = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        all.add(pool.submit(() -> p.policyFor("one.test")));
      }
      for (Future<Optional<StsPolicy>> f : all) {
        assertEquals(List.of("mx.a.test"), f.get().orElseThrow().mx());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, web.fetches("mta-sts.one.test"));
  }

  private static boolean await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }
}
