package relay.persistence.history;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry handed to the message history: a message accepted from a client, or an outcome of
 * the queue (one attempt's result for some of its recipients, or a DSN queued about it). Entries
 * are small values made on the caller's thread and written later by the {@link HistoryWriter}.
 */
public sealed interface HistoryRecord {

  String queueId();

  /**
   * A message the relay accepted (after it was durable and enqueued).
   *
   * @param client the registered client's id; empty for an unidentified connection (mail to the
   *     relay's own addresses) and for the relay's own messages (DSNs)
   * @param sourceIp the client's address; empty for the relay's own messages
   * @param sender the reverse-path, {@code ""} for the null sender
   */
  record Accepted(String queueId, Optional<String> client, Optional<String> sourceIp,
      String sender, List<String> recipients, long size, Instant receivedAt)
      implements HistoryRecord {

    public Accepted {
      Objects.requireNonNull(queueId, "queueId");
      client = client == null ? Optional.empty() : client;
      sourceIp = sourceIp == null ? Optional.empty() : sourceIp;
      Objects.requireNonNull(sender, "sender");
      recipients = List.copyOf(recipients);
      Objects.requireNonNull(receivedAt, "receivedAt");
    }
  }

  /**
   * Something the queue did with a message for {@code recipients} (one event row each):
   * {@code remoteHost} and {@code reply} the remote server's answer ("451 4.3.0 Try later"),
   * {@code attempt} the attempt's number (0 when not an attempt), {@code detail} extra words
   * (the DSN's queue id), {@code tls} what protected the attempt's connection ("TLSv1.3
   * TLS_AES_256_GCM_SHA384 verified", "... unverified" or "none"; empty when not an attempt).
   */
  record Outcome(String queueId, EventKind kind, List<String> recipients,
      Optional<String> remoteHost, Optional<String> reply, int attempt, Optional<String> detail,
      Instant at, Optional<String> tls) implements HistoryRecord {

    /** An outcome of no connection (a DSN queued, an operator's bounce): no TLS to record. */
    public Outcome(String queueId, EventKind kind, List<String> recipients,
        Optional<String> remoteHost, Optional<String> reply, int attempt, Optional<String> detail,
        Instant at) {
      this(queueId, kind, recipients, remoteHost, reply, attempt, detail, at, Optional.empty());
    }

    public Outcome {
      Objects.requireNonNull(queueId, "queueId");
      Objects.requireNonNull(kind, "kind");
      recipients = List.copyOf(recipients);
      remoteHost = remoteHost == null ? Optional.empty() : remoteHost.filter(h -> !h.isEmpty());
      reply = reply == null ? Optional.empty() : reply.filter(r -> !r.isEmpty());
      detail = detail == null ? Optional.empty() : detail;
      Objects.requireNonNull(at, "at");
      tls = tls == null ? Optional.empty() : tls;
    }
  }
}
