package relay.persistence.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static relay.persistence.registry.RegistryModelTest.T0;
import static relay.persistence.registry.RegistryModelTest.client;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The snapshot's indexes: client by address (any textual form), blocks by kind and value. */
class RegistrySnapshotTest {

  static Block block(String id, BlockKind kind, String value, Optional<Instant> until) {
    return new Block(id, kind, value, "reason " + id, until, "admin", T0);
  }

  @Test
  void emptyFindsNothing() {
    RegistrySnapshot s = RegistrySnapshot.EMPTY;
    assertTrue(s.isEmpty());
    assertEquals(Optional.empty(), s.clientByAddress("192.0.2.1"));
    assertEquals(Optional.empty(), s.activeBlock(BlockKind.IP, "192.0.2.1", T0));
    assertEquals(List.of(), s.clients());
  }

  @Test
  void clientByAddressInAnyForm() throws Exception {
    ClientRecord shop = client("shop", List.of(
        new ClientAddress("192.0.2.1", AddressRole.PRODUCTION),
        new ClientAddress("2001:db8::1", AddressRole.TEST)));
    ClientRecord copier = client("copier", List.of(
        new ClientAddress("192.0.2.2", AddressRole.STANDBY)));
    RegistrySnapshot s = new RegistrySnapshot(List.of(shop, copier), List.of());
    assertEquals(Optional.of(shop), s.clientByAddress("2001:DB8:0:0:0:0:0:1"));
    assertEquals(Optional.of(shop), s.clientByAddress("::ffff:192.0.2.1"));
    assertEquals(Optional.of(shop), s.clientByAddress(InetAddress.getByName("2001:db8::1")));
    assertEquals(Optional.of(copier), s.clientByAddress(InetAddress.getByName("192.0.2.2")));
    assertEquals(Optional.empty(), s.clientByAddress("192.0.2.3"));
    assertEquals(Optional.empty(), s.clientByAddress("not an address"));
    assertEquals(Optional.empty(), s.clientByAddress((String) null));
    assertEquals(List.of(copier, shop), s.clients());
    assertEquals(Optional.of(copier), s.client(ClientId.of("copier")));
    assertEquals(Optional.empty(), s.client(ClientId.of("nobody")));
  }

  @Test
  void aSharedAddressGoesToTheLowestIdOnEveryReplica() {
    ClientRecord b = client("b", List.of(new ClientAddress("192.0.2.9", AddressRole.PRODUCTION)));
    ClientRecord a = client("a", List.of(new ClientAddress("192.0.2.9", AddressRole.TEST)));
    assertEquals(Optional.of(a),
        new RegistrySnapshot(List.of(b, a), List.of()).clientByAddress("192.0.2.9"));
    assertEquals(Optional.of(a),
        new RegistrySnapshot(List.of(a, b), List.of()).clientByAddress("192.0.2.9"));
  }

  @Test
  void activeBlockByKindAndCanonicalValue() {
    Block ip = block("b1", BlockKind.IP, "2001:db8::7", Optional.of(T0.plusSeconds(60)));
    Block sender = block("b2", BlockKind.SENDER, "bob@shop.example", Optional.empty());
    Block domain = block("b3", BlockKind.RECIPIENT_DOMAIN, "gmail.com", Optional.empty());
    Block clientBlock = block("b4", BlockKind.CLIENT, "shop", Optional.empty());
    RegistrySnapshot s = new RegistrySnapshot(List.of(), List.of(ip, sender, domain,
        clientBlock));
    assertEquals(Optional.of(ip), s.activeBlock(BlockKind.IP, "2001:DB8:0::7", T0));
    assertEquals(Optional.empty(), s.activeBlock(BlockKind.IP, "2001:db8::7",
        T0.plusSeconds(60)));
    assertEquals(Optional.of(sender), s.activeBlock(BlockKind.SENDER, "BOB@Shop.Example", T0));
    assertEquals(Optional.empty(), s.activeBlock(BlockKind.SENDER_DOMAIN, "shop.example", T0));
    assertEquals(Optional.of(domain), s.activeBlock(BlockKind.RECIPIENT_DOMAIN, "GMail.com", T0));
    assertEquals(Optional.empty(), s.activeBlock(BlockKind.SENDER_DOMAIN, "gmail.com", T0));
    assertEquals(Optional.of(clientBlock), s.activeBlock(BlockKind.CLIENT, "shop", T0));
    assertEquals(Optional.empty(), s.activeBlock(BlockKind.IP, "garbage", T0));
    assertEquals(Optional.empty(), s.activeBlock(BlockKind.IP, null, T0));
    assertEquals(List.of(ip, sender, domain, clientBlock), s.blocks());
    assertEquals(Optional.of(sender), s.block("b2"));
  }

  @Test
  void theLongestOfSeveralBlocksOnOneValueWins() {
    Block shortOne = block("b1", BlockKind.IP, "192.0.2.1", Optional.of(T0.plusSeconds(60)));
    Block longOne = block("b2", BlockKind.IP, "192.0.2.1", Optional.of(T0.plusSeconds(600)));
    Block permanent = block("b3", BlockKind.IP, "192.0.2.1", Optional.empty());
    assertEquals(Optional.of(longOne), new RegistrySnapshot(List.of(),
        List.of(shortOne, longOne)).activeBlock(BlockKind.IP, "192.0.2.1", T0));
    assertEquals(Optional.of(permanent), new RegistrySnapshot(List.of(),
        List.of(shortOne, permanent, longOne)).activeBlock(BlockKind.IP, "192.0.2.1", T0));
    assertEquals(Optional.of(longOne), new RegistrySnapshot(List.of(),
        List.of(shortOne, longOne)).activeBlock(BlockKind.IP, "192.0.2.1", T0.plusSeconds(61)));
  }
}
