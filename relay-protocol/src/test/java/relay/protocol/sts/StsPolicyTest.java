package relay.protocol.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** RFC 8461 3.1 (the TXT record), 3.2 (the policy text) and 4.1 (MX matching) as tables. */
class StsPolicyTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "v=STSv1; id=20160831085700Z;      | 20160831085700Z",
      "v=STSv1;id=abc                    | abc",
      "v=STSv1; id=abc; ext=1            | abc",
      "v=STSv1; id=abc def               | ",
      "v=STSv1; id=                      | ",
      "v=STSv1; id=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | ", // 33 characters
      "v=STSv2; id=abc                   | ",
      "id=abc; v=STSv1                   | ",
      "v=STSv1                           | ",
  })
  void records(String text, String id) {
    assertEquals(Optional.ofNullable(id).map(StsRecord::new), StsRecord.parse(text.strip()), text);
  }

  @Test
  void exactlyOneStsRecordOrNone() {
    assertEquals(Optional.of(new StsRecord("a1")), StsRecord.select(List.of("v=spf1 -all", "v=STSv1; id=a1;")));
    assertEquals(Optional.empty(), StsRecord.select(List.of("v=STSv1; id=a1;", "v=STSv1; id=a2;")));
    assertEquals(Optional.empty(), StsRecord.select(List.of()));
  }

  @Test
  void aPolicyWithItsModePatternsAndMaxAge() throws Exception {
    StsPolicy p = StsPolicy.parse("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.Example.NET.\r\n"
        + "max_age: 604800\r\nextension: ignored\r\n");
    assertEquals(StsPolicy.Mode.ENFORCE, p.mode());
    assertEquals(List.of("mail.example.com", "*.example.net"), p.mx());
    assertEquals(Duration.ofDays(7), p.maxAge());
    assertEquals(StsPolicy.Mode.TESTING, StsPolicy.parse("version: STSv1\nmode: testing\nmx: a.b\nmax_age: 1\n").mode());
    assertEquals(StsPolicy.Mode.NONE, StsPolicy.parse("version: STSv1\nmode: none\nmax_age: 1\n").mode());
    assertEquals(Duration.ofSeconds(StsPolicy.MAX_AGE_SECONDS),
        StsPolicy.parse("version: STSv1\nmode: enforce\nmx: a.b\nmax_age: 9999999999\n").maxAge(), "capped");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "mode: enforce\\nmx: a.b\\nmax_age: 1                     | version is not STSv1",
      "version: STSv2\\nmode: enforce\\nmx: a.b\\nmax_age: 1    | version is not STSv1",
      "version: STSv1\\nmode: strict\\nmx: a.b\\nmax_age: 1     | mode is not enforce, testing or none",
      "version: STSv1\\nmode: enforce\\nmx: a.b                 | max_age is missing or not a number",
      "version: STSv1\\nmode: enforce\\nmx: a.b\\nmax_age: -1   | max_age is missing or not a number",
      "version: STSv1\\nmode: enforce\\nmax_age: 1              | no mx",
      "version: STSv1\\nmode: enforce\\nmx: a..b\\nmax_age: 1   | an mx pattern is not a host name",
      "version: STSv1\\nmode: enforce\\nmx: *.*.b\\nmax_age: 1  | an mx pattern is not a host name",
      "<html>not a policy</html>                                | a line without a key",
  })
  void invalidPoliciesAreRefusedWithWhy(String body, String why) {
    StsPolicy.InvalidPolicyException e = assertThrows(StsPolicy.InvalidPolicyException.class,
        () -> StsPolicy.parse(body.strip().replace("\\n", "\n")));
    assertEquals(why, e.getMessage());
  }

  @Test
  void mxHostsMatchExactlyOrByOneLeftmostLabel() throws Exception {
    StsPolicy p = StsPolicy.parse("version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\n"
        + "max_age: 60\n");
    assertTrue(p.allows("mail.example.com"));
    assertTrue(p.allows("MAIL.Example.com."));
    assertTrue(p.allows("mx1.example.net"));
    assertFalse(p.allows("a.mx1.example.net"), "the wildcard is one label");
    assertFalse(p.allows("example.net"));
    assertFalse(p.allows("mail.example.com.evil.test"));
    assertFalse(p.allows("other.example.com"));
  }
}
