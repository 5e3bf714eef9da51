package relay.protocol.server;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.io.TcpSO;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import relay.protocol.reply.Replies;

/**
 * What the node uses to serve SMTP: the per-connection {@link Flow} (to plug into any transport,
 * e.g. behind TLS later) and a plain-TCP listener built from it.
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
   * Listens on {@code host:port} (0 for any free port) and serves every accepted connection with
   * {@link #connectionFlow}. Beyond max-connections open connections (counted across every
   * listener sharing {@code control}) a connection gets "421 4.7.0 ... Too many connections"
   * from a flow that holds no session and is closed at once. Unbind through the returned
   * binding; stop the sessions with {@link ServerControl#shutdown()}.
   */
  public static CompletionStage<Tcp.ServerBinding> bind(ClassicActorSystemProvider system,
      String host, int port, SmtpServerSettings settings, ClientPolicy policy, MessageSink sink,
      ServerControl control) {
    Materializer materializer = Materializer.matFromSystem(system);
    ByteString tooMany = ByteString.fromArray(
        Replies.tooManyConnections(settings.hostname()).encode());
    return Tcp.get(system).bind(host, port, settings.acceptBacklog(),
            List.of(TcpSO.sendBufferSize(settings.socketSendBuffer())), false, Optional.empty())
        .to(Sink.foreach(connection -> {
          if (!control.tryAcceptConnection(settings.maxConnections())) {
            connection.handleWith(
                Flow.fromSinkAndSourceCoupled(Sink.ignore(), Source.single(tooMany)),
                materializer);
            return;
          }
          connection.handleWith(
              connectionFlow(settings, policy, sink, connection.remoteAddress(),
                  connection.localAddress(), control)
                  .watchTermination((notUsed, ended) -> {
                    ended.whenComplete((done, error) -> control.connectionEnded());
                    return notUsed;
                  }),
              materializer);
        }))
        .run(materializer);
  }
}
