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
 * SMTP AUTH ({@link #authenticate}) identifies the client by its credentials instead and then
 * applies the same checks and takes the same slot.
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
  private final Optional<CredentialCheck> credentials;

  /** Without SMTP AUTH credentials: every AUTH is invalid. */
  public ClientRegistry(RegistryView view, int defaultMaxSessions, ClientSessions sessions,
      QuotaLeases quotas, Clock clock, Consumer<SessionRefusal> refusals) {
    this(view, defaultMaxSessions, sessions, quotas, clock, refusals, LoginFailures.NONE,
        Optional.empty());
  }

  /**
   * As above; {@code lockout} counts failed logins and knows the addresses locked out, AUTH
   * checks {@code credentials}.
   */
  public ClientRegistry(RegistryView view, int defaultMaxSessions, ClientSessions sessions,
      QuotaLeases quotas, Clock clock, Consumer<SessionRefusal> refusals, LoginFailures lockout,
      Optional<CredentialCheck> credentials) {
    this.credentials = credentials;
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
    return slot(client.get(), identity, ip);
  }

  /**
   * SMTP AUTH (RFC 4954): the credentials' client ({@link CredentialCheck}), then exactly the
   * checks of a connection from one of its registered addresses: {@link ConnectCheck} (blocks
   * of the address and the client, suspension, test window) and one of its session slots. So an
   * authenticated session is its client, with its envelope rules, quotas and session count.
   * Invalid credentials are {@link AuthOutcome.InvalidCredentials}; saturated verification a
   * failed stage (454 4.7.0). All of it under the login lockout ({@link LoginFailures#guard}):
   * an address locked out is {@link AuthOutcome.LockedOut} without a verification, and every
   * invalid credential counts as a failure.
   */
  @Override
  public CompletionStage<AuthOutcome> authenticate(InetSocketAddress remote,
      InetSocketAddress local, String authorizationId, String username, String password) {
    String ip = IpAddresses.canonical(remote.getAddress());
    return lockout.guard(ip, () -> check(ip, authorizationId, username, password));
  }

  private CompletionStage<AuthOutcome> check(String ip, String authorizationId, String username,
      String password) {
    if (credentials.isEmpty()) {
      return CompletableFuture.completedFuture(new AuthOutcome.InvalidCredentials());
    }
    return credentials.get().verify(authorizationId, username, password).thenCompose(client -> {
      if (client.isEmpty()) {
        LOG.debug("AUTH from {}: invalid credentials", ip);
        return CompletableFuture.completedFuture(new AuthOutcome.InvalidCredentials());
      }
      ClientRecord record = client.get();
      ClientIdentity identity = ClientIdentity.registered(ip, record.id().value())
          .withEnvelope(new RegistryEnvelopePolicy(view, Optional.of(record.id()), quotas,
              clock));
      Optional<Admission.Refused> refused = ConnectCheck.check(view.current(), true, ip,
          client, identity, clock.instant());
      CompletionStage<Admission> admission = refused.isPresent()
          ? CompletableFuture.completedFuture(refused.get()) : slot(record, identity, ip);
      return admission.thenApply(a -> a instanceof Admission.Admitted admitted
          ? new AuthOutcome.Authenticated(admitted)
          : new AuthOutcome.Refused((Admission.Refused) a));
    });
  }

  /** One of {@code client}'s cluster-wide session slots, or its refusal (421 4.4.5). */
  private CompletionStage<Admission> slot(ClientRecord client, ClientIdentity identity,
      String ip) {
    String name = client.id().value();
    quotas.prepare(name, QuotaLimits.of(client.limits())); // a lease before the first RCPT
    int maxSessions = client.limits().maxSessions().orElse(defaultMaxSessions);
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
}
