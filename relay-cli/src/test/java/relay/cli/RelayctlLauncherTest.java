package relay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ops/bin/relayctl: runs the java it is given with the short-lived-command options first,
 * JAVA_OPTS next (so they win), then the jar and relayctl's arguments unchanged; without a jar
 * it says how to build one. A stand-in java records its arguments one per line.
 */
class RelayctlLauncherTest {

  static final Path LAUNCHER =
      Path.of("").toAbsolutePath().getParent().resolve("ops/bin/relayctl");

  @TempDir Path dir;

  record Run(int status, String stderr) {}

  private Run launch(Map<String, String> env, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder();
    pb.command().add(LAUNCHER.toString());
    pb.command().addAll(List.of(args));
    pb.environment().remove("JAVA_OPTS");
    pb.environment().remove("RELAYCTL_JAR");
    pb.environment().putAll(env);
    pb.redirectError(dir.resolve("stderr").toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return new Run(p.exitValue(), Files.readString(dir.resolve("stderr")));
  }

  @Test
  void theJvmOptionsComeFirstThenJavaOptsThenTheJarAndTheArguments() throws Exception {
    Path recorded = dir.resolve("args.txt");
    Path java = dir.resolve("java");
    Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > " + recorded
        + "\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path jar = dir.resolve("relayctl.jar");
    Files.writeString(jar, "not really a jar");
    Run run = launch(Map.of("JAVA", java.toString(), "RELAYCTL_JAR", jar.toString(),
        "JAVA_OPTS", "-Xmx64m"), "blocks", "add", "ip", "192.0.2.1", "--reason", "spam run");
    assertEquals(0, run.status(), run.stderr());
    assertEquals(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xms16m", "-Xmx256m",
        "-Xshare:auto", "-Xmx64m", "-jar", jar.toString(), "blocks", "add", "ip", "192.0.2.1",
        "--reason", "spam run"), Files.readAllLines(recorded, StandardCharsets.UTF_8));
  }

  @Test
  void withoutAJarItSaysHowToBuildOne() throws Exception {
    Run run = launch(Map.of("RELAYCTL_JAR", dir.resolve("missing.jar").toString()), "clients");
    assertEquals(1, run.status());
    assertTrue(run.stderr().contains("mvn -B -q -DskipTests package"), run.stderr());
  }
}
