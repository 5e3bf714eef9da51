package relay.protocol.dns;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import relay.protocol.reply.DeliveryReplies.DnsTrouble;

/**
 * Resolves a destination domain to the hosts to try (RFC 5321 5.1, RFC 7505). Thread-safe; one
 * instance serves the whole node.
 *
 * <ul>
 *   <li>MX records sorted by preference, equal preferences shuffled on every call, at most
 *       {@code max-mx-hosts}; each MX host resolved to its A then AAAA addresses, hosts without
 *       any skipped. An MX target written as an IP address is not valid (RFC 5321 5.1) but is
 *       tolerated and used as that address.
 *   <li>No MX but the name has A/AAAA: the domain itself is the implicit MX, preference 0.
 *   <li>A single MX with target "." is a null MX.
 *   <li>An address literal such as "[192.0.2.1]" (RFC 5321 4.1.3) is that host, without DNS.
 *   <li>NXDOMAIN: no such domain; no MX and no address, or no MX host with an address: no mail
 *       host; a timeout, SERVFAIL or any other error rcode: temporary failure.
 * </ul>
 *
 * <p>Queries go to the configured servers through dnsjava's {@link ExtendedResolver} (recursion
 * desired; the servers are recursive resolvers). dnsjava's own {@code Lookup} cache is not used.
 * Positive answers may be cached here for their lowest TTL, capped by {@code cache-max-ttl}.
 */
public final class MxResolver {

  private final Resolver resolver;
  private final DnsSettings settings;
  private final Map<String, CachedHosts> cache = new ConcurrentHashMap<>();

  public MxResolver(DnsSettings settings) {
    this.settings = settings;
    ExtendedResolver extended;
    if (settings.servers().isEmpty()) {
      extended = new ExtendedResolver();
    } else {
      List<Resolver> simple = new ArrayList<>();
      for (InetSocketAddress server : settings.servers()) {
        simple.add(new SimpleResolver(server));
      }
      extended = new ExtendedResolver(simple);
    }
    // dnsjava 3.7: each SimpleResolver has its own per-try timeout, and the ExtendedResolver's
    // timeout bounds the whole resolution across tries and servers. It counts tries per server,
    // not retries after the first. (Its NIO loop checks timeouts about once a second.)
    Resolver[] servers = extended.getResolvers();
    for (Resolver server : servers) {
      server.setTimeout(settings.timeout());
    }
    int tries = settings.retries() + 1;
    extended.setRetries(tries);
    extended.setTimeout(settings.timeout().multipliedBy((long) tries * Math.max(1, servers.length))
        .plusSeconds(1));
    this.resolver = extended;
  }

  /** A resolver without cache, as tests want it. */
  public MxResolver(List<InetSocketAddress> servers, Duration timeout, int retries) {
    this(DnsSettings.uncached(servers, timeout, retries));
  }

  /** From the {@code relay.dns} section. */
  public static MxResolver fromConfig(Config dnsSection) {
    return new MxResolver(DnsSettings.fromConfig(dnsSection));
  }

  public DnsSettings settings() {
    return settings;
  }

  /**
   * Blocking lookup: run it on a dispatcher meant for blocking work. Completes within about
   * (retries + 1) x timeout x servers per query; never throws for DNS trouble.
   */
  public MxResult resolve(String domain) {
    try {
      return resolveAsync(domain).toCompletableFuture().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new MxResult.TemporaryFailure(DnsTrouble.ERROR, "lookup interrupted");
    } catch (ExecutionException e) {
      return failure(e.getCause(), domain);
    }
  }

  /** The same lookup without blocking a thread; completes normally, never exceptionally. */
  public CompletionStage<MxResult> resolveAsync(String domain) {
    String key = domain.toLowerCase(Locale.ROOT);
    if (key.endsWith(".")) {
      key = key.substring(0, key.length() - 1);
    }
    if (key.isEmpty()) {
      return CompletableFuture.completedFuture(new MxResult.NoSuchDomain());
    }
    if (key.startsWith("[") && key.endsWith("]")) {
      // An address literal (RFC 5321 4.1.3) names the host itself: no DNS at all.
      InetAddress literal = literal(key);
      return CompletableFuture.completedFuture(literal == null ? new MxResult.NoSuchDomain()
          : new MxResult.Hosts(List.of(new MxHost(key, 0, List.of(literal)))));
    }
    CachedHosts cached = cache.get(key);
    if (cached != null) {
      if (cached.expiresAtNanos - System.nanoTime() > 0) {
        return CompletableFuture.completedFuture(new MxResult.Hosts(ordered(cached.hosts, false)));
      }
      cache.remove(key, cached);
    }
    Name name;
    try {
      name = Name.fromString(key, Name.root);
    } catch (TextParseException e) {
      return CompletableFuture.completedFuture(new MxResult.NoSuchDomain());
    }
    String cacheKey = key;
    return query(name, Type.MX)
        .thenCompose(answer -> fromMxAnswer(name, answer))
        .thenApply(found -> remember(cacheKey, found))
        .exceptionally(t -> failure(t, cacheKey));
  }

  /**
   * The TXT records of {@code name} (RFC 1035 3.3.14), each record's strings joined in order (as
   * RFC 8461 3.1 and RFC 7208 3.3 read them), from the same servers as the MX lookups, uncached.
   * Blocking: run it on a dispatcher meant for blocking work; never throws for DNS trouble.
   */
  public TxtAnswer txt(String name) {
    Name query;
    try {
      query = Name.fromString(name, Name.root);
    } catch (TextParseException e) {
      return new TxtAnswer(List.of(), false);
    }
    try {
      Message answer = query(query, Type.TXT).toCompletableFuture().get();
      int rcode = answer.getRcode();
      if (rcode == Rcode.NXDOMAIN) {
        return new TxtAnswer(List.of(), false);
      }
      if (rcode != Rcode.NOERROR) {
        return new TxtAnswer(List.of(), true);
      }
      List<String> records = new ArrayList<>();
      for (Record r : answer.getSection(Section.ANSWER)) {
        if (r instanceof TXTRecord txt) {
          records.add(String.join("", txt.getStrings()));
        }
      }
      return new TxtAnswer(records, false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new TxtAnswer(List.of(), true);
    } catch (ExecutionException e) {
      return new TxtAnswer(List.of(), true);
    }
  }

  /**
   * What a TXT lookup found: {@code records} (empty for none or NXDOMAIN), or a temporary failure
   * (timeout, SERVFAIL) that says nothing either way.
   */
  public record TxtAnswer(List<String> records, boolean temporaryFailure) {
    public TxtAnswer {
      records = List.copyOf(records);
    }
  }

  /**
   * The A and AAAA addresses of a host name (an IP literal is itself), from the same servers,
   * uncached; empty when it has none or DNS failed. Blocking.
   */
  public List<InetAddress> hostAddresses(String host) {
    try {
      return addresses(host).toCompletableFuture().get().addresses;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    } catch (ExecutionException e) {
      return List.of();
    }
  }

  private CompletionStage<Found> fromMxAnswer(Name domain, Message answer) {
    int rcode = answer.getRcode();
    if (rcode == Rcode.NXDOMAIN) {
      return done(new MxResult.NoSuchDomain());
    }
    if (rcode != Rcode.NOERROR) {
      return done(temporary(rcode, domain, Type.MX));
    }
    List<MXRecord> mx = new ArrayList<>();
    long ttl = Long.MAX_VALUE;
    for (Record r : answer.getSection(Section.ANSWER)) {
      if (r instanceof MXRecord m) {
        mx.add(m);
        ttl = Math.min(ttl, m.getTTL());
      }
    }
    if (mx.isEmpty()) {
      return implicitMx(domain);
    }
    if (mx.size() == 1 && mx.get(0).getTarget().equals(Name.root)) {
      return done(new MxResult.NullMx());
    }
    // RFC 7505 3: a null MX beside other MX records is a misconfiguration; ignore the null one.
    mx.removeIf(m -> m.getTarget().equals(Name.root));
    List<MxHost> candidates = new ArrayList<>();
    for (MXRecord m : mx) {
      candidates.add(new MxHost(text(m.getTarget()), m.getPriority(), List.of()));
    }
    List<MxHost> chosen = ordered(candidates, true);
    List<CompletableFuture<HostAddresses>> lookups = new ArrayList<>();
    for (MxHost host : chosen) {
      lookups.add(addresses(host.name()).toCompletableFuture());
    }
    long mxTtl = ttl;
    return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new))
        .thenApply(ignored -> {
          List<MxHost> hosts = new ArrayList<>();
          MxResult.TemporaryFailure temporary = null;
          long minTtl = mxTtl;
          for (int i = 0; i < chosen.size(); i++) {
            HostAddresses found = lookups.get(i).join();
            if (!found.addresses.isEmpty()) {
              MxHost host = chosen.get(i);
              hosts.add(new MxHost(host.name(), host.preference(), found.addresses));
              minTtl = Math.min(minTtl, found.ttl);
            } else if (found.temporary != null) {
              temporary = found.temporary;
            }
          }
          if (!hosts.isEmpty()) {
            return new Found(new MxResult.Hosts(hosts), minTtl);
          }
          return new Found(temporary != null ? temporary : new MxResult.NoMailHost(), 0);
        });
  }

  /** RFC 5321 5.1: no MX records, so the domain's own addresses are the implicit MX. */
  private CompletionStage<Found> implicitMx(Name domain) {
    String name = text(domain);
    return addresses(name).thenApply(found -> {
      if (!found.addresses.isEmpty()) {
        return new Found(new MxResult.Hosts(List.of(new MxHost(name, 0, found.addresses))), found.ttl);
      }
      if (found.temporary != null) {
        return new Found(found.temporary, 0);
      }
      return new Found(new MxResult.NoMailHost(), 0);
    });
  }

  /** A then AAAA of one host, asked in parallel; an IP literal is taken as it is. */
  private CompletionStage<HostAddresses> addresses(String host) {
    InetAddress literal = literal(host);
    if (literal != null) {
      return CompletableFuture.completedFuture(new HostAddresses(List.of(literal), Long.MAX_VALUE, null));
    }
    Name name;
    try {
      name = Name.fromString(host, Name.root);
    } catch (TextParseException e) {
      return CompletableFuture.completedFuture(new HostAddresses(List.of(), 0, null));
    }
    CompletableFuture<HostAddresses> v4 = addressQuery(name, Type.A).toCompletableFuture();
    CompletableFuture<HostAddresses> v6 = addressQuery(name, Type.AAAA).toCompletableFuture();
    return v4.thenCombine(v6, (a, b) -> {
      List<InetAddress> all = new ArrayList<>(a.addresses);
      all.addAll(b.addresses);
      MxResult.TemporaryFailure temporary = a.temporary != null ? a.temporary : b.temporary;
      return new HostAddresses(all, Math.min(a.ttl, b.ttl), all.isEmpty() ? temporary : null);
    });
  }

  private CompletionStage<HostAddresses> addressQuery(Name name, int type) {
    return query(name, type)
        .thenApply(answer -> {
          int rcode = answer.getRcode();
          if (rcode == Rcode.NXDOMAIN) {
            return new HostAddresses(List.of(), 0, null);
          }
          if (rcode != Rcode.NOERROR) {
            return new HostAddresses(List.of(), 0, temporary(rcode, name, type));
          }
          List<InetAddress> found = new ArrayList<>();
          long ttl = Long.MAX_VALUE;
          for (Record r : answer.getSection(Section.ANSWER)) {
            if (r instanceof ARecord a) {
              found.add(a.getAddress());
              ttl = Math.min(ttl, r.getTTL());
            } else if (r instanceof AAAARecord aaaa) {
              found.add(aaaa.getAddress());
              ttl = Math.min(ttl, r.getTTL());
            }
          }
          return new HostAddresses(found, ttl, null);
        })
        .exceptionally(t -> new HostAddresses(List.of(), 0, failure(t, text(name) + " " + Type.string(type))));
  }

  private CompletionStage<Message> query(Name name, int type) {
    return resolver.sendAsync(Message.newQuery(Record.newRecord(name, type, DClass.IN)));
  }

  private MxResult remember(String key, Found found) {
    if (found.result instanceof MxResult.Hosts hosts) {
      long ttlSeconds = Math.min(found.ttlSeconds, settings.cacheMaxTtl().toSeconds());
      if (ttlSeconds > 0 && settings.cacheMaxEntries() > 0) {
        if (cache.size() >= settings.cacheMaxEntries()) {
          long now = System.nanoTime();
          cache.values().removeIf(c -> c.expiresAtNanos - now <= 0);
        }
        if (cache.size() < settings.cacheMaxEntries()) {
          cache.put(key, new CachedHosts(hosts.hosts(), System.nanoTime() + ttlSeconds * 1_000_000_000L));
        }
      }
    }
    return found.result;
  }

  /**
   * Sorted by preference, equal preferences shuffled (RFC 5321 5.1: "randomize them to spread the
   * load"), optionally cut to {@code max-mx-hosts}.
   */
  private List<MxHost> ordered(List<MxHost> hosts, boolean limit) {
    List<MxHost> sorted = new ArrayList<>(hosts);
    Collections.shuffle(sorted, ThreadLocalRandom.current());
    sorted.sort(Comparator.comparingInt(MxHost::preference)); // stable: keeps the shuffle within ties
    if (limit && sorted.size() > settings.maxMxHosts()) {
      return List.copyOf(sorted.subList(0, settings.maxMxHosts()));
    }
    return sorted;
  }

  private static MxResult.TemporaryFailure temporary(int rcode, Name name, int type) {
    DnsTrouble trouble = rcode == Rcode.SERVFAIL ? DnsTrouble.SERVER_FAILURE : DnsTrouble.ERROR;
    return new MxResult.TemporaryFailure(trouble, Rcode.string(rcode) + " for " + text(name) + " " + Type.string(type));
  }

  private static CompletionStage<Found> done(MxResult result) {
    return CompletableFuture.completedFuture(new Found(result, 0));
  }

  /** Lower case: DNS names are case-insensitive, and name compression may mix cases. */
  private static String text(Name name) {
    return name.toString(true).toLowerCase(Locale.ROOT);
  }

  /** An MX target like "192.0.2.1" or "[192.0.2.1]" or an IPv6 literal; null when it is a name. */
  private static InetAddress literal(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.regionMatches(true, 0, "IPv6:", 0, 5)) {
      h = h.substring(5);
    }
    try {
      if (Address.isDottedQuad(h)) {
        return Address.getByAddress(h, Address.IPv4);
      }
      if (h.indexOf(':') >= 0) {
        return Address.getByAddress(h, Address.IPv6);
      }
    } catch (UnknownHostException e) {
      return null;
    }
    return null;
  }

  /**
   * A lookup that failed with an exception: a timeout or another error, by the exception's type
   * (dnsjava reports its own timeouts as plain IOExceptions saying "timed out", so that message is
   * read here, only to pick the kind). The detail, for logs, names the query and the type.
   */
  private static MxResult.TemporaryFailure failure(Throwable t, String query) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
    boolean timeout = cause instanceof TimeoutException || cause instanceof SocketTimeoutException
        || message.contains("timed out");
    return new MxResult.TemporaryFailure(timeout ? DnsTrouble.TIMEOUT : DnsTrouble.ERROR,
        (timeout ? "timeout" : cause.getClass().getSimpleName()) + " for " + query);
  }

  private record Found(MxResult result, long ttlSeconds) {}

  private record HostAddresses(List<InetAddress> addresses, long ttl, MxResult.TemporaryFailure temporary) {}

  private record CachedHosts(List<MxHost> hosts, long expiresAtNanos) {}
}
