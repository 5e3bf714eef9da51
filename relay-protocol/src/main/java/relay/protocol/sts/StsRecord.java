package relay.protocol.sts;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code _mta-sts.<domain>} TXT record of RFC 8461 3.1: {@code v=STSv1; id=<1..32
 * alphanumerics>;} with optional further fields and white space around the separators.
 */
public record StsRecord(String id) {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9]{1,32}");

  /**
   * The one valid record among the TXT records of {@code _mta-sts.<domain>} (RFC 8461 3.1: those
   * not starting with "v=STSv1;" are discarded; if not exactly one is left, or it is invalid, the
   * domain has no policy): empty then.
   */
  public static Optional<StsRecord> select(List<String> txtRecords) {
    List<String> candidates = new ArrayList<>();
    for (String r : txtRecords) {
      if (r.startsWith("v=STSv1;") || r.equals("v=STSv1")) {
        candidates.add(r);
      }
    }
    return candidates.size() == 1 ? parse(candidates.get(0)) : Optional.empty();
  }

  /** One record's text, or empty when it is not a valid STSv1 record. */
  public static Optional<StsRecord> parse(String text) {
    String[] fields = text.split(";", -1);
    if (!fields[0].trim().equals("v=STSv1")) {
      return Optional.empty();
    }
    String id = null;
    for (int i = 1; i < fields.length; i++) {
      String field = fields[i].trim();
      if (field.isEmpty()) {
        continue;
      }
      int eq = field.indexOf('=');
      if (eq <= 0) {
        return Optional.empty();
      }
      if (field.substring(0, eq).equals("id")) {
        id = field.substring(eq + 1);
      }
    }
    return id != null && ID.matcher(id).matches() ? Optional.of(new StsRecord(id)) : Optional.empty();
  }
}
