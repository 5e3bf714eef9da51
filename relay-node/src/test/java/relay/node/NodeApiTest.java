package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import relay.persistence.registry.BlockKind;

/**
 * The operator API on a running node's HTTP port (H2): the bootstrap admin token generated into
 * <data-dir>/admin-token opens /api/v1; no token is a 401 problem+json; an unknown route a 404
 * problem+json; /health still answers; a block posted over HTTP is in the node's registry view;
 * a client token created over the API reads its own client only and is refused once revoked;
 * /api/openapi.json is served without a token.
 */
class NodeApiTest {

  record Answer(int status, String contentType, String body) {}

  static Answer call(int port, String method, String path, String token, String json)
      throws Exception {
    HttpURLConnection http = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path)
        .toURL().openConnection();
    http.setRequestMethod(method);
    if (token != null) {
      http.setRequestProperty("Authorization", "Bearer " + token);
    }
    if (json != null) {
      http.setDoOutput(true);
      http.setRequestProperty("Content-Type", "application/json");
      http.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
    }
    int code = http.getResponseCode();
    try (InputStream in = code < 400 ? http.getInputStream() : http.getErrorStream()) {
      return new Answer(code, http.getContentType(),
          in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } finally {
      http.disconnect();
    }
  }

  @Test
  void apiIsServedWithTheGeneratedAdminToken() throws Exception {
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2).start()) {
      int port = relay.node().httpAddress().getPort();
      String token = Files.readString(relay.dataDir.resolve("admin-token")).strip();

      Answer clients = call(port, "GET", "/api/v1/clients", token, null);
      assertEquals(200, clients.status(), clients.body());
      assertTrue(clients.body().contains("\"id\":\"test-app\""), clients.body());
      assertTrue(clients.body().contains("\"origin\":\"config\""), clients.body());

      Answer none = call(port, "GET", "/api/v1/clients", null, null);
      assertEquals(401, none.status());
      assertEquals("application/problem+json", none.contentType());

      Answer unknown = call(port, "GET", "/nothing-here", null, null);
      assertEquals(404, unknown.status());
      assertEquals("application/problem+json", unknown.contentType());
      assertEquals(200, call(port, "GET", "/health", null, null).status());

      Answer block = call(port, "POST", "/api/v1/blocks", token,
          "{\"kind\":\"ip\",\"value\":\"192.0.2.66\",\"reason\":\"abuse\"}");
      assertEquals(201, block.status(), block.body());
      assertTrue(relay.node().registry().view().current().activeBlock(
          BlockKind.IP, "192.0.2.66", java.time.Instant.now())
          .isPresent(), "read your write on this node");
      Answer audit = call(port, "GET", "/api/v1/audit", token, null);
      assertTrue(audit.body().contains("\"actor\":\"admin\""), audit.body());

      // a token created over the API is accepted by the node with its role, until revoked
      Answer created = call(port, "POST", "/api/v1/tokens", token,
          "{\"name\":\"test-app-token\",\"role\":\"client\",\"client\":\"test-app\"}");
      assertEquals(201, created.status(), created.body());
      var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(created.body());
      String own = json.get("token").asText();
      assertEquals(200, call(port, "GET", "/api/v1/clients/test-app", own, null).status());
      assertEquals(403, call(port, "GET", "/api/v1/clients", own, null).status());
      assertEquals(204, call(port, "DELETE", "/api/v1/tokens/" + json.get("id").asText(), token,
          null).status());
      assertEquals(401, call(port, "GET", "/api/v1/clients/test-app", own, null).status());
      Answer openApi = call(port, "GET", "/api/openapi.json", null, null);
      assertEquals(200, openApi.status());
      assertTrue(openApi.body().contains("\"/api/v1/tokens/{id}\""), openApi.body());
    }
  }
}
