package relay.node.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import relay.persistence.auth.Argon2Settings;
import relay.persistence.auth.PasswordHasher;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.Credential;

/**
 * What a node remembers of the logins it verified: the same credential and password within the
 * ttl; nothing for another password, another credential id or hash (removed and recreated), after
 * the ttl, with a ttl of zero; bounded, the expired swept first.
 */
class RecentLoginsTest {

  static final Instant T0 = Instant.parse("2026-12-05T12:00:00Z");
  static final PasswordHasher HASHER = new PasswordHasher(new Argon2Settings(64, 1, 1));

  /** A clock the test moves. */
  static final class Hands extends Clock {
    Instant now = T0;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  static Credential credential(String id, String password) {
    return new Credential(id, new ClientId("shop"), "shop-" + id, HASHER.hash(password),
        Optional.empty(), Optional.empty(), "admin", T0);
  }

  final Hands clock = new Hands();
  final Credential web = credential("c1", "right");

  @Test
  void theSamePasswordOfTheSameCredentialWithinTheTtl() {
    RecentLogins recent = new RecentLogins(Duration.ofMinutes(10), 100, clock);
    assertFalse(recent.verified(web, "right"), "nothing before a success");
    recent.remember(web, "right");
    assertTrue(recent.verified(web, "right"));
    assertFalse(recent.verified(web, "Right"));
    assertFalse(recent.verified(web, "right "));
    assertFalse(recent.verified(web, ""));
    assertFalse(recent.verified(web, null));
    clock.now = T0.plus(Duration.ofMinutes(10)).minusMillis(1);
    assertTrue(recent.verified(web, "right"));
    clock.now = T0.plus(Duration.ofMinutes(10));
    assertFalse(recent.verified(web, "right"), "the ttl is over");
    assertEquals(0, recent.size(), "dropped when looked at after its end");
  }

  @Test
  void aCredentialRecreatedOrRehashedDoesNotMatch() {
    RecentLogins recent = new RecentLogins(Duration.ofMinutes(10), 100, clock);
    recent.remember(web, "right");
    Credential sameIdNewHash = new Credential("c1", web.client(), web.username(),
        HASHER.hash("right"), Optional.empty(), Optional.empty(), "admin", T0);
    Credential newIdSameHash = new Credential("c9", web.client(), web.username(), web.hash(),
        Optional.empty(), Optional.empty(), "admin", T0);
    assertFalse(recent.verified(sameIdNewHash, "right"));
    assertFalse(recent.verified(newIdSameHash, "right"));
    assertTrue(recent.verified(web, "right"));
  }

  @Test
  void theFingerprintsKeyLivesInOneInstance() {
    RecentLogins one = new RecentLogins(Duration.ofMinutes(10), 100, clock);
    RecentLogins other = new RecentLogins(Duration.ofMinutes(10), 100, clock);
    one.remember(web, "right");
    assertFalse(other.verified(web, "right"));
  }

  @Test
  void zeroRemembersNothing() {
    RecentLogins off = new RecentLogins(Duration.ZERO, 100, clock);
    off.remember(web, "right");
    assertFalse(off.verified(web, "right"));
    assertEquals(0, off.size());
    RecentLogins none = RecentLogins.none();
    none.remember(web, "right");
    assertFalse(none.verified(web, "right"));
  }

  @Test
  void boundedTheExpiredSweptFirst() {
    RecentLogins recent = new RecentLogins(Duration.ofMinutes(10), 2, clock);
    Credential a = credential("a", "pa");
    Credential b = credential("b", "pb");
    Credential c = credential("c", "pc");
    recent.remember(a, "pa");
    clock.now = T0.plusSeconds(300);
    recent.remember(b, "pb");
    recent.remember(c, "pc");
    assertFalse(recent.verified(c, "pc"), "full: not remembered");
    assertTrue(recent.verified(a, "pa"));
    clock.now = T0.plusSeconds(600); // a's end
    recent.remember(c, "pc");
    assertEquals(2, recent.size());
    assertTrue(recent.verified(c, "pc"));
    assertTrue(recent.verified(b, "pb"));
    assertFalse(recent.verified(a, "pa"));
  }
}
