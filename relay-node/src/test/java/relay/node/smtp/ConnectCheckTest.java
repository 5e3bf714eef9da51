package relay.node.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import relay.persistence.lockout.Lockouts;
import relay.persistence.registry.AddressRole;
import relay.persistence.registry.Block;
import relay.persistence.registry.BlockKind;
import relay.persistence.registry.ClientAddress;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.ClientLimits;
import relay.persistence.registry.ClientOrigin;
import relay.persistence.registry.ClientRecord;
import relay.persistence.registry.ClientState;
import relay.persistence.registry.RegistrySnapshot;
import relay.persistence.registry.TestWindow;
import relay.protocol.server.Admission;
import relay.protocol.server.ClientIdentity;

/** The connect-time verdicts of the operator's registry, one row per case, in their order. */
class ConnectCheckTest {

  private static final Instant NOW = Instant.parse("2026-12-05T06:45:00Z");
  private static final TestWindow OPEN = new TestWindow(NOW.minusSeconds(60), NOW.plusSeconds(60));
  private static final TestWindow PAST =
      new TestWindow(NOW.minus(Duration.ofDays(2)), NOW.minus(Duration.ofDays(1)));

  private static ClientRecord app(ClientState state, Optional<TestWindow> window) {
    return new ClientRecord(new ClientId("app"), "App", List.of("ops@app.example"),
        List.of(new ClientAddress("192.0.2.1", AddressRole.PRODUCTION),
            new ClientAddress("192.0.2.2", AddressRole.STANDBY),
            new ClientAddress("192.0.2.3", AddressRole.TEST)),
        List.of(), ClientLimits.DEFAULTS, state, window, ClientOrigin.API);
  }

  private static Block block(BlockKind kind, String value, Optional<Instant> until) {
    return new Block("b-" + kind + "-" + value, kind, value, "reason " + value, until, "op",
        NOW.minus(Duration.ofHours(1)));
  }

  /** A lockout of {@code ip} until {@code until}, as the login lockout makes it. */
  private static Block lockout(String ip, Instant until) {
    return new Block("b-lockout-" + ip + "-" + until, BlockKind.IP, ip, "3 failed logins",
        Optional.of(until), Lockouts.ACTOR, NOW.minus(Duration.ofMinutes(5)));
  }

  static Stream<Arguments> cases() {
    ClientRecord active = app(ClientState.ACTIVE, Optional.empty());
    Optional<Instant> permanent = Optional.empty();
    Optional<Instant> ended = Optional.of(NOW.minusSeconds(1));
    Instant lockedUntil = NOW.plus(Duration.ofMinutes(25));
    return Stream.of(
        Arguments.of("lockout of an unregistered address", active,
            List.of(lockout("198.51.100.1", lockedUntil)), "198.51.100.1",
            "LOCKED_OUT 2026-12-05T07:10:00Z"),
        Arguments.of("lockout of a client's address", active,
            List.of(lockout("192.0.2.1", lockedUntil)), "192.0.2.1",
            "LOCKED_OUT 2026-12-05T07:10:00Z"),
        Arguments.of("the later of two lockouts", active,
            List.of(lockout("192.0.2.1", lockedUntil),
                lockout("192.0.2.1", lockedUntil.plusSeconds(60))), "192.0.2.1",
            "LOCKED_OUT 2026-12-05T07:11:00Z"),
        Arguments.of("ended lockout", active, List.of(lockout("192.0.2.1", NOW)), "192.0.2.1",
            "admitted"),
        Arguments.of("lockout of another address", active,
            List.of(lockout("192.0.2.9", lockedUntil)), "192.0.2.1", "admitted"),
        Arguments.of("operator's ip block before a lockout", active,
            List.of(lockout("192.0.2.1", lockedUntil),
                block(BlockKind.IP, "192.0.2.1", Optional.of(NOW.plusSeconds(60)))),
            "192.0.2.1", "BLOCKED reason 192.0.2.1"),
        Arguments.of("client block before a lockout", active,
            List.of(lockout("192.0.2.1", lockedUntil),
                block(BlockKind.CLIENT, "app", permanent)), "192.0.2.1",
            "CLIENT_BLOCKED reason app"),
        Arguments.of("lockout before suspension", app(ClientState.SUSPENDED, Optional.empty()),
            List.of(lockout("192.0.2.1", lockedUntil)), "192.0.2.1",
            "LOCKED_OUT 2026-12-05T07:10:00Z"),
        Arguments.of("ip block by an operator of another name is no lockout", active,
            List.of(new Block("b9", BlockKind.IP, "192.0.2.1", "3 failed logins",
                Optional.of(lockedUntil), "ops", NOW)), "192.0.2.1",
            "BLOCKED 3 failed logins"),
        Arguments.of("production", active, List.of(), "192.0.2.1", "admitted"),
        Arguments.of("standby", active, List.of(), "192.0.2.2", "admitted"),
        Arguments.of("unregistered", active, List.of(), "198.51.100.1", "admitted"),
        Arguments.of("ip block", active, List.of(block(BlockKind.IP, "192.0.2.1", permanent)),
            "192.0.2.1", "BLOCKED reason 192.0.2.1"),
        Arguments.of("ip block of an unregistered address", active,
            List.of(block(BlockKind.IP, "198.51.100.1", permanent)), "198.51.100.1",
            "BLOCKED reason 198.51.100.1"),
        Arguments.of("expired ip block", active,
            List.of(block(BlockKind.IP, "192.0.2.1", ended)), "192.0.2.1", "admitted"),
        Arguments.of("client block", active, List.of(block(BlockKind.CLIENT, "app", permanent)),
            "192.0.2.2", "CLIENT_BLOCKED reason app"),
        Arguments.of("ip block before client block", active,
            List.of(block(BlockKind.CLIENT, "app", permanent),
                block(BlockKind.IP, "192.0.2.2", permanent)), "192.0.2.2",
            "BLOCKED reason 192.0.2.2"),
        Arguments.of("suspended", app(ClientState.SUSPENDED, Optional.of(OPEN)), List.of(),
            "192.0.2.1", "CLIENT_SUSPENDED "),
        Arguments.of("block before suspension", app(ClientState.SUSPENDED, Optional.empty()),
            List.of(block(BlockKind.CLIENT, "app", permanent)), "192.0.2.1",
            "CLIENT_BLOCKED reason app"),
        Arguments.of("test address, no window", active, List.of(), "192.0.2.3",
            "OUTSIDE_TEST_WINDOW "),
        Arguments.of("test address, past window", app(ClientState.ACTIVE, Optional.of(PAST)),
            List.of(), "192.0.2.3", "OUTSIDE_TEST_WINDOW "),
        Arguments.of("test address, open window", app(ClientState.ACTIVE, Optional.of(OPEN)),
            List.of(), "192.0.2.3", "admitted"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void verdict(String name, ClientRecord client, List<Block> blocks, String ip, String expected) {
    RegistrySnapshot registry = new RegistrySnapshot(List.of(client), new ArrayList<>(blocks));
    ClientIdentity who = ClientIdentity.anonymous(ip);
    Optional<Admission.Refused> verdict =
        ConnectCheck.check(registry, true, ip, registry.clientByAddress(ip), who, NOW);
    assertEquals(expected, verdict.map(r -> r.refusal() + " " + r.reason()).orElse("admitted"));
  }

  /**
   * While the node's view is incomplete (after a full cluster restart): an address it does not
   * know may be a client it will know in a moment, so a temporary 421; what it knows counts.
   */
  static Stream<Arguments> incompleteCases() {
    ClientRecord active = app(ClientState.ACTIVE, Optional.empty());
    Optional<Instant> permanent = Optional.empty();
    return Stream.of(
        Arguments.of("unknown address", active, List.of(), "198.51.100.1",
            "REGISTRY_INCOMPLETE "),
        Arguments.of("known client", active, List.of(), "192.0.2.1", "admitted"),
        Arguments.of("known block of an unknown address", active,
            List.of(block(BlockKind.IP, "198.51.100.1", permanent)), "198.51.100.1",
            "BLOCKED reason 198.51.100.1"),
        Arguments.of("known lockout of an unknown address", active,
            List.of(lockout("198.51.100.1", NOW.plusSeconds(60))), "198.51.100.1",
            "LOCKED_OUT 2026-12-05T06:46:00Z"),
        Arguments.of("known client, suspended", app(ClientState.SUSPENDED, Optional.empty()),
            List.of(), "192.0.2.1", "CLIENT_SUSPENDED "));
  }

  @ParameterizedTest(name = "incomplete view: {0}")
  @MethodSource("incompleteCases")
  void verdictWhileTheViewIsIncomplete(String name, ClientRecord client, List<Block> blocks,
      String ip, String expected) {
    RegistrySnapshot registry = new RegistrySnapshot(List.of(client), new ArrayList<>(blocks));
    Optional<Admission.Refused> verdict = ConnectCheck.check(registry, false, ip,
        registry.clientByAddress(ip), ClientIdentity.anonymous(ip), NOW);
    assertEquals(expected, verdict.map(r -> r.refusal() + " " + r.reason()).orElse("admitted"));
  }
}
