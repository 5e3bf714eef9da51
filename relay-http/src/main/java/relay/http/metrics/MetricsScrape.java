package relay.http.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import relay.persistence.queue.QueueStatus;

/**
 * One scrape of {@code GET /metrics}: this node's {@link RelayMetrics} as they are now, plus the
 * depth of each destination's queue on this node, asked of the queues at that moment ({@link
 * LocalQueues}) and summed over the destination's sub-queues that run here. Written in the
 * Prometheus text exposition format 0.0.4.
 */
public final class MetricsScrape {

  /** The response's content type, {@code text/plain; version=0.0.4; charset=utf-8}. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

  private final RelayMetrics metrics;
  private final LocalQueues queues;

  public MetricsScrape(RelayMetrics metrics, LocalQueues queues) {
    this.metrics = metrics;
    this.queues = queues;
  }

  /** The exposition, once this node's queues answered (or their time was up). */
  public CompletionStage<byte[]> text() {
    return queues.statuses().thenApply(statuses -> {
      List<MetricSnapshot> all = new ArrayList<>();
      metrics.snapshot().forEach(all::add);
      all.addAll(depths(statuses));
      ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
      try {
        WRITER.write(out, new MetricSnapshots(all));
      } catch (IOException e) {
        throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
      }
      return out.toByteArray();
    });
  }

  /** The queue gauges, one series per destination, in domain order. */
  static List<MetricSnapshot> depths(List<QueueStatus> statuses) {
    Map<String, long[]> byDomain = new TreeMap<>();
    for (QueueStatus s : statuses) {
      long[] sums = byDomain.computeIfAbsent(s.domain(), d -> new long[2]);
      sums[0] += s.pendingMessages();
      sums[1] += s.pendingRecipients();
    }
    GaugeSnapshot.Builder messages = GaugeSnapshot.builder().name("relay_queue_messages")
        .help("Messages waiting in this node's queues for the destination domain (sub-queues"
            + " summed); per node: sum over the nodes for the cluster.");
    GaugeSnapshot.Builder recipients = GaugeSnapshot.builder().name("relay_queue_recipients")
        .help("Recipients waiting in this node's queues for the destination domain (sub-queues"
            + " summed); per node: sum over the nodes for the cluster.");
    byDomain.forEach((domain, sums) -> {
      Labels labels = Labels.of("domain", domain);
      messages.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(sums[0]).build());
      recipients.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(sums[1]).build());
    });
    return List.of(messages.build(), recipients.build());
  }
}
