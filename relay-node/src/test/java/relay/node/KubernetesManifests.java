package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every YAML document under a directory (sub-directories included), as Jackson trees, with the
 * few look-ups the manifest tests need. Paths into a document use Jackson's JSON Pointer.
 */
final class KubernetesManifests {

  /** A document and the file it came from, for messages. */
  record Manifest(Path file, JsonNode doc) {

    String kind() {
      return doc.path("kind").asText();
    }

    String name() {
      return doc.at("/metadata/name").asText();
    }

    @Override
    public String toString() {
      return kind() + " " + name() + " (" + file.getFileName() + ")";
    }
  }

  private static final Pattern VARIABLE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  final List<Manifest> all;

  private KubernetesManifests(List<Manifest> all) {
    this.all = List.copyOf(all);
  }

  static KubernetesManifests load(Path dir) throws IOException {
    assertTrue(Files.isDirectory(dir), "no manifest directory " + dir);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    }
    YAMLMapper yaml = new YAMLMapper();
    List<Manifest> all = new ArrayList<>();
    for (Path file : files) {
      try (MappingIterator<JsonNode> docs = yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
        while (docs.hasNext()) {
          JsonNode doc = docs.next();
          if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
            all.add(new Manifest(file, doc));
          }
        }
      }
    }
    assertTrue(!all.isEmpty(), "no YAML documents under " + dir);
    return new KubernetesManifests(all);
  }

  List<Manifest> ofKind(String kind) {
    return all.stream().filter(m -> m.kind().equals(kind)).toList();
  }

  /** The one document of this kind; fails when there is none or more than one. */
  Manifest single(String kind) {
    List<Manifest> found = ofKind(kind);
    assertEquals(1, found.size(), "expected exactly one " + kind + ", found " + found);
    return found.get(0);
  }

  /** The document of this kind and name; fails when there is none. */
  Manifest named(String kind, String name) {
    return ofKind(kind).stream().filter(m -> m.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " named \"" + name + "\" among " + all));
  }

  /** A label map ({"app": "relay"}) as Java strings. */
  static Map<String, String> labels(JsonNode map) {
    Map<String, String> labels = new LinkedHashMap<>();
    map.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  /**
   * A container's environment as Kubernetes expands it: {@code $(NAME)} is replaced by the value of
   * a variable defined earlier in the list, or by {@code given} for those set from a fieldRef
   * (pod name, namespace). A reference to a variable not yet defined stays literal in Kubernetes,
   * which is always a mistake here, so it fails.
   */
  static Map<String, String> expandedEnv(JsonNode container, Map<String, String> given) {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode var : container.path("env")) {
      String name = var.path("name").asText();
      if (var.has("value")) {
        env.put(name, expand(name, var.path("value").asText(), env));
      } else if (var.at("/valueFrom/fieldRef/fieldPath").isTextual()) {
        String field = var.at("/valueFrom/fieldRef/fieldPath").asText();
        assertTrue(given.containsKey(field), "env " + name + " comes from the field " + field + ", unknown to this test");
        env.put(name, given.get(field));
      } else {
        env.put(name, "<from " + var.path("valueFrom").properties().iterator().next().getKey() + ">");
      }
    }
    return env;
  }

  private static String expand(String name, String value, Map<String, String> defined) {
    Matcher m = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String ref = m.group(1);
      assertTrue(defined.containsKey(ref), "env " + name + " uses $(" + ref + "), which is not defined before it");
      m.appendReplacement(out, Matcher.quoteReplacement(defined.get(ref)));
    }
    m.appendTail(out);
    return out.toString();
  }
}
