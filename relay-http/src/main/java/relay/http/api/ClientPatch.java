package relay.http.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import relay.persistence.registry.ClientRecord;

/**
 * PATCH /api/v1/clients/{id} as a JSON merge patch (RFC 7396): the patch's fields replace the
 * client's, objects (limits, testWindow) are merged field by field, null removes a field (back
 * to its default). The merged document is read as strictly as a POST body, so an unknown field
 * or a wrong type in the patch is refused the same way. {@code id} may be repeated but not
 * changed; {@code origin} is the registry's, not the caller's; both leave the record unchanged.
 */
final class ClientPatch {

  private ClientPatch() {}

  static ClientRecord apply(ClientRecord current, JsonNode patch) {
    if (!patch.isObject()) {
      throw new BadRequest("a PATCH body is a JSON object (RFC 7396 merge patch), not "
          + patch.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    if (patch.has("origin")) {
      throw new BadRequest("unknown field 'origin': where a client came from is not set over"
          + " the API");
    }
    JsonNode id = patch.get("id");
    if (id != null && !(id.isTextual() && id.textValue().equals(current.id().value()))) {
      throw new IllegalArgumentException("id: cannot be changed (the client is "
          + current.id() + "); create a new client and delete this one");
    }
    ObjectNode merged = ApiJson.mapper().valueToTree(current);
    merged.remove("origin");
    merge(merged, patch);
    try {
      return ApiJson.mapper().treeToValue(merged, ClientBody.class).toRecord(current.origin());
    } catch (JsonProcessingException e) {
      throw new ApiJson.BadJson(e);
    }
  }

  private static void merge(ObjectNode target, JsonNode patch) {
    Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      JsonNode value = f.getValue();
      JsonNode existing = target.get(f.getKey());
      if (value.isNull()) {
        target.remove(f.getKey());
      } else if (value.isObject() && existing != null && existing.isObject()) {
        merge((ObjectNode) existing, value);
      } else {
        target.set(f.getKey(), value);
      }
    }
  }
}
