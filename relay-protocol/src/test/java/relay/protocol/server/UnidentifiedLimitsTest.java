package relay.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The connection caps of unidentified clients, per address and in all, and their release. */
class UnidentifiedLimitsTest {

  private final AtomicInteger innerReleases = new AtomicInteger();
  /**
   * Registers 192.0.2.1 only and blocks 203.0.113.x (554, or 421 for 203.0.113.99); every
   * admission holds a slot of the inner policy.
   */
  private final ClientPolicy registry = (remote, local) -> {
    String ip = remote.getAddress().getHostAddress();
    if (ip.startsWith("203.0.113.")) {
      return CompletableFuture.completedFuture(new Admission.Refused(
          ClientIdentity.anonymous(ip), ip.endsWith(".99") ? Admission.Refusal.TOO_MANY_SESSIONS
              : Admission.Refusal.BLOCKED, "spam"));
    }
    ClientIdentity client = ip.equals("192.0.2.1") ? ClientIdentity.registered(ip, "app")
        : ClientIdentity.anonymous(ip);
    return CompletableFuture.completedFuture(
        new Admission.Admitted(client, innerReleases::incrementAndGet));
  };
  private final UnidentifiedLimits limits = new UnidentifiedLimits(registry,
      new SmtpServerSettings.Unidentified(5, 2, 65536, 10));

  private Admission connect(String ip) {
    return limits.identify(new InetSocketAddress(ip, 40000), new InetSocketAddress(25))
        .toCompletableFuture().join();
  }

  @Test
  void anAddressGetsItsShareAndTheRestAre421() {
    List<Admission> admitted = new ArrayList<>();
    admitted.add(connect("198.51.100.1"));
    admitted.add(connect("198.51.100.1"));
    Admission third = connect("198.51.100.1");
    assertEquals(new Admission.Refused(ClientIdentity.anonymous("198.51.100.1"),
        Admission.Refusal.TOO_MANY_FROM_ADDRESS), third);
    assertEquals(1, innerReleases.get(), "the refused connection gave its inner slot back");
    assertInstanceOf(Admission.Admitted.class, connect("198.51.100.2"), "another address");
    ((Admission.Admitted) admitted.get(0)).slot().release();
    ((Admission.Admitted) admitted.get(0)).slot().release(); // twice: counted once
    assertEquals(1, limits.open("198.51.100.1"));
    assertInstanceOf(Admission.Admitted.class, connect("198.51.100.1"), "a place came free");
    assertEquals(2, limits.open("198.51.100.1"));
  }

  @Test
  void unidentifiedClientsTogetherHaveACapAndRegisteredOnesDoNot() {
    for (int i = 1; i <= 5; i++) {
      assertInstanceOf(Admission.Admitted.class, connect("198.51.100." + i));
    }
    assertEquals(Admission.Refusal.TOO_MANY_UNIDENTIFIED,
        ((Admission.Refused) connect("198.51.100.9")).refusal());
    for (int i = 0; i < 20; i++) {
      Admission registered = connect("192.0.2.1");
      assertInstanceOf(Admission.Admitted.class, registered, "a registered client is not capped");
      assertEquals(0, limits.open("192.0.2.1"));
    }
  }

  @Test
  void aBlockedAddressWaitsForQuitInAPlaceOfItsShareAndBeyondItClosesAtOnce() {
    Admission.Refused first = (Admission.Refused) connect("203.0.113.1");
    Admission.Refused second = (Admission.Refused) connect("203.0.113.1");
    Admission.Refused third = (Admission.Refused) connect("203.0.113.1");
    assertTrue(first.waitForQuit().isPresent() && second.waitForQuit().isPresent());
    assertEquals(Optional.empty(), third.waitForQuit(), "beyond its share: 554 and close");
    assertEquals(Admission.Refusal.BLOCKED, third.refusal());
    assertEquals("spam", third.reason());
    assertEquals(2, limits.open("203.0.113.1"));
    assertInstanceOf(Admission.Admitted.class, connect("198.51.100.1"), "another address");
    first.waitForQuit().get().release();
    first.waitForQuit().get().release(); // twice: counted once
    assertEquals(1, limits.open("203.0.113.1"));
    assertTrue(((Admission.Refused) connect("203.0.113.1")).waitForQuit().isPresent());
    Admission.Refused temporary = (Admission.Refused) connect("203.0.113.99");
    assertEquals(Optional.empty(), temporary.waitForQuit(), "a 421 closes, holding nothing");
    assertEquals(0, limits.open("203.0.113.99"));
  }
}
