package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The benchmark harness of issue 2 stays runnable: ops/bench/selftest/run-selftest.sh drives
 * run.sh (both targets, --rounds, the TLS load of issue 12 with STARTTLS and AUTH when openssl
 * and saslpasswd2 are installed) and queue-recovery.sh with small loads against a fake relay
 * and a private Postfix, and checks that every figure is printed and every message counted.
 */
class BenchSelfTestIT {

  @Test
  void theBenchmarkScriptsProduceEveryFigure() throws Exception {
    for (String tool : List.of("smtp-source", "smtp-sink", "postfix", "python3", "curl")) {
      assumeTrue(OpsScript.onPath(tool), tool + " is not installed");
    }
    OpsScript.Result run = OpsScript.run("ops/bench/selftest/run-selftest.sh", Map.of(),
        Duration.ofMinutes(10));
    assertEquals(0, run.status(), run.output());
    assertTrue(run.output().contains("selftest: all passed"), run.output());
  }
}
