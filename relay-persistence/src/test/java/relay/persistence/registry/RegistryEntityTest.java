package relay.persistence.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import relay.persistence.registry.RegistryEntity.BlockAdded;
import relay.persistence.registry.RegistryEntity.BlockDone;
import relay.persistence.registry.RegistryEntity.BlockExpired;
import relay.persistence.registry.RegistryEntity.BlockRemoved;
import relay.persistence.registry.RegistryEntity.ClientCreated;
import relay.persistence.registry.RegistryEntity.ClientDeleted;
import relay.persistence.registry.RegistryEntity.ClientDone;
import relay.persistence.registry.RegistryEntity.ClientImported;
import relay.persistence.registry.RegistryEntity.ClientReplaced;
import relay.persistence.registry.RegistryEntity.Imported;
import relay.persistence.registry.RegistryEntity.RefusalKind;
import relay.persistence.registry.RegistryEntity.State;

/**
 * The registry entity on the in-memory journal (commands, events and state go through the
 * serializer): every command, its refusals (reply, no event), expiry, import and replay.
 */
class RegistryEntityTest extends RegistryEntityFixture {

  @Test
  void createClientPersistsPublishesAndAudits() {
    var result = create(client("shop", "192.0.2.1"));
    ClientRecord created = ((ClientDone) result.reply()).client();
    assertEquals(ClientOrigin.API, created.origin());
    assertEquals(new ClientCreated(created, "alice", T0), result.event());
    assertEquals(created, result.state().clients().get("shop"));
    RegistryPublisher.Publish p = published();
    assertEquals(created, p.clients().get("shop"));
    assertEquals(1, p.sequenceNr());
    assertEquals(List.of(new AuditEntry(T0, "alice", "client-created", "shop", "Client shop")),
        result.state().audit());
  }

  @Test
  void createRefusesATakenIdAnAddressOfAnotherAndAFullRegistry() {
    create(client("shop", "192.0.2.1"));
    refused(create(client("shop")), RefusalKind.CONFLICT, "client shop exists");
    refused(create(client("copier", "192.0.2.2", "::ffff:192.0.2.1")), RefusalKind.CONFLICT,
        "address 192.0.2.1 is registered to client shop");
    start(settings(100, 1, 100));
    create(client("one"));
    refused(create(client("two")), RefusalKind.CONFLICT,
        "the registry holds its maximum of 1 clients (relay.registry.max-clients)");
  }

  @Test
  void replaceKeepsOwnAddressesAndRefusesOthersAndUnknownIds() {
    create(client("shop", "192.0.2.1"));
    create(client("copier", "192.0.2.2"));
    ClientRecord moved = client("shop", "192.0.2.1", "192.0.2.3").withState(ClientState.SUSPENDED);
    var result = run(r -> new RegistryEntity.ReplaceClient(moved, "alice", r));
    assertEquals(new ClientDone(moved), result.reply());
    assertEquals(new ClientReplaced(moved, "alice", T0), result.event());
    refused(run(r -> new RegistryEntity.ReplaceClient(client("shop", "192.0.2.2"),
        "alice", r)), RefusalKind.CONFLICT, "address 192.0.2.2 is registered to client copier");
    refused(run(r -> new RegistryEntity.ReplaceClient(client("nobody"), "alice", r)),
        RefusalKind.NOT_FOUND, "no client nobody");
  }

  @Test
  void deleteFreesTheAddresses() {
    ClientRecord shop = client("shop", "192.0.2.1");
    create(shop);
    var result = run(r -> new RegistryEntity.DeleteClient(ClientId.of("shop"),
        "carol", r));
    assertEquals(new ClientDone(shop), result.reply());
    assertEquals(new ClientDeleted(ClientId.of("shop"), "carol", T0), result.event());
    assertTrue(result.state().clients().isEmpty());
    refused(run(r -> new RegistryEntity.DeleteClient(ClientId.of("shop"), "carol", r)),
        RefusalKind.NOT_FOUND, "no client shop");
    assertInstanceOf(ClientDone.class, create(client("other", "192.0.2.1")).reply());
  }

  @Test
  void blocksGetSequentialIdsAndInvalidValuesAreRefused() {
    var first = addBlock(BlockKind.IP, "2001:DB8::1", Optional.empty());
    Block b1 = ((BlockDone) first.reply()).block();
    assertEquals(new Block("b1", BlockKind.IP, "2001:db8::1", "abuse", Optional.empty(), "bob",
        T0), b1);
    assertEquals(new BlockAdded(b1), first.event());
    Block b2 = ((BlockDone) addBlock(BlockKind.SENDER_DOMAIN, "Spam.Example",
        Optional.of(T0.plusSeconds(3600))).reply()).block();
    assertEquals("b2", b2.id());
    refused(addBlock(BlockKind.IP, "10.0.0.0/8", Optional.empty()), RefusalKind.INVALID,
        "value: 10.0.0.0/8 is a range; register single addresses");
    refused(addBlock(BlockKind.IP, "192.0.2.1", Optional.of(T0)), RefusalKind.INVALID,
        "until: 2026-12-01T10:00:00Z is not after 2026-12-01T10:00:00Z");
    refused(run(r -> new RegistryEntity.AddBlock(BlockKind.IP, "192.0.2.1", " ",
        Optional.empty(), "bob", r)), RefusalKind.INVALID, "reason: required");
    var removed = run(r -> new RegistryEntity.RemoveBlock("b1", "carol", r));
    assertEquals(new BlockDone(b1), removed.reply());
    assertEquals(new BlockRemoved("b1", "carol", T0), removed.event());
    assertEquals(List.of("b2"), List.copyOf(removed.state().blocks().keySet()));
    refused(run(r -> new RegistryEntity.RemoveBlock("b1", "carol", r)),
        RefusalKind.NOT_FOUND, "no block b1");
    assertEquals("b3", ((BlockDone) addBlock(BlockKind.CLIENT, "shop", Optional.empty())
        .reply()).block().id());
    start(settings(100, 100, 1));
    addBlock(BlockKind.CLIENT, "shop", Optional.empty());
    refused(addBlock(BlockKind.CLIENT, "shop", Optional.empty()), RefusalKind.CONFLICT,
        "the registry holds its maximum of 1 blocks (relay.registry.max-blocks)");
  }

  @Test
  void expiredBlocksAreRemovedByTheTimerCommand() {
    addBlock(BlockKind.IP, "192.0.2.1", Optional.of(T0.plusSeconds(60)));
    addBlock(BlockKind.IP, "192.0.2.2", Optional.of(T0.plusSeconds(120)));
    addBlock(BlockKind.IP, "192.0.2.3", Optional.empty());
    clock.now = T0.plusSeconds(60);
    var result = kit.runCommand(new RegistryEntity.ExpireBlocks());
    assertEquals(List.of(new BlockExpired("b1", T0.plusSeconds(60))), result.events());
    assertEquals(List.of("b2", "b3"), List.copyOf(result.state().blocks().keySet()));
    assertEquals(new AuditEntry(T0.plusSeconds(60), "registry", "block-expired", "b1",
        "ip 192.0.2.1"), result.state().audit().get(0));
    assertTrue(kit.runCommand(new RegistryEntity.ExpireBlocks()).hasNoEvents());
  }

  @Test
  void importAddsConfigClientsAndNeverOverwritesApiOnes() {
    create(client("api-client", "192.0.2.1"));
    ClientRecord copier = Registry.configured("Copier 3", List.of("192.0.2.7"), 5,
        "ops@example.com");
    ClientRecord clash = Registry.configured("api client", List.of("192.0.2.8"), 5,
        "ops@example.com");
    ClientRecord stealer = Registry.configured("Stealer", List.of("192.0.2.1"), 5,
        "ops@example.com");
    var result = run(r -> new RegistryEntity.ImportConfigClients(
        List.of(copier, clash, stealer), r));
    assertEquals(new Imported(List.of("copier-3"), List.of(), List.of(
        "api-client: created through the API, not overwritten",
        "stealer: address 192.0.2.1 is registered to client api-client")), result.reply());
    assertEquals(List.of(new ClientImported(copier, T0)), result.events());
    assertEquals(ClientOrigin.CONFIG, result.state().clients().get("copier-3").origin());
    var again = run(r -> new RegistryEntity.ImportConfigClients(List.of(copier), r));
    assertEquals(new Imported(List.of(), List.of("copier-3"), List.of()), again.reply());
    assertTrue(again.hasNoEvents());
    ClientRecord more = Registry.configured("Copier 3", List.of("192.0.2.7"), 9,
        "ops@example.com");
    assertEquals(List.of(new ClientImported(more, T0)), run(r ->
        new RegistryEntity.ImportConfigClients(List.of(more), r)).events());
  }

  /**
   * The rule for a client of the configuration file: the API may not change it (CONFLICT, no
   * event: the file is where it changes, the next start's import applies it); it may delete it,
   * and a node that still lists it in its file imports it again at its next start.
   */
  @Test
  void aConfigClientIsChangedOnlyByTheFileAndADeleteLastsUntilAFileListsItAgain() {
    ClientRecord copier = Registry.configured("Copier 3", List.of("192.0.2.7"), 5,
        "ops@example.com");
    run(r -> new RegistryEntity.ImportConfigClients(List.of(copier), r));
    ClientRecord edited = new ClientRecord(copier.id(), copier.name(), copier.contacts(),
        copier.addresses(), List.of(), copier.limits(), ClientState.SUSPENDED,
        Optional.empty(), ClientOrigin.API);
    var patched = run(r -> new RegistryEntity.ReplaceClient(edited, "alice", r));
    assertEquals(new RegistryEntity.Refused(RegistryEntity.RefusalKind.CONFLICT,
        "client copier-3 comes from relay.clients in the configuration file: change it there"
            + " (each node imports its file at start); to stop it now, block it (kind client)"),
        patched.reply());
    assertTrue(patched.hasNoEvents());
    assertEquals(copier, patched.state().clients().get("copier-3"));

    ClientRecord fileChanged = Registry.configured("Copier 3", List.of("192.0.2.7"), 9,
        "ops@example.com");
    var nextStart = run(r -> new RegistryEntity.ImportConfigClients(List.of(fileChanged), r));
    assertEquals(new Imported(List.of("copier-3"), List.of(), List.of()), nextStart.reply());
    assertEquals(fileChanged, nextStart.state().clients().get("copier-3"));

    var deleted = run(r -> new RegistryEntity.DeleteClient(copier.id(), "alice", r));
    assertEquals(1, deleted.events().size());
    assertTrue(deleted.state().clients().isEmpty());
    var listedAgain = run(r -> new RegistryEntity.ImportConfigClients(List.of(fileChanged), r));
    assertEquals(List.of("copier-3"), ((Imported) listedAgain.reply()).imported());
    assertEquals(ClientOrigin.CONFIG, listedAgain.state().clients().get("copier-3").origin());
  }

  @Test
  void auditIsNewestFirstAndBounded() {
    start(settings(3, 100, 100));
    for (int i = 1; i <= 5; i++) {
      clock.now = T0.plusSeconds(i);
      create(client("c" + i));
    }
    var page = (RegistryEntity.AuditPage) run(r -> new RegistryEntity.GetAudit(2, r))
        .reply();
    assertEquals(List.of("c5", "c4"), page.entries().stream().map(AuditEntry::subject).toList());
    var all = (RegistryEntity.AuditPage) run(r -> new RegistryEntity.GetAudit(100, r))
        .reply();
    assertEquals(List.of("c5", "c4", "c3"), all.entries().stream().map(AuditEntry::subject)
        .toList());
  }

  @Test
  void anActionOutsideTheRegistryIsAuditedOnlyAndSurvivesReplay() {
    clock.now = T0.plusSeconds(7);
    var result = run(r -> new RegistryEntity.RecordAction("queue-suspended", "example.com",
        "3 sub-queues\r\n", "ops\u0007", r));
    AuditEntry expected = new AuditEntry(T0.plusSeconds(7), "ops?", "queue-suspended",
        "example.com", "3 sub-queues");
    assertEquals(new RegistryEntity.Recorded(expected), result.reply());
    assertEquals(List.of(new RegistryEntity.ActionRecorded(expected)), result.events());
    assertTrue(result.state().clients().isEmpty());
    publisher.expectNoMessage(Duration.ofMillis(100)); // nothing for the views to publish
    State after = kit.restart().state();
    assertEquals(List.of(expected), after.audit());
  }

  @Test
  void replayRestoresTheStateAndPublishesIt() {
    create(client("shop", "192.0.2.1"));
    addBlock(BlockKind.SENDER, "Bob@Spam.Example", Optional.of(T0.plusSeconds(3600)));
    run(r -> new RegistryEntity.DeleteClient(ClientId.of("shop"), "alice", r));
    create(client("copier", "192.0.2.1"));
    State before = kit.getState();
    publisher.receiveSeveralMessages(4);
    State after = kit.restart().state();
    assertEquals(before, after);
    RegistryPublisher.Publish p = published();
    assertEquals(after.clients(), p.clients());
    assertEquals(after.blocks(), p.blocks());
    assertEquals(4, p.sequenceNr());
    assertEquals("b2", ((BlockDone) addBlock(BlockKind.IP, "192.0.2.9", Optional.empty())
        .reply()).block().id());
  }
}
