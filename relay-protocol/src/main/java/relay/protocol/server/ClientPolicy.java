package relay.protocol.server;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Port implemented by the node: who is this connection, and may it have one more session?
 * Registered IPs now, AUTH later. Called once per connection before the greeting.
 *
 * <ul>
 *   <li>{@link Admission.Admitted}: the greeting; the stage releases its {@link SessionSlot} when
 *       the connection ends, whatever the reason.
 *   <li>{@link Admission.Refused}: the refusal's reply (e.g. "421 4.4.5 ... Too many concurrent
 *       sessions", "554 5.7.1 ... Blocked: reason") and close; after a 554 given a place to wait
 *       ({@link Admission.Refused#waitForQuit}), the wait for QUIT of RFC 5321 3.1 first.
 *   <li>A failed stage (a lookup or slot request that timed out, a store down): "421 4.3.0" and
 *       close; the policy itself releases whatever it may have taken for that connection.
 * </ul>
 */
public interface ClientPolicy {
  CompletionStage<Admission> identify(InetSocketAddress remote, InetSocketAddress local);

  /**
   * The session refused a connection or a command for policy or a limit (see
   * {@link SessionRefusal}); called on the connection's stage, so it must not block (e.g. write
   * one log line). Does nothing unless the node wants a record of refusals.
   */
  default void refused(SessionRefusal refusal) {}

  /**
   * Checks the credentials of one SMTP AUTH exchange (PLAIN or LOGIN, after TLS) of the
   * connection from {@code remote} to {@code local}: {@code authorizationId} is PLAIN's authzid
   * ("" when absent or for LOGIN). Must not block the caller: password hashing runs elsewhere.
   * On {@link AuthOutcome.Authenticated} the stage releases the connection's earlier slot and
   * holds the new one until the connection ends. The default knows no credentials.
   */
  default CompletionStage<AuthOutcome> authenticate(InetSocketAddress remote,
      InetSocketAddress local, String authorizationId, String username, String password) {
    return CompletableFuture.completedFuture(new AuthOutcome.InvalidCredentials());
  }
}
