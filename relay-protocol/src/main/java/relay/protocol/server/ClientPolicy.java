package relay.protocol.server;

import java.net.InetSocketAddress;
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
}
