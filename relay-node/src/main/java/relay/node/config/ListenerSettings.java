package relay.node.config;

import com.typesafe.config.Config;
import relay.protocol.settings.Bounds;

/** One SMTP listener: a name for logs, the address to bind and the port. */
public record ListenerSettings(String name, String host, int port) {

  public ListenerSettings {
    Bounds.within("relay.listeners[" + name + "].port", port, 0, 65535);
  }

  static ListenerSettings fromConfig(Config c) {
    return new ListenerSettings(c.getString("name"), c.getString("host"), c.getInt("port"));
  }
}
