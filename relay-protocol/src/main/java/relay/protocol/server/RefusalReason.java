package relay.protocol.server;

import java.util.Locale;

/**
 * Why a policy or limit refusal ({@link SessionRefusal}) was answered, as a closed set: it names
 * the refusal in the event log and labels the refused counter of {@code GET /metrics}, so the
 * number of values stays small and fixed whatever the traffic. {@link #label()} is the
 * lower-case, hyphenated name used in both.
 */
public enum RefusalReason {
  /** The operator blocked the source IP address (554 5.7.1 at connect). */
  BLOCKED_IP,
  /** The operator blocked the client (554 5.7.1 at connect or at MAIL). */
  BLOCKED_CLIENT,
  /** The operator blocked the sender address (554 5.7.1 at MAIL). */
  BLOCKED_SENDER,
  /** The operator blocked the sender's domain (554 5.7.1 at MAIL). */
  BLOCKED_SENDER_DOMAIN,
  /** The operator blocked the recipient's domain (554 5.7.1 at RCPT). */
  BLOCKED_RECIPIENT_DOMAIN,
  /** The operator suspended the client (554 5.7.1 at connect). */
  SUSPENDED,
  /** A client's test address outside the client's test window (554 5.7.1 at connect). */
  TEST_WINDOW,
  /** The client already holds its max-sessions in the cluster (421 4.4.5 at connect). */
  SESSIONS,
  /** An unidentified address holds its share of this node's connections (421 4.7.0). */
  CONNECTIONS_PER_ADDRESS,
  /** Unidentified clients hold all the connections they may on this node (421 4.7.0). */
  UNIDENTIFIED_CONNECTIONS,
  /** An address this node's incomplete registry view does not know yet (421 4.3.0). */
  REGISTRY_INCOMPLETE,
  /** Too many failed logins from the address: locked out for a while (421 4.7.0 at connect). */
  LOCKED_OUT,
  /** An unidentified client named a recipient the relay does not serve (554 5.7.1 at RCPT). */
  RELAY_DENIED,
  /** The sender's domain is not one of the client's allowed sender domains (550 5.7.1). */
  SENDER_DOMAIN,
  /** The transaction already holds its maximum of recipients (452 4.5.3 at RCPT). */
  RECIPIENTS_LIMIT,
  /** The message is over the size limit, declared at MAIL or sent in DATA/BDAT (552 5.3.4). */
  SIZE,
  /** The client's recipient quota for the hour or the day is spent (452 4.5.3 at RCPT). */
  QUOTA,
  /** The client's quota could not be confirmed in time (451 4.3.0 at RCPT, try again). */
  QUOTA_UNCONFIRMED;

  private final String label = name().toLowerCase(Locale.ROOT).replace('_', '-');

  /** The name in the event log and the metrics label, e.g. {@code blocked-ip}. */
  public String label() {
    return label;
  }
}
