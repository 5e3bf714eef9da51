package relay.http.api;

import java.time.Instant;

/**
 * A bulk notice as POST /api/v1/clients/{id}/bulk-notices takes it:
 * {@code {"expectedRecipients","from","until","note"?,"raiseQuota"?}}; from and until are
 * ISO-8601 instants, raiseQuota defaults to false. The quota entity checks the values (422).
 */
record BulkNoticeBody(Long expectedRecipients, Instant from, Instant until, String note,
    Boolean raiseQuota) {

  BulkNoticeBody {
    if (expectedRecipients == null) {
      throw new IllegalArgumentException("expectedRecipients: required, a number of recipients");
    }
    if (from == null) {
      throw new IllegalArgumentException("from: required, an ISO-8601 instant");
    }
    if (until == null) {
      throw new IllegalArgumentException("until: required, an ISO-8601 instant");
    }
  }

  boolean raises() {
    return raiseQuota != null && raiseQuota;
  }
}
