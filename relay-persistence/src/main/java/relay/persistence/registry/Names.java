package relay.persistence.registry;

import java.util.Locale;
import java.util.Optional;
import relay.protocol.address.DomainNames;
import relay.protocol.address.Mailbox;
import relay.protocol.address.MailboxParser;
import relay.protocol.address.ParsedPath;

/**
 * The canonical forms of the registry's mail names, as the SMTP checks compare them: domains in
 * lower-case A-labels (RFC 5890; "Bücher.example" is "xn--bcher-kva.example"), mailboxes as
 * RFC 5321 addresses with that domain. The lookups at MAIL and RCPT must use the same functions
 * ({@link #domain}, {@link #mailbox}) on what the client sent.
 */
public final class Names {

  /** Longest free text the registry keeps (client name, block reason, actor). */
  static final int MAX_TEXT = 500;

  private Names() {}

  /** The canonical domain, or a message naming {@code field}. */
  public static String domain(String field, String domain) {
    return tryDomain(domain).orElseThrow(() -> new IllegalArgumentException(field + ": "
        + (domain == null || domain.isBlank() ? "a domain is required"
            : "\"" + domain + "\" is not a domain name")));
  }

  /** The canonical domain, or empty when {@code domain} is not a domain name. */
  public static Optional<String> tryDomain(String domain) {
    if (domain == null) {
      return Optional.empty();
    }
    String d = domain.strip();
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    if (d.isEmpty() || !MailboxParser.isValidDomain(d, true)) {
      return Optional.empty();
    }
    return DomainNames.toAscii(d);
  }

  /**
   * The canonical mailbox {@code local@domain} with the domain in A-labels; with {@code
   * foldLocalPart} the local part is lower-cased too (block values: "Bob@X" and "bob@x" are one
   * sender for an operator), else kept as written (RFC 5321 2.4: contacts are delivered to).
   */
  public static String mailbox(String field, String address, boolean foldLocalPart) {
    return tryMailbox(address, foldLocalPart).orElseThrow(() -> new IllegalArgumentException(
        field + ": " + (address == null || address.isBlank() ? "an email address is required"
            : "\"" + address + "\" is not an email address")));
  }

  /** The canonical mailbox, or empty when {@code address} is not one. */
  public static Optional<String> tryMailbox(String address, boolean foldLocalPart) {
    if (address == null || address.isBlank()) {
      return Optional.empty();
    }
    String a = address.strip();
    if (a.startsWith("<") && a.endsWith(">")) {
      a = a.substring(1, a.length() - 1);
    }
    if (!(MailboxParser.parseForwardPath("<" + a + ">", true) instanceof ParsedPath.Ok ok)) {
      return Optional.empty();
    }
    Optional<Mailbox> ascii = DomainNames.toAscii(ok.mailbox());
    return ascii.map(m -> foldLocalPart ? m.address().toLowerCase(Locale.ROOT) : m.address());
  }

  /**
   * Free text (a name, a reason, an actor): stripped, required, at most {@value #MAX_TEXT}
   * characters, no control characters (it may end up in an SMTP reply or a log line).
   */
  static String text(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + ": required");
    }
    String s = value.strip();
    if (s.length() > MAX_TEXT) {
      throw new IllegalArgumentException(field + ": longer than " + MAX_TEXT + " characters");
    }
    if (s.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(field + ": contains a control character");
    }
    return s;
  }

  /**
   * A text as the audit log keeps it (an actor, a recorded action): stripped, control characters
   * replaced by '?', at most {@value #MAX_TEXT} characters; never refused.
   */
  static String auditText(String value) {
    String s = value == null ? "" : value.strip().replaceAll("\\p{Cntrl}", "?");
    return s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) : s;
  }

  /** Who asked, as the audit log keeps it ({@link #auditText}); "unknown" when empty. */
  static String auditActor(String actor) {
    String s = auditText(actor);
    return s.isEmpty() ? "unknown" : s;
  }
}
