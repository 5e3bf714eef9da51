package relay.protocol.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Domains to their A-label form (RFC 5890/5891, UTS #46 non-transitional), or none. */
class DomainNamesTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "example.org           | example.org",
      "Example.ORG           | example.org",
      "exämple.org           | xn--exmple-cua.org",
      "EXÄMPLE.org           | xn--exmple-cua.org",
      "faß.de                | xn--fa-hia.de",
      "bücher.example        | xn--bcher-kva.example",
      "日本語.jp              | xn--wgv71a119e.jp",
      "xn--bcher-kva.example | xn--bcher-kva.example",
      "[192.0.2.1]           | [192.0.2.1]",
      "[IPv6:2001:db8::1]    | [IPv6:2001:db8::1]"})
  void convertible(String domain, String ascii) {
    assertEquals(Optional.of(ascii), DomainNames.toAscii(domain));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "xn--zz.example",           // an A-label that does not decode
      "a\u200Db.example",         // ZWJ outside the context IDNA 2008 allows (CONTEXTJ)
      "a\u05D0b1.example"})       // mixed right-to-left and left-to-right in one label (bidi)
  void notConvertible(String domain) {
    assertEquals(Optional.empty(), DomainNames.toAscii(domain), domain);
  }

  @Test
  void aMailboxWhosePathOutgrows256OctetsInALabelsHasNoForm() {
    String head = "e".repeat(63) + "." + "f".repeat(63) + "." + "g".repeat(63) + ".";
    // "\u00fc" + 50 letters: 52 octets as written, xn--<50 letters>-<3> = 58 in A-labels
    String unicode = head + "\u00fc" + "h".repeat(50);
    Mailbox written = new Mailbox("c", unicode);
    Optional<Mailbox> ascii = DomainNames.toAscii(written);
    assertTrue(ascii.isPresent(), "<c@...> of 254 octets in A-labels still fits");
    assertTrue(MailboxParser.utf8Length("<" + ascii.get().address() + ">") <= 256);
    String longer = head + "\u00fc" + "h".repeat(53);
    Optional<String> domain = DomainNames.toAscii(longer);
    assertTrue(domain.isPresent() && domain.get().length() <= 253, "the domain alone has a form");
    assertEquals(Optional.empty(), DomainNames.toAscii(new Mailbox("c", longer)),
        "but <c@" + domain.get() + "> is longer than 256 octets");
  }

  @Test
  void aLabelLongerThan63OctetsInItsALabelFormHasNoDnsForm() {
    StringBuilder label = new StringBuilder();
    for (char c = '\u4E00'; label.length() < 40; c += 97) {
      label.append(c);
    }
    assertEquals(Optional.empty(), DomainNames.toAscii(label + ".example"),
        "40 U-label characters whose A-label is over 63 octets");
  }

  @ParameterizedTest
  @CsvSource({"253, true", "254, false"})
  void aNameOver253OctetsHasNoDnsForm(int length, boolean valid) {
    StringBuilder name = new StringBuilder();
    for (char c = 'a'; c < 'd'; c++) {
      name.append(String.valueOf(c).repeat(63)).append('.');
    }
    name.append("d".repeat(length - name.length()));
    assertEquals(length, name.length());
    assertEquals(valid, DomainNames.toAscii(name.toString()).isPresent());
    if (valid) {
      String rest = name.substring(0, 251);
      assertTrue(DomainNames.toAscii("e." + rest).isPresent());
      assertFalse(DomainNames.toAscii("é." + rest).isPresent(),
          "253 characters, but 259 octets in A-label form (xn--9ca)");
    }
  }
}
