package relay.node.config;

import com.typesafe.config.Config;
import relay.protocol.server.ListenerSecurity;
import relay.protocol.settings.Bounds;

/**
 * One SMTP listener: a name for logs, the address to bind, the port, and what it asks of its
 * connections ({@code tls} and {@code auth}, see {@link ListenerSecurity}; both "none" when
 * left out, a plain port 25 as before).
 */
public record ListenerSettings(String name, String host, int port, ListenerSecurity security) {

  public ListenerSettings {
    Bounds.within("relay.listeners[" + name + "].port", port, 0, 65535);
  }

  /** A plain listener (no TLS, no AUTH). */
  public ListenerSettings(String name, String host, int port) {
    this(name, host, port, ListenerSecurity.PLAIN);
  }

  static ListenerSettings fromConfig(Config c) {
    String name = c.getString("name");
    return new ListenerSettings(name, c.getString("host"), c.getInt("port"),
        ListenerSecurity.parse(name, c.hasPath("tls") ? c.getString("tls") : "none",
            c.hasPath("auth") ? c.getString("auth") : "none"));
  }
}
