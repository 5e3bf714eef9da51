package relay.node.delivery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import relay.protocol.client.ClientTls;
import relay.protocol.dns.MxResolver;
import relay.protocol.sts.StsPolicy;
import relay.protocol.sts.StsPolicyFetcher;
import relay.protocol.sts.StsRecord;

/**
 * The MTA-STS policies (RFC 8461) of destination domains, as this node knows them: looked up
 * with the relay's resolver ({@code _mta-sts.<domain>} TXT), fetched over HTTPS from
 * mta-sts.&lt;domain&gt; (its address from the same resolver, and only when {@link
 * DestinationPolicy} would deliver there), cached per domain until the policy's max_age.
 *
 * <p>When (RFC 8461 5.1): the first delivery to a domain looks it up on its own thread (so the
 * first message already follows an enforce policy). After that, a domain's TXT record is looked
 * at again at most every {@code recheck}, in the background, while deliveries go on with what is
 * cached; the policy is fetched again only when the record's id changed or the cached policy
 * expired. A failed lookup or fetch keeps the cached policy until it expires; with none cached,
 * the domain is delivered to as without MTA-STS (RFC 8461 5: policy discovery failures are not
 * delivery failures). A domain without a valid record is remembered as such until the next
 * recheck. Mode none is no policy.
 *
 * <p>Bounds: at most {@code cache-max-entries} domains (expired ones are dropped first, then any);
 * one background thread with a bounded queue (a refresh that does not fit is tried again at the
 * next delivery); every fetch ends by fetch-timeout with at most max-policy-size bytes.
 */
final class MtaStsPolicies {

  private static final Logger LOG = LoggerFactory.getLogger(MtaStsPolicies.class);

  /**
   * What is known of one domain: its record id and policy (both null: none), when the policy
   * expires, when the TXT record was last looked at.
   */
  private record Known(String id, StsPolicy policy, long expiresAtNanos, long checkedAtNanos) {
    Optional<StsPolicy> active(long now) {
      return policy != null && policy.mode() != StsPolicy.Mode.NONE && expiresAtNanos - now > 0
          ? Optional.of(policy) : Optional.empty();
    }
  }

  private final MxResolver resolver;
  private final MtaStsSettings settings;
  private final DestinationPolicy destinations;
  private final StsPolicyFetcher fetcher;
  private final Map<String, Known> cache = new ConcurrentHashMap<>();
  private final Set<String> refreshing = ConcurrentHashMap.newKeySet();
  private final ThreadPoolExecutor background;

  MtaStsPolicies(MxResolver resolver, MtaStsSettings settings, DestinationPolicy destinations) {
    this.resolver = resolver;
    this.settings = settings;
    this.destinations = destinations;
    this.fetcher = new StsPolicyFetcher(context(settings), settings.port(), settings.connectTimeout(),
        settings.fetchTimeout(), settings.maxPolicySize());
    this.background = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1000), r -> {
      Thread t = new Thread(r, "mta-sts-refresh");
      t.setDaemon(true);
      return t;
    });
  }

  private static SSLContext context(MtaStsSettings settings) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {ClientTls.trustManager(settings.trustStore(),
          settings.trustStorePassword())}, null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("relay.delivery.mta-sts.trust-store cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * The domain's policy in force (enforce or testing), or empty. Blocks only the first time a
   * domain is asked about (DNS and the fetch, bounded by their timeouts).
   */
  Optional<StsPolicy> policyFor(String domain) {
    long now = System.nanoTime();
    Known known = cache.get(domain);
    if (known == null) {
      return refresh(domain).active(System.nanoTime());
    }
    if (now - known.checkedAtNanos() > settings.recheck().toNanos()) {
      refreshLater(domain);
    }
    return known.active(now);
  }

  private void refreshLater(String domain) {
    if (!refreshing.add(domain)) {
      return;
    }
    try {
      background.execute(() -> {
        try {
          refresh(domain);
        } catch (RuntimeException e) {
          LOG.warn("MTA-STS refresh of {} failed", domain, e);
        } finally {
          refreshing.remove(domain);
        }
      });
    } catch (RejectedExecutionException e) {
      refreshing.remove(domain); // the queue is full: the next delivery asks again
    }
  }

  /** Looks at the TXT record and fetches the policy if needed; returns and caches what is known. */
  private Known refresh(String domain) {
    Known old = cache.get(domain);
    long now = System.nanoTime();
    MxResolver.TxtAnswer txt = resolver.txt("_mta-sts." + domain);
    Optional<StsRecord> record = StsRecord.select(txt.records());
    Known next;
    if (txt.temporaryFailure() || record.isEmpty()) {
      // RFC 8461 5.1: no record (or no answer) and a cached policy: keep using it until it expires.
      next = old != null ? new Known(old.id(), old.policy(), old.expiresAtNanos(), now)
          : new Known(null, null, now, now);
    } else if (old != null && record.get().id().equals(old.id()) && old.expiresAtNanos() - now > 0) {
      next = new Known(old.id(), old.policy(), old.expiresAtNanos(), now);
    } else {
      next = fetch(domain, record.get(), old, now);
    }
    remember(domain, next, now);
    return next;
  }

  private Known fetch(String domain, StsRecord record, Known old, long now) {
    String host = StsPolicyFetcher.policyHost(domain);
    List<InetAddress> addresses = resolver.hostAddresses(host).stream()
        .filter(a -> destinations.judge(new InetSocketAddress(a, settings.port())).verdict()
            == DestinationPolicy.Verdict.USABLE)
        .toList();
    try {
      StsPolicy policy = StsPolicy.parse(fetcher.fetch(host, addresses));
      LOG.info("MTA-STS policy of {} (id {}): mode {}, mx {}, max_age {}s", domain, record.id(),
          policy.mode().name().toLowerCase(Locale.ROOT), policy.mx(), policy.maxAge().toSeconds());
      return new Known(record.id(), policy, now + policy.maxAge().toNanos(), now);
    } catch (StsPolicyFetcher.FetchFailed | StsPolicy.InvalidPolicyException e) {
      LOG.warn("MTA-STS policy of {} (id {}) not fetched: {}{}", domain, record.id(), e.getMessage(),
          old != null && old.policy() != null ? "; keeping the cached one" : "; delivering as without MTA-STS");
      return old != null ? new Known(old.id(), old.policy(), old.expiresAtNanos(), now)
          : new Known(null, null, now, now);
    }
  }

  private void remember(String domain, Known known, long now) {
    if (!cache.containsKey(domain) && cache.size() >= settings.cacheMaxEntries()) {
      cache.values().removeIf(k -> k.active(now).isEmpty());
      Iterator<String> any = cache.keySet().iterator();
      while (cache.size() >= settings.cacheMaxEntries() && any.hasNext()) {
        any.next();
        any.remove();
      }
    }
    cache.put(domain, known);
  }
}
