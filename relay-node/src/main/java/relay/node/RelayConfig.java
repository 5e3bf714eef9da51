package relay.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValueFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How the node's configuration is layered, highest first: system properties, the deployment's
 * file (-Dconfig.file, or application.conf), the node's Pekko defaults (relay-node-defaults.conf:
 * cluster provider, persistence plugins, sharding), then every module's reference.conf.
 *
 * <p>Environment variables fill settings a deployment's file leaves out (see reference.conf); the
 * seed nodes, a list, come from {@code RELAY_SEED_NODES} as comma-separated addresses.
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
    return layered(application, System.getenv("RELAY_SEED_NODES"));
  }

  static Config layered(Config application, String seedNodesVariable) {
    return unresolved(application, seedNodesVariable).resolve();
  }

  /**
   * The configuration a node would load in the given environment (e.g. the variables a pod
   * manifest sets), resolved against those variables instead of this process's own.
   */
  static Config layered(Config application, Map<String, String> environment) {
    Config unresolved = unresolved(application, environment.get("RELAY_SEED_NODES"));
    Config variables = ConfigValueFactory.fromMap(environment).toConfig();
    // A substitution finds a root key of the configuration before it asks the environment.
    return unresolved.withFallback(variables)
        .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
  }

  private static Config unresolved(Config application, String seedNodesVariable) {
    return ConfigFactory.defaultOverrides()
        .withFallback(application)
        .withFallback(seedNodes(seedNodesVariable))
        .withFallback(ConfigFactory.parseResources(RelayConfig.class.getClassLoader(), "relay-node-defaults.conf"))
        .withFallback(ConfigFactory.defaultReferenceUnresolved());
  }

  /** RELAY_SEED_NODES="pekko://relay@10.0.0.1:25520,pekko://relay@10.0.0.2:25520". */
  private static Config seedNodes(String variable) {
    if (variable == null || variable.isBlank()) {
      return ConfigFactory.empty();
    }
    List<String> seeds = Arrays.stream(variable.split(",")).map(String::trim)
        .filter(s -> !s.isEmpty()).toList();
    return ConfigFactory.empty().withValue("relay.cluster.seed-nodes",
        ConfigValueFactory.fromIterable(seeds).withOrigin(
            ConfigFactory.empty("environment variable RELAY_SEED_NODES").origin()));
  }
}
