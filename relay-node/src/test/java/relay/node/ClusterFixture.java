package relay.node;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import relay.testing.ReceivedMessage;
import relay.testing.SmtpSink;
import relay.testing.TestDnsServer;

/**
 * A relay cluster of separate JVMs on one throw-away PostgreSQL database, with a real DNS server
 * giving every test domain an MX on 127.0.0.2, where one real SMTP sink stands for all of them,
 * except the first domain (d00.test), whose MX is 127.0.0.3 with a sink of its own on the same
 * port, so that a test can count that one destination's connections.
 * Every node lists the first two as seed nodes and keeps its ports across restarts. Closing kills
 * what is still running and drops the database.
 */
final class ClusterFixture implements AutoCloseable {

  private static final Pattern SUBJECT = Pattern.compile("(?m)^Subject: (\\S+) (\\d+)\r?$");

  final TestDnsServer dns;
  final SmtpSink sink;
  /** The sink of the first domain alone (d00.test). */
  final SmtpSink firstDomainSink;
  final List<String> domains;
  private final PostgresDatabase database;
  private final Path workDir;
  private final List<RelayProcess.Ports> ports;
  private final RelayProcess[] nodes;
  private final String extraConfig;

  private ClusterFixture(TestDnsServer dns, SmtpSink sink, SmtpSink firstDomainSink,
      List<String> domains, PostgresDatabase database, Path workDir, List<RelayProcess.Ports> ports,
      String extraConfig) {
    this.dns = dns;
    this.sink = sink;
    this.firstDomainSink = firstDomainSink;
    this.domains = domains;
    this.database = database;
    this.workDir = workDir;
    this.ports = ports;
    this.nodes = new RelayProcess[ports.size()];
    this.extraConfig = extraConfig;
  }

  /**
   * Starts {@code size} nodes and waits until all are ready. Domains are d00.test, d01.test, ...;
   * extra HOCON goes into every node's configuration.
   */
  static ClusterFixture start(int size, int domainCount, String extraConfig) throws Exception {
    TestDnsServer dns = TestDnsServer.start();
    SmtpSink sink = SmtpSink.builder().bind("127.0.0.2", 0).start();
    List<String> domains = IntStream.range(0, domainCount)
        .mapToObj(i -> String.format("d%02d.test", i)).toList();
    SmtpSink firstDomainSink = SmtpSink.builder().bind("127.0.0.3", sink.port()).start();
    for (String domain : domains) {
      dns.mx(domain, 10, "mx." + domain)
          .a("mx." + domain, domain.equals(domains.get(0)) ? "127.0.0.3" : "127.0.0.2");
    }
    dns.mx("sender.test", 10, "mx.sender.test").a("mx.sender.test", "127.0.0.2");
    List<RelayProcess.Ports> ports = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      ports.add(RelayProcess.Ports.free());
    }
    ClusterFixture cluster = new ClusterFixture(dns, sink, firstDomainSink, domains,
        PostgresDatabase.create(),
        Files.createTempDirectory("relay-cluster-"), ports, extraConfig);
    try {
      for (int i = 0; i < size; i++) {
        cluster.launch(i);
      }
      for (int i = 0; i < size; i++) {
        cluster.nodes[i].awaitReady(Duration.ofSeconds(120));
      }
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  private String config(int i) {
    String seeds = ports.stream().limit(2)
        .map(p -> "\"pekko://relay@127.0.0.1:" + p.cluster() + "\"")
        .collect(Collectors.joining(", "));
    return "relay.hostname = \"node" + i + ".test\"\n"
        + "relay.data-dir = \"" + workDir.resolve("node" + i).toString().replace("\\", "/") + "\"\n"
        + "relay.storage.kind = postgres\n"
        + "relay.storage.postgres { url = \"" + database.url() + "\", user = \"postgres\", password = \"\" }\n"
        + "relay.clients = [ { name = \"test-app\", ips = [\"127.0.0.1\"] } ]\n"
        + "relay.smtp.client.port = " + sink.port() + "\n"
        + "relay.delivery.allowed-networks = [\"127.0.0.0/8\"]\n"
        + "relay.dns.servers = [\"" + dns.serverString() + "\"]\n"
        + "relay.dns.timeout = 2s\n"
        + "relay.queue.retry { initial = 1s, multiplier = 1.0, max-interval = 1s }\n"
        + "relay.cluster.seed-nodes = [" + seeds + "]\n"
        + "relay.cluster.min-members = " + (ports.size() / 2 + 1) + "\n"
        + extraConfig + "\n";
  }

  /** Starts node i (again) on its ports; does not wait for it. */
  RelayProcess launch(int i) throws Exception {
    if (nodes[i] != null && nodes[i].isAlive()) {
      throw new IllegalStateException("node " + i + " is still running");
    }
    nodes[i] = RelayProcess.launch(config(i), workDir, "node" + i, ports.get(i));
    return nodes[i];
  }

  RelayProcess node(int i) {
    return nodes[i];
  }

  int size() {
    return nodes.length;
  }

  /** Every node's SMTP address, running or not (clients keep all of them, like a DNS name). */
  List<InetSocketAddress> smtpAddresses() {
    return ports.stream().map(p -> new InetSocketAddress("127.0.0.1", p.smtp())).toList();
  }

  /** Arrivals at the sinks per message number among subjects with this prefix. */
  private Map<Integer, List<ReceivedMessage>> arrivalsBySubject(String prefix) {
    Map<Integer, List<ReceivedMessage>> arrivals = new HashMap<>();
    List<ReceivedMessage> all = new ArrayList<>(sink.messages());
    all.addAll(firstDomainSink.messages());
    for (ReceivedMessage m : all) {
      Matcher matcher = SUBJECT.matcher(m.text());
      if (matcher.find() && matcher.group(1).equals(prefix)) {
        arrivals.computeIfAbsent(Integer.parseInt(matcher.group(2)), n -> new ArrayList<>()).add(m);
      }
    }
    return arrivals;
  }

  /**
   * Waits until every accepted number has arrived at least once (or the timeout); returns the
   * arrivals then.
   */
  Arrivals awaitArrivals(String prefix, List<Integer> accepted, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<Integer, List<ReceivedMessage>> arrivals = arrivalsBySubject(prefix);
    while (!arrivals.keySet().containsAll(accepted) && System.nanoTime() < deadline) {
      Thread.sleep(2_000);
      arrivals = arrivalsBySubject(prefix);
    }
    return new Arrivals(accepted, arrivals, domains);
  }

  /**
   * {@link #awaitArrivals}, then a few seconds more and the arrivals again: a message refused but
   * queued all the same would arrive about when the accepted ones do; this gives it the time.
   */
  Arrivals awaitArrivalsAndSettle(String prefix, List<Integer> accepted, Duration timeout)
      throws InterruptedException {
    awaitArrivals(prefix, accepted, timeout);
    Thread.sleep(5_000);
    return new Arrivals(accepted, arrivalsBySubject(prefix), domains);
  }

  @Override
  public void close() throws Exception {
    Exception failure = null;
    for (RelayProcess node : nodes) {
      if (node != null) {
        try {
          node.close();
        } catch (Exception e) {
          failure = e;
        }
      }
    }
    sink.close();
    firstDomainSink.close();
    dns.close();
    database.close();
    if (Boolean.getBoolean("relay.test.keep-logs")) {
      System.out.println("cluster logs kept in " + workDir);
    } else {
      RelayFixture.deleteRecursively(workDir);
    }
    if (failure != null) {
      throw failure;
    }
  }
}
