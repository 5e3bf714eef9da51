package relay.persistence.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which clients a block concerns (whose contacts get its notices), as a table. */
class BlockSubjectsTest {

  private static final List<ClientRecord> CLIENTS = List.of(
      client("shop", "192.0.2.1", List.of("shop.example", "shared.example")),
      client("mill", "2001:db8::1", List.of("mill.example", "shared.example")),
      client("any", "192.0.2.3", List.of()));

  private static ClientRecord client(String id, String ip, List<String> senderDomains) {
    return new ClientRecord(ClientId.of(id), id, List.of("ops@" + id + ".example"),
        List.of(new ClientAddress(ip, AddressRole.PRODUCTION)), senderDomains,
        ClientLimits.DEFAULTS, ClientState.ACTIVE, Optional.empty(), ClientOrigin.API);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "client|shop|shop",
      "client|nobody|''",
      "ip|192.0.2.1|shop",
      "ip|2001:DB8:0::1|mill",
      "ip|192.0.2.99|''",
      "sender-domain|shop.example|shop",
      "sender-domain|shared.example|shop mill",
      "sender-domain|elsewhere.example|''",
      "sender|Alice@Shared.Example|shop mill",
      "sender|bob@mill.example|mill",
      "recipient-domain|shop.example|''",
  })
  void aBlockConcernsTheClientsItNames(String kind, String value, String expected) {
    Block block = new Block("b1", BlockKind.fromWire(kind), value, "reason", Optional.empty(),
        "ops", Instant.EPOCH);
    assertEquals(expected, String.join(" ", BlockSubjects.concerned(block, CLIENTS).stream()
        .map(c -> c.id().value()).toList()), kind + " " + value);
  }
}
