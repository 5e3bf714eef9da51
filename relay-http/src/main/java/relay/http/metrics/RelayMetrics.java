package relay.http.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.IntSupplier;
import relay.persistence.queue.OutcomeCounter;
import relay.protocol.server.RefusalReason;
import relay.protocol.server.SessionRefusal;

/**
 * This node's counters, gauges and the acceptance-latency histogram, in a registry of their own
 * (never the library's global default one, so two nodes in one JVM keep apart). Every series is
 * created here at start, the refusals one per {@link RefusalReason}, so a counter is 0 from the
 * first scrape on and the hot paths do no label lookup: an increment is a lock-free add on a
 * striped counter ({@code LongAdder}-like), an observation a few atomic adds, no allocation.
 *
 * <p>Every value is this node's own; Prometheus sums over the nodes of a cluster. Queue depths
 * are not kept here: they are asked of this node's queues at scrape time ({@link MetricsScrape}).
 */
public final class RelayMetrics implements OutcomeCounter {

  /** Upper bounds of the acceptance-latency buckets, in seconds: 1 ms to 10 s. */
  static final double[] ACCEPT_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
      1, 2.5, 5, 10};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final CounterDataPoint messagesAccepted;
  private final CounterDataPoint recipientsAccepted;
  private final Histogram acceptSeconds;
  private final Map<RefusalReason, CounterDataPoint> refusals = new EnumMap<>(RefusalReason.class);
  private final CounterDataPoint delivered;
  private final CounterDataPoint deferred;
  private final CounterDataPoint bounced;
  private final CounterDataPoint expired;
  private volatile IntSupplier sessions = () -> 0;

  public RelayMetrics() {
    messagesAccepted = counter("relay_smtp_accepted_messages",
        "Messages this node accepted over SMTP (answered 250 after their data); per node.");
    recipientsAccepted = counter("relay_smtp_accepted_recipients",
        "Recipients of the messages this node accepted over SMTP; per node.");
    acceptSeconds = Histogram.builder().name("relay_smtp_accept_duration_seconds")
        .help("From the end of a message's data to its 250 reply (spool sync and enqueue), for"
            + " each message this node accepted; per node.")
        .unit(Unit.SECONDS).classicOnly().classicUpperBounds(ACCEPT_BUCKETS).withoutExemplars()
        .register(registry);
    Counter refused = Counter.builder().name("relay_smtp_refusals")
        .help("Connections and commands this node refused for policy or a limit, by reason"
            + " (as in the event log's refused lines); per node.")
        .labelNames("reason").withoutExemplars().register(registry);
    for (RefusalReason reason : RefusalReason.values()) {
      refusals.put(reason, refused.labelValues(reason.label()));
    }
    delivered = counter("relay_delivered_recipients",
        "Recipients delivered (the destination answered 250) by this node's queues; per node.");
    deferred = counter("relay_deferred_recipients",
        "Recipient attempts deferred (temporary failure, tried again later) by this node's"
            + " queues; per node.");
    bounced = counter("relay_bounced_recipients",
        "Recipients bounced (permanent failure, DSN to the sender) by this node's queues;"
            + " per node.");
    expired = counter("relay_expired_recipients",
        "Recipients expired (still failing at the end of the queue lifetime, DSN to the sender)"
            + " by this node's queues; per node.");
    GaugeWithCallback.builder().name("relay_smtp_sessions")
        .help("SMTP sessions open on this node now; per node.")
        .callback(callback -> callback.call(sessions.getAsInt()))
        .register(registry);
  }

  private CounterDataPoint counter(String name, String help) {
    return Counter.builder().name(name).help(help).withoutExemplars().register(registry);
  }

  /** Where the open SMTP sessions are read at scrape time (the node's listeners). */
  public void sessions(IntSupplier openSessions) {
    this.sessions = openSessions;
  }

  /** A message with {@code recipients} was accepted {@code nanos} after the end of its data. */
  public void accepted(int recipients, long nanos) {
    messagesAccepted.inc();
    recipientsAccepted.inc(recipients);
    acceptSeconds.observe(Unit.nanosToSeconds(nanos));
  }

  /** Counts an SMTP refusal by its reason. */
  public void refused(SessionRefusal refusal) {
    refusals.get(refusal.reason()).inc();
  }

  @Override
  public void delivered(int recipients) {
    delivered.inc(recipients);
  }

  @Override
  public void deferred(int recipients) {
    deferred.inc(recipients);
  }

  @Override
  public void bounced(int recipients) {
    bounced.inc(recipients);
  }

  @Override
  public void expired(int recipients) {
    expired.inc(recipients);
  }

  /** Everything kept here, as of now. */
  MetricSnapshots snapshot() {
    return registry.scrape();
  }
}
