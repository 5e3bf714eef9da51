package relay.protocol.server;

import java.util.Objects;
import java.util.Optional;
import relay.protocol.tls.TlsInfo;

/**
 * The TLS and AUTH part of a session's state: whether the connection is encrypted and how,
 * whether the client authenticated, and the SASL exchange in progress, if any. After STARTTLS the
 * TLS part is set and the rest of the session starts over (RFC 3207 4.2).
 *
 * @param tls the connection's TLS session, once it is up
 * @param authenticated the client authenticated with AUTH (235); the session's client is then
 *     the one the credentials belong to
 * @param exchange the SASL exchange waiting for the client's next response line
 */
public record SessionSecurity(Optional<TlsInfo> tls, boolean authenticated,
    Optional<SaslExchange> exchange) {

  /** A connection without TLS or AUTH. */
  public static final SessionSecurity NONE =
      new SessionSecurity(Optional.empty(), false, Optional.empty());

  /** The SASL mechanisms the server offers (RFC 4616 PLAIN, and the common LOGIN). */
  public enum Mechanism { PLAIN, LOGIN }

  /**
   * Where an AUTH exchange stands: the mechanism, and for LOGIN the user name once given (the
   * password is never kept: it goes straight into {@link SessionEffect.Authenticate}).
   */
  public record SaslExchange(Mechanism mechanism, Optional<String> username) {
    public SaslExchange {
      Objects.requireNonNull(mechanism, "mechanism");
      Objects.requireNonNull(username, "username");
    }

    @Override
    public String toString() {
      return "SaslExchange[" + mechanism + (username.isPresent() ? ", password next]" : "]");
    }
  }

  public SessionSecurity {
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(exchange, "exchange");
  }

  public SessionSecurity withTls(TlsInfo info) {
    return new SessionSecurity(Optional.of(info), authenticated, exchange);
  }

  public SessionSecurity withAuthenticated() {
    return new SessionSecurity(tls, true, Optional.empty());
  }

  public SessionSecurity withExchange(Optional<SaslExchange> next) {
    return new SessionSecurity(tls, authenticated, next);
  }

  public boolean secure() {
    return tls.isPresent();
  }
}
