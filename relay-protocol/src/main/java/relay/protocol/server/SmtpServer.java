package relay.protocol.server;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.io.TcpSO;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import relay.protocol.reply.Replies;
import relay.protocol.tls.ConnIn;
import relay.protocol.tls.ConnOut;
import relay.protocol.tls.ServerTlsContext;
import relay.protocol.tls.StartTlsStage;

/**
 * What the node uses to serve SMTP: the per-connection {@link Flow} and a TCP listener built from
 * it, plain or, per {@link ListenerSecurity}, with STARTTLS or implicit TLS through a {@link
 * StartTlsStage} whose engines come from a {@link ServerTlsContext} (new connections get the
 * current certificate). A plain listener's connection is the SMTP stage alone, as before.
 */
public final class SmtpServer {

  private SmtpServer() {}

  /** The flow of one connection: client bytes in, reply bytes out. */
  public static Flow<ByteString, ByteString, NotUsed> connectionFlow(SmtpServerSettings settings,
      ClientPolicy policy, MessageSink sink, InetSocketAddress remote, InetSocketAddress local,
      ServerControl control) {
    return connectionFlow(settings, policy, sink, remote, local, control, Clock.systemUTC());
  }

  /** As above, with the clock that stamps Received:, Date: and Envelope.receivedAt. */
  public static Flow<ByteString, ByteString, NotUsed> connectionFlow(SmtpServerSettings settings,
      ClientPolicy policy, MessageSink sink, InetSocketAddress remote, InetSocketAddress local,
      ServerControl control, Clock clock) {
    return Flow.fromGraph(new SmtpServerStage<>(settings, ListenerSecurity.PLAIN,
        SmtpTransport.PLAIN, policy, sink, remote, local, control, clock));
  }

  /**
   * The flow of one connection of a listener with {@code security}; {@code tls} must be present
   * when the listener uses TLS (its handshake timeout applies from STARTTLS, or from the
   * connection for implicit TLS).
   */
  public static Flow<ByteString, ByteString, NotUsed> connectionFlow(SmtpServerSettings settings,
      ListenerSecurity security, Optional<ServerTlsContext> tls, ClientPolicy policy,
      MessageSink sink, InetSocketAddress remote, InetSocketAddress local, ServerControl control,
      Clock clock) {
    if (!security.usesTls()) {
      return connectionFlow(settings, policy, sink, remote, local, control, clock);
    }
    ServerTlsContext context = tls.orElseThrow(() -> new IllegalArgumentException(
        "a listener with tls = " + security.tls().configName() + " needs a TLS context"));
    Duration timeout = context.settings().handshakeTimeout();
    BidiFlow<ConnOut, ByteString, ByteString, ConnIn, NotUsed> transport =
        security.implicitTls() ? StartTlsStage.implicitTls(context.engines(), timeout)
            : StartTlsStage.startTls(context.engines(), timeout);
    return transport.reversed().join(Flow.fromGraph(new SmtpServerStage<>(settings, security,
        TlsTransport.INSTANCE, policy, sink, remote, local, control, clock)));
  }

  /**
   * Listens on {@code host:port} (0 for any free port) and serves every accepted connection with
   * {@link #connectionFlow}. Beyond max-connections open connections (counted across every
   * listener sharing {@code control}) a connection gets "421 4.7.0 ... Too many connections"
   * from a flow that holds no session and is closed at once. Unbind through the returned
   * binding; stop the sessions with {@link ServerControl#shutdown()}.
   */
  public static CompletionStage<Tcp.ServerBinding> bind(ClassicActorSystemProvider system,
      String host, int port, SmtpServerSettings settings, ClientPolicy policy, MessageSink sink,
      ServerControl control) {
    return bind(system, host, port, settings, ListenerSecurity.PLAIN, Optional.empty(), policy,
        sink, control);
  }

  /**
   * As above for a listener with {@code security} (TLS context required when it uses TLS). On
   * an implicit-TLS listener a connection beyond max-connections is closed without a word: a
   * 421 in clear means nothing to a client in its handshake, and a handshake is what an
   * overloaded node should not spend.
   */
  public static CompletionStage<Tcp.ServerBinding> bind(ClassicActorSystemProvider system,
      String host, int port, SmtpServerSettings settings, ListenerSecurity security,
      Optional<ServerTlsContext> tls, ClientPolicy policy, MessageSink sink,
      ServerControl control) {
    Materializer materializer = Materializer.matFromSystem(system);
    Source<ByteString, NotUsed> tooMany = security.implicitTls() ? Source.empty()
        : Source.single(ByteString.fromArray(
            Replies.tooManyConnections(settings.hostname()).encode()));
    return Tcp.get(system).bind(host, port, settings.acceptBacklog(),
            List.of(TcpSO.sendBufferSize(settings.socketSendBuffer())), false, Optional.empty())
        .to(Sink.foreach(connection -> {
          if (!control.tryAcceptConnection(settings.maxConnections())) {
            connection.handleWith(
                Flow.fromSinkAndSourceCoupled(Sink.ignore(), tooMany),
                materializer);
            return;
          }
          connection.handleWith(
              connectionFlow(settings, security, tls, policy, sink, connection.remoteAddress(),
                  connection.localAddress(), control, Clock.systemUTC())
                  .watchTermination((notUsed, ended) -> {
                    ended.whenComplete((done, error) -> control.connectionEnded());
                    return notUsed;
                  }),
              materializer);
        }))
        .run(materializer);
  }
}
