package relay.protocol.tls;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.IgnoreCancel$;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.TLS;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * One connection that starts in clear and switches to TLS when the application asks (STARTTLS,
 * RFC 3207), or that is TLS from its first byte (implicit TLS, RFC 8314). Server side and client
 * side alike: the role is the {@link SSLEngine}'s client mode.
 *
 * <pre>
 * app --ConnOut (Bytes | StartTls)----------------&gt; [StartTlsStage] --ByteString--&gt; network
 * app &lt;--ConnIn (Plain | TlsEstablished | Secure)-- [StartTlsStage] &lt;--ByteString-- network
 * </pre>
 *
 * <p>Before the switch bytes pass through as they are, tagged {@link ConnIn.Plain}, and the stage
 * reads from the network only when the application asks for more (no read-ahead). On {@link
 * ConnOut.StartTls} it writes the last plaintext (the server's 220) and, in the same step,
 * materializes Pekko's own TLS stage ({@code TLS.create}, its TLSActor does the handshakes,
 * delegated tasks, close_notify and TLS 1.3 post-handshake messages) between four sub-ports, so
 * that every later byte in both directions goes through it. Nothing is materialized for a
 * connection that never switches.
 *
 * <p>Guarantees: after the switch the application never gets {@link ConnIn.Plain}; it gets one
 * {@link ConnIn.TlsEstablished} once the handshake completed, before the first {@link
 * ConnIn.Secure}. What the application had already received in clear beyond the STARTTLS command
 * is its own to discard (CVE-2011-0411): see {@link ConnOut.StartTls#discardedInput()}.
 *
 * <p>Failures: a handshake not complete within {@code handshakeTimeout} of the switch (of the
 * start, for implicit TLS) fails the stage with {@link TlsHandshakeTimeoutException}, dropping
 * the connection; a failed handshake (no common protocol or cipher, a bad certificate) fails the
 * application's input with the {@code SSLException} while the TLS stage sends its alert and
 * closes the connection; a {@link ConnOut.StartTls} on a connection already in TLS fails the
 * stage. Closing: the end of the application's output (after its last bytes) or of the peer's
 * input closes the TLS session (close_notify) and then the connection; the application no longer
 * reading does not (Pekko's {@code IgnoreCancel}), so a last reply written as the application
 * stops is still sent.
 */
public final class StartTlsStage
    extends GraphStage<BidiShape<ConnOut, ByteString, ByteString, ConnIn>> {

  private static final String HANDSHAKE_TIMER = "handshake";
  /**
   * The TLS session ends when the application's output ends (close_notify after its last
   * bytes), not when it stops reading: an SMTP server writes 221 and stops both ways at once, and
   * with eager closing Pekko's TLS stage closed its outbound side on the cancel, before that last
   * reply was encrypted (lost 221s and tails of pipelined replies, StartTlsStageLoadTest).
   */
  private static final TLSClosing CLOSING = IgnoreCancel$.MODULE$;

  private final Inlet<ConnOut> appIn = Inlet.create("StartTls.appIn");
  private final Outlet<ByteString> netOut = Outlet.create("StartTls.netOut");
  private final Inlet<ByteString> netIn = Inlet.create("StartTls.netIn");
  private final Outlet<ConnIn> appOut = Outlet.create("StartTls.appOut");
  private final BidiShape<ConnOut, ByteString, ByteString, ConnIn> shape =
      BidiShape.of(appIn, netOut, netIn, appOut);

  private final Supplier<SSLEngine> engines;
  private final Duration handshakeTimeout;
  private final boolean implicit;

  private StartTlsStage(Supplier<SSLEngine> engines, Duration handshakeTimeout,
      boolean implicit) {
    this.engines = Objects.requireNonNull(engines, "engines");
    this.handshakeTimeout = Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    this.implicit = implicit;
  }

  /**
   * A connection in clear until the application emits {@link ConnOut.StartTls}.
   *
   * @param engines a new engine per connection, in client or server mode, with its protocols and
   *     cipher suites set (e.g. {@link ServerTlsContext#newEngine()}); called at the switch only
   * @param handshakeTimeout from the switch to the end of the handshake
   */
  public static BidiFlow<ConnOut, ByteString, ByteString, ConnIn, NotUsed> startTls(
      Supplier<SSLEngine> engines, Duration handshakeTimeout) {
    return BidiFlow.fromGraph(new StartTlsStage(engines, handshakeTimeout, false));
  }

  /** A connection in TLS from its first byte (RFC 8314 implicit TLS, e.g. port 465). */
  public static BidiFlow<ConnOut, ByteString, ByteString, ConnIn, NotUsed> implicitTls(
      Supplier<SSLEngine> engines, Duration handshakeTimeout) {
    return BidiFlow.fromGraph(new StartTlsStage(engines, handshakeTimeout, true));
  }

  @Override
  public BidiShape<ConnOut, ByteString, ByteString, ConnIn> shape() {
    return shape;
  }

  @Override
  public TimerGraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new Logic();
  }

  private final class Logic extends TimerGraphStageLogic {

    private boolean secure;
    private boolean established;
    private int discardedInput;

    // the sub-ports around the TLS stage, once switched
    private SubSourceOutlet<TLSProtocol.SslTlsOutbound> plainToTls;
    private SubSourceOutlet<ByteString> cipherToTls;
    private SubSinkInlet<ByteString> cipherFromTls;
    private SubSinkInlet<TLSProtocol.SslTlsInbound> plainFromTls;
    /** A network chunk asked for in clear that arrived after the switch, for the TLS stage. */
    private ByteString heldCipher;
    private boolean netInFinished;
    /** The TLS stage cancelled the network's bytes: it is closing or failed. */
    private boolean tlsReadsNoMore;
    /** The TLS stage cancelled the application's bytes: it is closing or failed. */
    private boolean tlsTakesNoMore;

    private final AsyncCallback<SSLSession> handshakeDone = createAsyncCallback(this::onHandshake);

    Logic() {
      super(shape);
      setHandler(appIn, new AbstractInHandler() {
        @Override
        public void onPush() {
          fromApp(grab(appIn));
        }

        @Override
        public void onUpstreamFinish() {
          if (secure) {
            plainToTls.complete(); // close_notify, then the connection
          } else {
            complete(netOut);
          }
        }

        @Override
        public void onUpstreamFailure(Throwable ex) {
          if (secure) {
            // usually the application failing on the TLS failure it got from us: let the TLS
            // stage send its alert (or close_notify) and close, rather than reset the connection
            plainToTls.complete();
          } else {
            failStage(ex);
          }
        }
      });
      setHandler(netOut, new AbstractOutHandler() {
        @Override
        public void onPull() {
          if (secure) {
            pullIfOpen(cipherFromTls);
          } else {
            pullIfOpen(appIn);
          }
        }
        // a network side that stops taking bytes ends the connection (the default: cancelStage)
      });
      setHandler(netIn, new AbstractInHandler() {
        @Override
        public void onPush() {
          ByteString bytes = grab(netIn);
          if (!secure) {
            push(appOut, new ConnIn.Plain(bytes));
          } else if (cipherToTls.isAvailable()) {
            cipherToTls.push(bytes);
          } else {
            heldCipher = bytes; // asked for before the switch, taken by the TLS stage's first pull
          }
        }

        @Override
        public void onUpstreamFinish() {
          if (!secure) {
            complete(appOut);
          } else if (heldCipher == null) {
            cipherToTls.complete();
          } else {
            netInFinished = true;
          }
        }
      });
      setHandler(appOut, new AbstractOutHandler() {
        @Override
        public void onPull() {
          if (secure) {
            pullIfOpen(plainFromTls);
          } else {
            pullIfOpen(netIn);
          }
        }

        @Override
        public void onDownstreamFinish(Throwable cause) {
          if (secure) {
            // the TLS stage drops what still comes and ends with the application's output
            plainFromTls.cancel();
            stopReadingAppIfTlsTakesNoMore();
          } else {
            cancel(netIn, cause);
          }
        }
      });
    }

    @Override
    public void preStart() {
      if (implicit) {
        startTls();
      }
    }

    @Override
    public void onTimer(Object key) {
      if (!established) {
        failStage(new TlsHandshakeTimeoutException(handshakeTimeout));
      }
    }

    private void fromApp(ConnOut out) {
      if (out instanceof ConnOut.Bytes bytes) {
        if (secure && tlsTakesNoMore) {
          pullIfOpen(appIn); // the TLS session is closing or failed: nothing can be sent
        } else if (secure) {
          plainToTls.push(new TLSProtocol.SendBytes(bytes.bytes()));
        } else if (bytes.bytes().isEmpty()) {
          pull(appIn);
        } else {
          push(netOut, bytes.bytes());
        }
      } else if (out instanceof ConnOut.StartTls start) {
        if (secure) {
          failStage(new IllegalStateException("StartTls on a connection already in TLS"));
          return;
        }
        discardedInput = start.discardedInput();
        if (!start.lastPlaintext().isEmpty()) {
          push(netOut, start.lastPlaintext());
        }
        startTls();
      }
    }

    /** From here on every byte both ways goes through Pekko's TLS stage. */
    private void startTls() {
      secure = true;
      scheduleOnce(HANDSHAKE_TIMER, handshakeTimeout);

      plainToTls = new SubSourceOutlet<>("StartTls.plainToTls");
      plainToTls.setHandler(new AbstractOutHandler() {
        @Override
        public void onPull() {
          pullIfOpen(appIn);
        }

        @Override
        public void onDownstreamFinish(Throwable cause) {
          // The TLS stage takes no more (closing, or failed). The application hears of a failure
          // on its input and ends its output; until then its bytes are dropped.
          tlsTakesNoMore = true;
          if (isClosed(appOut)) {
            cancel(appIn, cause);
          } else {
            pullIfOpen(appIn);
          }
        }
      });
      cipherToTls = new SubSourceOutlet<>("StartTls.cipherToTls");
      cipherToTls.setHandler(new AbstractOutHandler() {
        @Override
        public void onPull() {
          if (heldCipher != null) {
            cipherToTls.push(heldCipher);
            heldCipher = null;
            if (netInFinished) {
              cipherToTls.complete();
            }
          } else {
            pullIfOpen(netIn);
          }
        }

        @Override
        public void onDownstreamFinish(Throwable cause) {
          // Stop reading the network only once the TLS stage wrote its last bytes (an alert,
          // close_notify): Pekko TCP closes the whole connection when its input is cancelled.
          tlsReadsNoMore = true;
          if (isClosed(netOut)) {
            cancel(netIn, cause);
          }
        }
      });
      cipherFromTls = new SubSinkInlet<>("StartTls.cipherFromTls");
      cipherFromTls.setHandler(new AbstractInHandler() {
        @Override
        public void onPush() {
          push(netOut, cipherFromTls.grab());
        }

        @Override
        public void onUpstreamFinish() {
          complete(netOut);
          if (tlsReadsNoMore) {
            cancel(netIn);
          }
        }

        @Override
        public void onUpstreamFailure(Throwable ex) {
          fail(netOut, ex);
        }
      });
      plainFromTls = new SubSinkInlet<>("StartTls.plainFromTls");
      plainFromTls.setHandler(new AbstractInHandler() {
        @Override
        public void onPush() {
          fromTls(plainFromTls.grab());
        }

        @Override
        public void onUpstreamFinish() {
          complete(appOut);
          stopReadingAppIfTlsTakesNoMore();
        }

        @Override
        public void onUpstreamFailure(Throwable ex) {
          // not followed by a cancel of appIn, which could overtake the failure on its way
          // through the application's stages: the application ends its output on this failure
          fail(appOut, ex);
        }
      });

      BidiFlow<TLSProtocol.SslTlsOutbound, ByteString, ByteString, TLSProtocol.SslTlsInbound,
          NotUsed> tls = TLS.create(engines, handshakeDone::invoke, CLOSING);
      Source.fromGraph(plainToTls.source())
          .via(tls.join(Flow.fromSinkAndSource(cipherFromTls.sink(), cipherToTls.source())))
          .to(plainFromTls.sink())
          .run(subFusingMaterializer());

      if (isAvailable(netOut)) {
        cipherFromTls.pull();
      }
      if (isAvailable(appOut)) {
        plainFromTls.pull();
      }
    }

    private void fromTls(TLSProtocol.SslTlsInbound in) {
      if (in instanceof TLSProtocol.SessionBytes bytes) {
        if (!established) {
          onHandshake(bytes.session());
        }
        if (!isClosed(appOut)) {
          emit(appOut, new ConnIn.Secure(bytes.bytes()));
        }
      } else if (isAvailable(appOut)) {
        pullIfOpen(plainFromTls); // SessionTruncated: the peer closed without close_notify
      }
    }

    /** The handshake completed: from the TLS stage's session check, or its first bytes. */
    private void onHandshake(SSLSession session) {
      if (established) {
        return;
      }
      established = true;
      cancelTimer(HANDSHAKE_TIMER);
      if (!isClosed(appOut)) {
        emit(appOut, new ConnIn.TlsEstablished(TlsInfo.of(session), discardedInput));
      }
    }

    private void stopReadingAppIfTlsTakesNoMore() {
      if (tlsTakesNoMore) {
        cancel(appIn);
      }
    }

    private void pullIfOpen(Inlet<?> inlet) {
      if (!hasBeenPulled(inlet) && !isClosed(inlet)) {
        pull(inlet);
      }
    }

    private void pullIfOpen(SubSinkInlet<?> inlet) {
      if (!inlet.hasBeenPulled() && !inlet.isClosed()) {
        inlet.pull();
      }
    }
  }
}
