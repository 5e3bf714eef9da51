package relay.persistence.quota;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.RegistryResult;

/**
 * What the HTTP API calls for bulk notices: a client announces an unusual mailing (expected
 * recipients and a window), the operator lists them, and a notice with raiseQuota raises the
 * client's quotas for the windows it overlaps. A stage that fails (timeout) changed nothing the
 * caller can rely on.
 */
public interface BulkNoticeService {

  /**
   * Records a notice of {@code client}; NotFound when the client is not registered, Invalid for a
   * bad count or window, Conflict when the client has its maximum of notices not over yet.
   */
  CompletionStage<RegistryResult<BulkNotice>> post(ClientId client, long expectedRecipients,
      Instant from, Instant until, Optional<String> note, boolean raiseQuota, String actor);

  /** The client's notices not over yet, by start; NotFound when the client is not registered. */
  CompletionStage<RegistryResult<List<BulkNotice>>> forClient(ClientId client);

  /** Every registered client's notices not over yet, by start. */
  CompletionStage<RegistryResult<List<BulkNotice>>> all();
}
