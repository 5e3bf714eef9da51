package relay.protocol.command;

import java.util.List;

/**
 * The ESMTP parameters of RCPT TO. None is supported yet (DSN's NOTIFY/ORCPT, RFC 3461, would go
 * here), so every keyword lands in {@code unrecognized}, upper-cased.
 */
public record RcptParameters(List<String> unrecognized) {

  public static final RcptParameters NONE = new RcptParameters(List.of());

  public RcptParameters {
    unrecognized = List.copyOf(unrecognized);
  }

  public boolean any() {
    return !unrecognized.isEmpty();
  }
}
