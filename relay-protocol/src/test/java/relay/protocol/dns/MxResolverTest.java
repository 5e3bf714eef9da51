package relay.protocol.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import relay.protocol.reply.DeliveryReplies;
import relay.protocol.reply.SmtpReply;
import relay.testing.TestDnsServer;

class MxResolverTest {

  private TestDnsServer dns;
  private MxResolver resolver;

  @BeforeEach
  void start() throws Exception {
    dns = TestDnsServer.start();
    // Generous: a loaded build machine must not turn a slow answer into a timeout.
    resolver = new MxResolver(List.of(dns.address()), Duration.ofSeconds(3), 0);
  }

  @AfterEach
  void stop() {
    dns.close();
  }

  @Test
  void mxHostsComeInPreferenceOrderWithTheirAddresses() throws Exception {
    dns.mx("example.test", 20, "backup.example.test")
        .mx("example.test", 10, "primary.example.test")
        .a("primary.example.test", "127.0.0.2")
        .aaaa("primary.example.test", "::1")
        .a("backup.example.test", "127.0.0.3");

    MxResult.Hosts result = assertInstanceOf(MxResult.Hosts.class, resolver.resolve("Example.TEST"));

    assertEquals(List.of("primary.example.test", "backup.example.test"),
        result.hosts().stream().map(MxHost::name).toList());
    assertEquals(List.of(10, 20), result.hosts().stream().map(MxHost::preference).toList());
    assertEquals(List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("::1")),
        result.hosts().get(0).addresses(), "IPv4 first, then IPv6");
    assertEquals(List.of(InetAddress.getByName("127.0.0.3")), result.hosts().get(1).addresses());
  }

  @Test
  void equalPreferencesAreShuffledAcrossLookups() {
    for (String h : List.of("a", "b", "c")) {
      dns.mx("spread.test", 10, h + ".spread.test").a(h + ".spread.test", "127.0.0.2");
    }
    dns.mx("spread.test", 5, "first.spread.test").a("first.spread.test", "127.0.0.3");

    Set<String> secondPlaces = new HashSet<>();
    for (int i = 0; i < 60; i++) {
      MxResult.Hosts result = assertInstanceOf(MxResult.Hosts.class, resolver.resolve("spread.test"));
      assertEquals(4, result.hosts().size());
      assertEquals("first.spread.test", result.hosts().get(0).name(), "lower preference always first");
      secondPlaces.add(result.hosts().get(1).name());
    }
    // Each of the three equal hosts comes second with probability 1/3; all three appear in 60
    // lookups except with probability about 3 * (2/3)^60, i.e. never.
    assertEquals(Set.of("a.spread.test", "b.spread.test", "c.spread.test"), secondPlaces);
  }

  @Test
  void hostsWithoutAddressesAreSkipped() {
    dns.mx("partial.test", 10, "gone.partial.test")
        .mx("partial.test", 20, "here.partial.test")
        .a("here.partial.test", "127.0.0.2");

    MxResult.Hosts result = assertInstanceOf(MxResult.Hosts.class, resolver.resolve("partial.test"));

    assertEquals(List.of("here.partial.test"), result.hosts().stream().map(MxHost::name).toList());
  }

  @Test
  void mxTargetWrittenAsAnIpAddressIsTolerated() throws Exception {
    dns.mx("literal.test", 10, "127.0.0.9");

    MxResult.Hosts result = assertInstanceOf(MxResult.Hosts.class, resolver.resolve("literal.test"));

    assertEquals(List.of(InetAddress.getByName("127.0.0.9")), result.hosts().get(0).addresses());
  }

  @Test
  void addressLiteralDomainIsThatHostWithoutAskingDns() throws Exception {
    MxResult.Hosts v4 = assertInstanceOf(MxResult.Hosts.class, resolver.resolve("[127.0.0.7]"));
    MxResult.Hosts v6 = assertInstanceOf(MxResult.Hosts.class, resolver.resolve("[IPv6:::1]"));

    assertEquals(List.of(InetAddress.getByName("127.0.0.7")), v4.hosts().get(0).addresses());
    assertEquals(List.of(InetAddress.getByName("::1")), v6.hosts().get(0).addresses());
    assertInstanceOf(MxResult.NoSuchDomain.class, resolver.resolve("[not-an-address]"));
    assertInstanceOf(MxResult.NoSuchDomain.class, resolver.resolve(""));
    assertEquals(0, dns.queryCount());
  }

  @Test
  void domainWithOnlyAnAddressIsItsOwnImplicitMx() throws Exception {
    dns.a("plain.test", "127.0.0.4");

    MxResult.Hosts result = assertInstanceOf(MxResult.Hosts.class, resolver.resolve("plain.test"));

    assertEquals(List.of(new MxHost("plain.test", 0, List.of(InetAddress.getByName("127.0.0.4")))), result.hosts());
  }

  @Test
  void nullMxMeansTheDomainTakesNoMail() {
    dns.nullMx("nomail.test").a("nomail.test", "127.0.0.5");

    MxResult result = resolver.resolve("nomail.test");

    SmtpReply reply = assertInstanceOf(MxResult.NullMx.class, result).toReply();
    assertEquals(556, reply.code());
    assertEquals("5.1.10", reply.enhanced());
  }

  @Test
  void unknownDomainIsNoSuchDomain() {
    MxResult result = resolver.resolve("unknown.test");

    SmtpReply reply = assertInstanceOf(MxResult.NoSuchDomain.class, result).toReply();
    assertEquals("550 5.1.2", reply.code() + " " + reply.enhanced());
  }

  @Test
  void existingNameWithoutMxOrAddressHasNoMailHost() {
    dns.exists("empty.test");

    MxResult result = resolver.resolve("empty.test");

    assertEquals(550, assertInstanceOf(MxResult.NoMailHost.class, result).toReply().code());
  }

  @Test
  void mxHostsThatAllLackAddressesMeanNoMailHost() {
    dns.mx("dangling.test", 10, "nowhere.dangling.test");

    assertInstanceOf(MxResult.NoMailHost.class, resolver.resolve("dangling.test"));
  }

  @Test
  void servfailIsTemporary() {
    dns.servfail("broken.test");

    MxResult result = resolver.resolve("broken.test");

    SmtpReply reply = assertInstanceOf(MxResult.TemporaryFailure.class, result).toReply();
    assertEquals("451 4.4.3", reply.code() + " " + reply.enhanced());
    assertTrue(reply.isTransient());
    assertEquals("Temporary DNS failure: DNS server failure", reply.lines().get(0));
  }

  @Test
  void servfailForTheOnlyMxHostIsTemporary() {
    dns.mx("hostfail.test", 10, "mx.hostfail.test").servfail("mx.hostfail.test");

    assertInstanceOf(MxResult.TemporaryFailure.class, resolver.resolve("hostfail.test"));
  }

  @Test
  void unansweredQueryTimesOutAsTemporary() {
    dns.drop("silent.test");
    MxResolver impatient = new MxResolver(List.of(dns.address()), Duration.ofMillis(300), 0);

    MxResult.TemporaryFailure result =
        assertInstanceOf(MxResult.TemporaryFailure.class, impatient.resolve("silent.test"));

    assertEquals(DeliveryReplies.DnsTrouble.TIMEOUT, result.trouble(), result.detail());
  }

  @Test
  void asyncLookupGivesTheSameAnswer() throws Exception {
    dns.mx("async.test", 10, "mx.async.test").a("mx.async.test", "127.0.0.2");

    MxResult result = resolver.resolveAsync("async.test").toCompletableFuture().get();

    assertEquals("mx.async.test", assertInstanceOf(MxResult.Hosts.class, result).hosts().get(0).name());
  }

  @Test
  void maxMxHostsCutsTheList() {
    for (int i = 0; i < 5; i++) {
      dns.mx("many.test", i, "mx" + i + ".many.test").a("mx" + i + ".many.test", "127.0.0.2");
    }
    MxResolver limited = new MxResolver(new DnsSettings(List.of(dns.address()), Duration.ofSeconds(3), 0, 2,
        Duration.ZERO, 0));

    MxResult.Hosts result = assertInstanceOf(MxResult.Hosts.class, limited.resolve("many.test"));

    assertEquals(List.of("mx0.many.test", "mx1.many.test"), result.hosts().stream().map(MxHost::name).toList());
  }

  @Test
  void cacheServesRepeatedLookupsWithinTheTtl() {
    dns.mx("cached.test", 10, "mx.cached.test").a("mx.cached.test", "127.0.0.2");
    MxResolver cached = new MxResolver(new DnsSettings(List.of(dns.address()), Duration.ofSeconds(3), 0, 10,
        Duration.ofMinutes(5), 100));

    assertInstanceOf(MxResult.Hosts.class, cached.resolve("cached.test"));
    int queriesAfterFirst = dns.queryCount();
    assertInstanceOf(MxResult.Hosts.class, cached.resolve("cached.test"));

    assertEquals(queriesAfterFirst, dns.queryCount(), "second lookup within the 1 s TTL asks nobody");
  }

  @Test
  void settingsComeFromConfigAndAreChecked() {
    DnsSettings settings = DnsSettings.fromConfig(ConfigFactory.parseString(
        "servers = [\"127.0.0.1:5353\", \"[::1]:53\", \"192.0.2.1\"]").withFallback(
            ConfigFactory.defaultReference().getConfig("relay.dns")));

    assertEquals(3, settings.servers().size());
    assertEquals(5353, settings.servers().get(0).getPort());
    assertEquals(53, settings.servers().get(2).getPort());
    assertEquals(Duration.ofSeconds(5), settings.timeout());
    assertEquals(10, settings.maxMxHosts());
    assertThrows(IllegalArgumentException.class, () -> DnsSettings.fromConfig(ConfigFactory.parseString(
        "servers = [\"dns.example.com:53\"]").withFallback(ConfigFactory.defaultReference().getConfig("relay.dns"))));
    assertThrows(IllegalArgumentException.class, () -> DnsSettings.fromConfig(ConfigFactory.parseString(
        "retries = 99").withFallback(ConfigFactory.defaultReference().getConfig("relay.dns"))));
  }
}
