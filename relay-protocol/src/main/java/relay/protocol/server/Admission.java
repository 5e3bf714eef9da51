package relay.protocol.server;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link ClientPolicy}'s verdict on a new connection, given before the greeting: admitted
 * (with the slot to release when the connection ends) or refused for a {@link Refusal} that the
 * session answers with its reply: 421 for a limit, then close; 554 for the operator's decision,
 * then either close or, given a place to wait, wait for QUIT (RFC 5321 3.1). A policy that cannot
 * decide fails its stage instead, which the session answers with a temporary 421 4.3.0.
 */
public sealed interface Admission {

  /** Who is connecting, as the policy identified it. */
  ClientIdentity client();

  /**
   * Why a connection is refused before its greeting; each maps to one reply of the catalogue,
   * 421 (temporary: the client retries) or 554 ({@link #permanent}), and to the {@link
   * RefusalReason} that names it.
   */
  enum Refusal {
    /** The registered client already has max-sessions sessions in the cluster: 421 4.4.5. */
    TOO_MANY_SESSIONS(RefusalReason.SESSIONS),
    /** This unidentified address holds its share of connections on this node: 421 4.7.0. */
    TOO_MANY_FROM_ADDRESS(RefusalReason.CONNECTIONS_PER_ADDRESS),
    /** Unidentified clients hold all the connections they may on this node: 421 4.7.0. */
    TOO_MANY_UNIDENTIFIED(RefusalReason.UNIDENTIFIED_CONNECTIONS),
    /** The operator blocked the address: 554 5.7.1 with the operator's reason. */
    BLOCKED(RefusalReason.BLOCKED_IP),
    /** The operator blocked the address's client: 554 5.7.1 with the operator's reason. */
    CLIENT_BLOCKED(RefusalReason.BLOCKED_CLIENT),
    /** The operator suspended the client: 554 5.7.1. */
    CLIENT_SUSPENDED(RefusalReason.SUSPENDED),
    /** A client's test address, outside the client's test window: 554 5.7.1. */
    OUTSIDE_TEST_WINDOW(RefusalReason.TEST_WINDOW),
    /**
     * The node does not know the whole registry yet (after a cluster restart) and the address is
     * not in what it knows: 421 4.3.0, the client retries, never a permanent refusal.
     */
    REGISTRY_INCOMPLETE(RefusalReason.REGISTRY_INCOMPLETE),
    /**
     * Too many failed logins from the address, which is locked out for a while (a temporary
     * block the relay made itself): 421 4.7.0 with when it ends, then close. The refusal's
     * {@code reason} is that instant (ISO-8601).
     */
    LOCKED_OUT(RefusalReason.LOCKED_OUT);

    private final RefusalReason reason;

    Refusal(RefusalReason reason) {
      this.reason = reason;
    }

    /** The name of this refusal in the event log and the metrics. */
    public RefusalReason reason() {
      return reason;
    }

    /** Whether the reply is a permanent 554, after which the session may wait for QUIT. */
    public boolean permanent() {
      return this == BLOCKED || this == CLIENT_BLOCKED || this == CLIENT_SUSPENDED
          || this == OUTSIDE_TEST_WINDOW;
    }
  }

  /** Greet the client; release {@code slot} when the connection ends. */
  record Admitted(ClientIdentity client, SessionSlot slot) implements Admission {
    public Admitted {
      Objects.requireNonNull(client, "client");
      Objects.requireNonNull(slot, "slot");
    }
  }

  /**
   * Answer the refusal's reply; {@code reason} is the operator's reason of a {@link
   * Refusal#BLOCKED} or {@link Refusal#CLIENT_BLOCKED} (shown in the reply, made safe), the end
   * of a {@link Refusal#LOCKED_OUT} (see {@link Admission#lockedOut}), empty otherwise. With
   * {@code waitForQuit} (only for a {@link Refusal#permanent} refusal) the session then waits
   * for QUIT, answering 503 to anything else (RFC 5321 3.1), holding that slot until the
   * connection ends; without it the connection closes after the reply.
   */
  record Refused(ClientIdentity client, Refusal refusal, String reason,
      Optional<SessionSlot> waitForQuit) implements Admission {
    public Refused {
      Objects.requireNonNull(client, "client");
      Objects.requireNonNull(refusal, "refusal");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(waitForQuit, "waitForQuit");
      if (waitForQuit.isPresent() && !refusal.permanent()) {
        throw new IllegalArgumentException("only a 554 waits for QUIT, not " + refusal);
      }
    }

    /** A refusal with the operator's reason, closing after its reply. */
    public Refused(ClientIdentity client, Refusal refusal, String reason) {
      this(client, refusal, reason, Optional.empty());
    }

    /** A refusal without an operator's reason, closing after its reply. */
    public Refused(ClientIdentity client, Refusal refusal) {
      this(client, refusal, "");
    }

    /** The same refusal, waiting for QUIT in a place that {@code slot} gives back. */
    public Refused waitingForQuit(SessionSlot slot) {
      return new Refused(client, refusal, reason, Optional.of(slot));
    }
  }

  /** The refusal of an address locked out until {@code until}, closing after its reply. */
  static Refused lockedOut(ClientIdentity client, Instant until) {
    return new Refused(client, Refusal.LOCKED_OUT,
        until.truncatedTo(ChronoUnit.SECONDS).toString());
  }

  /** Admits a connection that holds no slot (e.g. an unregistered client). */
  static Admission withoutSlot(ClientIdentity client) {
    return new Admitted(client, SessionSlot.NONE);
  }
}
