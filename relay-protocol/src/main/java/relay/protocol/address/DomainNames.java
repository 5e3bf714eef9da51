package relay.protocol.address;

import com.ibm.icu.text.IDNA;
import java.util.Locale;
import java.util.Optional;

/**
 * The form of a domain that DNS and SMTP without SMTPUTF8 understand: lower-case A-labels
 * (RFC 5890). A domain written with U-labels (RFC 6531 lets SMTPUTF8 clients send them) is
 * converted with UTS #46 non-transitional processing, which is IDNA 2008 (RFC 5891) plus the
 * mapping browsers and mail clients apply (case folding, full-width digits); {@code ß} stays
 * {@code ß} (xn--...), as IDNA 2008 requires, where the JDK's IDNA 2003 would make it "ss" and
 * so another domain.
 *
 * <p>What cannot be converted (disallowed code points, bad bidi, a label over 63 octets or a name
 * over 253 once in A-labels, RFC 1035 2.3.4) has no DNS name, so mail to it could never be
 * routed: the session refuses such an address at RCPT (or MAIL) instead of queueing it.
 */
public final class DomainNames {

  /** Longest domain name in text form: 255 octets on the wire, RFC 1035 2.3.4 / RFC 5321. */
  public static final int MAX_NAME_OCTETS = 253;

  private static final IDNA UTS46 = IDNA.getUTS46Instance(IDNA.NONTRANSITIONAL_TO_ASCII
      | IDNA.NONTRANSITIONAL_TO_UNICODE | IDNA.CHECK_BIDI | IDNA.CHECK_CONTEXTJ
      | IDNA.USE_STD3_RULES);

  private DomainNames() {}

  /**
   * The A-label form of {@code domain}, lower-case, or empty when it has none. An address literal
   * ({@code [192.0.2.1]}) is returned as it is.
   */
  public static Optional<String> toAscii(String domain) {
    if (domain.startsWith("[")) {
      return Optional.of(domain);
    }
    String lower = domain.toLowerCase(Locale.ROOT);
    if (isPlainAscii(lower)) {
      return lower.length() <= MAX_NAME_OCTETS ? Optional.of(lower) : Optional.empty();
    }
    IDNA.Info info = new IDNA.Info();
    StringBuilder ascii = new StringBuilder(domain.length() + 16);
    UTS46.nameToASCII(domain, ascii, info);
    if (info.hasErrors() || ascii.length() == 0 || ascii.length() > MAX_NAME_OCTETS) {
      return Optional.empty();
    }
    return Optional.of(ascii.toString().toLowerCase(Locale.ROOT));
  }

  /**
   * The mailbox with its domain in A-label form, or empty when the domain has none or when the
   * path {@code <local@a-label-domain>} would be longer than the 256 octets a path may have (RFC
   * 5321 4.5.3.1.3): U-labels are shorter than their A-labels, so a path that fits as the client
   * wrote it can outgrow the limit once converted, and could then never be sent on (the outbound
   * client refuses such a path, and every attempt failed).
   */
  public static Optional<Mailbox> toAscii(Mailbox mailbox) {
    return toAscii(mailbox.domain()).map(d -> d.equals(mailbox.domain()) ? mailbox
        : new Mailbox(mailbox.localPart(), d))
        .filter(m -> MailboxParser.utf8Length("<" + m.address() + ">")
            <= MailboxParser.MAX_PATH_OCTETS);
  }

  /**
   * ASCII letters, digits, hyphens and dots with no label starting "xn--": nothing to convert
   * or to check beyond what the path parser already did. A-labels are checked by UTS #46 (an
   * "xn--" label that does not decode is not a domain).
   */
  private static boolean isPlainAscii(String lower) {
    for (int i = 0; i < lower.length(); i++) {
      if (lower.charAt(i) >= 0x80) {
        return false;
      }
    }
    return !lower.startsWith("xn--") && !lower.contains(".xn--");
  }
}
