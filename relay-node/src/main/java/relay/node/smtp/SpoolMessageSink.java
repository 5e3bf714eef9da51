package relay.node.smtp;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.apache.pekko.Done;
import org.apache.pekko.util.ByteString;
import relay.persistence.queue.EnqueueOutcome;
import relay.persistence.queue.QueueGateway;
import relay.persistence.queue.QueuedMessage;
import relay.persistence.spool.Spool;
import relay.persistence.spool.SpoolWriter;
import relay.protocol.address.Mailbox;
import relay.protocol.server.Envelope;
import relay.protocol.reply.Replies;
import relay.protocol.server.MessageOutcomeUnknownException;
import relay.protocol.server.MessageRefusedException;
import relay.protocol.server.MessageSink;
import relay.protocol.server.MessageWriter;

/**
 * Accepts a message durably: the body streams into the spool while DATA arrives; at the end the
 * spool entry is made durable for each destination domain and one {@link QueuedMessage} per domain
 * is enqueued, with a {@link MessageFingerprint} so that a client's retry of a message a domain
 * already took is not queued there twice. The SMTP session replies 250 only when {@link
 * MessageWriter#commit} completes, that is when every domain's queue has accepted it; a refusal
 * gets its transient reply, and an outcome the gateway could not learn closes the session
 * without a reply ({@link MessageOutcomeUnknownException}), never a refusal for a message that
 * may be delivered. A node that may not take mail now (see
 * {@code relay.node.cluster.ClusterQuorum}) refuses at the end of DATA and keeps nothing.
 */
public final class SpoolMessageSink implements MessageSink {

  private final Spool spool;
  private final QueueGateway queues;
  private final QueueIds ids;
  private final AcceptanceLog log;
  private final Executor io;
  private final BooleanSupplier accepting;

  public SpoolMessageSink(Spool spool, QueueGateway queues, QueueIds ids, AcceptanceLog log,
      Executor io, BooleanSupplier accepting) {
    this.accepting = accepting;
    this.spool = spool;
    this.io = io;
    this.queues = queues;
    this.ids = ids;
    this.log = log;
  }

  @Override
  public MessageWriter begin() throws IOException {
    return new Writer(spool.create(ids.next()));
  }

  /** Records the acceptance of a message (the "received" event). */
  public interface AcceptanceLog {
    void received(Envelope envelope, Duration acceptTime);
  }

  private final class Writer implements MessageWriter {
    private final SpoolWriter spoolWriter;

    Writer(SpoolWriter spoolWriter) {
      this.spoolWriter = spoolWriter;
    }

    @Override
    public String queueId() {
      return spoolWriter.queueId();
    }

    @Override
    public void write(ByteString chunk) throws IOException {
      byte[] bytes = chunk.toArrayUnsafe();
      spoolWriter.write(bytes, 0, bytes.length);
    }

    @Override
    public CompletionStage<Done> commit(Envelope envelope) {
      if (!accepting.getAsBoolean()) {
        spoolWriter.abort();
        return CompletableFuture.failedFuture(
            new MessageRefusedException(Replies.CLUSTER_MINORITY, null));
      }
      long started = System.nanoTime();
      Map<String, List<String>> byDomain = new LinkedHashMap<>();
      for (Mailbox rcpt : envelope.recipients()) {
        byDomain.computeIfAbsent(rcpt.domainKey(), d -> new ArrayList<>()).add(rcpt.address());
      }
      String sender = envelope.sender().map(Mailbox::address).orElse("");
      Instant receivedAt = envelope.receivedAt();
      String client = envelope.client().clientName().orElse(null); // for delay notices
      return spoolWriter.commit(byDomain.keySet()).thenCompose(durable -> {
        Map<String, CompletableFuture<EnqueueOutcome>> outcomes = new LinkedHashMap<>();
        byDomain.forEach((domain, rcpts) -> outcomes.put(domain, queues.enqueue(domain,
            new QueuedMessage(queueId(), sender, rcpts, envelope.size(), receivedAt,
                envelope.eightBitMime(), envelope.smtputf8(),
                MessageFingerprint.of(envelope, rcpts).orElse(null), client))
            .toCompletableFuture()));
        return CompletableFuture.allOf(outcomes.values().toArray(CompletableFuture[]::new))
            .thenApply(all -> {
              outcomes.forEach((domain, outcome) -> releaseIfRefused(domain, outcome.join()));
              return answer(outcomes.values().stream().map(CompletableFuture::join).toList());
            });
      }).thenApply(accepted -> {
        log.received(envelope, Duration.ofNanos(System.nanoTime() - started));
        return Done.getInstance();
      });
    }

    /**
     * Accepted only when every domain's queue took it. Any domain whose outcome is unknown (it
     * may deliver) means no reply can be true; otherwise a refusal's reply. The domains that did
     * take it deliver it either way, and recognise the client's retry (MessageFingerprint).
     */
    private Done answer(List<EnqueueOutcome> outcomes) {
      for (EnqueueOutcome outcome : outcomes) {
        if (outcome instanceof EnqueueOutcome.Unknown unknown) {
          throw new CompletionException(new MessageOutcomeUnknownException(unknown.detail()));
        }
      }
      for (EnqueueOutcome outcome : outcomes) {
        if (outcome instanceof EnqueueOutcome.Refused refused) {
          throw new CompletionException(new MessageRefusedException(
              EnqueueReplies.forRefusal(refused), null));
        }
      }
      return Done.getInstance();
    }

    /**
     * A domain whose queue certainly did not take the message gives up its spool reference, so a
     * refused message leaves no body behind. After an unknown outcome the enqueue may have been
     * written, so the reference stays (the orphan sweep reclaims it if no queue holds it).
     */
    private void releaseIfRefused(String domain, EnqueueOutcome outcome) {
      if (!(outcome instanceof EnqueueOutcome.Refused)) {
        return;
      }
      io.execute(() -> {
        try {
          spool.release(queueId(), domain);
        } catch (IOException e) {
          // left for the orphan sweep: the queue never refers to it
        }
      });
    }

    @Override
    public void abort() {
      spoolWriter.abort();
    }
  }
}
