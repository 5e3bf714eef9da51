package relay.protocol.server;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Tcp;
import relay.protocol.tls.ServerTlsContext;

/**
 * A real SMTP listener on 127.0.0.1 and a free port, with an in-memory sink; closing it shuts
 * the sessions down and unbinds.
 */
final class TestServer implements AutoCloseable {

  /** Every connection is a registered client. */
  static final ClientPolicy REGISTERED = (remote, local) -> CompletableFuture.completedFuture(
      Admission.withoutSlot(ClientIdentity.registered(remote.getAddress().getHostAddress(),
          "test-client")));

  /** No connection is identified: it may only mail postmaster. */
  static final ClientPolicy ANONYMOUS = (remote, local) -> CompletableFuture.completedFuture(
      Admission.withoutSlot(ClientIdentity.anonymous(remote.getAddress().getHostAddress())));

  final InMemoryMessageSink sink = new InMemoryMessageSink();
  final ServerControl control = ServerControl.create();
  private final Tcp.ServerBinding binding;

  private TestServer(ActorSystem system, SmtpServerSettings settings, ListenerSecurity security,
      Optional<ServerTlsContext> tls, ClientPolicy policy) throws Exception {
    this.binding = SmtpServer.bind(system, "127.0.0.1", 0, settings, security, tls, policy, sink,
            control)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static TestServer start(ActorSystem system, SmtpServerSettings settings, ClientPolicy policy)
      throws Exception {
    return new TestServer(system, settings, ListenerSecurity.PLAIN, Optional.empty(), policy);
  }

  /** A listener with TLS and AUTH as {@code security} says, its certificate from {@code tls}. */
  static TestServer start(ActorSystem system, SmtpServerSettings settings,
      ListenerSecurity security, TestTls tls, ClientPolicy policy) throws Exception {
    return new TestServer(system, settings, security, Optional.of(tls.server), policy);
  }

  static TestServer start(ActorSystem system) throws Exception {
    return start(system, TestSettings.defaults(), REGISTERED);
  }

  int port() {
    return binding.localAddress().getPort();
  }

  /** An actor system for one test class, quiet unless something goes wrong. */
  static ActorSystem newSystem(String name) {
    return ActorSystem.create(name, ConfigFactory.parseString(
        "pekko.loglevel = ERROR\npekko.stdout-loglevel = ERROR\n").withFallback(ConfigFactory.load()));
  }

  static void stopSystem(ActorSystem system) throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(Duration.ofSeconds(20).toSeconds(),
        TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    control.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
