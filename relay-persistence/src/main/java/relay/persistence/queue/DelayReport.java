package relay.persistence.queue;

import java.time.Instant;
import java.util.Objects;
import relay.persistence.CborSerializable;

/**
 * What one queue tells about one client's messages to its destination once they wait past the
 * delay-notice threshold ({@link DelayWatch}): the raw facts of a delay notice to the client's
 * contacts, decided (once per client and destination per period) elsewhere.
 *
 * @param client the registered client's id
 * @param domain the destination domain (never a sub-queue id)
 * @param waiting the client's messages this queue holds for the domain
 * @param delayed those of them received before the threshold
 * @param oldestReceivedAt when the oldest of them was received
 * @param lastReply the reply of the deferral that triggered the report
 * @param remoteHost who gave it ("" when no host answered)
 * @param at when the queue reported
 */
public record DelayReport(String client, String domain, int waiting, int delayed,
    Instant oldestReceivedAt, RecordedReply lastReply, String remoteHost, Instant at)
    implements CborSerializable {

  public DelayReport {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(oldestReceivedAt, "oldestReceivedAt");
    Objects.requireNonNull(lastReply, "lastReply");
    remoteHost = remoteHost == null ? "" : remoteHost;
    Objects.requireNonNull(at, "at");
  }
}
