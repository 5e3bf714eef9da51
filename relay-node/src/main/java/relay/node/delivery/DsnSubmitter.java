package relay.node.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import relay.node.smtp.QueueIds;
import relay.persistence.history.EventKind;
import relay.persistence.history.HistoryRecord;
import relay.persistence.history.MessageHistory;
import relay.persistence.queue.DsnKind;
import relay.persistence.queue.DsnPort;
import relay.persistence.queue.DsnRequest;
import relay.persistence.queue.FailedRecipient;
import relay.persistence.queue.QueueGateway;
import relay.persistence.queue.RecordedReply;
import relay.persistence.spool.Spool;
import relay.protocol.message.DeliveryStatusNotification;
import relay.protocol.message.DsnRecipient;
import relay.protocol.message.DsnReport;
import relay.protocol.reply.SmtpReply;

/**
 * Sends a delivery status notification (RFC 3464) to the original sender through the relay's own
 * queue: the report is built from the queue's request and the original's header section (read
 * from the spool, which the queue keeps until this completes), spooled as a new message with the
 * null reverse-path (so no DSN is ever sent about a DSN, RFC 5321 6.1) and enqueued for the
 * sender's domain. An original that is gone from the spool ({@link DsnOriginal}) does not hold
 * the DSN back: it is sent without the headers part, saying so.
 */
public final class DsnSubmitter implements DsnPort {

  /** The original's header section is copied into the report up to this size. */
  private static final int MAX_ORIGINAL_HEADERS = 64 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(DsnSubmitter.class);

  private final String hostname;
  private final Spool spool;
  private final OwnMail mail;
  private final Executor io;
  private final Clock clock;
  private final MessageHistory history;

  public DsnSubmitter(String hostname, Spool spool, QueueGateway gateway, QueueIds ids, Executor io, Clock clock) {
    this(hostname, spool, gateway, ids, io, clock, MessageHistory.NONE);
  }

  /** {@code history} takes each queued DSN: as a message of its own and as an event of the original. */
  public DsnSubmitter(String hostname, Spool spool, QueueGateway gateway, QueueIds ids, Executor io, Clock clock,
      MessageHistory history) {
    this.history = history;
    this.hostname = hostname;
    this.spool = spool;
    this.mail = new OwnMail(spool, gateway, ids, io);
    this.io = io;
    this.clock = clock;
  }

  @Override
  public CompletionStage<Done> submit(DsnRequest request) {
    return CompletableFuture.supplyAsync(() -> report(request), io)
        .thenCompose(report -> mail.submit("", List.of(request.sender()), report.bytes(),
                report.utf8(), report.at(), "DSN for " + request.queueId())
            .thenApply(dsnId -> {
              recordHistory(request, dsnId, report);
              return Done.getInstance();
            }));
  }

  /** The DSN as a message of the relay's own (no client), and a "dsn" event of the original. */
  private void recordHistory(DsnRequest request, String dsnId, Report report) {
    history.record(new HistoryRecord.Accepted(dsnId, Optional.empty(), Optional.empty(), "",
        List.of(request.sender()), report.bytes().length, report.at()));
    history.record(new HistoryRecord.Outcome(request.queueId(), EventKind.DSN,
        request.recipients().stream().map(FailedRecipient::recipient).toList(), Optional.empty(),
        Optional.empty(), 0, Optional.of(request.kind().name().toLowerCase(Locale.ROOT) + " DSN "
            + dsnId + " to " + request.sender()), report.at()));
  }

  /** The DSN's bytes, whether they need SMTPUTF8, and when it was made. */
  private record Report(byte[] bytes, boolean utf8, Instant at) {}

  private Report report(DsnRequest request) {
    DsnOriginal original;
    try {
      original = DsnOriginal.read(spool, request.queueId(), request.domain(),
          MAX_ORIGINAL_HEADERS);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the original of " + request.queueId() + " for its DSN", e);
    }
    Instant now = clock.instant();
    DsnReport report = request.kind() == DsnKind.DELAYED
        ? DsnReport.delayed(hostname, request.receivedAt(), request.sender(),
            request.retryUntil().orElse(now))
        : DsnReport.failed(hostname, request.receivedAt(), request.sender());
    DeliveryStatusNotification.Builder dsn = DeliveryStatusNotification.builder(report).date(now);
    boolean utf8 = false;
    if (original instanceof DsnOriginal.Headers headers) {
      dsn.originalHeaders(headers.section());
      utf8 = !headers.section().isAscii();
    } else if (original instanceof DsnOriginal.Gone gone) {
      LOG.info("{} @ {}: original {}, DSN sent without its headers", request.queueId(),
          request.domain(), gone.why() == DsnOriginal.Why.MISSING ? "gone from the spool"
              : "unreadable");
      dsn.originalUnavailable();
    }
    for (FailedRecipient r : request.recipients()) {
      SmtpReply reply = new RecordedReply(r.code(), r.enhanced(), r.text()).toSmtpReply();
      dsn.recipient(request.kind() == DsnKind.DELAYED
          ? DsnRecipient.delayed(r.recipient(), reply, r.remoteHost(), r.at())
          : DsnRecipient.failed(r.recipient(), reply, r.remoteHost(), r.at()));
    }
    return new Report(dsn.build().bytes(), utf8, now);
  }
}
