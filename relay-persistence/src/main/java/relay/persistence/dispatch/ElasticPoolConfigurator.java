package relay.persistence.dispatch;

import com.typesafe.config.Config;
import java.time.Duration;
import relay.protocol.settings.Bounds;
import java.util.concurrent.ThreadFactory;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;
import org.apache.pekko.dispatch.MonitorableThreadFactory;

/**
 * Lets a Pekko dispatcher run on an {@link ElasticThreadPool}: {@code executor =
 * "relay.persistence.dispatch.ElasticPoolConfigurator"} with an {@code elastic-pool} block in the
 * dispatcher's section ({@code max-threads}, {@code keep-alive}; see relay-persistence's
 * reference.conf). Pekko creates it with the dispatcher's configuration when the dispatcher is
 * first looked up; the values are checked then.
 */
public final class ElasticPoolConfigurator extends ExecutorServiceConfigurator {

  private final int maxThreads;
  private final Duration keepAlive;

  public ElasticPoolConfigurator(Config config, DispatcherPrerequisites prerequisites) {
    super(config, prerequisites);
    Config pool = config.getConfig("elastic-pool");
    String section = (config.hasPath("id") ? config.getString("id") + "." : "") + "elastic-pool";
    this.maxThreads = Bounds.within(section + ".max-threads", pool.getInt("max-threads"), 1,
        10_000);
    this.keepAlive = Bounds.within(section + ".keep-alive", pool.getDuration("keep-alive"),
        Duration.ofSeconds(1), Duration.ofHours(1));
  }

  @Override
  public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
    // Threads named after the dispatcher, as Pekko's own pools name theirs ("relay-<dispatcher>-N").
    ThreadFactory named = threadFactory instanceof MonitorableThreadFactory m ? m.withName(m.name() + "-" + id)
        : threadFactory;
    return () -> ElasticThreadPool.create(maxThreads, keepAlive, named);
  }
}
