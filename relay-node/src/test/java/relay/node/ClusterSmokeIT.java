package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operators' way in, run after {@code package}: ops/cluster/smoke-test.sh starts a 3-node
 * cluster from the shaded jar through ops/bin/relay-node and local-cluster.sh (on the local
 * PostgreSQL, its own database), sends one message with swaks through node 2 to Postfix's
 * smtp-sink as smarthost, and stops the cluster gracefully. The script cleans up after itself.
 */
class ClusterSmokeIT {

  @Test
  void aThreeNodeClusterFromTheJarRelaysAMessage() throws Exception {
    for (String tool : List.of("swaks", "smtp-sink", "psql")) {
      assumeTrue(OpsScript.onPath(tool), tool + " is not installed");
    }
    assertTrue(Files.isRegularFile(OpsScript.ROOT.resolve("relay-node/target/relay-node.jar")),
        "the shaded jar is built in the package phase, before this test");
    // Away from the README's single node (2525, 8025) and local-cluster.sh's defaults, so a
    // relay an operator left running here does not fail the build.
    OpsScript.Result run = OpsScript.run("ops/cluster/smoke-test.sh", Map.of(
        "LOCAL_CLUSTER_SMTP_PORT", "12525",
        "LOCAL_CLUSTER_HTTP_PORT", "18025",
        "LOCAL_CLUSTER_ARTERY_PORT", "35520",
        "SMOKE_SINK_PORT", "12625"), Duration.ofMinutes(5));
    assertEquals(0, run.status(), run.output());
    assertTrue(run.output().contains("1 passed, 0 failed"), run.output());
  }
}
