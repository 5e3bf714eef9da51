package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ops/bin/relay-node, the launcher every start of the relay goes through: it runs the java it is
 * given with the JIT and collector choices first, JAVA_OPTS next (so they win), the caller's
 * options, then the jar. A stand-in java records its arguments one per line.
 */
class OpsLauncherTest {

  private static final Path LAUNCHER =
      Path.of("").toAbsolutePath().getParent().resolve("ops/bin/relay-node");

  @TempDir Path dir;
  private Path fakeJava;
  private Path jar;
  private Path recorded;

  /** Exit status and output of one launcher run. */
  private record Run(int status, String stderr) {}

  @BeforeEach
  void standIns() throws IOException {
    recorded = dir.resolve("args.txt");
    fakeJava = dir.resolve("java");
    Files.writeString(fakeJava, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > " + recorded + "\n");
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
    jar = dir.resolve("relay-node.jar");
    Files.writeString(jar, "not really a jar");
  }

  @Test
  void c1OnlyComesFirstThenJavaOptsThenTheCallersOptionsThenTheJar() throws Exception {
    Run run = launch(Map.of("RELAY_JIT", "c1", "RELAY_GC", "parallel",
        "JAVA_OPTS", "-Xmx64m -XX:TieredStopAtLevel=4"), "-Dconfig.file=/etc/relay/relay.conf");
    assertEquals(0, run.status(), run.stderr());
    assertEquals(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseParallelGC", "-Xmx64m",
        "-XX:TieredStopAtLevel=4", "-Dconfig.file=/etc/relay/relay.conf", "-jar", jar.toString()),
        arguments());
  }

  @Test
  void tieredAddsNoCompilerOption() throws Exception {
    Run run = launch(Map.of("RELAY_JIT", "tiered", "RELAY_GC", "g1"), "-Dconfig.file=x.conf");
    assertEquals(0, run.status(), run.stderr());
    assertEquals(List.of("-XX:+UseG1GC", "-Dconfig.file=x.conf", "-jar", jar.toString()),
        arguments());
  }

  @Test
  void aCollectorNamedInJavaOptsIsTheOnlyOne() throws Exception {
    // The JVM refuses to start with two collectors selected.
    Run run = launch(Map.of("RELAY_JIT", "tiered", "RELAY_GC", "parallel",
        "JAVA_OPTS", "-Xmx1g -XX:+UseG1GC"), "-Dconfig.file=x.conf");
    assertEquals(0, run.status(), run.stderr());
    assertEquals(List.of("-Xmx1g", "-XX:+UseG1GC", "-Dconfig.file=x.conf", "-jar", jar.toString()),
        arguments());
    run = launch(Map.of("RELAY_JIT", "tiered"), "-XX:+UseSerialGC", "-Dconfig.file=x.conf");
    assertEquals(0, run.status(), run.stderr());
    assertEquals(List.of("-XX:+UseSerialGC", "-Dconfig.file=x.conf", "-jar", jar.toString()),
        arguments());
    // options that merely mention GC name no collector: the launcher's choice stays
    run = launch(Map.of("RELAY_JIT", "tiered", "RELAY_GC", "parallel",
        "JAVA_OPTS", "-XX:+UseNUMA -XX:+DisableExplicitGC"));
    assertEquals(0, run.status(), run.stderr());
    assertEquals(List.of("-XX:+UseParallelGC", "-XX:+UseNUMA", "-XX:+DisableExplicitGC", "-jar",
        jar.toString()), arguments());
  }

  @Test
  void withoutAChoiceItFollowsTheNumberOfCpus() throws Exception {
    Run run = launch(Map.of(), "-Dconfig.file=x.conf");
    assertEquals(0, run.status(), run.stderr());
    boolean c1 = arguments().contains("-XX:TieredStopAtLevel=1");
    assertEquals(cpus() <= 2, c1, "C1 only on 2 CPUs or fewer; this host has " + cpus());
    String collector = cpus() <= 2 ? "-XX:+UseParallelGC" : "-XX:+UseG1GC";
    assertTrue(arguments().contains(collector), collector + " on " + cpus() + " CPUs");
  }

  @Test
  void anUnknownJitOrCollectorChoiceIsRefusedWithoutStartingJava() throws Exception {
    Map<String, String> refusals = Map.of(
        "RELAY_JIT", "RELAY_JIT must be c1 or tiered",
        "RELAY_GC", "RELAY_GC must be parallel or g1");
    for (Map.Entry<String, String> refusal : refusals.entrySet()) {
      Run run = launch(Map.of(refusal.getKey(), "unheard-of"));
      assertEquals(2, run.status(), refusal.getKey());
      assertTrue(run.stderr().contains(refusal.getValue()), run.stderr());
      assertFalse(Files.exists(recorded));
    }
  }

  @Test
  void aMissingJarIsRefusedWithTheBuildCommand() throws Exception {
    Files.delete(jar);
    Run run = launch(Map.of("RELAY_JIT", "c1"));
    assertEquals(2, run.status());
    assertTrue(run.stderr().contains("mvn -B -q -DskipTests package"), run.stderr());
    assertFalse(Files.exists(recorded));
  }

  private Run launch(Map<String, String> env, String... options) throws Exception {
    ProcessBuilder pb = new ProcessBuilder();
    pb.command().add(LAUNCHER.toString());
    pb.command().addAll(List.of(options));
    pb.environment().remove("JAVA_OPTS");
    pb.environment().remove("RELAY_JIT");
    pb.environment().remove("RELAY_GC");
    pb.environment().put("JAVA", fakeJava.toString());
    pb.environment().put("RELAY_JAR", jar.toString());
    pb.environment().putAll(env);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Path err = dir.resolve("stderr.txt");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launcher did not finish");
    return new Run(p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
  }

  private List<String> arguments() throws IOException {
    return Files.readAllLines(recorded, StandardCharsets.UTF_8);
  }

  private static int cpus() throws Exception {
    Process p = new ProcessBuilder("nproc").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor(10, TimeUnit.SECONDS);
    return Integer.parseInt(out);
  }
}
