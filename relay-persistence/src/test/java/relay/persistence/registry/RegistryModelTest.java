package relay.persistence.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Validation tables of the registry's model: each good value's canonical form, each message. */
class RegistryModelTest {

  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  static ClientRecord client(String id, List<ClientAddress> addresses) {
    return new ClientRecord(ClientId.of(id), "Client " + id, List.of("ops@" + id + ".example"),
        addresses, List.of(), ClientLimits.DEFAULTS, ClientState.ACTIVE, Optional.empty(),
        ClientOrigin.API);
  }

  static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "192.0.2.10|192.0.2.10",
      " 192.0.2.10 |192.0.2.10",
      "0.0.0.0|0.0.0.0",
      "2001:DB8::10|2001:db8::10",
      "2001:db8:0:0:0:0:0:10|2001:db8::10",
      "2001:0db8:0000:0001:0000:0000:0000:0001|2001:db8:0:1::1",
      "2001:db8:0:1:1:1:1:1|2001:db8:0:1:1:1:1:1",
      "::1|::1",
      "::|::",
      "fe80:0:0:1::|fe80:0:0:1::",
      "::ffff:192.0.2.7|192.0.2.7",
  })
  void goodAddresses(String given, String canonical) {
    assertEquals(canonical, new ClientAddress(given, AddressRole.PRODUCTION).ip());
    assertEquals(Optional.of(canonical), IpAddresses.tryCanonical(given));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "10.0.0.0/8|ip: 10.0.0.0/8 is a range; register single addresses",
      "2001:db8::/32|ip: 2001:db8::/32 is a range; register single addresses",
      "10.0.0.1-10.0.0.9|ip: 10.0.0.1-10.0.0.9 is a range; register single addresses",
      "10.0.0.*|ip: 10.0.0.* is a range; register single addresses",
      "mail.example.com|ip: \"mail.example.com\" is a host name, not an IP address; register"
          + " single IP addresses",
      "localhost|ip: \"localhost\" is a host name, not an IP address; register single IP"
          + " addresses",
      "256.1.1.1|ip: \"256.1.1.1\" is not a valid IPv4 or IPv6 address",
      "010.0.0.1|ip: \"010.0.0.1\" is not a valid IPv4 or IPv6 address",
      "1.2.3|ip: \"1.2.3\" is not a valid IPv4 or IPv6 address",
      "2001:db8::1::2|ip: \"2001:db8::1::2\" is not a valid IPv4 or IPv6 address",
      "fe80::1%eth0|ip: \"fe80::1%eth0\" is not a valid IPv4 or IPv6 address",
      "''|ip: an IP address is required",
  })
  void badAddresses(String given, String expected) {
    assertEquals(expected, message(() -> new ClientAddress(given, AddressRole.TEST)));
    assertEquals(Optional.empty(), IpAddresses.tryCanonical(given));
  }

  @Test
  void addressNeedsARole() {
    assertEquals("role: missing for 192.0.2.1; one of production, standby, test",
        message(() -> new ClientAddress("192.0.2.1", null)));
    assertEquals("role: \"prod\" is not one of production, standby, test",
        message(() -> AddressRole.fromWire("prod")));
    assertEquals(AddressRole.STANDBY, AddressRole.fromWire("Standby"));
  }

  @ParameterizedTest
  @CsvSource({"a", "billing-app", "0", "a-", "abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefgh"})
  void goodClientIds(String id) {
    assertEquals(id, ClientId.of(id).value());
  }

  @ParameterizedTest
  @CsvSource({"-a", "Billing", "billing_app", "a b", "''",
      "abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghi"})
  void badClientIds(String id) {
    assertEquals("id: \"" + id + "\" is not a client id: 1 to 63 lower-case letters, digits or"
        + " '-', starting with a letter or digit", message(() -> ClientId.of(id)));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"Billing App (EU)|billing-app-eu", "  copier 3 |copier-3",
      "Ärzte-Kasse|rzte-kasse", "A__B|a-b"})
  void slugsOfConfiguredNames(String name, String slug) {
    assertEquals(slug, ClientId.slugOf(name).value());
  }

  @Test
  void slugOfANameWithoutLettersIsRefused() {
    assertEquals("name: \"***\" has no letter or digit to make a client id of",
        message(() -> ClientId.slugOf("***")));
    assertEquals(63, ClientId.slugOf("x".repeat(100)).value().length());
  }

  @Test
  void limitsAreCheckedWithTheirKey() {
    assertEquals("limits.max-sessions = 0 is outside 1 .. 1000000",
        message(() -> new ClientLimits(Optional.of(0), null, null, null, null)));
    assertEquals("limits.max-recipients-per-message = 100001 is outside 1 .. 100000",
        message(() -> new ClientLimits(null, Optional.of(100_001), null, null, null)));
    assertEquals("limits.max-message-size = 0 is outside 1 .. 10737418240",
        message(() -> new ClientLimits(null, null, Optional.of(0L), null, null)));
    assertEquals("limits.recipients-per-hour = -1 is outside 1 .. 1000000000",
        message(() -> new ClientLimits(null, null, null, Optional.of(-1), null)));
    assertEquals("limits.recipients-per-day = 0 is outside 1 .. 1000000000",
        message(() -> new ClientLimits(null, null, null, null, Optional.of(0))));
    ClientLimits none = new ClientLimits(null, null, null, null, null);
    assertEquals(ClientLimits.DEFAULTS, none);
    assertEquals(Optional.of(5), ClientLimits.maxSessions(5).maxSessions());
  }

  @Test
  void testWindowMustBeOrdered() {
    assertEquals("testWindow: from 2026-12-01T10:00:00Z is not before until"
        + " 2026-12-01T10:00:00Z", message(() -> new TestWindow(T0, T0)));
    assertEquals("testWindow: both from and until are required",
        message(() -> new TestWindow(T0, null)));
    TestWindow w = new TestWindow(T0, T0.plusSeconds(60));
    assertTrue(w.contains(T0));
    assertFalse(w.contains(T0.plusSeconds(60)));
    assertFalse(w.contains(T0.minusMillis(1)));
  }

  @Test
  void clientRecordIsNormalised() {
    ClientRecord c = new ClientRecord(ClientId.of("shop"), "  Shop  ",
        List.of("Ops@Shop.EXAMPLE", "ops@shop.example", "<team@bücher.example>"),
        List.of(new ClientAddress("2001:DB8::1", AddressRole.PRODUCTION)),
        List.of("Shop.Example.", "bücher.example", "shop.example"), null, ClientState.ACTIVE,
        null, ClientOrigin.API);
    assertEquals("Shop", c.name());
    assertEquals(List.of("Ops@shop.example", "team@xn--bcher-kva.example"), c.contacts());
    assertEquals(List.of("shop.example", "xn--bcher-kva.example"), c.senderDomains());
    assertEquals(ClientLimits.DEFAULTS, c.limits());
    assertEquals(Optional.empty(), c.testWindow());
    assertTrue(c.address("2001:db8::1").isPresent());
    assertTrue(c.allowsSenderDomain("shop.example"));
    assertFalse(c.allowsSenderDomain("other.example"));
    assertTrue(client("any", List.of()).allowsSenderDomain("other.example"));
  }

  @Test
  void clientRecordRefusals() {
    ClientId id = ClientId.of("shop");
    List<String> contacts = List.of("ops@shop.example");
    ClientAddress a = new ClientAddress("192.0.2.1", AddressRole.PRODUCTION);
    assertEquals("contacts: at least one email address is required", message(() ->
        new ClientRecord(id, "Shop", List.of(), List.of(), List.of(), null, ClientState.ACTIVE,
            null, ClientOrigin.API)));
    assertEquals("contacts: \"ops\" is not an email address", message(() ->
        new ClientRecord(id, "Shop", List.of("ops"), List.of(), List.of(), null,
            ClientState.ACTIVE, null, ClientOrigin.API)));
    assertEquals("name: required", message(() ->
        new ClientRecord(id, " ", contacts, List.of(), List.of(), null, ClientState.ACTIVE, null,
            ClientOrigin.API)));
    assertEquals("name: contains a control character", message(() ->
        new ClientRecord(id, "Shop\r\n250 ok", contacts, List.of(), List.of(), null,
            ClientState.ACTIVE, null, ClientOrigin.API)));
    assertEquals("addresses: 192.0.2.1 is listed twice", message(() ->
        new ClientRecord(id, "Shop", contacts,
            List.of(a, new ClientAddress("192.0.2.1", AddressRole.TEST)), List.of(), null,
            ClientState.ACTIVE, null, ClientOrigin.API)));
    assertEquals("senderDomains: \"not a domain\" is not a domain name", message(() ->
        new ClientRecord(id, "Shop", contacts, List.of(a), List.of("not a domain"), null,
            ClientState.ACTIVE, null, ClientOrigin.API)));
    assertEquals("state: required, one of active, suspended", message(() ->
        new ClientRecord(id, "Shop", contacts, List.of(a), List.of(), null, null, null,
            ClientOrigin.API)));
    assertEquals("origin: required, one of config, api", message(() ->
        new ClientRecord(id, "Shop", contacts, List.of(a), List.of(), null, ClientState.ACTIVE,
            null, null)));
    assertEquals("id: required", message(() ->
        new ClientRecord(null, "Shop", contacts, List.of(a), List.of(), null, ClientState.ACTIVE,
            null, ClientOrigin.API)));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "ip|2001:DB8::0:1|2001:db8::1",
      "client|billing-app|billing-app",
      "sender|Bob@Shop.Example|bob@shop.example",
      "sender|<bob@bücher.example>|bob@xn--bcher-kva.example",
      "sender-domain|Shop.EXAMPLE|shop.example",
      "recipient-domain|gmail.com.|gmail.com",
  })
  void goodBlockValues(String kind, String value, String canonical) {
    Block b = new Block("b1", BlockKind.fromWire(kind), value, "spam run", Optional.empty(),
        "admin", T0);
    assertEquals(canonical, b.value());
    assertEquals(kind, b.kind().wireName());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "ip|10.0.0.0/8|value: 10.0.0.0/8 is a range; register single addresses",
      "ip|host.example|value: \"host.example\" is a host name, not an IP address; register single"
          + " IP addresses",
      "client|Billing App|value: \"Billing App\" is not a client id: 1 to 63 lower-case letters,"
          + " digits or '-', starting with a letter or digit",
      "client|''|value: a client id is required",
      "sender|bob|value: \"bob\" is not an email address",
      "sender-domain|bad_domain!|value: \"bad_domain!\" is not a domain name",
      "recipient-domain|''|value: a domain is required",
  })
  void badBlockValues(String kind, String value, String expected) {
    assertEquals(expected, message(() -> new Block("b1", BlockKind.fromWire(kind), value,
        "spam run", Optional.empty(), "admin", T0)));
  }

  @Test
  void blockRefusalsAndActivity() {
    assertEquals("kind: \"host\" is not one of ip, client, sender, sender-domain,"
        + " recipient-domain", message(() -> BlockKind.fromWire("host")));
    assertEquals("reason: required", message(() -> new Block("b1", BlockKind.IP, "192.0.2.1", "",
        Optional.empty(), "admin", T0)));
    assertEquals("until: 2026-12-01T10:00:00Z is not after 2026-12-01T10:00:00Z",
        message(() -> new Block("b1", BlockKind.IP, "192.0.2.1", "abuse", Optional.of(T0),
            "admin", T0)));
    assertEquals("createdBy: required", message(() -> new Block("b1", BlockKind.IP, "192.0.2.1",
        "abuse", Optional.empty(), null, T0)));
    assertEquals("id: required, 1 to 64 characters", message(() -> new Block(" ", BlockKind.IP,
        "192.0.2.1", "abuse", Optional.empty(), "admin", T0)));
    Block temporary = new Block("b1", BlockKind.IP, "192.0.2.1", "abuse",
        Optional.of(T0.plusSeconds(60)), "admin", T0);
    assertTrue(temporary.activeAt(T0.plusSeconds(59)));
    assertFalse(temporary.activeAt(T0.plusSeconds(60)));
    Block permanent = new Block("b2", BlockKind.IP, "192.0.2.1", "abuse", null, "admin", T0);
    assertTrue(permanent.activeAt(Instant.MAX));
  }
}
