package relay.http.api;

import java.time.Instant;
import relay.persistence.registry.BlockKind;

/**
 * A block as POST /api/v1/blocks takes it: {@code {"kind","value","reason","until"?}}; until is
 * an ISO-8601 instant, absent = permanent. The registry checks value, reason and until (422).
 */
record BlockBody(BlockKind kind, String value, String reason, Instant until) {

  BlockBody {
    if (kind == null) {
      throw new IllegalArgumentException(
          "kind: required, one of ip, client, sender, sender-domain, recipient-domain");
    }
  }
}
