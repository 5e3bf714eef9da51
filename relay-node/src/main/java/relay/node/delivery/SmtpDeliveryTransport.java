package relay.node.delivery;

import com.typesafe.config.Config;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import relay.node.config.NodeSettings;
import relay.node.config.Route;
import relay.persistence.queue.DeliveryConnection;
import relay.persistence.queue.DeliveryFailure;
import relay.persistence.queue.DeliveryRequest;
import relay.persistence.queue.DeliveryTransport;
import relay.persistence.queue.RecipientResult;
import relay.protocol.client.ClientSettings;
import relay.protocol.client.OutboundEnvelope;
import relay.protocol.client.SmtpClientConnection;
import relay.protocol.client.SmtpClientException;
import relay.protocol.client.TransactionResult;
import relay.protocol.dns.MxHost;
import relay.protocol.dns.MxResolver;
import relay.protocol.dns.MxResult;
import relay.protocol.reply.SmtpReply;

/**
 * Delivery over SMTP to a destination's mail exchangers (RFC 5321 5.1): a static route or
 * smarthost when one is configured for the domain (or "*"), otherwise the MX hosts from DNS in
 * preference order, each of their addresses in turn. A host that cannot be reached or greets
 * with 4xx/5xx is skipped for the next one; when none is left the attempt is deferred with the
 * last host's reply. DNS answers that say the domain takes no mail (null MX, NXDOMAIN) bounce.
 */
public final class SmtpDeliveryTransport implements DeliveryTransport {

  private final MxResolver resolver;
  private final ClientSettings client;
  private final Map<String, Route> routes;

  SmtpDeliveryTransport(MxResolver resolver, ClientSettings client, Map<String, Route> routes) {
    this.resolver = resolver;
    this.client = client;
    this.routes = Map.copyOf(routes);
  }

  public static SmtpDeliveryTransport fromConfig(Config config, NodeSettings settings) {
    ClientSettings client = ClientSettings.fromConfig(config.getConfig("relay.smtp.client"))
        .withHeloName(settings.hostname());
    return new SmtpDeliveryTransport(MxResolver.fromConfig(config.getConfig("relay.dns")), client, settings.routes());
  }

  @Override
  public DeliveryConnection connect(String domain) throws DeliveryFailure {
    List<Candidate> candidates = candidates(domain);
    SmtpReply last = null;
    for (Candidate candidate : candidates) {
      try {
        return new Connection(SmtpClientConnection.open(candidate.address(), candidate.name(), client));
      } catch (SmtpClientException e) {
        last = e.reply();
      }
    }
    // Every host refused or was unreachable: a transient condition of the destination, whatever
    // the hosts said at the greeting (RFC 5321 5.1: try the next MX, then retry later).
    SmtpReply reply = last == null || last.isTransient() ? last
        : SmtpReply.of(451, "4.4.1", "All mail exchangers refused the connection: " + last.summary());
    throw new DeliveryFailure(reply == null ? SmtpReply.of(451, "4.4.1", "No mail exchanger reachable") : reply);
  }

  private List<Candidate> candidates(String domain) throws DeliveryFailure {
    Route route = routes.getOrDefault(domain, routes.get("*"));
    if (route != null) {
      return List.of(new Candidate(route.host(), route.address()));
    }
    MxResult result = resolver.resolve(domain);
    if (result instanceof MxResult.Failure failure) {
      throw new DeliveryFailure(failure.toReply());
    }
    List<Candidate> candidates = new ArrayList<>();
    for (MxHost host : ((MxResult.Hosts) result).hosts()) {
      for (InetAddress address : host.addresses()) {
        candidates.add(new Candidate(host.name(), new InetSocketAddress(address, client.port())));
      }
    }
    return candidates;
  }

  private record Candidate(String name, InetSocketAddress address) {}

  /** One outbound connection as the queue's workers see it. */
  private static final class Connection implements DeliveryConnection {
    private final SmtpClientConnection smtp;

    Connection(SmtpClientConnection smtp) {
      this.smtp = smtp;
    }

    @Override
    public String remoteHost() {
      return smtp.remoteName() + "[" + smtp.address().getAddress().getHostAddress() + "]";
    }

    @Override
    public List<RecipientResult> deliver(DeliveryRequest request, InputStream body) throws DeliveryFailure {
      try {
        TransactionResult result = smtp.send(new OutboundEnvelope(request.sender(), request.recipients(),
            request.size(), request.eightBit(), request.smtputf8()), body);
        List<SmtpReply> outcomes = result.outcomes();
        List<RecipientResult> results = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
          results.add(new RecipientResult(request.recipients().get(i), outcomes.get(i)));
        }
        return results;
      } catch (SmtpClientException e) {
        throw new DeliveryFailure(e.reply(), e);
      }
    }

    @Override
    public void reset() throws DeliveryFailure {
      try {
        smtp.reset();
      } catch (SmtpClientException e) {
        throw new DeliveryFailure(e.reply(), e);
      }
    }

    @Override
    public boolean isUsable() {
      return smtp.isUsable();
    }

    @Override
    public void close() {
      smtp.quit();
      smtp.close();
    }
  }
}
