package relay.node.notice;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import relay.node.delivery.OwnMail;
import relay.persistence.notice.Notice;
import relay.persistence.notice.NoticePort;

/**
 * Sends a {@link Notice}: renders its template ({@link NoticeTemplates}) with the notice's values
 * plus hostname, from and notice-id, builds the message ({@link NoticeMessage}) and submits it
 * through the relay's own queue ({@link OwnMail}) to the client's contacts, from the null
 * reverse-path: a notice is automatic mail (RFC 3834 3.3), so a contact address that bounces
 * makes no DSN that could loop back to the relay. XXX: so the operator does not learn of a
 * contact address that no longer works, except from the event log's bounced line.
 */
public final class NoticeSubmitter implements NoticePort {

  private final String hostname;
  private final String from;
  private final NoticeTemplates templates;
  private final OwnMail mail;
  private final Executor io;
  private final Clock clock;

  /** {@code from} empty: postmaster@{@code hostname}. */
  public NoticeSubmitter(String hostname, String from, NoticeTemplates templates, OwnMail mail,
      Executor io, Clock clock) {
    this.hostname = hostname;
    this.from = from.isEmpty() ? "postmaster@" + hostname : from;
    this.templates = templates;
    this.mail = mail;
    this.io = io;
    this.clock = clock;
  }

  @Override
  public CompletionStage<Done> submit(Notice notice) {
    Instant now = clock.instant();
    return CompletableFuture.supplyAsync(() -> bytes(notice, now), io)
        .thenCompose(bytes -> mail.submit("", notice.to(), bytes, !ascii(notice), now,
            "notice " + notice.id()).thenApply(queueId -> Done.getInstance()));
  }

  byte[] bytes(Notice notice, Instant now) {
    Map<String, String> values = new HashMap<>(notice.values());
    values.put("hostname", hostname);
    values.put("from", from);
    values.put("notice-id", notice.id());
    NoticeTemplates.Rendered r = templates.render(notice.kind(), values);
    String messageId = "<" + notice.id() + "." + notice.at().toEpochMilli() + ".notice@"
        + hostname + ">";
    return NoticeMessage.build(from, notice.to(), r.subject(), r.body(), messageId, now);
  }

  private boolean ascii(Notice notice) {
    return StandardCharsets.US_ASCII.newEncoder().canEncode(String.join(",", notice.to()) + from);
  }
}
