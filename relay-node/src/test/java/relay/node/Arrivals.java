package relay.node;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import relay.testing.ReceivedMessage;

/**
 * What reached the sinks of the numbered messages an {@link Injector} got accepted: per number,
 * every copy that arrived. Message n went to {@code domains[n % domains.size()]}.
 */
record Arrivals(List<Integer> accepted, Map<Integer, List<ReceivedMessage>> byNumber,
    List<String> domains) {

  /** Accepted numbers that never arrived. */
  Set<Integer> missing() {
    Set<Integer> missing = new HashSet<>(accepted);
    missing.removeAll(byNumber.keySet());
    return missing;
  }

  /** Of the given numbers (refused ones), those that arrived all the same. */
  Set<Integer> refusedButDelivered(Collection<Integer> refused) {
    Set<Integer> delivered = new TreeSet<>(refused);
    delivered.retainAll(byNumber.keySet());
    return delivered;
  }

  /** How many of the given numbers arrived. */
  int arrivedOf(Collection<Integer> numbers) {
    return (int) numbers.stream().filter(byNumber::containsKey).count();
  }

  /** Numbers that arrived more than once. */
  long duplicates() {
    return byNumber.values().stream().filter(copies -> copies.size() > 1).count();
  }

  /** Numbers that arrived at least once (accepted or not: a cut-off 250 may still be delivered). */
  int arrived() {
    return byNumber.size();
  }

  /**
   * For each domain with an accepted message arriving after {@code instant}: how long after it
   * the first such message arrived.
   */
  Map<String, Duration> firstDeliveryAfter(Instant instant) {
    Map<String, Instant> first = new HashMap<>();
    for (int n : accepted) {
      List<ReceivedMessage> copies = byNumber.get(n);
      if (copies == null) {
        continue;
      }
      Instant at = copies.stream().map(ReceivedMessage::arrivedAt).min(Instant::compareTo).orElseThrow();
      if (at.isAfter(instant)) {
        first.merge(domainOf(n), at, (a, b) -> a.isBefore(b) ? a : b);
      }
    }
    Map<String, Duration> after = new HashMap<>();
    first.forEach((domain, at) -> after.put(domain, Duration.between(instant, at)));
    return after;
  }

  /** The longest of {@link #firstDeliveryAfter}, zero when no domain delivered after it. */
  static Duration slowest(Map<String, Duration> perDomain) {
    return perDomain.values().stream().max(Duration::compareTo).orElse(Duration.ZERO);
  }

  /** Domains that had a message arrive strictly between the two instants. */
  Set<String> domainsDeliveredBetween(Instant from, Instant to) {
    Set<String> delivered = new HashSet<>();
    byNumber.forEach((n, copies) -> {
      if (copies.stream().anyMatch(m -> m.arrivedAt().isAfter(from) && m.arrivedAt().isBefore(to))) {
        delivered.add(domainOf(n));
      }
    });
    return delivered;
  }

  private String domainOf(int n) {
    return domains.get(n % domains.size());
  }
}
