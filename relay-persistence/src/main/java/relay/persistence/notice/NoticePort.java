package relay.persistence.notice;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * Port the node implements: renders a {@link Notice} with its template and submits the mail
 * through the relay's own queue. Completes once the mail is durably queued; a failed stage is
 * submitted again later (so a notice is sent at least once).
 */
@FunctionalInterface
public interface NoticePort {
  CompletionStage<Done> submit(Notice notice);
}
