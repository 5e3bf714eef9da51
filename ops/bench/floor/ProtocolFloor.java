import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.javadsl.FramingTruncation;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import relay.protocol.server.Admission;
import relay.protocol.server.ClientIdentity;
import relay.protocol.server.ClientPolicy;
import relay.protocol.server.Envelope;
import relay.protocol.server.MessageWriter;
import relay.protocol.server.ServerControl;
import relay.protocol.server.SmtpServer;
import relay.protocol.server.SmtpServerSettings;

/**
 * The least CPU an SMTP listener on this stack can spend per message: the relay's own SMTP
 * session (SmtpServer.connectionFlow) with a sink that keeps nothing ("protocol"), or a bare
 * Pekko Streams TCP responder that answers every line with a canned reply ("bare"). No spool, no
 * queue, no delivery. Started by floor.sh, which drives it with smtp-source and reads its CPU time.
 *
 * <p>Usage: java -cp relay-node.jar ProtocolFloor.java protocol|bare PORT
 */
public final class ProtocolFloor {

  private static final ByteString GREETING = ByteString.fromString("220 floor.example ESMTP\r\n");
  private static final ByteString EHLO =
      ByteString.fromString("250-floor.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n");
  private static final ByteString OK = ByteString.fromString("250 2.0.0 Ok\r\n");
  private static final ByteString GO_AHEAD = ByteString.fromString("354 go ahead\r\n");
  private static final ByteString BYE = ByteString.fromString("221 2.0.0 Bye\r\n");

  private static final SmtpServerSettings SETTINGS =
      SmtpServerSettings.fromConfig(ConfigFactory.load()).withHostname("floor.example");
  private static final ServerControl CONTROL = ServerControl.create();
  private static final ClientPolicy EVERYONE_REGISTERED = (remote, local) ->
      CompletableFuture.completedFuture(Admission.withoutSlot(
          ClientIdentity.registered(remote.getAddress().getHostAddress(), "bench")));

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int port = Integer.parseInt(args[1]);
    // The node's own thread pools, read from its defaults, without its cluster or persistence.
    Config nodeDefaults = ConfigFactory.parseResources("relay-node-defaults.conf");
    Config config = ConfigFactory.parseString("pekko.loglevel = WARNING")
        .withFallback(nodeDefaults.withOnlyPath("pekko.actor.default-dispatcher"))
        .withFallback(nodeDefaults.withOnlyPath("pekko.actor.internal-dispatcher"))
        .withFallback(ConfigFactory.load());
    ActorSystem system = ActorSystem.create("floor", config);
    Materializer mat = Materializer.matFromSystem(system);
    Tcp.get(system).bind("127.0.0.1", port)
        .to(Sink.foreach(c -> c.handleWith(switch (mode) {
          case "protocol" -> relaySession(c.remoteAddress(), c.localAddress());
          case "bare" -> bare();
          default -> throw new IllegalArgumentException("mode must be protocol or bare: " + mode);
        }, mat)))
        .run(mat).toCompletableFuture().get();
    System.out.println("listening " + mode + " " + port);
    System.out.flush();
    Thread.currentThread().join();
  }

  /** The relay's SMTP session, every check included; commit answers 250 at once. */
  private static Flow<ByteString, ByteString, NotUsed> relaySession(
      InetSocketAddress remote, InetSocketAddress local) {
    return SmtpServer.connectionFlow(SETTINGS, EVERYONE_REGISTERED, DiscardingWriter::new,
        remote, local, CONTROL);
  }

  /** Canned replies; DATA content is skipped up to the lone dot. Knows nothing of SMTP's rules. */
  private static Flow<ByteString, ByteString, NotUsed> bare() {
    return Flow.<ByteString>create()
        .via(Framing.delimiter(ByteString.fromString("\r\n"), 4096, FramingTruncation.ALLOW))
        .statefulMapConcat(() -> {
          boolean[] inData = {false};
          return line -> {
            String s = line.utf8String();
            if (inData[0]) {
              inData[0] = !s.equals(".");
              return inData[0] ? List.of() : List.of(OK);
            }
            String verb = s.length() >= 4 ? s.substring(0, 4).toUpperCase() : s.toUpperCase();
            switch (verb) {
              case "EHLO": return List.of(EHLO);
              case "DATA": inData[0] = true; return List.of(GO_AHEAD);
              case "QUIT": return List.of(BYE);
              default: return List.of(OK);
            }
          };
        })
        .takeWhile(reply -> reply != BYE, true)
        .prepend(Source.single(GREETING));
  }

  /** Keeps nothing: the floor is what comes before storage. */
  private static final class DiscardingWriter implements MessageWriter {
    private static final AtomicLong IDS = new AtomicLong();
    private final String id = "F" + IDS.incrementAndGet();

    @Override public String queueId() { return id; }
    @Override public void write(ByteString chunk) { }
    @Override public CompletionStage<Done> commit(Envelope envelope) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    @Override public void abort() { }
  }
}
