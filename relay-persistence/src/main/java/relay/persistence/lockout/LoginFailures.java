package relay.persistence.lockout;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import relay.protocol.server.AuthOutcome;

/**
 * The port through which a node's AUTH check reports failed logins and learns of lockouts
 * ({@link LoginLockout} on a node, {@link #NONE} where there is no lockout).
 */
public interface LoginFailures {

  /** Counts nothing and locks nothing out. */
  LoginFailures NONE = new LoginFailures() {
    @Override
    public CompletionStage<Optional<Instant>> failed(String ip) {
      return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public Optional<Instant> lockedUntil(String ip) {
      return Optional.empty();
    }
  };

  /**
   * Reports a failed login from {@code ip} (canonical); completes with the end of the lockout in
   * force for the address when this failure made one (or one was already in force), else empty.
   * Never fails: when the count cannot be made in time it completes empty (and logs).
   */
  CompletionStage<Optional<Instant>> failed(String ip);

  /** The end of the lockout of {@code ip} in force now, as this node's registry view holds it. */
  Optional<Instant> lockedUntil(String ip);

  /**
   * An AUTH check under the lockout: an address locked out gets {@link AuthOutcome.LockedOut}
   * without {@code check} running (no password is verified for it); otherwise {@code check}
   * decides, and an {@link AuthOutcome.InvalidCredentials} is reported as a failure, answered
   * {@link AuthOutcome.LockedOut} when that failure locked the address out.
   */
  default CompletionStage<AuthOutcome> guard(String ip,
      Supplier<CompletionStage<AuthOutcome>> check) {
    Optional<Instant> locked = lockedUntil(ip);
    if (locked.isPresent()) {
      return CompletableFuture.completedFuture(new AuthOutcome.LockedOut(locked.get()));
    }
    return check.get().thenCompose(outcome -> {
      if (!(outcome instanceof AuthOutcome.InvalidCredentials)) {
        return CompletableFuture.completedFuture(outcome);
      }
      return failed(ip).thenApply(until -> until.<AuthOutcome>map(AuthOutcome.LockedOut::new)
          .orElse(outcome));
    });
  }
}
