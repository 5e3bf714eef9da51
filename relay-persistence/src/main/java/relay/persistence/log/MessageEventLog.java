package relay.persistence.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import relay.protocol.client.TlsStatus;

/**
 * Writes one structured JSON line per message event to the logger {@code relay.events}.
 *
 * <p>Fields: {@code event} (received, refused, delivered, deferred, bounced, expired), {@code queue_id},
 * {@code client} (received only), {@code sender} ({@code ""} for the null sender), {@code
 * recipients}, {@code domain}, {@code remote_host}, {@code reply} ("250 2.0.0 Ok"), {@code
 * attempt}, {@code delay_ms} (since reception), {@code size} and, for outcomes, {@code tls}: what
 * protected the attempt's connection, {@code {"protocol":"TLSv1.3","cipher":"TLS_AES_256_GCM_SHA384",
 * "verified":true}} (verified: the certificate chain is trusted and valid for the MX host name),
 * or {@code "none"} in clear or when no server was reached. The queues log after the event is
 * persisted, never during replay; the node logs {@code received} itself.
 */
public final class MessageEventLog {

  /** The logger name operators route to the delivery log. */
  public static final String LOGGER = "relay.events";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Logger log;

  public MessageEventLog() {
    this(LoggerFactory.getLogger(LOGGER));
  }

  public MessageEventLog(Logger log) {
    this.log = log;
  }

  /**
   * The relay accepted a message (after it is durable and enqueued).
   *
   * @param acceptMs from the end of the data to the 250 reply: spool sync and enqueue
   */
  public void received(String queueId, String client, String sender, List<String> recipients,
      long size, double acceptMs) {
    ObjectNode line = base("received", queueId, sender, recipients);
    line.put("client", client);
    line.put("size", size);
    line.put("accept_ms", Math.round(acceptMs * 100) / 100.0);
    write(line);
  }

  /**
   * The relay refused a connection or a command for policy or a limit (blocked, relay denied,
   * too many sessions or recipients, too big): no queue id; {@code stage} connect, mail, rcpt or
   * data; {@code reason} why, one of a fixed set of names (blocked-ip, relay-denied, size...:
   * {@code relay.protocol.server.RefusalReason}); {@code client} the registered client ({@code ""} when unidentified); {@code sourceIp}
   * the peer; {@code sender} the MAIL reverse-path so far ({@code ""} for the null one or before
   * MAIL); {@code recipients} accepted so far; {@code recipient} the one a refused RCPT named
   * ({@code ""} otherwise); {@code reply} what the client was answered.
   */
  public void refused(String stage, String reason, String client, String sourceIp, String sender,
      List<String> recipients, String recipient, String reply) {
    ObjectNode line = base("refused", null, sender, recipients);
    line.put("stage", stage);
    line.put("reason", reason);
    line.put("client", client);
    line.put("source_ip", sourceIp);
    line.put("recipient", recipient);
    line.put("reply", reply);
    write(line);
  }

  public void delivered(String queueId, String domain, String sender, List<String> recipients,
      String remoteHost, String reply, int attempt, long delayMs, long size, TlsStatus tls) {
    write(outcome("delivered", queueId, domain, sender, recipients, remoteHost, reply, attempt,
        delayMs, size, tls));
  }

  public void deferred(String queueId, String domain, String sender, List<String> recipients,
      String remoteHost, String reply, int attempt, long delayMs, long size, TlsStatus tls) {
    write(outcome("deferred", queueId, domain, sender, recipients, remoteHost, reply, attempt,
        delayMs, size, tls));
  }

  public void bounced(String queueId, String domain, String sender, List<String> recipients,
      String remoteHost, String reply, int attempt, long delayMs, long size, TlsStatus tls) {
    write(outcome("bounced", queueId, domain, sender, recipients, remoteHost, reply, attempt,
        delayMs, size, tls));
  }

  /**
   * A destination queue came back (after a restart, a failover or passivation) holding pending
   * mail; {@code subQueue} says which of the domain's sub-queues (0 when it has one queue);
   * {@code recoveryMs} from the start of its recovery to being ready to deliver.
   */
  public void queueRecovered(String domain, int subQueue, int pendingMessages,
      long pendingRecipients, long recoveryMs) {
    if (!log.isInfoEnabled()) {
      return;
    }
    ObjectNode line = JSON.createObjectNode();
    line.put("event", "queue_recovered");
    line.put("domain", domain);
    line.put("sub_queue", subQueue);
    line.put("pending", pendingMessages);
    line.put("pending_recipients", pendingRecipients);
    line.put("recovery_ms", recoveryMs);
    write(line);
  }

  public void expired(String queueId, String domain, String sender, List<String> recipients,
      String remoteHost, String reply, int attempt, long delayMs, long size, TlsStatus tls) {
    write(outcome("expired", queueId, domain, sender, recipients, remoteHost, reply, attempt,
        delayMs, size, tls));
  }

  private static ObjectNode outcome(String event, String queueId, String domain, String sender,
      List<String> recipients, String remoteHost, String reply, int attempt, long delayMs,
      long size, TlsStatus tls) {
    ObjectNode line = base(event, queueId, sender, recipients);
    line.put("domain", domain);
    line.put("remote_host", remoteHost);
    line.put("reply", reply);
    line.put("attempt", attempt);
    line.put("delay_ms", delayMs);
    line.put("size", size);
    if (tls == null || !tls.encrypted()) {
      line.put("tls", "none");
    } else {
      ObjectNode t = line.putObject("tls");
      t.put("protocol", tls.protocol());
      t.put("cipher", tls.cipher());
      t.put("verified", tls.verified());
    }
    return line;
  }

  private static ObjectNode base(String event, String queueId, String sender,
      List<String> recipients) {
    ObjectNode line = JSON.createObjectNode();
    line.put("event", event);
    if (queueId != null) { // a refusal has none
      line.put("queue_id", queueId);
    }
    line.put("sender", sender);
    ArrayNode rcpts = line.putArray("recipients");
    recipients.forEach(rcpts::add);
    return line;
  }

  private void write(ObjectNode line) {
    if (!log.isInfoEnabled()) {
      return;
    }
    try {
      log.info(JSON.writeValueAsString(line));
    } catch (JsonProcessingException e) {
      log.warn("event log line not written: {}", e.toString());
    }
  }
}
