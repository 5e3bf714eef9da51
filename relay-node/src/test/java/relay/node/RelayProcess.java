package relay.node;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The relay as a separate JVM (relay.node.Main on this test's class path), for tests that kill it
 * with SIGKILL, freeze it with SIGSTOP or stop it with SIGTERM. Output goes to a log file beside
 * its configuration; a restarted node appends to the same log.
 */
final class RelayProcess implements AutoCloseable {

  /** The ports of one node: SMTP listener, HTTP (health), and Pekko Artery (0 = any). */
  record Ports(int smtp, int http, int cluster) {
    static Ports free() throws IOException {
      return new Ports(freePort(), freePort(), freePort());
    }
  }

  private final Process process;
  private final Path log;
  final Ports ports;
  final InetSocketAddress smtp;

  private RelayProcess(Process process, Path log, Ports ports) {
    this.process = process;
    this.log = log;
    this.ports = ports;
    this.smtp = new InetSocketAddress("127.0.0.1", ports.smtp());
  }

  /** Starts Main with the given HOCON on free ports and waits for its SMTP listener. */
  static RelayProcess start(String hocon, Path workDir, String name) throws Exception {
    Ports ports = new Ports(freePort(), freePort(), 0);
    RelayProcess relay = launch(hocon, workDir, name, ports);
    relay.awaitListening(Duration.ofSeconds(60));
    return relay;
  }

  /** Starts Main with the given HOCON on the given ports; does not wait (see {@link #awaitReady}). */
  static RelayProcess launch(String hocon, Path workDir, String name, Ports ports) throws IOException {
    return launch(hocon, workDir, name, ports, List.of("-Xmx384m", "-XX:+UseSerialGC"));
  }

  /** As {@link #launch(String, Path, String, Ports)}, with these JVM options instead of the usual. */
  static RelayProcess launch(String hocon, Path workDir, String name, Ports ports,
      List<String> jvmOptions) throws IOException {
    Path conf = workDir.resolve(name + ".conf");
    Files.writeString(conf, hocon
        + "\nrelay.listeners = [ { name = \"test\", host = \"127.0.0.1\", port = " + ports.smtp()
        + " } ${?relay.test.listener} ]\n" // relay.test.listener { tls, auth }: merged into it
        + "relay.http { host = \"127.0.0.1\", port = " + ports.http() + " }\n"
        + "relay.cluster { host = \"127.0.0.1\", port = " + ports.cluster() + " }\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java));
    command.addAll(jvmOptions);
    command.addAll(List.of("-Dconfig.file=" + conf, "-Dlogback.configurationFile=logback-process.xml",
        "-cp", System.getProperty("java.class.path"), "relay.node.Main"));
    ProcessBuilder builder = new ProcessBuilder(command);
    Path log = workDir.resolve(name + ".log");
    File logFile = log.toFile();
    builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile));
    return new RelayProcess(builder.start(), log, ports);
  }

  /** Waits until the SMTP port accepts connections. */
  void awaitListening(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      assertAlive();
      try (Socket probe = new Socket()) {
        probe.connect(smtp, 500);
        return;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException("relay process did not open its SMTP port; log " + log);
  }

  /** Waits until GET /ready answers 200: joined, storage reachable, listeners bound. */
  void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      assertAlive();
      if (isReady()) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("relay process not ready after " + timeout + "; log " + log);
  }

  boolean isReady() {
    try {
      HttpURLConnection http = (HttpURLConnection) URI.create(
          "http://127.0.0.1:" + ports.http() + "/ready").toURL().openConnection();
      http.setConnectTimeout(500);
      http.setReadTimeout(1000);
      try {
        return http.getResponseCode() == 200;
      } finally {
        http.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  private void assertAlive() throws IOException {
    if (!process.isAlive()) {
      throw new IllegalStateException("relay process exited (" + process.exitValue() + "): "
          + tail(Files.readString(log)));
    }
  }

  private static String tail(String text) {
    return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook, no flush, nothing graceful. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM: the graceful shutdown; SIGKILL if it has not ended within the timeout. */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    return process.exitValue();
  }

  /** Waits for the process to end by itself. */
  boolean awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** SIGSTOP: the process freezes, its sockets stay open but nothing answers. */
  void freeze() throws Exception {
    signal("STOP");
  }

  /** SIGCONT after {@link #freeze}. */
  void thaw() throws Exception {
    signal("CONT");
  }

  private void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
        .redirectErrorStream(true).start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  Path log() {
    return log;
  }

  long pid() {
    return process.pid();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      thaw(); // a frozen process ignores nothing but SIGKILL; thaw so it is not left stopped
      kill();
    }
  }
}
