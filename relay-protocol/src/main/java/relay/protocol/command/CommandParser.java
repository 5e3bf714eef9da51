package relay.protocol.command;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Turns one command line (without its CRLF) into an {@link SmtpCommand} (RFC 5321 4.1.1, RFC 1870,
 * RFC 3030, RFC 6152, RFC 6531). Never throws, whatever the bytes.
 *
 * <p>Leniency, on purpose and documented: verbs are case-insensitive (RFC 5321 2.4), trailing
 * spaces and tabs are ignored, spaces are allowed after {@code FROM:} / {@code TO:} (a common
 * client habit), and several spaces may separate ESMTP parameters. Strictness: a NUL or a bare CR
 * anywhere makes the line {@link SmtpCommand.Malformed}, as do octets that are not UTF-8.
 */
public final class CommandParser {

  /** Real SMTP verbs this server does not implement: 502 rather than 500. */
  private static final Set<String> UNIMPLEMENTED_VERBS =
      Set.of("EXPN", "TURN", "ETRN", "ATRN", "SEND", "SOML", "SAML");

  private static final int MAX_ECHOED_VERB = 16;
  private static final int MAX_BDAT_DIGITS = 18; // keeps the size inside a long

  private CommandParser() {}

  public static SmtpCommand parse(byte[] line) {
    if (line == null) {
      return malformed(null, MalformedReason.SYNTAX);
    }
    boolean ascii = true;
    for (byte b : line) {
      if (b == 0) {
        return malformed(null, MalformedReason.NUL_BYTE);
      }
      if (b == '\r') {
        return malformed(null, MalformedReason.BARE_CR);
      }
      if (b < 0) {
        ascii = false;
      }
    }
    String text;
    if (ascii) {
      text = new String(line, StandardCharsets.ISO_8859_1);
    } else {
      Optional<String> decoded = decodeUtf8(line);
      if (decoded.isEmpty()) {
        return malformed(null, MalformedReason.INVALID_UTF8);
      }
      text = decoded.get();
    }
    return parse(trimTrailingBlanks(text));
  }

  private static SmtpCommand parse(String text) {
    int space = text.indexOf(' ');
    String verbText = space < 0 ? text : text.substring(0, space);
    String argument = space < 0 ? "" : text.substring(space + 1);
    Verb verb = verbOf(verbText);
    if (verb == null) {
      String upper = verbText.length() > MAX_ECHOED_VERB
          ? verbText.substring(0, MAX_ECHOED_VERB) : verbText;
      upper = upper.toUpperCase(Locale.ROOT);
      return new SmtpCommand.Unknown(upper, UNIMPLEMENTED_VERBS.contains(upper));
    }
    switch (verb) {
      case EHLO:
      case HELO:
        return helo(verb, argument);
      case MAIL:
        return mail(argument);
      case RCPT:
        return rcpt(argument);
      case DATA:
        return argument.isEmpty() ? new SmtpCommand.Data() : malformed(verb, MalformedReason.SYNTAX);
      case BDAT:
        return bdat(argument);
      case RSET:
        return argument.isEmpty() ? new SmtpCommand.Rset() : malformed(verb, MalformedReason.SYNTAX);
      case QUIT:
        return argument.isEmpty() ? new SmtpCommand.Quit() : malformed(verb, MalformedReason.SYNTAX);
      case NOOP:
        return new SmtpCommand.Noop();
      case HELP:
        return new SmtpCommand.Help(
            argument.isBlank() ? Optional.empty() : Optional.of(argument.strip()));
      case VRFY:
        return argument.isBlank() ? malformed(verb, MalformedReason.SYNTAX)
            : new SmtpCommand.Vrfy(argument.strip());
      case STARTTLS:
        return argument.isEmpty() ? new SmtpCommand.StartTls()
            : malformed(verb, MalformedReason.SYNTAX);
      case AUTH:
        return auth(argument);
      default:
        return malformed(verb, MalformedReason.SYNTAX);
    }
  }

  private static Verb verbOf(String token) {
    if (token.length() != 4 && token.length() != 8) {
      return null;
    }
    for (Verb v : Verb.values()) {
      if (v.name().length() == token.length() && v.name().equalsIgnoreCase(token)) {
        return v;
      }
    }
    return null;
  }

  private static SmtpCommand helo(Verb verb, String argument) {
    String domain = argument.strip();
    int space = indexOfBlank(domain);
    if (space >= 0) {
      domain = domain.substring(0, space); // extra words after the domain are ignored
    }
    if (domain.isEmpty()) {
      return malformed(verb, MalformedReason.SYNTAX);
    }
    return verb == Verb.EHLO ? new SmtpCommand.Ehlo(domain) : new SmtpCommand.Helo(domain);
  }

  private static SmtpCommand mail(String argument) {
    if (!argument.regionMatches(true, 0, "FROM:", 0, 5)) {
      return malformed(Verb.MAIL, MalformedReason.SYNTAX);
    }
    PathAndParameters split = splitPath(argument.substring(5));
    if (split == null) {
      return malformed(Verb.MAIL, MalformedReason.PARAMETER_SYNTAX);
    }
    OptionalLong size = OptionalLong.empty();
    BodyType body = null;
    boolean smtputf8 = false;
    Optional<String> auth = Optional.empty();
    List<String> unrecognized = new ArrayList<>();
    for (Parameter p : split.parameters()) {
      switch (p.keyword()) {
        case "SIZE":
          if (size.isPresent() || p.value() == null) {
            return malformed(Verb.MAIL, MalformedReason.PARAMETER_SYNTAX);
          }
          long value = parseSize(p.value());
          if (value < 0) {
            return malformed(Verb.MAIL, MalformedReason.PARAMETER_SYNTAX);
          }
          size = OptionalLong.of(value);
          break;
        case "BODY":
          if (body != null || p.value() == null) {
            return malformed(Verb.MAIL, MalformedReason.PARAMETER_SYNTAX);
          }
          body = bodyType(p.value());
          if (body == null) {
            return malformed(Verb.MAIL, MalformedReason.PARAMETER_SYNTAX);
          }
          break;
        case "SMTPUTF8":
          if (smtputf8 || p.value() != null) {
            return malformed(Verb.MAIL, MalformedReason.PARAMETER_SYNTAX);
          }
          smtputf8 = true;
          break;
        case "AUTH":
          // RFC 4954 5: AUTH=<mailbox as xtext> or AUTH=<>; parsed, then ignored
          if (auth.isPresent() || p.value() == null || !isAuthValue(p.value())) {
            return malformed(Verb.MAIL, MalformedReason.PARAMETER_SYNTAX);
          }
          auth = Optional.of(p.value());
          break;
        default:
          unrecognized.add(p.keyword());
      }
    }
    return new SmtpCommand.Mail(split.path(), new MailParameters(size,
        body == null ? BodyType.SEVEN_BIT : body, smtputf8, auth, unrecognized));
  }

  private static SmtpCommand rcpt(String argument) {
    if (!argument.regionMatches(true, 0, "TO:", 0, 3)) {
      return malformed(Verb.RCPT, MalformedReason.SYNTAX);
    }
    PathAndParameters split = splitPath(argument.substring(3));
    if (split == null) {
      return malformed(Verb.RCPT, MalformedReason.PARAMETER_SYNTAX);
    }
    List<String> keywords = new ArrayList<>(split.parameters().size());
    for (Parameter p : split.parameters()) {
      keywords.add(p.keyword());
    }
    return new SmtpCommand.Rcpt(split.path(), new RcptParameters(keywords));
  }

  /**
   * BDAT chunk-size [LAST]. A size of more than 18 digits is unreadable (it would not fit a long,
   * and no sane chunk is that large); with a readable size but bad further tokens the chunk's
   * octets still follow, so the size is kept for the session to consume them.
   */
  private static SmtpCommand bdat(String argument) {
    String[] words = argument.split(" ", -1);
    String digits = words[0];
    if (digits.isEmpty() || digits.length() > MAX_BDAT_DIGITS || !allDigits(digits)) {
      return new SmtpCommand.BadBdat(OptionalLong.empty());
    }
    long size = Long.parseLong(digits);
    if (words.length == 1) {
      return new SmtpCommand.Bdat(size, false);
    }
    if (words.length == 2 && words[1].equalsIgnoreCase("LAST")) {
      return new SmtpCommand.Bdat(size, true);
    }
    return new SmtpCommand.BadBdat(OptionalLong.of(size));
  }

  /**
   * AUTH mechanism [initial-response] (RFC 4954 4): a SASL mechanism name (RFC 4422 3.1: 1 to 20
   * of A-Z, 0-9, '-', '_'; matched case-insensitively) and at most one more word, kept as sent.
   */
  private static SmtpCommand auth(String argument) {
    String[] words = argument.split(" ", -1);
    if (words.length > 2 || !isMechanism(words[0])
        || (words.length == 2 && words[1].isEmpty())) {
      return malformed(Verb.AUTH, MalformedReason.SYNTAX);
    }
    return new SmtpCommand.Auth(words[0].toUpperCase(Locale.ROOT),
        words.length == 2 ? Optional.of(words[1]) : Optional.empty());
  }

  private static boolean isMechanism(String word) {
    if (word.isEmpty() || word.length() > 20) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      char c = word.charAt(i);
      if (!isAlnum(c) && c != '-' && c != '_') {
        return false;
      }
    }
    return true;
  }

  // ---- path and parameters -------------------------------------------------------------------

  private record Parameter(String keyword, String value) {}

  private record PathAndParameters(String path, List<Parameter> parameters) {}

  /**
   * Splits {@code <path> SP param SP param} after the colon. A path that starts with '<' runs to
   * the first '>' outside a quoted string, then to the next space, so that a stray character
   * after '>' stays in the path and makes it invalid rather than becoming a parameter.
   * Returns null when a parameter is not KEY[=VALUE].
   */
  private static PathAndParameters splitPath(String rest) {
    int i = 0;
    while (i < rest.length() && rest.charAt(i) == ' ') {
      i++;
    }
    int start = i;
    if (i < rest.length() && rest.charAt(i) == '<') {
      boolean quoted = false;
      for (i = i + 1; i < rest.length(); i++) {
        char c = rest.charAt(i);
        if (quoted && c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = !quoted;
        } else if (c == '>' && !quoted) {
          i++;
          break;
        }
      }
      i = Math.min(i, rest.length());
    }
    while (i < rest.length() && rest.charAt(i) != ' ') {
      i++;
    }
    String path = rest.substring(start, i);
    List<Parameter> parameters = new ArrayList<>();
    for (String word : rest.substring(i).split(" ")) {
      if (word.isEmpty()) {
        continue;
      }
      Parameter p = parameter(word);
      if (p == null) {
        return null;
      }
      parameters.add(p);
    }
    return new PathAndParameters(path, parameters);
  }

  /** esmtp-param = esmtp-keyword ["=" esmtp-value] (RFC 5321 4.1.2, RFC 6531 3.3). */
  private static Parameter parameter(String word) {
    int eq = word.indexOf('=');
    String keyword = eq < 0 ? word : word.substring(0, eq);
    if (keyword.isEmpty() || !isAlnum(keyword.charAt(0))) {
      return null;
    }
    for (int i = 1; i < keyword.length(); i++) {
      char c = keyword.charAt(i);
      if (!isAlnum(c) && c != '-') {
        return null;
      }
    }
    if (eq < 0) {
      return new Parameter(keyword.toUpperCase(Locale.ROOT), null);
    }
    String value = word.substring(eq + 1);
    if (value.isEmpty()) {
      return null;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok = (c >= 33 && c <= 126 && c != '=') || c >= 0xa0;
      if (!ok) {
        return null;
      }
    }
    return new Parameter(keyword.toUpperCase(Locale.ROOT), value);
  }

  /**
   * The value of MAIL's AUTH= (RFC 4954 5): "&lt;&gt;" or xtext (RFC 3461 4: printable ASCII
   * but '+' and '=', and "+" followed by two upper-case hex digits).
   */
  private static boolean isAuthValue(String value) {
    if (value.equals("<>")) {
      return true;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '+') {
        if (i + 2 >= value.length() || !isUpperHex(value.charAt(i + 1))
            || !isUpperHex(value.charAt(i + 2))) {
          return false;
        }
        i += 2;
      } else if (c < 33 || c > 126 || c == '=') {
        return false;
      }
    }
    return true;
  }

  private static boolean isUpperHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
  }

  /** SIZE value: 1*20DIGIT (RFC 1870); a value beyond a long saturates. -1 when malformed. */
  private static long parseSize(String value) {
    if (value.length() > 20 || !allDigits(value)) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < value.length(); i++) {
      int digit = value.charAt(i) - '0';
      if (n > (Long.MAX_VALUE - digit) / 10) {
        return Long.MAX_VALUE;
      }
      n = n * 10 + digit;
    }
    return n;
  }

  private static BodyType bodyType(String value) {
    if (value.equalsIgnoreCase("7BIT")) {
      return BodyType.SEVEN_BIT;
    }
    if (value.equalsIgnoreCase("8BITMIME")) {
      return BodyType.EIGHT_BIT_MIME;
    }
    if (value.equalsIgnoreCase("BINARYMIME")) {
      return BodyType.BINARY_MIME;
    }
    return null;
  }

  // ---- small helpers -------------------------------------------------------------------------

  private static Optional<String> decodeUtf8(byte[] line) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer chars = decoder.decode(ByteBuffer.wrap(line));
      return Optional.of(chars.toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  private static String trimTrailingBlanks(String s) {
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
      end--;
    }
    return s.substring(0, end);
  }

  private static int indexOfBlank(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == ' ' || s.charAt(i) == '\t') {
        return i;
      }
    }
    return -1;
  }

  private static boolean allDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return !s.isEmpty();
  }

  private static boolean isAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static SmtpCommand malformed(Verb verb, MalformedReason reason) {
    return new SmtpCommand.Malformed(Optional.ofNullable(verb), reason);
  }
}
