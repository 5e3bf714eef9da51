package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The operators' way in, run after {@code package}: ops/cluster/smoke-test.sh starts a 3-node
 * cluster from the shaded jar through ops/bin/relay-node and local-cluster.sh (on the local
 * PostgreSQL, its own database), sends one message with swaks through node 2 to Postfix's
 * smtp-sink as smarthost, and stops the cluster gracefully. The script cleans up after itself.
 */
class ClusterSmokeIT {

  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @Test
  void aThreeNodeClusterFromTheJarRelaysAMessage() throws Exception {
    for (String tool : List.of("swaks", "smtp-sink", "psql")) {
      assumeTrue(onPath(tool), tool + " is not installed");
    }
    assertTrue(Files.isRegularFile(ROOT.resolve("relay-node/target/relay-node.jar")),
        "the shaded jar is built in the package phase, before this test");
    Path log = Files.createTempFile("relay-cluster-smoke", ".log");
    try {
      ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("ops/cluster/smoke-test.sh").toString())
          .directory(ROOT.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile());
      // Away from the README's single node (2525, 8025) and local-cluster.sh's defaults, so a
      // relay an operator left running here does not fail the build.
      pb.environment().put("LOCAL_CLUSTER_SMTP_PORT", "12525");
      pb.environment().put("LOCAL_CLUSTER_HTTP_PORT", "18025");
      pb.environment().put("LOCAL_CLUSTER_ARTERY_PORT", "35520");
      pb.environment().put("SMOKE_SINK_PORT", "12625");
      Process p = pb.start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroy(); // SIGTERM: the script's trap stops the cluster and the sink
        if (!p.waitFor(1, TimeUnit.MINUTES)) {
          p.destroyForcibly().waitFor();
        }
      }
      String out = Files.readString(log, StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), out);
      assertTrue(out.contains("1 passed, 0 failed"), out);
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static boolean onPath(String tool) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", "command -v " + tool).start();
    return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
  }
}
