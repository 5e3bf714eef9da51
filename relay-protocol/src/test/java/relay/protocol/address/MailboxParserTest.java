package relay.protocol.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MailboxParserTest {

  @ParameterizedTest(name = "{0} -> {1} @ {2}")
  @CsvSource(delimiter = '|', value = {
      "<user@example.com>                | user             | example.com",
      "<User.Name+tag@Example.COM>       | User.Name+tag    | Example.COM",
      "<a%b@example.com>                 | a%b              | example.com",
      "<a!b@example.com>                 | a!b              | example.com",
      "<x@relay.example%y.com>           | ''               | ''",
      "<@a.example,@b.example:joe@d.example> | joe          | d.example",
      "<@a.example:joe@d.example>        | joe              | d.example",
      "<\"john doe\"@example.com>        | \"john doe\"     | example.com",
      "<\"a\\\"b\"@example.com>          | \"a\\\"b\"       | example.com",
      "<\"\"@example.com>                | \"\"             | example.com",
      "<user@[192.0.2.1]>                | user             | [192.0.2.1]",
      "<user@[IPv6:2001:db8::1]>         | user             | [IPv6:2001:db8::1]",
      "<user@[IPv6:::ffff:192.0.2.1]>    | user             | [IPv6:::ffff:192.0.2.1]",
      "<user@[IPv6:1:2:3:4:5:6:7:8]>     | user             | [IPv6:1:2:3:4:5:6:7:8]",
      "<user@localhost>                  | user             | localhost",
      "<user@a-b.example>                | user             | a-b.example",
      "<postmaster@example.com>          | postmaster       | example.com",
  })
  void validForwardPaths(String path, String local, String domain) {
    ParsedPath parsed = MailboxParser.parseForwardPath(path, false);
    if (local.isEmpty()) {
      assertInstanceOf(ParsedPath.Invalid.class, parsed, path);
      return;
    }
    ParsedPath.Ok ok = assertInstanceOf(ParsedPath.Ok.class, parsed, path);
    assertEquals(new Mailbox(local, domain), ok.mailbox());
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @ValueSource(strings = {
      "", "user@example.com", "<user@example.com", "user@example.com>", "<<user@example.com>>",
      "<user@example.com>>", "<", ">", "<>", "<.user@example.com>", "<user.@example.com>",
      "<us..er@example.com>", "<user>", "<user@>", "<@example.com>", "<user@-example.com>",
      "<user@example-.com>", "<user@exa_mple.com>", "<user@example..com>", "<user@.example.com>",
      "<user@example.com.>", "<user name@example.com>", "<user@exam ple.com>",
      "<\"unterminated@example.com>", "<\"quoted\"x@example.com>", "<user@[192.0.2.256]>",
      "<user@[192.0.2]>", "<user@[IPv6:1::2::3]>", "<user@[IPv6:1:2:3:4:5:6:7]>",
      "<user@[IPv6:1:2:3:4:5:6:7::]>", "<user@[foo:bar]>", "<user@[1.2.3.4>", "<@a.example:>",
      "<@a.example,b.example:joe@d.example>", "<@:joe@d.example>", "<a@b@c.example>",
      "<us(er)@example.com>", "<user@exämple.com>", "<üser@example.com>", "<user@example.com >",
      " <user@example.com>", "<user\u0000@example.com>",
  })
  void invalidForwardPaths(String path) {
    assertInstanceOf(ParsedPath.Invalid.class, MailboxParser.parseForwardPath(path, false), path);
  }

  @Test
  void nullPathOnlyForMail() {
    assertInstanceOf(ParsedPath.NullPath.class, MailboxParser.parseReversePath("<>", false));
    assertInstanceOf(ParsedPath.Invalid.class, MailboxParser.parseForwardPath("<>", false));
  }

  @Test
  void bareParticipantPostmasterOnlyForRcpt() {
    assertInstanceOf(ParsedPath.Postmaster.class,
        MailboxParser.parseForwardPath("<postmaster>", false));
    assertInstanceOf(ParsedPath.Postmaster.class,
        MailboxParser.parseForwardPath("<PostMaster>", false));
    assertInstanceOf(ParsedPath.Invalid.class,
        MailboxParser.parseReversePath("<postmaster>", false));
  }

  @Test
  void utf8OnlyWithSmtputf8() {
    String path = "<üser@exämple.com>";
    assertInstanceOf(ParsedPath.Invalid.class, MailboxParser.parseForwardPath(path, false));
    ParsedPath.Ok ok = assertInstanceOf(ParsedPath.Ok.class,
        MailboxParser.parseForwardPath(path, true));
    assertEquals(new Mailbox("üser", "exämple.com"), ok.mailbox());
    assertInstanceOf(ParsedPath.Ok.class, MailboxParser.parseForwardPath("<用户@例子.广告>", true));
  }

  @Test
  void lengthLimits() {
    String local64 = "a".repeat(64);
    assertInstanceOf(ParsedPath.Ok.class,
        MailboxParser.parseForwardPath("<" + local64 + "@example.com>", false));
    assertInstanceOf(ParsedPath.Invalid.class,
        MailboxParser.parseForwardPath("<" + local64 + "a@example.com>", false));
    // 64 octets in UTF-8 is 32 two-octet characters
    assertInstanceOf(ParsedPath.Invalid.class,
        MailboxParser.parseForwardPath("<" + "é".repeat(33) + "@example.com>", true));
    String label63 = "b".repeat(63);
    assertInstanceOf(ParsedPath.Ok.class,
        MailboxParser.parseForwardPath("<a@" + label63 + ".example>", false));
    assertInstanceOf(ParsedPath.Invalid.class,
        MailboxParser.parseForwardPath("<a@" + label63 + "b.example>", false));
    String longDomain = (label63 + ".").repeat(4) + "com"; // 259 octets
    assertInstanceOf(ParsedPath.Invalid.class,
        MailboxParser.parseForwardPath("<a@" + longDomain + ">", false));
  }

  @Test
  void domainAndLiteralHelpers() {
    assertEquals(true, MailboxParser.isValidDomain("mail.example.com", false));
    assertEquals(false, MailboxParser.isValidDomain("mail..example.com", false));
    assertEquals(true, MailboxParser.isValidAddressLiteral("[127.0.0.1]"));
    assertEquals(false, MailboxParser.isValidAddressLiteral("127.0.0.1"));
  }

  @Test
  void neverThrowsOnRandomInput() {
    Random random = new Random(5321);
    char[] alphabet = "<>@.\"\\[]:,-_aZ09 %!é\u0000\r\n\uD83D\uDE00\uD800IPv6".toCharArray();
    for (int n = 0; n < 50_000; n++) {
      StringBuilder s = new StringBuilder();
      int length = random.nextInt(40);
      for (int i = 0; i < length; i++) {
        s.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x10000)
            : alphabet[random.nextInt(alphabet.length)]);
      }
      String path = s.toString();
      assertNotNull(MailboxParser.parseForwardPath(path, random.nextBoolean()));
      assertNotNull(MailboxParser.parseReversePath("<" + path + ">", random.nextBoolean()));
    }
  }
}
