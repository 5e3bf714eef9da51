package relay.node.smtp;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Tcp;
import relay.node.config.ListenerSettings;
import relay.protocol.server.ClientPolicy;
import relay.protocol.server.MessageSink;
import relay.protocol.server.ServerControl;
import relay.protocol.server.SmtpServer;
import relay.protocol.server.SmtpServerSettings;
import relay.protocol.server.UnidentifiedLimits;
import relay.protocol.server.UnidentifiedMailRate;
import relay.protocol.tls.ServerTlsContext;
import relay.protocol.tls.TlsSettings;

/** The node's SMTP listeners: bound at start, unbound and drained at shutdown. */
public final class SmtpListeners {

  private final List<Tcp.ServerBinding> bindings;
  private final ServerControl control;
  private volatile boolean unbound;

  private SmtpListeners(List<Tcp.ServerBinding> bindings, ServerControl control) {
    this.bindings = List.copyOf(bindings);
    this.control = control;
  }

  /**
   * Binds every configured listener, each with its TLS and AUTH ({@link ListenerSettings#security});
   * fails (and unbinds what was bound) if any cannot bind, or if the TLS key material of
   * {@code tls} does not load. The node's connection caps apply across all of them:
   * max-connections in all, and the unidentified clients' caps and postmaster allowance around
   * {@code policy} and {@code sink}. Listeners with TLS share one {@link ServerTlsContext}, which
   * follows the PEM files: new connections get a replaced certificate without a restart.
   */
  public static SmtpListeners bind(ActorSystem<?> system, SmtpServerSettings settings,
      List<ListenerSettings> listeners, TlsSettings tls, ClientPolicy policy, MessageSink sink)
      throws Exception {
    ClientPolicy limited = new UnidentifiedLimits(policy, settings.unidentified());
    MessageSink rated = new UnidentifiedMailRate(sink, settings.unidentified().messagesPerHour());
    ServerControl control = ServerControl.create();
    Optional<ServerTlsContext> context = listeners.stream()
        .anyMatch(l -> l.security().usesTls())
        ? Optional.of(ServerTlsContext.load(tls, Clock.systemUTC())) : Optional.empty();
    List<Tcp.ServerBinding> bound = new ArrayList<>();
    try {
      for (ListenerSettings listener : listeners) {
        bound.add(SmtpServer.bind(system, listener.host(), listener.port(), settings,
                listener.security(), context, limited, rated, control)
            .toCompletableFuture().get(30, TimeUnit.SECONDS));
      }
    } catch (Exception e) {
      for (Tcp.ServerBinding b : bound) {
        b.unbind();
      }
      throw new IllegalStateException("cannot bind SMTP listener: " + e.getMessage(), e);
    }
    return new SmtpListeners(bound, control);
  }

  public List<InetSocketAddress> boundAddresses() {
    return bindings.stream().map(Tcp.ServerBinding::localAddress).toList();
  }

  /** Times a client sent plaintext after STARTTLS (dropped unanswered, CVE-2011-0411). */
  public long pipelinedAfterStartTls() {
    return control.pipelinedAfterStartTls();
  }

  /** SMTP sessions open now on every listener of this node. */
  public int liveSessions() {
    return control.liveSessions();
  }

  public boolean allBound() {
    return !unbound && !bindings.isEmpty();
  }

  /** Stops accepting new connections on every listener. */
  public CompletionStage<Done> unbind() {
    unbound = true;
    CompletableFuture<?>[] all = bindings.stream()
        .map(b -> b.unbind().toCompletableFuture()).toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(all).thenApply(v -> Done.getInstance());
  }

  /** Answers every open session "421 4.3.2" (after a commit in progress) and waits for them to close. */
  public CompletionStage<Done> closeSessions() {
    return control.shutdown();
  }
}
