package relay.protocol.tls;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * A real listener on 127.0.0.1 and a free port whose connections run a toy line protocol over a
 * {@link StartTlsStage}, the way the SMTP session uses it: greeting {@code 220 test}, a line
 * {@code STARTTLS} is answered {@code 220 go} and switches to TLS (anything after it in the
 * buffer is discarded and declared), every other line {@code L} is answered {@code 250 plain L}
 * or {@code 250 secure L}, and {@code QUIT} gets {@code 221 bye} and ends the connection. What
 * each connection reported and how it ended is kept for the test.
 */
final class LineServer implements AutoCloseable {

  /** One connection's end: the failure of its application side, or null. */
  record Ended(Throwable failure) {}

  final BlockingQueue<ConnIn.TlsEstablished> established = new LinkedBlockingQueue<>();
  final BlockingQueue<Ended> ended = new LinkedBlockingQueue<>();
  private final Tcp.ServerBinding binding;

  LineServer(ActorSystem system,
      java.util.function.Supplier<BidiFlow<ConnOut, ByteString, ByteString, ConnIn, NotUsed>> tls)
      throws Exception {
    Materializer materializer = Materializer.matFromSystem(system);
    this.binding = Tcp.get(system).bind("127.0.0.1", 0)
        .to(Sink.foreach(connection -> connection.handleWith(
            application().join(tls.get()), materializer)))
        .run(materializer).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  int port() {
    return binding.localAddress().getPort();
  }

  private Flow<ConnIn, ConnOut, NotUsed> application() {
    return Flow.<ConnIn>create()
        .statefulMapConcat(() -> {
          Lines lines = new Lines();
          return in -> lines.next(in);
        })
        .takeWhile(out -> !(out instanceof ConnOut.Bytes bytes
            && bytes.bytes().utf8String().startsWith("221")), true)
        .prepend(Source.single(new ConnOut.Bytes(ByteString.fromString("220 test\r\n"))))
        .watchTermination((notUsed, done) -> {
          done.whenComplete((d, failure) -> ended.add(new Ended(failure)));
          return NotUsed.getInstance();
        });
  }

  /** The toy session: its buffer, and whether it asked for TLS. */
  private final class Lines {
    private ByteString buffer = ByteString.emptyByteString();
    private boolean tlsAsked;

    List<ConnOut> next(ConnIn in) {
      List<ConnOut> out = new ArrayList<>();
      if (in instanceof ConnIn.TlsEstablished report) {
        established.add(report);
        return out;
      }
      if (in instanceof ConnIn.Plain plain) {
        if (tlsAsked) {
          throw new AssertionError("plaintext after the switch: " + plain.bytes().utf8String());
        }
        buffer = buffer.concat(plain.bytes());
      } else if (in instanceof ConnIn.Secure secure) {
        buffer = buffer.concat(secure.bytes());
      }
      for (int end = buffer.indexOf((byte) '\n'); end >= 0; end = buffer.indexOf((byte) '\n')) {
        String line = buffer.take(end).utf8String().strip();
        buffer = buffer.drop(end + 1);
        if (line.equals("STARTTLS") && !tlsAsked) {
          tlsAsked = true;
          out.add(new ConnOut.StartTls(ByteString.fromString("220 go\r\n"), buffer.size()));
          buffer = ByteString.emptyByteString(); // CVE-2011-0411: never answered
          return out;
        }
        if (line.equals("QUIT")) {
          out.add(new ConnOut.Bytes(ByteString.fromString("221 bye\r\n")));
          return out;
        }
        out.add(new ConnOut.Bytes(ByteString.fromString(
            "250 " + (in instanceof ConnIn.Secure ? "secure " : "plain ") + line + "\r\n")));
      }
      return out;
    }
  }

  static ActorSystem newSystem(String name) {
    return ActorSystem.create(name, ConfigFactory.parseString(
        "pekko.loglevel = ERROR\npekko.stdout-loglevel = ERROR\n")
        .withFallback(ConfigFactory.load()));
  }

  static void stop(ActorSystem system) throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    CompletionStage<?> unbound = binding.unbind();
    unbound.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
