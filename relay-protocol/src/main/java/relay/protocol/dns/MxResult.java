package relay.protocol.dns;

import java.util.List;
import relay.protocol.reply.DeliveryReplies;
import relay.protocol.reply.DeliveryReplies.DnsTrouble;
import relay.protocol.reply.SmtpReply;

/**
 * What {@link MxResolver} found for a destination domain. Either the hosts to try, in order, or a
 * {@link Failure} that says which reply the caller uses for the recipients of that domain.
 */
public sealed interface MxResult permits MxResult.Hosts, MxResult.Failure {

  /** A failure: no host to try. {@link #toReply()} is permanent (bounce) or transient (defer). */
  sealed interface Failure extends MxResult
      permits NullMx, NoSuchDomain, NoMailHost, TemporaryFailure {
    SmtpReply toReply();
  }

  /**
   * Hosts to try in this order: by MX preference, equal preferences in random order (RFC 5321
   * 5.1), or the domain itself as an implicit MX. Never empty; every host has an address.
   */
  record Hosts(List<MxHost> hosts) implements MxResult {
    public Hosts {
      hosts = List.copyOf(hosts);
      if (hosts.isEmpty()) {
        throw new IllegalArgumentException("Hosts needs at least one host");
      }
    }
  }

  /** The domain publishes a null MX: it accepts no mail at all (RFC 7505). */
  record NullMx() implements Failure {
    @Override
    public SmtpReply toReply() {
      return DeliveryReplies.nullMx();
    }
  }

  /** The domain does not exist (NXDOMAIN). */
  record NoSuchDomain() implements Failure {
    @Override
    public SmtpReply toReply() {
      return DeliveryReplies.noSuchDomain();
    }
  }

  /** The domain exists but has no MX and no address, or none of its MX hosts has an address. */
  record NoMailHost() implements Failure {
    @Override
    public SmtpReply toReply() {
      return DeliveryReplies.noMailHost();
    }
  }

  /**
   * DNS did not answer in time or answered with an error (SERVFAIL, REFUSED): try later. The reply
   * names only the {@code trouble}; {@code detail} (the query and rcode) is for logs.
   */
  record TemporaryFailure(DnsTrouble trouble, String detail) implements Failure {
    @Override
    public SmtpReply toReply() {
      return DeliveryReplies.dnsTemporaryFailure(trouble);
    }
  }
}
