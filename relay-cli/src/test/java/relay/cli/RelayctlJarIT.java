package relay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After {@code package}: ops/bin/relayctl runs the shaded relayctl.jar (its own main class, its
 * dependencies inside) against a stand-in node, and the exit status of the process is relayctl's
 * exit code.
 */
class RelayctlJarIT {

  @TempDir Path dir;

  record Run(int status, String out, String err) {}

  private Run relayctl(String url, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder();
    pb.command().add(RelayctlLauncherTest.LAUNCHER.toString());
    pb.command().addAll(List.of(args));
    pb.environment().remove("RELAYCTL_JAR");
    pb.environment().put("RELAY_URL", url);
    pb.environment().put("RELAY_TOKEN", "t0ken");
    pb.redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Run(p.exitValue(), Files.readString(dir.resolve("out")),
        Files.readString(dir.resolve("err")));
  }

  @Test
  void theLauncherRunsThePackagedJarAndPassesItsExitCodeOn() throws Exception {
    assertTrue(Files.isRegularFile(Path.of("target/relayctl.jar")),
        "the shaded jar is built in the package phase, before this test");
    try (StandInNode node = new StandInNode()) {
      node.answer(200, "[{\"id\":\"billing\",\"name\":\"Billing app\",\"state\":\"active\"}]");
      Run list = relayctl(node.url(), "clients");
      assertEquals(0, list.status(), list.err());
      assertTrue(list.out().startsWith("ID       NAME         STATE"), list.out());
      assertEquals("Bearer t0ken", node.last().authorization());

      node.answer(404, "{\"status\":404,\"detail\":\"no block 'b9' in force\"}");
      Run missing = relayctl(node.url(), "blocks", "show", "b9");
      assertEquals(ExitCodes.NOT_FOUND, missing.status(), missing.err());
      assertEquals("relayctl: GET /api/v1/blocks/b9: 404 no block 'b9' in force\n",
          missing.err());
      assertEquals(ExitCodes.USAGE, relayctl(node.url(), "nonsense").status());
    }
    Run version = relayctl("http://127.0.0.1:1", "--version");
    assertEquals(0, version.status());
    assertTrue(version.out().startsWith("relayctl 0."), version.out());
  }
}
