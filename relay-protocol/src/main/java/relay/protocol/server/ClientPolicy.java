package relay.protocol.server;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;

/**
 * Port implemented by the node: who is this connection? Registered IPs now, AUTH later. Called
 * once per connection before the greeting; a failed stage makes the session answer 421 and close.
 */
public interface ClientPolicy {
  CompletionStage<ClientIdentity> identify(InetSocketAddress remote, InetSocketAddress local);
}
