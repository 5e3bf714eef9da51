package relay.protocol.command;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The ESMTP parameters of MAIL FROM (RFC 5321 4.1.2 Mail-parameters): SIZE (RFC 1870), BODY
 * (RFC 6152/3030), SMTPUTF8 (RFC 6531) and AUTH (RFC 4954 5, xtext as sent; the relay ignores
 * it), plus the keywords this server does not recognize, upper-cased, in the order given. Values
 * were checked for syntax by the parser.
 */
public record MailParameters(OptionalLong size, BodyType body, boolean smtputf8,
    Optional<String> auth, List<String> unrecognized) {

  public static final MailParameters NONE =
      new MailParameters(OptionalLong.empty(), BodyType.SEVEN_BIT, false, List.of());

  public MailParameters {
    Objects.requireNonNull(auth, "auth");
    unrecognized = List.copyOf(unrecognized);
  }

  /** Parameters without AUTH=. */
  public MailParameters(OptionalLong size, BodyType body, boolean smtputf8,
      List<String> unrecognized) {
    this(size, body, smtputf8, Optional.empty(), unrecognized);
  }

  /** Whether any parameter at all was given (they need EHLO, RFC 5321 4.1.1.11). */
  public boolean any() {
    return size.isPresent() || body != BodyType.SEVEN_BIT || smtputf8 || auth.isPresent()
        || !unrecognized.isEmpty();
  }
}
