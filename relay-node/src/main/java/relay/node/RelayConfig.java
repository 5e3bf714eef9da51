package relay.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * How the node's configuration is layered, highest first: system properties, the deployment's
 * file (-Dconfig.file, or application.conf), the node's Pekko defaults (relay-node-defaults.conf:
 * cluster provider, persistence plugins, sharding), then every module's reference.conf.
 */
public final class RelayConfig {

  private RelayConfig() {}

  /** The deployment's configuration as Typesafe Config finds it, layered as above. */
  public static Config load() {
    ConfigFactory.invalidateCaches();
    return layered(ConfigFactory.defaultApplication());
  }

  /** The given configuration (e.g. a test's) layered over the node's defaults. */
  public static Config layered(Config application) {
    return ConfigFactory.defaultOverrides()
        .withFallback(application)
        .withFallback(ConfigFactory.parseResources(RelayConfig.class.getClassLoader(), "relay-node-defaults.conf"))
        .withFallback(ConfigFactory.defaultReferenceUnresolved())
        .resolve();
  }
}
