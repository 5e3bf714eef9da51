package relay.persistence.history;

import java.time.Instant;
import java.util.Optional;

/**
 * One event of a message's history as stored: for an outcome, the recipient it was about, the
 * remote host and its reply; {@code attempt} 0 when not an attempt; {@code detail} extra words
 * (for {@code dsn}: which DSN).
 */
public record StoredEvent(Instant at, EventKind kind, Optional<String> recipient,
    Optional<String> remoteHost, Optional<String> reply, int attempt, Optional<String> detail) {}
