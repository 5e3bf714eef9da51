package relay.http.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import relay.http.auth.Role;

/**
 * The OpenAPI 3.0 document of the operator API ({@code GET /api/openapi.json}), built from the
 * same {@link Endpoint} list the routes are built from: one operation per endpoint with its
 * summary, who may call it (in the description and as {@code x-roles}), path and query
 * parameters, request body, success status and the problem+json error statuses it may answer.
 * Bodies are described in words, not schemas.
 */
final class OpenApiDocument {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final String PROBLEM = "#/components/responses/Problem";

  private OpenApiDocument() {}

  static ObjectNode of(List<Endpoint> endpoints) {
    ObjectNode doc = JSON.objectNode();
    doc.put("openapi", "3.0.3");
    ObjectNode info = doc.putObject("info");
    info.put("title", "Relay operator API");
    info.put("version", "1");
    info.put("description", "Operate the SMTP relay cluster: clients, blocks, audit and more."
        + " Every request under /api/v1 needs 'Authorization: Bearer <token>' (401 without);"
        + " roles: admin (everything), viewer (reads everything), client (reads only its own"
        + " client's resources); a role that may not call an operation gets 403. Every error is"
        + " application/problem+json (RFC 9457). This document is served without a token.");
    doc.putArray("security").addObject().putArray("bearer");
    ObjectNode components = doc.putObject("components");
    components.putObject("securitySchemes").putObject("bearer").put("type", "http")
        .put("scheme", "bearer");
    components.putObject("schemas").set("Problem", problemSchema());
    ObjectNode problem = components.putObject("responses").putObject("Problem");
    problem.put("description", "An error (RFC 9457); 'detail' says what was wrong");
    problem.putObject("content").putObject("application/problem+json").putObject("schema")
        .put("$ref", "#/components/schemas/Problem");

    ObjectNode paths = doc.putObject("paths");
    for (Endpoint e : endpoints) {
      ObjectNode item = paths.has(e.path()) ? (ObjectNode) paths.get(e.path())
          : paths.putObject(e.path());
      String method = e.method().value().toLowerCase(Locale.ROOT);
      if (item.has(method)) {
        throw new IllegalArgumentException("endpoint declared twice: " + e.key());
      }
      item.set(method, operation(e));
    }
    return doc;
  }

  private static ObjectNode operation(Endpoint e) {
    ObjectNode op = JSON.objectNode();
    op.put("operationId", operationId(e));
    op.put("summary", e.summary());
    op.put("description", "Who may call: " + e.access().describe());
    op.putArray("tags").add(e.segments().get(0));
    ArrayNode roles = op.putArray("x-roles");
    for (Role r : Role.values()) {
      if (e.access().roles().contains(r)) {
        roles.add(r.name().toLowerCase(Locale.ROOT));
      }
    }
    ArrayNode params = JSON.arrayNode();
    for (String name : e.params()) {
      ObjectNode p = params.addObject().put("name", name).put("in", "path").put("required", true);
      p.putObject("schema").put("type", "string");
    }
    for (Endpoint.QueryParam q : e.query()) {
      ObjectNode p = params.addObject().put("name", q.name()).put("in", "query")
          .put("required", false).put("description", q.description());
      p.putObject("schema").put("type", "string");
    }
    if (!params.isEmpty()) {
      op.set("parameters", params);
    }
    e.body().ifPresent(b -> {
      ObjectNode body = op.putObject("requestBody").put("required", true)
          .put("description", b.description());
      ObjectNode content = body.putObject("content");
      b.mediaTypes().forEach(t -> content.putObject(t).putObject("schema").put("type", "object"));
    });
    ObjectNode responses = op.putObject("responses");
    ObjectNode ok = responses.putObject(Integer.toString(e.status()))
        .put("description", StatusCodes.get(e.status()).reason());
    if (e.status() != 204) {
      ok.putObject("content").putObject(e.produces()).putObject("schema")
          .put("type", "application/json".equals(e.produces()) ? "object" : "string");
    }
    for (int code : errorStatuses(e)) {
      responses.putObject(Integer.toString(code)).put("$ref", PROBLEM);
    }
    return op;
  }

  /**
   * The problem statuses an operation of this shape may answer (401; 403 when a role or another
   * client is refused; 400/413/415 with a body; 400 with query parameters), plus those it
   * declares (404 for an id that names nothing, 409, 422...).
   */
  static Set<Integer> errorStatuses(Endpoint e) {
    Set<Integer> codes = new TreeSet<>(e.errors());
    codes.add(401);
    if (!e.access().roles().containsAll(Set.of(Role.values()))
        || e.access().clientParam().isPresent()) {
      codes.add(403);
    }
    if (e.body().isPresent()) {
      codes.add(400);
      codes.add(413);
      codes.add(415);
    }
    if (!e.query().isEmpty()) {
      codes.add(400);
    }
    return codes;
  }

  /** {@code GET /api/v1/clients/{id}/bulk-notices} -> {@code getClientsByIdBulkNotices}. */
  static String operationId(Endpoint e) {
    StringBuilder id = new StringBuilder(e.method().value().toLowerCase(Locale.ROOT));
    for (String s : e.segments()) {
      if (Endpoint.isParam(s)) {
        id.append("By");
        s = Endpoint.paramName(s);
      }
      for (String word : s.split("[-.]")) {
        if (!word.isEmpty()) {
          id.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
      }
    }
    return id.toString();
  }

  private static ObjectNode problemSchema() {
    ObjectNode schema = JSON.objectNode().put("type", "object");
    ObjectNode props = schema.putObject("properties");
    props.putObject("type").put("type", "string");
    props.putObject("title").put("type", "string");
    props.putObject("status").put("type", "integer");
    props.putObject("detail").put("type", "string");
    props.putObject("instance").put("type", "string");
    schema.putArray("required").add("type").add("title").add("status").add("detail");
    return schema;
  }
}
