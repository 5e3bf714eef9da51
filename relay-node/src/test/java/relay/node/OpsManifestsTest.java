package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import relay.node.KubernetesManifests.Manifest;
import relay.node.config.ListenerSettings;
import relay.node.config.NodeSettings;
import relay.node.config.StorageSettings;

/**
 * The Kubernetes manifests under ops/k8s describe a cluster that can form and serve: every
 * Service and the disruption budget select the StatefulSet's pods, probes and Services point at
 * ports the container declares, those ports are the ones the ConfigMap's relay.conf configures
 * (read by the node's own settings code), the seeds name every pod through the headless Service,
 * and the pods get time to drain. kubeconform is not installable here, and these are the
 * mistakes a schema check would not catch anyway.
 */
class OpsManifestsTest {

  /** Values Kubernetes gives the pods' fieldRef variables, for expanding $(...) references. */
  private static final String NAMESPACE = "mail";

  private static KubernetesManifests manifests;
  private static Manifest statefulSet;
  private static JsonNode pod;
  private static JsonNode container;
  private static Config relayConf;
  private static NodeSettings settings;
  private static Path storesDir;

  @BeforeAll
  static void load() throws Exception {
    // Surefire runs in the module directory, relay-node; the manifests are in the repository's ops/.
    manifests = KubernetesManifests.load(Path.of("").toAbsolutePath().getParent().resolve("ops/k8s"));
    statefulSet = manifests.single("StatefulSet");
    pod = statefulSet.doc().at("/spec/template/spec");
    assertEquals(1, pod.path("containers").size(), "one container per relay pod");
    container = pod.path("containers").get(0);
    relayConf = nodeConfig(podEnv(0));
    settings = NodeSettings.fromConfig(withMountedStores(relayConf));
  }

  @AfterAll
  static void removeStores() throws Exception {
    if (storesDir != null) {
      try (var files = Files.list(storesDir)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(storesDir);
    }
  }

  /**
   * The node checks the cluster's key and trust stores at start; in the pod they come from the
   * Secret's volume, here from stores made with the password the pod's environment gives.
   */
  private static Config withMountedStores(Config conf) throws Exception {
    storesDir = Files.createTempDirectory("relay-artery-tls");
    TestKeyStores stores = TestKeyStores.create(storesDir, "relay", "relay-0",
        conf.getString("relay.cluster.tls.key-store-password"));
    assertEquals(stores.password(), conf.getString("relay.cluster.tls.trust-store-password"));
    return ConfigFactory.parseMap(Map.of(
            "relay.cluster.tls.key-store", stores.keyStore().toString(),
            "relay.cluster.tls.trust-store", stores.trustStore().toString()))
        .withFallback(conf);
  }

  @Test
  void everyDocumentHasApiVersionKindAndAUniqueName() {
    Set<String> seen = new HashSet<>();
    for (Manifest m : manifests.all) {
      assertFalse(m.doc().path("apiVersion").asText().isBlank(), "no apiVersion in " + m);
      assertFalse(m.kind().isBlank(), "no kind in " + m.file());
      assertFalse(m.name().isBlank(), "no metadata.name in " + m);
      assertTrue(seen.add(m.kind() + "/" + m.name()), "defined twice: " + m);
    }
    for (String kind : List.of("StatefulSet", "ConfigMap", "Secret", "Service", "PodDisruptionBudget", "NetworkPolicy")) {
      assertFalse(manifests.ofKind(kind).isEmpty(), "no " + kind + " under ops/k8s");
    }
  }

  @Test
  void servicesAndTheDisruptionBudgetSelectTheRelayPods() {
    Map<String, String> podLabels = KubernetesManifests.labels(statefulSet.doc().at("/spec/template/metadata/labels"));
    assertSelects(podLabels, statefulSet.doc().at("/spec/selector/matchLabels"), statefulSet);
    for (Manifest service : manifests.ofKind("Service")) {
      assertSelects(podLabels, service.doc().at("/spec/selector"), service);
      for (JsonNode port : service.doc().at("/spec/ports")) {
        int target = containerPort(port.has("targetPort") ? port.path("targetPort") : port.path("port"));
        assertTrue(target > 0, service + " forwards to a port the relay container does not declare: " + port);
      }
    }
    Manifest budget = manifests.single("PodDisruptionBudget");
    assertSelects(podLabels, budget.doc().at("/spec/selector/matchLabels"), budget);
    assertEquals(1, budget.doc().at("/spec/maxUnavailable").asInt(), "one relay pod at a time may be disrupted");
  }

  @Test
  void probesAskTheHealthPathsOnTheConfiguredHttpPort() {
    assertProbe("readinessProbe", "/ready");
    assertProbe("livenessProbe", "/alive");
    if (container.has("startupProbe")) {
      assertProbe("startupProbe", "/alive");
    }
    assertListensBeyondLoopback("relay.http.host", settings.httpHost());
  }

  @Test
  void containerPortsAreThePortsOfTheConfigMapsRelayConf() {
    List<Integer> declared = new ArrayList<>();
    container.path("ports").forEach(p -> declared.add(p.path("containerPort").asInt()));
    for (ListenerSettings listener : settings.listeners()) {
      assertTrue(declared.contains(listener.port()), "SMTP listener port " + listener.port() + " is not a container port " + declared);
      assertListensBeyondLoopback("relay.listeners " + listener.name(), listener.host());
    }
    assertEquals(settings.httpPort(), containerPort(textNode("http")), "container port http vs relay.http.port");
    int artery = relayConf.getInt("relay.cluster.port");
    assertEquals(artery, containerPort(textNode("artery")), "container port artery vs relay.cluster.port");
    assertEquals(artery, relayConf.getInt("pekko.remote.artery.canonical.port"));
    assertEquals(StorageSettings.Kind.POSTGRES, settings.storage().kind(), "a cluster of several nodes needs relay.storage.kind = postgres");
  }

  @Test
  void theNodeReadsTheRelayConfFromTheMountedConfigMap() {
    Path file = Path.of(configFileArgument());
    JsonNode mount = mountOf(file.getParent().toString());
    JsonNode volume = volume(mount.path("name").asText());
    String configMap = volume.at("/configMap/name").asText();
    assertFalse(configMap.isEmpty(), "the volume at " + file.getParent() + " is not a ConfigMap: " + volume);
    assertTrue(manifests.named("ConfigMap", configMap).doc().at("/data").has(file.getFileName().toString()),
        "ConfigMap " + configMap + " has no key " + file.getFileName());
  }

  @Test
  void seedsNameEveryPodThroughTheHeadlessService() {
    String serviceName = statefulSet.doc().at("/spec/serviceName").asText();
    JsonNode headless = manifests.named("Service", serviceName).doc();
    assertEquals("None", headless.at("/spec/clusterIP").asText(), "the StatefulSet's service must be headless");
    assertTrue(headless.at("/spec/publishNotReadyAddresses").asBoolean(),
        "pods join the cluster before they are ready, so their DNS names must exist before that");

    int replicas = statefulSet.doc().at("/spec/replicas").asInt();
    int artery = relayConf.getInt("relay.cluster.port");
    List<String> expected = IntStream.range(0, replicas)
        .mapToObj(i -> "pekko://relay@" + podDnsName(i, serviceName) + ":" + artery).toList();
    assertEquals(expected, relayConf.getStringList("pekko.cluster.seed-nodes"), "seed nodes as the node reads them");
    for (String seed : expected) {
      Address address = AddressFromURIString.parse(seed);
      assertEquals("relay", address.system(), "the ActorSystem is named relay");
    }
    for (int i = 0; i < replicas; i++) {
      assertEquals(podDnsName(i, serviceName), podEnv(i).get("RELAY_CLUSTER_HOST"),
          "pod " + i + " must announce the DNS name its seed entry uses");
    }
  }

  @Test
  void anOddNumberOfPodsGetMoreTimeToStopThanTheRelayNeeds() {
    int replicas = statefulSet.doc().at("/spec/replicas").asInt();
    assertTrue(replicas >= 3 && replicas % 2 == 1, "keep-majority needs an odd number of nodes, 3 or more: " + replicas);
    String minMembers = podEnv(0).getOrDefault("RELAY_CLUSTER_MIN_MEMBERS",
        relayConf.getString("relay.cluster.min-members"));
    assertEquals(replicas / 2 + 1, Integer.parseInt(minMembers),
        "relay.cluster.min-members must be a majority of the replicas, or a seed that restarts "
            + "alone can form a second cluster");
    Duration stop = relayConf.getDuration("relay.shutdown.drain-timeout")
        .plus(relayConf.getDuration("pekko.coordinated-shutdown.phases.service-requests-done.timeout"));
    long grace = pod.path("terminationGracePeriodSeconds").asLong();
    assertTrue(grace > stop.toSeconds(), "terminationGracePeriodSeconds " + grace
        + " must exceed the open sessions' and the drain's timeouts, " + stop.toSeconds() + "s");
  }

  @Test
  void everyReferencedSecretAndConfigMapExistsWithItsKey() {
    for (JsonNode var : container.path("env")) {
      JsonNode ref = var.at("/valueFrom/secretKeyRef");
      if (!ref.isMissingNode()) {
        JsonNode secret = manifests.named("Secret", ref.path("name").asText()).doc();
        String key = ref.path("key").asText();
        assertTrue(secret.at("/data").has(key) || secret.at("/stringData").has(key),
            "Secret " + ref.path("name").asText() + " has no key " + key);
      }
    }
    for (JsonNode volume : pod.path("volumes")) {
      if (volume.has("configMap")) {
        manifests.named("ConfigMap", volume.at("/configMap/name").asText());
      }
      if (volume.has("secret")) {
        String name = volume.at("/secret/secretName").asText();
        JsonNode secret = manifests.named("Secret", name).doc();
        for (JsonNode item : volume.at("/secret/items")) {
          String key = item.path("key").asText();
          assertTrue(secret.at("/data").has(key) || secret.at("/stringData").has(key),
              "Secret " + name + " has no key " + key);
        }
      }
    }
  }

  @Test
  void theContainerSetsOnlyRelayVariablesTheNodeReads() throws Exception {
    Set<String> known = RelayEnvironment.knownVariables();
    for (String name : podEnv(0).keySet()) {
      assertTrue(!name.startsWith("RELAY_") || known.contains(name),
          "the container sets " + name + ", which the node never reads; known: " + known);
    }
  }

  @Test
  void theSmtpServiceKeepsTheClientsSourceAddress() {
    int smtp = settings.listeners().get(0).port();
    List<Manifest> smtpServices = manifests.ofKind("Service").stream()
        .filter(s -> portsOf(s).contains(smtp)).toList();
    assertFalse(smtpServices.isEmpty(), "no Service forwards to the SMTP port " + smtp);
    for (Manifest service : smtpServices) {
      String type = service.doc().at("/spec/type").asText("ClusterIP");
      if (type.equals("LoadBalancer") || type.equals("NodePort")) {
        assertEquals("Local", service.doc().at("/spec/externalTrafficPolicy").asText(),
            service + ": clients are identified by source address, which only externalTrafficPolicy Local keeps");
      }
    }
  }

  @Test
  void arteryRunsOverMutualTlsWithStoresAndPasswordsFromASecret() {
    assertEquals("tls-tcp", relayConf.getString("pekko.remote.artery.transport"));
    Config engine = relayConf.getConfig("pekko.remote.artery.ssl.config-ssl-engine");
    assertTrue(engine.getBoolean("require-mutual-authentication"), "peers must show a trusted certificate");
    String keySecret = secretFileOf(engine.getString("key-store"));
    String trustSecret = secretFileOf(engine.getString("trust-store"));
    Map<String, String> env = podEnv(0);
    for (String variable : List.of("RELAY_CLUSTER_TLS_KEY_STORE_PASSWORD", "RELAY_CLUSTER_TLS_TRUST_STORE_PASSWORD")) {
      assertTrue(env.containsKey(variable), "the pod does not set " + variable);
      JsonNode ref = envVar(variable).at("/valueFrom/secretKeyRef");
      assertFalse(ref.isMissingNode(), variable + " must come from a Secret, not a literal");
      assertTrue(List.of(keySecret, trustSecret).contains(ref.path("name").asText()),
          variable + " comes from " + ref.path("name").asText() + ", not the stores' Secret");
    }
    for (Manifest configMap : manifests.ofKind("ConfigMap")) {
      configMap.doc().path("data").forEach(text -> ConfigFactory.parseString(text.asText()).entrySet()
          .forEach(e -> assertFalse(e.getKey().endsWith("password"),
              configMap + " sets " + e.getKey() + " in clear text; passwords come from Secrets")));
    }
  }

  @Test
  void postgresIsReachedOverTlsWithTheServerVerifiedAgainstACaFromASecret() {
    String url = settings.storage().jdbcUrl();
    assertTrue(url.contains("sslmode=verify-full"), "the server's certificate and name must be checked: " + url);
    Matcher rootCert = Pattern.compile("sslrootcert=([^&]+)").matcher(url);
    assertTrue(rootCert.find(), "no sslrootcert in " + url);
    secretFileOf(rootCert.group(1));
    assertEquals(StorageSettings.SpoolKind.DATABASE, settings.storage().spool(),
        "every node must read every body");
  }

  @Test
  void theNetworkPolicyAdmitsOnlyRelayPodsToTheClusterPortAndClientsToSmtp() {
    Manifest policy = manifests.single("NetworkPolicy");
    Map<String, String> podLabels = KubernetesManifests.labels(statefulSet.doc().at("/spec/template/metadata/labels"));
    assertSelects(podLabels, policy.doc().at("/spec/podSelector/matchLabels"), policy);
    List<String> types = new ArrayList<>();
    policy.doc().at("/spec/policyTypes").forEach(t -> types.add(t.asText()));
    assertTrue(types.contains("Ingress"), "the policy must restrict ingress: " + types);
    int artery = relayConf.getInt("relay.cluster.port");
    int smtp = settings.listeners().get(0).port();
    Set<Integer> admitted = new HashSet<>();
    boolean clientsAdmitted = false;
    for (JsonNode rule : policy.doc().at("/spec/ingress")) {
      List<Integer> ports = new ArrayList<>();
      rule.path("ports").forEach(p -> ports.add(containerPort(p.path("port"))));
      assertFalse(ports.isEmpty() || ports.contains(0), policy + ": a rule without ports, or with a port the container lacks: " + rule);
      admitted.addAll(ports);
      if (ports.contains(artery)) {
        for (JsonNode from : rule.path("from")) {
          assertTrue(from.has("podSelector") && !from.has("namespaceSelector") && !from.has("ipBlock"),
              "the cluster port admits more than the relay's pods: " + from);
          assertSelects(podLabels, from.at("/podSelector/matchLabels"), policy);
        }
        assertFalse(rule.path("from").isEmpty(), "a rule without 'from' admits everybody to the cluster port");
      }
      if (ports.contains(smtp)) {
        clientsAdmitted = settings.clients().stream().flatMap(c -> c.ips().stream())
            .allMatch(ip -> rule.path("from").findValues("cidr").stream().anyMatch(cidr -> inRange(ip, cidr.asText())));
      }
    }
    List<Integer> declared = new ArrayList<>();
    container.path("ports").forEach(p -> declared.add(p.path("containerPort").asInt()));
    assertEquals(new HashSet<>(declared), admitted, "every container port must be reachable from somewhere");
    assertTrue(clientsAdmitted, "the SMTP rule must admit every registered client's address");
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /**
   * The Secret that provides a file the relay reads: the file lies in a read-only mount of a
   * Secret volume, and the Secret (under ops/k8s, examples included) has the key the volume maps
   * to that file name. Returns the Secret's name.
   */
  private static String secretFileOf(String file) {
    Path path = Path.of(file);
    JsonNode mount = mountOf(path.getParent().toString());
    assertTrue(mount.path("readOnly").asBoolean(), "mount " + mount + " must be read-only");
    JsonNode volume = volume(mount.path("name").asText());
    String secret = volume.at("/secret/secretName").asText();
    assertFalse(secret.isEmpty(), file + " is not in a Secret volume: " + volume);
    String key = path.getFileName().toString();
    for (JsonNode item : volume.at("/secret/items")) {
      if (item.path("path").asText().equals(key)) {
        key = item.path("key").asText();
      }
    }
    JsonNode doc = manifests.named("Secret", secret).doc();
    assertTrue(doc.at("/data").has(key) || doc.at("/stringData").has(key), "Secret " + secret + " has no key " + key);
    return secret;
  }

  private static JsonNode envVar(String name) {
    for (JsonNode var : container.path("env")) {
      if (var.path("name").asText().equals(name)) {
        return var;
      }
    }
    throw new AssertionError("no env " + name);
  }

  /** Whether the IPv4 address lies in the CIDR range. */
  private static boolean inRange(String ip, String cidr) {
    try {
      String[] parts = cidr.split("/");
      int bits = Integer.parseInt(parts[1]);
      long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
      return (ipv4(ip) & mask) == (ipv4(parts[0]) & mask);
    } catch (UnknownHostException | RuntimeException e) {
      return false;
    }
  }

  private static long ipv4(String ip) throws UnknownHostException {
    byte[] b = InetAddress.getByName(ip).getAddress();
    if (b.length != 4) {
      throw new IllegalArgumentException("not IPv4: " + ip);
    }
    return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
  }

  /** The ConfigMap's relay.conf layered as the node layers it, with the pods' seed nodes. */
  /** The relay.conf of the ConfigMap as the pod's node reads it, with the pod's environment. */
  private static Config nodeConfig(Map<String, String> environment) {
    String configMap = volume(mountOf(Path.of(configFileArgument()).getParent().toString()).path("name").asText())
        .at("/configMap/name").asText();
    String text = manifests.named("ConfigMap", configMap).doc().at("/data")
        .path(Path.of(configFileArgument()).getFileName().toString()).asText();
    assertFalse(text.isBlank(), "ConfigMap " + configMap + " holds no relay.conf");
    Config parsed = ConfigFactory.parseString(text, ConfigParseOptions.defaults().setOriginDescription("ConfigMap " + configMap));
    return RelayConfig.layered(parsed, environment);
  }

  private static String configFileArgument() {
    for (JsonNode arg : container.path("command")) {
      if (arg.asText().startsWith("-Dconfig.file=")) {
        return arg.asText().substring("-Dconfig.file=".length());
      }
    }
    throw new AssertionError("the relay container's command sets no -Dconfig.file: " + container.path("command"));
  }

  private static JsonNode mountOf(String directory) {
    for (JsonNode mount : container.path("volumeMounts")) {
      if (mount.path("mountPath").asText().equals(directory)) {
        return mount;
      }
    }
    throw new AssertionError("nothing is mounted at " + directory + ", where -Dconfig.file points");
  }

  private static JsonNode volume(String name) {
    for (JsonNode volume : pod.path("volumes")) {
      if (volume.path("name").asText().equals(name)) {
        return volume;
      }
    }
    throw new AssertionError("the pod has no volume " + name);
  }

  /** Pod i's environment as Kubernetes expands it. */
  private static Map<String, String> podEnv(int ordinal) {
    String podName = statefulSet.name() + "-" + ordinal;
    return KubernetesManifests.expandedEnv(container, Map.of("metadata.name", podName, "metadata.namespace", NAMESPACE));
  }

  private static String podDnsName(int ordinal, String serviceName) {
    return statefulSet.name() + "-" + ordinal + "." + serviceName + "." + NAMESPACE + ".svc";
  }

  /** The container port a probe or Service names (by name or number), or 0 when it has none. */
  private static int containerPort(JsonNode port) {
    for (JsonNode p : container.path("ports")) {
      if (port.isInt() ? p.path("containerPort").asInt() == port.asInt() : p.path("name").asText().equals(port.asText())) {
        return p.path("containerPort").asInt();
      }
    }
    return 0;
  }

  private static List<Integer> portsOf(Manifest service) {
    List<Integer> ports = new ArrayList<>();
    service.doc().at("/spec/ports").forEach(p -> ports.add(containerPort(p.has("targetPort") ? p.path("targetPort") : p.path("port"))));
    return ports;
  }

  private static JsonNode textNode(String name) {
    return TextNode.valueOf(name);
  }

  private static void assertSelects(Map<String, String> podLabels, JsonNode selector, Manifest who) {
    Map<String, String> wanted = KubernetesManifests.labels(selector);
    assertFalse(wanted.isEmpty(), who + " has an empty selector");
    wanted.forEach((k, v) -> assertEquals(v, podLabels.get(k), who + " selects " + k + "=" + v + ", the pods have " + podLabels));
  }

  private static void assertProbe(String probe, String path) {
    JsonNode get = container.at("/" + probe + "/httpGet");
    assertFalse(get.isMissingNode(), "no " + probe + " with httpGet");
    assertEquals(path, get.path("path").asText(), probe + " path");
    assertEquals(settings.httpPort(), containerPort(get.path("port")), probe + " must use the relay.http.port container port");
  }

  private static void assertListensBeyondLoopback(String what, String host) {
    try {
      assertFalse(InetAddress.getByName(host).isLoopbackAddress(),
          what + " = " + host + ": the kubelet and the Services reach the pod on its own address");
    } catch (UnknownHostException e) {
      throw new AssertionError(what + " = " + host + " is no address", e);
    }
  }
}
