package relay.persistence.history;

import java.time.Instant;
import java.util.Optional;

/**
 * One event of a message's history as stored: for an outcome, the recipient it was about, the
 * remote host and its reply; {@code attempt} 0 when not an attempt; {@code detail} extra words
 * (for {@code dsn}: which DSN); {@code tls} what protected an attempt's connection ("TLSv1.3
 * TLS_AES_256_GCM_SHA384 verified", "... unverified", "none"; empty when not an attempt or
 * written before TLS was recorded).
 */
public record StoredEvent(Instant at, EventKind kind, Optional<String> recipient,
    Optional<String> remoteHost, Optional<String> reply, int attempt, Optional<String> detail,
    Optional<String> tls) {

  /** An event without TLS to tell. */
  public StoredEvent(Instant at, EventKind kind, Optional<String> recipient,
      Optional<String> remoteHost, Optional<String> reply, int attempt, Optional<String> detail) {
    this(at, kind, recipient, remoteHost, reply, attempt, detail, Optional.empty());
  }
}
