package relay.persistence.notice;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import relay.persistence.registry.RegistryResult;

/**
 * What the HTTP API calls for operator announcements. A stage that fails (timeout, entity
 * unavailable) may or may not have queued the announcement.
 */
public interface NoticeService {

  /**
   * Queues one mail per client (to its contacts only) with {@code subject} and {@code body}:
   * to {@code clients} (ids), or to every registered client when empty. Recorded in the audit
   * log with {@code actor}. Invalid for a subject or body out of bounds, an empty or unknown
   * client list, or no client registered at all.
   */
  CompletionStage<RegistryResult<Announcement>> announce(String subject, String body,
      Optional<List<String>> clients, String actor);
}
