package relay.persistence.registry;

import static relay.persistence.registry.RegistryModelTest.T0;

import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The model goes through the module's jackson-cbor binding and comes back equal. */
class RegistrySerializationTest {

  static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void modelRoundTrips() {
    SerializationTestKit kit = testKit.serializationTestKit();
    ClientRecord full = new ClientRecord(ClientId.of("shop"), "Shop",
        List.of("ops@shop.example"),
        List.of(new ClientAddress("192.0.2.1", AddressRole.PRODUCTION),
            new ClientAddress("2001:db8::1", AddressRole.TEST)),
        List.of("shop.example"),
        new ClientLimits(Optional.of(5), Optional.of(50), Optional.of(10_000_000L),
            Optional.empty(), Optional.of(100_000)),
        ClientState.SUSPENDED, Optional.of(new TestWindow(T0, T0.plusSeconds(3600))),
        ClientOrigin.CONFIG);
    kit.verifySerialization(full, true);
    kit.verifySerialization(RegistryModelTest.client("bare", List.of()), true);
    kit.verifySerialization(new Block("b1", BlockKind.SENDER_DOMAIN, "shop.example", "spam",
        Optional.of(T0.plusSeconds(60)), "admin", T0), true);
    kit.verifySerialization(new Block("b2", BlockKind.IP, "192.0.2.1", "abuse",
        Optional.empty(), "admin", T0), true);
    kit.verifySerialization(new Credential("c1", ClientId.of("shop"), "shop-web",
        RegistryCredentialsTest.HASH, Optional.of("checkout"), Optional.of(T0), "admin", T0),
        true);
    kit.verifySerialization(new Credential("c2", ClientId.of("shop"), "shop",
        RegistryCredentialsTest.HASH, Optional.empty(), Optional.empty(), "admin", T0), true);
    kit.verifySerialization(new AuditEntry(T0, "admin", "block-added", "b1", "ip 192.0.2.1"),
        true);
  }
}
