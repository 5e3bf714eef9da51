package relay.http.api;

import static relay.http.api.ApiFixture.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.MediaTypes;

/**
 * Generated malformed request bodies for POST /api/v1/clients, PATCH /api/v1/clients/billing
 * and POST /api/v1/blocks: wrong types, unknown fields, bad values, truncated JSON, huge strings
 * (some over relay.http.api.max-body-size), wrong content types. Each one must be refused.
 */
final class MalformedBodies {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ContentType.NonBinary JSON = ContentTypes.APPLICATION_JSON;

  /** One request: what is wrong with it, where it goes, its content type and body. */
  record Case(String kind, HttpMethod method, String path, ContentType type, String body) {}

  private final Random random;

  /** Seeded, so a failing case reproduces; the PATCH cases go to the client "billing". */
  MalformedBodies(long seed) {
    this.random = new Random(seed);
  }

  /** {@code n} cases, the six kinds in turn. */
  List<Case> cases(int n) {
    List<Supplier<Case>> generators = List.of(this::wrongType, this::unknownField,
        this::badValue, this::truncated, this::hugeString, this::wrongContentType);
    List<Case> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(generators.get(i % generators.size()).get());
    }
    return out;
  }

  // --- valid starting points ---

  private ObjectNode validClient() {
    return (ObjectNode) read(client("fresh" + random.nextInt(1000), "198.51.100."
        + (1 + random.nextInt(200)), ",\"senderDomains\":[\"fresh.example\"],\"limits\":"
        + "{\"maxSessions\":3},\"testWindow\":{\"from\":\"2030-01-01T00:00:00Z\","
        + "\"until\":\"2030-01-02T00:00:00Z\"}"));
  }

  private ObjectNode validBlock() {
    return (ObjectNode) read("{\"kind\":\"sender-domain\",\"value\":\"spam" + random.nextInt(1000)
        + ".example\",\"reason\":\"phishing\",\"until\":\"2030-01-01T00:00:00Z\"}");
  }

  /** One of the three targets with a mutated body. */
  private Case target(String kind, java.util.function.UnaryOperator<ObjectNode> mutate,
      boolean blocksToo) {
    return target(kind, mutate, blocksToo, false);
  }

  /** {@code postOnly}: the mutation is only wrong for a new client (an id, a taken address). */
  private Case target(String kind, java.util.function.UnaryOperator<ObjectNode> mutate,
      boolean blocksToo, boolean postOnly) {
    int t = postOnly ? 0 : random.nextInt(blocksToo ? 3 : 2);
    if (t == 2) {
      return new Case(kind, HttpMethods.POST, "/api/v1/blocks", JSON,
          mutate.apply(validBlock()).toString());
    }
    ObjectNode body = mutate.apply(validClient());
    if (t == 1) {
      body.remove("id");
      return new Case(kind, HttpMethods.PATCH, "/api/v1/clients/billing", JSON, body.toString());
    }
    return new Case(kind, HttpMethods.POST, "/api/v1/clients", JSON, body.toString());
  }

  // --- generators ---

  private Case wrongType() {
    JsonNode[] wrong = {NODES.numberNode(7), NODES.textNode("7"), NODES.booleanNode(true),
        NODES.arrayNode().add("x"), NODES.objectNode().put("a", 1), NODES.numberNode(1.5)};
    return target("wrong-type", body -> {
      List<String> paths = body.has("kind")
          ? List.of("kind", "value", "reason", "until")
          : List.of("name", "contacts", "addresses", "senderDomains", "limits", "state",
              "testWindow", "limits.maxSessions", "testWindow.from", "addresses.0.role",
              "addresses.0.ip", "contacts.0");
      String path = paths.get(random.nextInt(paths.size()));
      JsonNode replacement;
      do {
        replacement = wrong[random.nextInt(wrong.length)];
      } while (!wrongFor(path, replacement));
      set(body, path, replacement);
      return body;
    }, true);
  }

  /** Whether {@code node} is of a type the field at {@code path} does not take. */
  private static boolean wrongFor(String path, JsonNode node) {
    if (List.of("contacts", "addresses", "senderDomains").contains(path)) {
      return !node.isArray();
    }
    if (List.of("limits", "testWindow").contains(path)) {
      return !node.isObject();
    }
    if (path.equals("limits.maxSessions")) {
      return !node.isIntegralNumber();
    }
    return !node.isTextual();
  }

  private Case unknownField() {
    String name = List.of("colour", "Name", "ID", "origin", "max_sessions", "extra", "")
        .get(random.nextInt(7));
    return target("unknown-field", body -> {
      List<String> where = body.has("kind") ? List.of("")
          : List.of("", "limits", "testWindow", "addresses.0");
      String at = where.get(random.nextInt(where.size()));
      ObjectNode o = at.isEmpty() ? body : (ObjectNode) get(body, at);
      o.put(name, random.nextBoolean() ? "x" : "1");
      return body;
    }, true);
  }

  private Case badValue() {
    if (random.nextInt(3) == 0) {
      String[][] block = {{"kind", "planet"}, {"value", "10.0.0.0/8"}, {"value", ""},
          {"reason", ""}, {"until", "2001-01-01T00:00:00Z"}, {"value", "not a domain!"}};
      String[] b = block[random.nextInt(block.length)];
      ObjectNode body = validBlock();
      if (b[0].equals("value")) {
        body.put("kind", b[1].contains("/") ? "ip" : "sender-domain");
      }
      body.put(b[0], b[1]);
      return new Case("bad-value", HttpMethods.POST, "/api/v1/blocks", JSON, body.toString());
    }
    Object[][] client = {{"id", "Not_A_Slug"}, {"id", "-x"}, {"name", ""},
        {"contacts", NODES.arrayNode()}, {"contacts.0", "not-an-address"},
        {"addresses.0.ip", "10.0.0.0/8"}, {"addresses.0.ip", "mail.example.com"},
        {"addresses.0.ip", "192.0.2.10"}, {"addresses.0.role", "primary"},
        {"state", "paused"}, {"limits.maxSessions", NODES.numberNode(0)},
        {"limits.maxSessions", NODES.numberNode(-5)},
        {"limits.maxMessageSize", NODES.numberNode(Long.MAX_VALUE)},
        {"testWindow.from", "2031-01-01T00:00:00Z"}, {"senderDomains.0", "bad domain"}};
    Object[] c = client[random.nextInt(client.length)];
    return target("bad-value", body -> {
      set(body, (String) c[0], c[1] instanceof JsonNode j ? j : NODES.textNode((String) c[1]));
      if (c[0].equals("id")) {
        body.put("id", (String) c[1]);
      }
      return body;
    }, false, c[0].equals("id") || "192.0.2.10".equals(c[1]));
  }

  private Case truncated() {
    Case whole = target("truncated", body -> body, true);
    String text = whole.body();
    return new Case("truncated", whole.method(), whole.path(), JSON,
        text.substring(0, 1 + random.nextInt(text.length() - 1)));
  }

  private Case hugeString() {
    int size = random.nextBoolean() ? 2_000 + random.nextInt(20_000) : 70_000
        + random.nextInt(200_000);
    String huge = "h".repeat(size);
    return target("huge-string", body -> {
      body.put(body.has("kind") ? "reason" : "name", huge);
      return body;
    }, true);
  }

  private Case wrongContentType() {
    ContentType[] types = {ContentTypes.TEXT_PLAIN_UTF8, ContentTypes.APPLICATION_OCTET_STREAM,
        ContentTypes.create(MediaTypes.APPLICATION_XML, org.apache.pekko.http.javadsl.model
            .HttpCharsets.UTF_8), ContentTypes.create(MediaTypes.APPLICATION_X_WWW_FORM_URLENCODED),
        ContentTypes.TEXT_HTML_UTF8};
    Case c = target("content-type", body -> body, true);
    return new Case("content-type", c.method(), c.path(), types[random.nextInt(types.length)],
        c.body());
  }

  // --- JSON helpers ---

  private static JsonNode read(String json) {
    try {
      return ApiJson.mapper().readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode get(JsonNode root, String path) {
    JsonNode n = root;
    for (String part : path.split("\\.")) {
      n = part.matches("\\d+") ? n.get(Integer.parseInt(part)) : n.get(part);
    }
    return n;
  }

  private static void set(ObjectNode root, String path, JsonNode value) {
    int dot = path.lastIndexOf('.');
    JsonNode parent = dot < 0 ? root : get(root, path.substring(0, dot));
    String last = path.substring(dot + 1);
    if (parent instanceof ArrayNode array) {
      array.set(Integer.parseInt(last), value);
    } else {
      ((ObjectNode) parent).set(last, value);
    }
  }
}
