package relay.node;

import java.util.Locale;
import java.util.function.Consumer;
import relay.persistence.log.MessageEventLog;
import relay.protocol.server.SessionRefusal;

/**
 * Writes the "refused" message event for every policy or limit refusal the SMTP sessions answer
 * (blocked, relay denied, too many sessions or recipients, too big), beside the deliveries in the
 * JSON event log.
 */
final class RefusalEvents implements Consumer<SessionRefusal> {

  private final MessageEventLog log;

  RefusalEvents() {
    this(new MessageEventLog());
  }

  RefusalEvents(MessageEventLog log) {
    this.log = log;
  }

  @Override
  public void accept(SessionRefusal refusal) {
    log.refused(refusal.stage().name().toLowerCase(Locale.ROOT), refusal.reason().label(),
        refusal.client().clientName().orElse(""), refusal.client().remoteIp(),
        refusal.sender().orElse(""), refusal.recipients(), refusal.address().orElse(""),
        refusal.reply().summary());
  }
}
