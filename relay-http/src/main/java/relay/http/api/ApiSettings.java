package relay.http.api;

import com.typesafe.config.Config;
import java.util.Optional;
import relay.protocol.settings.Bounds;

/**
 * The operator API's settings (relay.http in relay-http's reference.conf), read once at start.
 *
 * @param adminToken the configured bootstrap admin token; empty = generated into the data dir
 * @param maxBodySize largest request body in bytes (413 beyond)
 * @param auditDefaultLimit audit entries returned without ?limit=
 */
public record ApiSettings(Optional<String> adminToken, long maxBodySize, int auditDefaultLimit) {

  /** Most audit entries one request may ask for. */
  public static final int AUDIT_MAX_LIMIT = 1000;

  public ApiSettings {
    adminToken = adminToken == null ? Optional.empty() : adminToken.filter(t -> !t.isBlank());
    Bounds.within("relay.http.api.max-body-size", maxBodySize, 1024L, 64L << 20);
    Bounds.within("relay.http.api.audit-default-limit", auditDefaultLimit, 1, AUDIT_MAX_LIMIT);
  }

  public static ApiSettings fromConfig(Config config) {
    Config http = config.getConfig("relay.http");
    return new ApiSettings(Optional.of(http.getString("admin-token")),
        http.getBytes("api.max-body-size"), http.getInt("api.audit-default-limit"));
  }
}
