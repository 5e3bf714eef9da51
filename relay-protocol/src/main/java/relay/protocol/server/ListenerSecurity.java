package relay.protocol.server;

import java.util.Locale;
import java.util.Objects;

/**
 * What one listener asks of its connections before they may send mail: TLS (RFC 3207 STARTTLS
 * or RFC 8314 implicit TLS) and SMTP AUTH (RFC 4954, RFC 6409 4.3 for submission). Checked once
 * at start: AUTH is only ever offered over TLS, so a listener without TLS cannot offer it.
 *
 * @param tls {@link Tls#NONE} (plain, today's port 25), {@link Tls#STARTTLS} (offered),
 *     {@link Tls#REQUIRED_STARTTLS} (530 5.7.0 to mail commands before it) or {@link Tls#IMPLICIT}
 *     (TLS from the first byte, port 465)
 * @param auth {@link Auth#NONE} (not offered), {@link Auth#OPTIONAL} (offered after TLS; clients
 *     identified by their address may send without it) or {@link Auth#REQUIRED} (530 5.7.0 to
 *     MAIL before it, whoever the client is: port 587)
 */
public record ListenerSecurity(Tls tls, Auth auth) {

  /** A plain listener: no TLS, no AUTH (the default, and the benchmark's path). */
  public static final ListenerSecurity PLAIN = new ListenerSecurity(Tls.NONE, Auth.NONE);

  /** How a listener offers TLS; the config value is the lower-case name with '-'. */
  public enum Tls {
    NONE, STARTTLS, REQUIRED_STARTTLS, IMPLICIT;

    public String configName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** How a listener offers AUTH; the config value is the lower-case name. */
  public enum Auth {
    NONE, OPTIONAL, REQUIRED;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public ListenerSecurity {
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(auth, "auth");
    if (tls == Tls.NONE && auth != Auth.NONE) {
      throw new IllegalArgumentException("auth = " + auth.configName()
          + " needs tls = starttls, required-starttls or implicit: AUTH is only offered over TLS");
    }
  }

  /**
   * Reads the {@code tls} and {@code auth} values of listener {@code name}; an unknown value is
   * refused with the key and the values allowed.
   */
  public static ListenerSecurity parse(String name, String tls, String auth) {
    try {
      return new ListenerSecurity(value(Tls.class, name, "tls", tls),
          value(Auth.class, name, "auth", auth));
    } catch (IllegalArgumentException e) {
      if (e.getMessage().startsWith("relay.listeners")) {
        throw e;
      }
      throw new IllegalArgumentException("relay.listeners[" + name + "]: " + e.getMessage(), e);
    }
  }

  private static <E extends Enum<E>> E value(Class<E> type, String name, String key,
      String text) {
    StringBuilder allowed = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      String config = e.name().toLowerCase(Locale.ROOT).replace('_', '-');
      if (config.equals(text)) {
        return e;
      }
      allowed.append(allowed.length() == 0 ? "" : " | ").append(config);
    }
    throw new IllegalArgumentException("relay.listeners[" + name + "]." + key + " = \"" + text
        + "\" is not one of " + allowed);
  }

  /** Whether STARTTLS is advertised and accepted (before TLS). */
  public boolean startTlsOffered() {
    return tls == Tls.STARTTLS || tls == Tls.REQUIRED_STARTTLS;
  }

  /** Whether a connection speaks TLS from its first byte. */
  public boolean implicitTls() {
    return tls == Tls.IMPLICIT;
  }

  /** Whether the listener needs TLS at all (a TLS context must be configured). */
  public boolean usesTls() {
    return tls != Tls.NONE;
  }

  /** Whether mail commands before STARTTLS get 530 5.7.0 (RFC 3207 4). */
  public boolean tlsRequired() {
    return tls == Tls.REQUIRED_STARTTLS;
  }

  /** Whether some commands wait for STARTTLS or AUTH (530 before them). */
  public boolean gated() {
    return tlsRequired() || authRequired();
  }

  /** Whether AUTH is offered (after TLS). */
  public boolean authOffered() {
    return auth != Auth.NONE;
  }

  /** Whether MAIL needs AUTH first (RFC 6409 4.3: 530 5.7.0). */
  public boolean authRequired() {
    return auth == Auth.REQUIRED;
  }
}
