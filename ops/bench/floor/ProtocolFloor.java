import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.javadsl.FramingTruncation;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import relay.protocol.server.Admission;
import relay.protocol.server.ClientIdentity;
import relay.protocol.server.MessageSink;
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

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int port = Integer.parseInt(args[1]);
    // The node's dispatcher sizing (relay-node-defaults.conf), without cluster or persistence.
    Config config = ConfigFactory.parseString("""
        pekko.loglevel = WARNING
        pekko.actor.default-dispatcher.fork-join-executor { parallelism-min = 2, parallelism-factor = 1.0 }
        pekko.actor.internal-dispatcher.fork-join-executor { parallelism-min = 2, parallelism-factor = 1.0 }
        """).withFallback(ConfigFactory.load());
    ActorSystem system = ActorSystem.create("floor", config);
    Materializer mat = Materializer.matFromSystem(system);
    AtomicLong messages = new AtomicLong();
    if (mode.equals("protocol")) {
      SmtpServerSettings settings = SmtpServerSettings.fromConfig(
          ConfigFactory.load().getConfig("relay.smtp.server")).withHostname("floor.example");
      ServerControl control = ServerControl.create();
      MessageSink sink = () -> new DiscardingWriter(messages);
      Tcp.get(system).bind("127.0.0.1", port)
          .to(Sink.foreach(c -> c.handleWith(SmtpServer.connectionFlow(settings,
              (remote, local) -> CompletableFuture.completedFuture(Admission.withoutSlot(
                  ClientIdentity.registered(remote.getAddress().getHostAddress(), "bench"))),
              sink, c.remoteAddress(), c.localAddress(), control), mat)))
          .run(mat).toCompletableFuture().get();
    } else if (mode.equals("bare")) {
      Flow<ByteString, ByteString, NotUsed> handler = bare(messages);
      Tcp.get(system).bind("127.0.0.1", port)
          .to(Sink.foreach(c -> c.handleWith(handler, mat)))
          .run(mat).toCompletableFuture().get();
    } else {
      throw new IllegalArgumentException("mode must be protocol or bare, not " + mode);
    }
    System.out.println("listening " + mode + " " + port);
    System.out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(
        () -> System.err.println("messages " + messages.get())));
    Thread.currentThread().join();
  }

  /** Canned replies; DATA content is skipped up to the lone dot. Knows nothing of SMTP's rules. */
  private static Flow<ByteString, ByteString, NotUsed> bare(AtomicLong messages) {
    ByteString greeting = ByteString.fromString("220 floor.example ESMTP\r\n");
    return Flow.<ByteString>create()
        .via(Framing.delimiter(ByteString.fromString("\r\n"), 4096,
            FramingTruncation.ALLOW))
        .statefulMapConcat(() -> {
          boolean[] inData = {false};
          return line -> {
            String s = line.utf8String();
            if (inData[0]) {
              if (!s.equals(".")) {
                return java.util.List.of();
              }
              inData[0] = false;
              messages.incrementAndGet();
              return java.util.List.of(ByteString.fromString("250 2.0.0 Ok\r\n"));
            }
            String verb = s.length() >= 4 ? s.substring(0, 4).toUpperCase() : s.toUpperCase();
            switch (verb) {
              case "EHLO": return java.util.List.of(ByteString.fromString(
                  "250-floor.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n"));
              case "DATA": inData[0] = true; return java.util.List.of(
                  ByteString.fromString("354 go ahead\r\n"));
              case "QUIT": return java.util.List.of(ByteString.fromString("221 2.0.0 Bye\r\n"));
              default: return java.util.List.of(ByteString.fromString("250 2.0.0 Ok\r\n"));
            }
          };
        })
        .takeWhile(b -> !b.utf8String().startsWith("221"), true)
        .prepend(org.apache.pekko.stream.javadsl.Source.single(greeting));
  }

  private static final class DiscardingWriter implements MessageWriter {
    private static final AtomicLong ids = new AtomicLong();
    private final String id = "F" + ids.incrementAndGet();
    private final AtomicLong messages;

    DiscardingWriter(AtomicLong messages) {
      this.messages = messages;
    }

    @Override public String queueId() { return id; }
    @Override public void write(ByteString chunk) { }
    @Override public java.util.concurrent.CompletionStage<Done> commit(
        relay.protocol.server.Envelope envelope) {
      messages.incrementAndGet();
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    @Override public void abort() { }
  }
}
