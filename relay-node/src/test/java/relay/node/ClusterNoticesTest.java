package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A notice goes out once, not once per node: on a two-node cluster (separate JVMs, PostgreSQL)
 * an announcement posted to node 1 and a block posted to node 0 each reach the sink exactly
 * once, a few seconds after the first copy arrived.
 */
class ClusterNoticesTest {

  private static final String TOKEN = "cluster-notices-admin-token-0123456789";

  @Test
  void eachNoticeIsSentOnceByTheCluster() throws Exception {
    try (ClusterFixture cluster = ClusterFixture.start(2, 2,
        "relay.http.admin-token = \"" + TOKEN + "\"\n"
            + "relay.registry.import.contact = \"ops@d01.test\"\n")) {
      NodeApiTest.Answer announced = NodeApiTest.call(cluster.node(1).ports.http(), "POST",
          "/api/v1/announcements", TOKEN,
          "{\"subject\":\"Cluster maintenance\",\"body\":\"Tonight.\"}");
      assertEquals(202, announced.status(), announced.body());
      NodeApiTest.Answer blocked = NodeApiTest.call(cluster.node(0).ports.http(), "POST",
          "/api/v1/blocks", TOKEN,
          "{\"kind\":\"client\",\"value\":\"test-app\",\"reason\":\"cluster test\"}");
      assertEquals(201, blocked.status(), blocked.body());

      List<NoticeMail> first = NoticeMail.await(cluster.sink,
          m -> m.subject().contains("Cluster maintenance")
              || m.subject().contains("client test-app blocked"), 2, Duration.ofSeconds(60));
      Thread.sleep(3_000);
      List<NoticeMail> all = NoticeMail.at(cluster.sink, m -> true);
      assertEquals(1, all.stream().filter(m -> m.subject().contains("Cluster maintenance"))
          .count(), all.toString());
      assertEquals(1, all.stream().filter(m -> m.subject().contains("client test-app blocked"))
          .count(), all.toString());
      assertEquals(List.of("ops@d01.test"), first.get(0).to());
    }
  }
}
