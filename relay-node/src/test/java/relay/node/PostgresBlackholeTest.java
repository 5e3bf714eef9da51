package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A 3-node cluster whose PostgreSQL stops answering (a proxy between the nodes and the server
 * stops forwarding and holds every connection open, as a network dropping packets would): every
 * node answers mail with a 4yz "4.3.0" reply within a bound set by the storage timeouts instead
 * of hanging, all three stay Up members that see a reachable majority for the whole outage, and
 * once the database answers again mail flows and everything accepted before and after is
 * delivered. The database password (set, though the test server does not ask for it) appears in
 * no node's log.
 */
class PostgresBlackholeTest {

  private static final String PASSWORD = "s3cr3t-relay-pw";
  /** Timeouts of the test's nodes: the longest storage wait is the 5 s commit timeout. */
  private static final String TIMEOUTS = "relay.storage { pool-connection-timeout = 2s, "
      + "pool-validation-timeout = 1s, spool-commit-timeout = 5s, postgres { connect-timeout = 2s,"
      + " socket-timeout = 4s, statement-timeout = 3s } }\n";
  /** What a client may wait for its answer while the database is gone. */
  private static final Duration REPLY_BOUND = Duration.ofSeconds(45);
  private static final Duration OUTAGE = Duration.ofSeconds(40);

  @Test
  void aDatabaseThatStopsAnsweringGetsClients4yzInBoundedTimeAndMembersStayUp() throws Exception {
    try (PostgresDatabase database = PostgresDatabase.create();
        BlackholeProxy proxy = BlackholeProxy.to("127.0.0.1", 5432)) {
      String url = database.url().replaceFirst("//[^/]+/", "//127.0.0.1:" + proxy.port() + "/");
      String extra = "relay.storage.postgres { url = \"" + url + "\", password = \"" + PASSWORD
          + "\" }\n" + TIMEOUTS;
      try (ClusterFixture cluster = ClusterFixture.start(3, 2, extra)) {
        List<InetSocketAddress> nodes = cluster.smtpAddresses();
        String rcpt = "user@" + cluster.domains.get(1);
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          MessageAttempt a = send(nodes.get(i % 3), rcpt, "pgb-before-" + i);
          assertTrue(a.accepted(), "before the outage: " + a);
          accepted.add("pgb-before-" + i);
        }

        proxy.blackhole();
        long outageStart = System.nanoTime();
        for (int i = 0; i < 3; i++) {
          MessageAttempt a = send(nodes.get(i), rcpt, "pgb-during-" + i);
          System.out.printf("postgres black-holed: node %d answered %s after %d ms%n", i,
              a.reply().replace('\n', '|'), a.took().toMillis());
          assertTrue(a.reply().matches("(?s)4\\d\\d 4\\.3\\.0 .*"),
              "node " + i + " while the database is gone: " + a);
          assertTrue(a.took().compareTo(REPLY_BOUND) < 0, "node " + i + " answered after " + a.took());
        }
        while (System.nanoTime() - outageStart < OUTAGE.toNanos()) {
          for (int i = 0; i < 3; i++) {
            String health = NodeHealth.get(cluster.node(i).ports.http());
            assertTrue(cluster.node(i).isAlive(), "node " + i + " exited; log " + cluster.node(i).log());
            assertTrue(NodeHealth.reports(health, "cluster-member-up", true), "node " + i + ": " + health);
            assertTrue(NodeHealth.reports(health, "cluster-majority-reachable", true),
                "node " + i + ": " + health);
          }
          Thread.sleep(2_000);
        }
        String health = NodeHealth.get(cluster.node(0).ports.http());
        assertTrue(NodeHealth.reports(health, "storage-reachable", false), health);

        proxy.restore();
        long restored = System.nanoTime();
        for (int i = 0; i < 3; i++) {
          MessageAttempt a = MessageAttempt.sendUntilAccepted(nodes.get(i), rcpt, "pgb-after-" + i,
              Duration.ofSeconds(90));
          assertTrue(a.accepted(), "node " + i + " after the database came back: " + a);
          accepted.add("pgb-after-" + i);
        }
        System.out.printf("postgres back: every node accepted mail within %d ms%n",
            (System.nanoTime() - restored) / 1_000_000);

        assertEquals(Set.of(), MessageAttempt.awaitDelivered(cluster.sink::messages, accepted,
            Duration.ofMinutes(2)), "accepted but never delivered");
        for (int i = 0; i < 3; i++) {
          assertFalse(Files.readString(cluster.node(i).log()).contains(PASSWORD),
              "node " + i + " logged the database password");
        }
      }
    }
  }

  private static MessageAttempt send(InetSocketAddress node, String rcpt, String subject)
      throws Exception {
    return MessageAttempt.send(node, rcpt, subject, 2_000, MessageAttempt.READ_TIMEOUT);
  }
}
