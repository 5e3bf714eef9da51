package relay.http.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import relay.persistence.registry.ClientId;

class HashedTokenStoreTest {

  @Test
  void findsEachTokensPrincipalAndNothingElse() {
    String admin = Tokens.generate();
    String client = Tokens.generate();
    assertNotEquals(admin, client);
    HashedTokenStore store = new HashedTokenStore()
        .add(admin, Principal.admin("root"))
        .add(client, Principal.client("billing-app", new ClientId("billing")));
    assertEquals(Optional.of(Principal.admin("root")), store.authenticate(admin));
    assertEquals(Role.CLIENT, store.authenticate(client).orElseThrow().role());
    assertTrue(store.authenticate(admin + "x").isEmpty());
    assertTrue(store.authenticate(admin.substring(1)).isEmpty());
    assertTrue(store.authenticate("").isEmpty());
    assertTrue(store.authenticate(null).isEmpty());
  }

  @Test
  void principalsAreConsistent() {
    assertThrows(IllegalArgumentException.class,
        () -> new Principal("x", Role.CLIENT, Optional.empty()));
    assertThrows(IllegalArgumentException.class,
        () -> new Principal("x", Role.VIEWER, Optional.of(new ClientId("a"))));
    Principal billing = Principal.client("b", new ClientId("billing"));
    assertTrue(billing.canRead(new ClientId("billing")));
    assertTrue(!billing.canRead(new ClientId("other")) && !billing.canReadAll()
        && !billing.canWrite());
    assertTrue(Principal.viewer("v").canReadAll() && !Principal.viewer("v").canWrite());
  }
}
