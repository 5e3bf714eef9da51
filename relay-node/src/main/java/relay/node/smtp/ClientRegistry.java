package relay.node.smtp;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import relay.persistence.client.ClientSessions;
import relay.persistence.lockout.LoginFailures;
import relay.persistence.quota.QuotaLeases;
import relay.persistence.quota.QuotaLimits;
import relay.persistence.registry.ClientRecord;
import relay.persistence.registry.IpAddresses;
import relay.persistence.registry.RegistrySnapshot;
import relay.persistence.registry.RegistryView;
import relay.protocol.server.Admission;
import relay.protocol.server.AuthOutcome;
import relay.protocol.server.ClientIdentity;
import relay.protocol.server.ClientPolicy;
import relay.protocol.server.SessionRefusal;

/**
 * Identifies a connection's client by its source address in this node's registry view (no
 * network round trip), applies the operator's blocks and the client's state ({@link
 * ConnectCheck}), and takes one of the client's cluster-wide session slots (its own max-sessions,
 * else relay.client-defaults.max-sessions). The identity carries a {@link RegistryEnvelopePolicy}
 * for MAIL and RCPT. An unregistered address gets an identity without a client name, which may
 * not relay, and counts toward no limit, once this node's view is complete (before, 421 4.3.0:
 * see {@link ConnectCheck}). A registered client with a recipient quota has its node's lease
 * asked for at connect ({@link QuotaLeases#prepare}, never waited for). When the client's
 * session count gives no verdict in time
 * the stage fails and the session answers 421 4.3.0: a registered client is never admitted
 * blindly. Every refusal the sessions answer is handed to {@code refusals} (the event log).
 */
public final class ClientRegistry implements ClientPolicy {

  private static final Logger LOG = LoggerFactory.getLogger(ClientRegistry.class);

  private final RegistryView view;
  private final int defaultMaxSessions;
  private final ClientSessions sessions;
  private final QuotaLeases quotas;
  private final Clock clock;
  private final Consumer<SessionRefusal> refusals;
  private final LoginFailures lockout;

  public ClientRegistry(RegistryView view, int defaultMaxSessions, ClientSessions sessions,
      QuotaLeases quotas, Clock clock, Consumer<SessionRefusal> refusals) {
    this(view, defaultMaxSessions, sessions, quotas, clock, refusals, LoginFailures.NONE);
  }

  /** As above; {@code lockout} counts failed logins and knows the addresses locked out. */
  public ClientRegistry(RegistryView view, int defaultMaxSessions, ClientSessions sessions,
      QuotaLeases quotas, Clock clock, Consumer<SessionRefusal> refusals, LoginFailures lockout) {
    this.view = view;
    this.defaultMaxSessions = defaultMaxSessions;
    this.sessions = sessions;
    this.quotas = quotas;
    this.clock = clock;
    this.refusals = refusals;
    this.lockout = lockout;
  }

  @Override
  public CompletionStage<Admission> identify(InetSocketAddress remote, InetSocketAddress local) {
    String ip = IpAddresses.canonical(remote.getAddress());
    boolean complete = view.complete(); // before current(): complete goes with a whole snapshot
    RegistrySnapshot registry = view.current();
    Instant now = clock.instant();
    Optional<ClientRecord> client = registry.clientByAddress(remote.getAddress());
    ClientIdentity identity = client
        .map(c -> ClientIdentity.registered(ip, c.id().value()))
        .orElseGet(() -> ClientIdentity.anonymous(ip))
        .withEnvelope(new RegistryEnvelopePolicy(view, client.map(ClientRecord::id), quotas,
            clock));
    Optional<Admission.Refused> refused = ConnectCheck.check(registry, complete, ip, client,
        identity, now);
    if (refused.isPresent()) {
      return CompletableFuture.completedFuture(refused.get());
    }
    if (client.isEmpty()) {
      return CompletableFuture.completedFuture(Admission.withoutSlot(identity));
    }
    String name = client.get().id().value();
    quotas.prepare(name, QuotaLimits.of(client.get().limits())); // a lease before the first RCPT
    int maxSessions = client.get().limits().maxSessions().orElse(defaultMaxSessions);
    return sessions.acquire(name, maxSessions)
        .whenComplete((slot, error) -> {
          if (error != null) {
            LOG.warn("client {} from {}: session slot unavailable, answering 421 4.3.0: {}",
                name, ip, error.toString());
          }
        })
        .thenApply(slot -> slot.<Admission>map(s -> new Admission.Admitted(identity, s))
            .orElseGet(() -> new Admission.Refused(identity,
                Admission.Refusal.TOO_MANY_SESSIONS)));
  }

  @Override
  public void refused(SessionRefusal refusal) {
    refusals.accept(refusal);
  }

  /**
   * Under the login lockout ({@link LoginFailures#guard}): an address locked out is answered
   * {@link AuthOutcome.LockedOut} at once, every invalid credential is counted.
   * TODO(#12): the credentials check; until then no credential is valid.
   */
  @Override
  public CompletionStage<AuthOutcome> authenticate(InetSocketAddress remote,
      InetSocketAddress local, String authorizationId, String username, String password) {
    return lockout.guard(IpAddresses.canonical(remote.getAddress()),
        () -> CompletableFuture.completedFuture(new AuthOutcome.InvalidCredentials()));
  }
}
