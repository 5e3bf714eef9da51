package relay.protocol.server;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Caps the connections of unidentified clients (no registered address, not (yet)
 * authenticated) on this node: at most max-connections-per-address from one IP address and
 * max-connections in all. They may only mail postmaster, and floods come from them; the caps keep
 * the rest of the node's connections for registered clients, whose own limit is their
 * cluster-wide max-sessions. A connection refused with 554 (blocked, suspended) counts the same
 * while it waits for QUIT (RFC 5321 3.1); beyond a cap it is closed right after its 554, so a
 * blocked address cannot hold more of the node than an unidentified one.
 *
 * <p>A decorator of the node's {@link ClientPolicy}: an admitted unidentified connection takes a
 * place in both counts, given back exactly once through its {@link SessionSlot} when the
 * connection ends; beyond a cap the admission becomes a {@link Admission.Refused} (421 4.7.0).
 * Thread-safe: admissions arrive from any thread.
 */
public final class UnidentifiedLimits implements ClientPolicy {

  private final ClientPolicy identify;
  private final SmtpServerSettings.Unidentified limits;
  private final Map<String, Integer> perAddress = new HashMap<>(); // guarded by itself
  private int total; // guarded by perAddress

  public UnidentifiedLimits(ClientPolicy identify, SmtpServerSettings.Unidentified limits) {
    this.identify = identify;
    this.limits = limits;
  }

  @Override
  public CompletionStage<Admission> identify(InetSocketAddress remote, InetSocketAddress local) {
    return identify.identify(remote, local).thenApply(this::limit);
  }

  @Override
  public void refused(SessionRefusal refusal) {
    identify.refused(refusal);
  }

  /**
   * AUTH goes to the node's policy as it is: an authenticated connection holds its client's
   * slot, and the unidentified place it took at connect is given back when the stage releases
   * that first slot.
   */
  @Override
  public CompletionStage<AuthOutcome> authenticate(InetSocketAddress remote,
      InetSocketAddress local, String authorizationId, String username, String password) {
    return identify.authenticate(remote, local, authorizationId, username, password);
  }

  /** Unidentified connections open now from {@code ip}. */
  public int open(String ip) {
    synchronized (perAddress) {
      return perAddress.getOrDefault(ip, 0);
    }
  }

  private Admission limit(Admission admission) {
    if (admission instanceof Admission.Refused refused) {
      return placeToWait(refused);
    }
    if (!(admission instanceof Admission.Admitted admitted) || admitted.client().mayRelay()) {
      return admission;
    }
    String ip = admitted.client().remoteIp();
    Admission.Refusal refusal = take(ip);
    if (refusal != null) {
      admitted.slot().release();
      return new Admission.Refused(admitted.client(), refusal);
    }
    return new Admission.Admitted(admitted.client(), giveBackOnce(ip, admitted.slot()));
  }

  /** A 554 waits for QUIT if it gets a place in both counts, else it closes after its reply. */
  private Admission placeToWait(Admission.Refused refused) {
    if (!refused.refusal().permanent() || refused.waitForQuit().isPresent()) {
      return refused;
    }
    String ip = refused.client().remoteIp();
    if (take(ip) != null) {
      return refused;
    }
    return refused.waitingForQuit(giveBackOnce(ip, SessionSlot.NONE));
  }

  /** A slot that gives {@code ip}'s place back, and releases {@code inner}, exactly once. */
  private SessionSlot giveBackOnce(String ip, SessionSlot inner) {
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        give(ip);
        inner.release();
      }
    };
  }

  /** Takes a place for {@code ip}, or says which cap refuses it. */
  private Admission.Refusal take(String ip) {
    synchronized (perAddress) {
      if (total >= limits.maxConnections()) {
        return Admission.Refusal.TOO_MANY_UNIDENTIFIED;
      }
      int fromAddress = perAddress.getOrDefault(ip, 0);
      if (fromAddress >= limits.maxConnectionsPerAddress()) {
        return Admission.Refusal.TOO_MANY_FROM_ADDRESS;
      }
      perAddress.put(ip, fromAddress + 1);
      total++;
      return null;
    }
  }

  private void give(String ip) {
    synchronized (perAddress) {
      perAddress.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
      total--;
    }
  }
}
