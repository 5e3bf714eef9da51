package relay.protocol.server;

import java.time.Instant;
import java.util.Objects;

/**
 * The {@link ClientPolicy}'s verdict on one SMTP AUTH exchange (RFC 4954), which the session
 * answers with a reply of the catalogue:
 *
 * <ul>
 *   <li>{@link Authenticated}: 235 2.7.0; from then on the session is {@code admission}'s client
 *       (its limits, sender domains, quotas, blocks), holding that admission's slot;
 *   <li>{@link Refused}: the credentials were right but the client may not have a session now
 *       (blocked, suspended, too many sessions): the refusal's reply, as at connect;
 *   <li>{@link InvalidCredentials}: 535 5.7.8 Authentication credentials invalid;
 *   <li>{@link LockedOut}: too many failed logins from this address: 421 4.7.0 with when the
 *       lockout ends, then close.
 * </ul>
 *
 * A policy that cannot decide (a store down, a timeout) fails its stage instead: 454 4.7.0
 * Temporary authentication failure (RFC 4954 6).
 */
public sealed interface AuthOutcome {

  /** The credentials belong to {@code admission}'s client, which may have this session. */
  record Authenticated(Admission.Admitted admission) implements AuthOutcome {
    public Authenticated {
      Objects.requireNonNull(admission, "admission");
    }
  }

  /** The credentials are right but the client is refused as {@code refusal} says. */
  record Refused(Admission.Refused refusal) implements AuthOutcome {
    public Refused {
      Objects.requireNonNull(refusal, "refusal");
    }
  }

  /** Unknown user, wrong password, or a credential that was removed. */
  record InvalidCredentials() implements AuthOutcome {}

  /** This address failed too often and is locked out until {@code until}. */
  record LockedOut(Instant until) implements AuthOutcome {
    public LockedOut {
      Objects.requireNonNull(until, "until");
    }
  }
}
