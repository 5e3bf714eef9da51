package relay.protocol.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandParserTest {

  private static SmtpCommand parse(String line) {
    return CommandParser.parse(line.getBytes(StandardCharsets.UTF_8));
  }

  private static SmtpCommand.Malformed malformed(Verb verb, MalformedReason reason) {
    return new SmtpCommand.Malformed(Optional.ofNullable(verb), reason);
  }

  @Test
  void simpleVerbsAnyCase() {
    assertEquals(new SmtpCommand.Ehlo("client.example"), parse("EHLO client.example"));
    assertEquals(new SmtpCommand.Ehlo("client.example"), parse("ehlo client.example"));
    assertEquals(new SmtpCommand.Helo("[192.0.2.1]"), parse("HeLo [192.0.2.1]"));
    assertEquals(new SmtpCommand.Data(), parse("data"));
    assertEquals(new SmtpCommand.Rset(), parse("RSET"));
    assertEquals(new SmtpCommand.Noop(), parse("NOOP"));
    assertEquals(new SmtpCommand.Noop(), parse("NOOP anything at all"));
    assertEquals(new SmtpCommand.Quit(), parse("quit"));
    assertEquals(new SmtpCommand.Quit(), parse("QUIT  "), "trailing blanks are ignored");
    assertEquals(new SmtpCommand.Help(Optional.empty()), parse("HELP"));
    assertEquals(new SmtpCommand.Help(Optional.of("MAIL")), parse("HELP MAIL"));
    assertEquals(new SmtpCommand.Vrfy("someone"), parse("VRFY someone"));
  }

  @Test
  void mailWithParameters() {
    assertEquals(new SmtpCommand.Mail("<a@b.example>", MailParameters.NONE),
        parse("MAIL FROM:<a@b.example>"));
    assertEquals(new SmtpCommand.Mail("<a@b.example>", MailParameters.NONE),
        parse("mail from: <a@b.example>"), "a space after the colon is tolerated");
    assertEquals(new SmtpCommand.Mail("<>", MailParameters.NONE), parse("MAIL FROM:<>"));
    assertEquals(new SmtpCommand.Mail("<a@b.example>", new MailParameters(OptionalLong.of(1000),
            BodyType.EIGHT_BIT_MIME, true, List.of())),
        parse("MAIL FROM:<a@b.example> SIZE=1000 body=8bitmime SMTPUTF8"));
    assertEquals(new SmtpCommand.Mail("<a@b.example>", new MailParameters(OptionalLong.empty(),
            BodyType.SEVEN_BIT, false, List.of("RET", "ENVID"))),
        parse("MAIL FROM:<a@b.example>  RET=HDRS ENVID=x"));
    assertEquals(new SmtpCommand.Mail("<a@b.example>", new MailParameters(OptionalLong.empty(),
            BodyType.BINARY_MIME, false, List.of())),
        parse("MAIL FROM:<a@b.example> BODY=BINARYMIME"));
    assertEquals(new SmtpCommand.Mail("<\"x y\"@b.example>", MailParameters.NONE),
        parse("MAIL FROM:<\"x y\"@b.example>"), "a quoted space stays in the path");
    assertEquals(new SmtpCommand.Mail("<a b@c>", MailParameters.NONE),
        parse("MAIL FROM:<a b@c>"), "the path runs to '>' so the parser reports the bad path");
    assertEquals(new SmtpCommand.Mail("<a@b>x", MailParameters.NONE), parse("MAIL FROM:<a@b>x"));
    assertEquals(new SmtpCommand.Mail("a@b", MailParameters.NONE), parse("MAIL FROM:a@b"));
    assertEquals(new SmtpCommand.Mail("", MailParameters.NONE), parse("MAIL FROM:"));
    assertEquals(new SmtpCommand.Mail("<a@b", MailParameters.NONE), parse("MAIL FROM:<a@b"));
    assertEquals(new SmtpCommand.Mail("<a@b>", new MailParameters(OptionalLong.of(Long.MAX_VALUE),
            BodyType.SEVEN_BIT, false, List.of())),
        parse("MAIL FROM:<a@b> SIZE=99999999999999999999"), "a huge SIZE saturates");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', value = {
      "MAIL <a@b>                       | MAIL | SYNTAX",
      "MAIL TO:<a@b>                    | MAIL | SYNTAX",
      "MAIL FROM:<a@b> SIZE=abc         | MAIL | PARAMETER_SYNTAX",
      "MAIL FROM:<a@b> SIZE             | MAIL | PARAMETER_SYNTAX",
      "MAIL FROM:<a@b> SIZE=1 SIZE=2    | MAIL | PARAMETER_SYNTAX",
      "MAIL FROM:<a@b> BODY=9BIT        | MAIL | PARAMETER_SYNTAX",
      "MAIL FROM:<a@b> SMTPUTF8=yes     | MAIL | PARAMETER_SYNTAX",
      "MAIL FROM:<a@b> =x               | MAIL | PARAMETER_SYNTAX",
      "MAIL FROM:<a@b> -X=1             | MAIL | PARAMETER_SYNTAX",
      "MAIL FROM:<a@b> X=               | MAIL | PARAMETER_SYNTAX",
      "MAIL FROM:<a@b> X=a=b            | MAIL | PARAMETER_SYNTAX",
      "RCPT <a@b>                       | RCPT | SYNTAX",
      "RCPT TO:<a@b> X_Y=1              | RCPT | PARAMETER_SYNTAX",
      "DATA now                         | DATA | SYNTAX",
      "EHLO                             | EHLO | SYNTAX",
      "HELO                             | HELO | SYNTAX",
      "RSET now                         | RSET | SYNTAX",
      "QUIT now                         | QUIT | SYNTAX",
      "VRFY                             | VRFY | SYNTAX",
  })
  void malformedArguments(String line, Verb verb, MalformedReason reason) {
    assertEquals(malformed(verb, reason), parse(line));
  }

  @Test
  void rcptAndBdat() {
    assertEquals(new SmtpCommand.Rcpt("<x@y.example>", RcptParameters.NONE),
        parse("RCPT TO:<x@y.example>"));
    assertEquals(new SmtpCommand.Rcpt("<x@y.example>", new RcptParameters(List.of("NOTIFY"))),
        parse("rcpt to:<x@y.example> notify=NEVER"));
    assertEquals(new SmtpCommand.Bdat(0, true), parse("BDAT 0 LAST"));
    assertEquals(new SmtpCommand.Bdat(1000, false), parse("bdat 1000"));
    assertEquals(new SmtpCommand.Bdat(7, true), parse("BDAT 7 last"));
  }

  /**
   * A BDAT line with bad arguments keeps its size when the size can be read, so that the
   * session consumes the chunk instead of reading its octets as commands.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "BDAT                          | -1",
      "BDAT x                        | -1",
      "BDAT -1                       | -1",
      "BDAT 1234567890123456789      | -1",
      "BDAT 99999999999999999999999  | -1",
      "BDAT 1.5 LAST                 | -1",
      "BDAT 10 FIRST                 | 10",
      "BDAT 10 LAST more             | 10",
      "BDAT 10 LAST LAST             | 10",
      "BDAT 123456789012345678 x     | 123456789012345678"})
  void badBdatKeepsAReadableSize(String line, long size) {
    assertEquals(new SmtpCommand.BadBdat(size < 0 ? OptionalLong.empty() : OptionalLong.of(size)),
        parse(line));
    assertEquals(Optional.of(Verb.BDAT), parse(line).knownVerb());
  }

  @Test
  void unknownVerbs() {
    assertEquals(new SmtpCommand.Unknown("FOO", false), parse("foo bar"));
    assertEquals(new SmtpCommand.Unknown("", false), parse(""));
    assertEquals(new SmtpCommand.Unknown("EXPN", true), parse("EXPN list"));
    assertEquals(new SmtpCommand.Unknown("STARTTLSX", false), parse("STARTTLSX"));
    assertEquals(new SmtpCommand.Unknown("MAILX", false), parse("MAILX FROM:<a@b>"));
    assertEquals(new SmtpCommand.Unknown("GET", false), parse("GET / HTTP/1.1"));
    assertEquals(16, ((SmtpCommand.Unknown) parse("X".repeat(400))).verb().length(),
        "an echoed verb is cut short");
  }

  @Test
  void startTlsAndAuth() {
    assertEquals(new SmtpCommand.StartTls(), parse("STARTTLS"));
    assertEquals(new SmtpCommand.StartTls(), parse("starttls "));
    assertEquals(malformed(Verb.STARTTLS, MalformedReason.SYNTAX), parse("STARTTLS now"));
    assertEquals(new SmtpCommand.Auth("PLAIN", Optional.empty()), parse("AUTH PLAIN"));
    assertEquals(new SmtpCommand.Auth("LOGIN", Optional.of("dXNlcg==")),
        parse("auth login dXNlcg=="));
    assertEquals(new SmtpCommand.Auth("PLAIN", Optional.of("=")), parse("AUTH plain ="));
    assertEquals(new SmtpCommand.Auth("SCRAM-SHA-256", Optional.empty()),
        parse("AUTH SCRAM-SHA-256"));
    assertEquals(malformed(Verb.AUTH, MalformedReason.SYNTAX), parse("AUTH"));
    assertEquals(malformed(Verb.AUTH, MalformedReason.SYNTAX), parse("AUTH PLAIN a b"));
    assertEquals(malformed(Verb.AUTH, MalformedReason.SYNTAX), parse("AUTH PL@IN"));
    assertEquals(malformed(Verb.AUTH, MalformedReason.SYNTAX), parse("AUTH " + "X".repeat(21)));
    assertEquals(malformed(Verb.AUTH, MalformedReason.SYNTAX), parse("AUTH  PLAIN"));
    assertEquals("Auth[PLAIN ****]", parse("AUTH PLAIN AHVzZXIAc2VjcmV0").toString(),
        "the initial response may hold a password and never shows");
  }

  @Test
  void mailAuthParameterIsXtext() {
    assertEquals(Optional.of("<>"), mailParams("MAIL FROM:<a@b.example> AUTH=<>").auth());
    assertEquals(Optional.of("e+3Dmc2@example.com"),
        mailParams("MAIL FROM:<a@b.example> AUTH=e+3Dmc2@example.com").auth());
    for (String bad : List.of("AUTH", "AUTH=a+3", "AUTH=a+3d", "AUTH=a AUTH=b", "AUTH=a+ZZb")) {
      assertEquals(malformed(Verb.MAIL, MalformedReason.PARAMETER_SYNTAX),
          parse("MAIL FROM:<a@b.example> " + bad), bad);
    }
  }

  private static MailParameters mailParams(String line) {
    return assertInstanceOf(SmtpCommand.Mail.class, parse(line)).params();
  }

  @Test
  void nulBareCrAndInvalidUtf8() {
    assertEquals(malformed(null, MalformedReason.NUL_BYTE), parse("MAIL FROM:<a\u0000@b>"));
    assertEquals(malformed(null, MalformedReason.NUL_BYTE), parse("\u0000"));
    assertEquals(malformed(null, MalformedReason.BARE_CR), parse("NOOP\rRSET"));
    assertEquals(malformed(null, MalformedReason.INVALID_UTF8),
        CommandParser.parse(new byte[] {'R', 'C', 'P', 'T', ' ', (byte) 0xC3, (byte) 0x28}));
    assertInstanceOf(SmtpCommand.Rcpt.class, parse("RCPT TO:<ü@exämple.com>"),
        "valid UTF-8 is decoded; the session decides whether it is allowed");
  }

  @Test
  void neverThrowsOnRandomBytes() {
    Random random = new Random(2920);
    String alphabet = "<>@:= .\"\\SIZEBODYLAST0123";
    byte[][] seeds = {"MAIL FROM:<".getBytes(StandardCharsets.US_ASCII),
        "RCPT TO:".getBytes(StandardCharsets.US_ASCII), "BDAT ".getBytes(StandardCharsets.US_ASCII),
        "EHLO ".getBytes(StandardCharsets.US_ASCII), new byte[0]};
    for (int n = 0; n < 50_000; n++) {
      byte[] seed = seeds[random.nextInt(seeds.length)];
      byte[] line = new byte[seed.length + random.nextInt(60)];
      System.arraycopy(seed, 0, line, 0, seed.length);
      for (int i = seed.length; i < line.length; i++) {
        line[i] = random.nextInt(3) == 0 ? (byte) random.nextInt(256)
            : (byte) alphabet.charAt(random.nextInt(alphabet.length()));
      }
      assertNotNull(CommandParser.parse(line));
    }
    assertInstanceOf(SmtpCommand.Malformed.class, CommandParser.parse(null));
  }
}
