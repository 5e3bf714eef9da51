package relay.node.config;

import com.typesafe.config.Config;

/** One SMTP listener: a name for logs, the address to bind and the port. */
public record ListenerSettings(String name, String host, int port) {

  public ListenerSettings {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("relay.listeners: port out of range for " + name + ": " + port);
    }
  }

  static ListenerSettings fromConfig(Config c) {
    return new ListenerSettings(c.getString("name"), c.getString("host"), c.getInt("port"));
  }
}
