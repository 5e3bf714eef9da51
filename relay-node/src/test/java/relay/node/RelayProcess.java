package relay.node;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The relay as a separate JVM (relay.node.Main on this test's class path), for tests that kill it
 * with SIGKILL. Output goes to a log file beside its configuration.
 */
final class RelayProcess implements AutoCloseable {

  private final Process process;
  final InetSocketAddress smtp;

  private RelayProcess(Process process, InetSocketAddress smtp) {
    this.process = process;
    this.smtp = smtp;
  }

  /** Starts Main with the given HOCON (the SMTP port is chosen here) and waits for its listener. */
  static RelayProcess start(String hocon, Path workDir, String name) throws Exception {
    int smtpPort = freePort();
    int httpPort = freePort();
    Path conf = workDir.resolve(name + ".conf");
    Files.writeString(conf, hocon
        + "\nrelay.listeners = [ { name = \"test\", host = \"127.0.0.1\", port = " + smtpPort + " } ]\n"
        + "relay.http.port = " + httpPort + "\nrelay.cluster.port = 0\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx512m",
        "-Dconfig.file=" + conf, "-cp", System.getProperty("java.class.path"), "relay.node.Main"));
    File log = workDir.resolve(name + ".log").toFile();
    builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log));
    Process process = builder.start();
    InetSocketAddress smtp = new InetSocketAddress("127.0.0.1", smtpPort);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("relay process exited: " + Files.readString(log.toPath()));
      }
      try (Socket probe = new Socket()) {
        probe.connect(smtp, 500);
        return new RelayProcess(process, smtp);
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException("relay process did not open its SMTP port");
  }

  /** SIGKILL: no shutdown hook, no flush, nothing graceful. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM: the graceful shutdown. */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    return process.exitValue();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
