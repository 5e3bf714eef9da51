package relay.node.delivery;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import relay.node.config.NodeSettings;
import relay.node.config.Route;
import relay.persistence.queue.DeliveryConnection;
import relay.persistence.queue.DeliveryFailure;
import relay.persistence.queue.DeliveryRequest;
import relay.persistence.queue.DeliveryTransport;
import relay.persistence.queue.RecipientResult;
import relay.protocol.client.ClientSettings;
import relay.protocol.client.ClientTls;
import relay.protocol.client.Deadline;
import relay.protocol.client.OutboundEnvelope;
import relay.protocol.client.SmtpClientConnection;
import relay.protocol.client.SmtpClientException;
import relay.protocol.client.TlsPolicy;
import relay.protocol.client.TlsStatus;
import relay.protocol.client.TransactionResult;
import relay.protocol.dns.MxHost;
import relay.protocol.dns.MxResolver;
import relay.protocol.dns.MxResult;
import relay.protocol.reply.DeliveryReplies;
import relay.protocol.reply.SmtpReply;
import relay.protocol.sts.StsPolicy;

/**
 * Delivery over SMTP to a destination's mail exchangers (RFC 5321 5.1): a static route or
 * smarthost when one is configured for the domain (or "*"), otherwise the MX hosts from DNS in
 * preference order, each of their addresses in turn. A host that cannot be reached or greets
 * with 4xx/5xx is skipped for the next one; when none is left the attempt is deferred with the
 * last host's reply. DNS answers that say the domain takes no mail (null MX, NXDOMAIN) bounce.
 *
 * <p>Bounds (so one destination cannot hold a delivery thread for hours): at most {@code
 * relay.delivery.max-addresses-per-attempt} addresses are tried per attempt (RFC 5321 5.1 lets a
 * client cap the list; Postfix's smtp_mx_address_limit is 5 too), every step ends by the
 * attempt's deadline, and a destination that stopped answering gets one connection attempt at a
 * time from this node once an attempt to it found no address answering in time ({@link
 * DestinationHealth}).
 *
 * <p>Destinations that point home: addresses from DNS or an address literal are judged by
 * {@link DestinationPolicy} first; refused ones are skipped without connecting, and when none is
 * left the recipients bounce (554 5.4.4). An MX at one of the relay's own listeners, or a server
 * that greets or answers EHLO with one of the relay's names, is a loop and bounces at once (554
 * 5.4.6). MX hosts of the same or a worse preference than a looping one are not tried (as
 * Postfix does when it finds itself in an MX list). Routes are the operator's own choice and are
 * only checked for loops.
 *
 * <p>Outbound TLS (RFC 3207): every connection says STARTTLS when the server offers it (unless
 * relay.smtp.client.tls.starttls is off) and records what protected it ({@link TlsStatus}, in
 * the event log and history). The queue passes the destination's {@link TlsPolicy} (its shaping
 * block's {@code tls}). Opportunistic (RFC 7435): a failed handshake is retried once on the same
 * address in clear, as Postfix does. Required or verify: a host without STARTTLS, or whose
 * handshake or certificate fails, is skipped for the next one, and when none is left the
 * attempt is deferred with that host's 451 4.7.x; nothing is ever sent in clear.
 *
 * <p>MTA-STS (RFC 8461) for MX delivery (not static routes): a domain whose policy is in
 * enforce mode is delivered only to its MX hosts that match the policy, at least under verify
 * (TLS with a certificate valid for the MX name); with no matching MX the attempt is deferred,
 * "451 4.7.5 No mail exchanger of <domain> matches its MTA-STS policy (enforce)". In testing mode
 * delivery goes on as without the policy and what would have failed is logged ({@link
 * MtaStsPolicies} finds and caches the policies).
 */
public final class SmtpDeliveryTransport implements DeliveryTransport {

  private static final Logger LOG = LoggerFactory.getLogger(SmtpDeliveryTransport.class);

  private final MxResolver resolver;
  private final ClientSettings client;
  private final Map<String, Route> routes;
  private final DeliverySettings delivery;
  private final DestinationPolicy policy;
  private final DestinationHealth health;
  private final Set<String> ownNames;
  /** Null when STARTTLS is off. */
  private final ClientTls tls;
  /** Null when MTA-STS is off. */
  private final MtaStsPolicies mtaSts;

  SmtpDeliveryTransport(MxResolver resolver, ClientSettings client, Map<String, Route> routes,
      DeliverySettings delivery, OwnEndpoints own, Set<String> ownNames) {
    this(resolver, client, routes, delivery, own, ownNames, null, null);
  }

  /**
   * @param tls the STARTTLS side of the client; null: never STARTTLS
   * @param mtaSts null: MTA-STS off
   */
  SmtpDeliveryTransport(MxResolver resolver, ClientSettings client, Map<String, Route> routes,
      DeliverySettings delivery, OwnEndpoints own, Set<String> ownNames, ClientTls tls, MtaStsSettings mtaSts) {
    this.tls = tls;
    this.mtaSts = mtaSts == null || !mtaSts.enabled() ? null
        : new MtaStsPolicies(resolver, mtaSts, new DestinationPolicy(delivery.allowedNetworks(),
            delivery.refusedNetworks(), own));
    this.resolver = resolver;
    this.client = client;
    this.routes = Map.copyOf(routes);
    this.delivery = delivery;
    this.policy = new DestinationPolicy(delivery.allowedNetworks(), delivery.refusedNetworks(), own);
    this.health = new DestinationHealth(delivery.degradedFor());
    this.ownNames = Set.copyOf(ownNames);
  }

  /**
   * With the node's outbound settings (SMTP client, resolver, destination policy) and routes.
   *
   * @param own where this relay listens, for loop detection
   */
  public static SmtpDeliveryTransport create(NodeSettings settings, OwnEndpoints own) {
    OutboundSettings out = settings.outbound();
    return new SmtpDeliveryTransport(new MxResolver(out.dns()), out.client(), settings.routes(),
        out.delivery(), own, loopNames(settings.hostname(), out.client().heloName()),
        out.tls().startTls() ? ClientTls.create(out.tls()) : null, out.mtaSts());
  }

  /**
   * The names a server must not greet us with: relay.hostname and the EHLO name, lower case. A
   * name without a dot or a "localhost" name is left out: unconfigured servers greet with those,
   * and taking that for a loop would bounce mail to them.
   */
  static Set<String> loopNames(String... names) {
    Set<String> out = new LinkedHashSet<>();
    for (String name : names) {
      String n = name.trim().toLowerCase(Locale.ROOT);
      if (n.indexOf('.') > 0 && !n.startsWith("localhost") && !n.startsWith("[")) {
        out.add(n);
      }
    }
    return out;
  }

  @Override
  public Duration attemptTimeout() {
    return client.attemptTimeout();
  }

  @Override
  public DeliveryConnection connect(String domain, TlsPolicy shaping, Deadline deadline) throws DeliveryFailure {
    List<Candidate> candidates = candidates(domain);
    TlsPolicy policy = shaping;
    StsPolicy sts = null;
    if (mtaSts != null && routes.getOrDefault(domain, routes.get("*")) == null) {
      sts = mtaSts.policyFor(domain).orElse(null);
    }
    if (sts != null && sts.mode() == StsPolicy.Mode.ENFORCE) {
      StsPolicy enforced = sts;
      List<Candidate> allowed = candidates.stream().filter(c -> enforced.allows(c.name())).toList();
      if (allowed.isEmpty()) {
        LOG.warn("not delivering to {}: none of its MX hosts {} matches its MTA-STS policy {}", domain,
            candidates.stream().map(Candidate::name).distinct().toList(), sts.mx());
        throw new DeliveryFailure(DeliveryReplies.noMxMatchesStsPolicy(domain), false, null);
      }
      candidates = allowed;
      policy = policy.atLeast(TlsPolicy.VERIFY);
    } else if (sts != null) {
      StsPolicy testing = sts;
      candidates.stream().filter(c -> !testing.allows(c.name())).map(Candidate::name).distinct().forEach(mx ->
          LOG.warn("MTA-STS testing policy of {}: MX host {} does not match {} (delivering anyway)", domain, mx,
              testing.mx()));
    }
    DestinationHealth.Ticket ticket = health.enter(domain);
    if (ticket == null) {
      throw new DeliveryFailure(DeliveryReplies.destinationNotResponding(domain), true, null);
    }
    try {
      SmtpReply last = null;
      int tried = 0;
      for (Candidate candidate : candidates) {
        if (tried == delivery.maxAddressesPerAttempt()) {
          break;
        }
        if (deadline.expired()) {
          last = DeliveryReplies.attemptTimeLimit(domain);
          break;
        }
        if (tried > 0 && !health.mayTryNext(ticket)) {
          last = DeliveryReplies.destinationNotResponding(domain);
          break;
        }
        tried++;
        try {
          SmtpClientConnection smtp = open(candidate, policy, deadline);
          health.succeeded(domain);
          if (sts != null && sts.mode() == StsPolicy.Mode.TESTING && !smtp.tls().verified()) {
            LOG.warn("MTA-STS testing policy of {}: {} would fail it: {} (delivering anyway)", domain,
                candidate, smtp.tls().encrypted()
                    ? smtp.unverified().map(ClientTls.Unverified::text).orElse("certificate not verified")
                    : "no TLS");
          }
          return new Connection(smtp, domain);
        } catch (SmtpClientException e) {
          if (e.kind() == SmtpClientException.Kind.LOOP) {
            LOG.warn("mail for {} loops back to myself: {} greeted with this relay's own name", domain,
                candidate.address());
            throw new DeliveryFailure(DeliveryReplies.loopsBackToMyself(domain), e);
          }
          if (e.isTimeout()) {
            health.timedOut(ticket);
          }
          last = e.reply();
          if (e.kind() == SmtpClientException.Kind.ATTEMPT_EXPIRED) {
            break;
          }
        }
      }
      // Every host refused or was unreachable: a transient condition of the destination, whatever
      // the hosts said at the greeting (RFC 5321 5.1: try the next MX, then retry later).
      health.attemptFailed(ticket);
      SmtpReply reply = last == null ? DeliveryReplies.noMailExchangerReachable(domain)
          : last.isTransient() ? last : DeliveryReplies.allMailExchangersRefused(domain, last);
      throw new DeliveryFailure(reply, false, null);
    } finally {
      health.leave(ticket);
    }
  }

  /**
   * One connection to {@code candidate} under {@code policy}; an opportunistic one whose TLS
   * handshake failed is made once more in clear (RFC 7435: better unencrypted than not at all).
   */
  private SmtpClientConnection open(Candidate candidate, TlsPolicy policy, Deadline deadline)
      throws SmtpClientException {
    try {
      return SmtpClientConnection.open(candidate.address(), candidate.name(), client, deadline, ownNames, tls,
          policy);
    } catch (SmtpClientException e) {
      if (e.kind() != SmtpClientException.Kind.TLS_FAILED || policy.requiresTls()) {
        if (e.kind() == SmtpClientException.Kind.TLS_FAILED || e.isTlsPolicy()) {
          LOG.info("not delivering to {}: {}", candidate, e.reply().summary());
        }
        throw e;
      }
      LOG.info("TLS handshake with {} failed ({}); trying once more in clear", candidate,
          String.valueOf(e.getCause()));
      return SmtpClientConnection.open(candidate.address(), candidate.name(), client, deadline, ownNames, null,
          TlsPolicy.OPPORTUNISTIC);
    }
  }

  private List<Candidate> candidates(String domain) throws DeliveryFailure {
    Route route = routes.getOrDefault(domain, routes.get("*"));
    if (route != null) {
      InetSocketAddress address = route.address();
      if (policy.judge(address).verdict() == DestinationPolicy.Verdict.LOOP) {
        LOG.warn("mail for {} loops back to myself: the route {} is this relay's own listener", domain, address);
        throw new DeliveryFailure(DeliveryReplies.loopsBackToMyself(domain));
      }
      return List.of(new Candidate(route.host(), address));
    }
    MxResult result = resolver.resolve(domain);
    if (result instanceof MxResult.Failure failure) {
      if (failure instanceof MxResult.TemporaryFailure temporary) {
        LOG.debug("DNS for {}: {}", domain, temporary.detail());
      }
      throw new DeliveryFailure(failure.toReply());
    }
    List<MxHost> hosts = ((MxResult.Hosts) result).hosts();
    int loopPreference = Integer.MAX_VALUE;
    for (MxHost host : hosts) {
      for (InetAddress address : host.addresses()) {
        if (policy.judge(new InetSocketAddress(address, client.port())).verdict() == DestinationPolicy.Verdict.LOOP) {
          loopPreference = Math.min(loopPreference, host.preference());
        }
      }
    }
    List<Candidate> candidates = new ArrayList<>();
    for (MxHost host : hosts) {
      if (host.preference() >= loopPreference) {
        continue;
      }
      for (InetAddress address : host.addresses()) {
        InetSocketAddress target = new InetSocketAddress(address, client.port());
        DestinationPolicy.Judgement judgement = policy.judge(target);
        if (judgement.verdict() == DestinationPolicy.Verdict.USABLE) {
          candidates.add(new Candidate(host.name(), target));
        } else {
          LOG.info("not delivering {} to {} at {}: {}", domain, host.name(), address.getHostAddress(),
              judgement.why());
        }
      }
    }
    if (candidates.isEmpty()) {
      if (loopPreference != Integer.MAX_VALUE) {
        LOG.warn("mail for {} loops back to myself: an MX host of it is this relay's own listener", domain);
        throw new DeliveryFailure(DeliveryReplies.loopsBackToMyself(domain));
      }
      throw new DeliveryFailure(DeliveryReplies.unroutable(domain));
    }
    return candidates;
  }

  private record Candidate(String name, InetSocketAddress address) {
    /** "mx.example.com[192.0.2.1]:25", for logs. */
    @Override
    public String toString() {
      return name + "[" + address.getAddress().getHostAddress() + "]:" + address.getPort();
    }
  }

  /** One outbound connection as the queue's workers see it. */
  private final class Connection implements DeliveryConnection {
    private final SmtpClientConnection smtp;
    private final String domain;
    /** Transactions the server answered to the end on this connection. */
    private int completed;

    Connection(SmtpClientConnection smtp, String domain) {
      this.smtp = smtp;
      this.domain = domain;
    }

    @Override
    public String remoteHost() {
      return smtp.remoteName() + "[" + smtp.address().getAddress().getHostAddress() + "]";
    }

    @Override
    public TlsStatus tls() {
      return smtp.tls();
    }

    @Override
    public List<RecipientResult> deliver(DeliveryRequest request, InputStream body, Deadline deadline)
        throws DeliveryFailure {
      try {
        TransactionResult result = smtp.send(new OutboundEnvelope(request.sender(), request.recipients(),
            request.size(), request.eightBit(), request.smtputf8()), body, deadline);
        completed++;
        List<SmtpReply> outcomes = result.outcomes();
        List<RecipientResult> results = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
          results.add(new RecipientResult(request.recipients().get(i), outcomes.get(i)));
        }
        return results;
      } catch (SmtpClientException e) {
        throw failure(e);
      }
    }

    @Override
    public void reset(Deadline deadline) throws DeliveryFailure {
      try {
        smtp.reset(deadline);
      } catch (SmtpClientException e) {
        throw failure(e);
      }
    }

    /**
     * A server that has not finished a single transaction on this connection and then does not
     * answer in time is a degraded destination (a drip or a stall after EHLO); one that has
     * delivered here before and stalls once is not.
     */
    private DeliveryFailure failure(SmtpClientException e) {
      boolean degraded = e.isTimeout() && completed == 0;
      if (degraded) {
        health.degraded(domain);
      }
      return new DeliveryFailure(e.reply(), degraded, e);
    }

    @Override
    public boolean isUsable() {
      return smtp.isUsable();
    }

    @Override
    public void close() {
      smtp.quit();
      smtp.close();
    }
  }
}
