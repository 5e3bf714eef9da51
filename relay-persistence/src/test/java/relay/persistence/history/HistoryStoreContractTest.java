package relay.persistence.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The history store's contract, run on H2 and on the local PostgreSQL. */
abstract class HistoryStoreContractTest {

  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  protected DataSource db;
  protected HistoryStore store;

  /** An empty database for one test. */
  protected abstract DataSource database() throws Exception;

  @BeforeEach
  void open() throws Exception {
    db = database();
    store = new HistoryStore(db);
    new HistoryStore(db); // creating the tables again changes nothing
  }

  static HistoryRecord.Accepted accepted(String id, String client, String sender, Instant at,
      String... recipients) {
    return new HistoryRecord.Accepted(id, Optional.ofNullable(client),
        Optional.of("192.0.2.7"), sender, List.of(recipients), 1234, at);
  }

  static HistoryRecord.Outcome outcome(String id, EventKind kind, String reply, int attempt,
      Instant at, String... recipients) {
    return new HistoryRecord.Outcome(id, kind, List.of(recipients), Optional.of("mx.dest.test"),
        Optional.ofNullable(reply), attempt, Optional.empty(), at);
  }

  @Test
  void aMessageDeferredTwiceThenDeliveredShowsEveryAttemptWithItsReply() throws Exception {
    // The outcomes reach the database before the acceptance (another node's batch came first).
    store.write(List.of(
        outcome("Q1", EventKind.DEFERRED, "451 4.3.0 Try later", 1, T0.plusSeconds(1),
            "bob@dest.test"),
        outcome("Q1", EventKind.DEFERRED, "451 4.3.0 Still later", 2, T0.plusSeconds(3),
            "bob@dest.test")));
    store.write(List.of(accepted("Q1", "billing", "Owner@Sender.test", T0, "bob@dest.test",
        "amy@dest.test")));
    store.write(List.of(new HistoryRecord.Outcome("Q1", EventKind.DELIVERED,
        List.of("bob@dest.test", "amy@dest.test"), Optional.of("mx.dest.test"),
        Optional.of("250 2.0.0 Ok: queued as 7"), 3, Optional.empty(), T0.plusSeconds(7),
        Optional.of("TLSv1.3 TLS_AES_256_GCM_SHA384 verified"))));

    StoredMessage m = store.find("Q1").orElseThrow();
    assertEquals(Optional.of("billing"), m.client());
    assertEquals(Optional.of("192.0.2.7"), m.sourceIp());
    assertEquals("Owner@Sender.test", m.sender());
    assertEquals(List.of("bob@dest.test", "amy@dest.test"), m.recipients(), "RCPT order");
    assertEquals(1234, m.size());
    assertEquals(T0, m.receivedAt());
    List<StoredEvent> e = m.events();
    assertEquals(5, e.size(), e.toString());
    assertEquals(EventKind.ACCEPTED, e.get(0).kind());
    assertEquals(T0, e.get(0).at());
    assertEquals(EventKind.DEFERRED, e.get(1).kind());
    assertEquals(Optional.of("451 4.3.0 Try later"), e.get(1).reply());
    assertEquals(Optional.of("mx.dest.test"), e.get(1).remoteHost());
    assertEquals(Optional.of("bob@dest.test"), e.get(1).recipient());
    assertEquals(1, e.get(1).attempt());
    assertEquals(Optional.of("451 4.3.0 Still later"), e.get(2).reply());
    assertEquals(2, e.get(2).attempt());
    assertEquals(T0.plusSeconds(3), e.get(2).at());
    assertEquals(EventKind.DELIVERED, e.get(3).kind());
    assertEquals(Optional.of("amy@dest.test"), e.get(3).recipient(), "same time: by recipient");
    assertEquals(Optional.of("bob@dest.test"), e.get(4).recipient());
    assertEquals(Optional.of("250 2.0.0 Ok: queued as 7"), e.get(4).reply());
    assertEquals(Optional.of("TLSv1.3 TLS_AES_256_GCM_SHA384 verified"), e.get(4).tls());
    assertEquals(Optional.empty(), e.get(1).tls(), "none recorded for that one");
    assertFalse(m.eventsTruncated());

    assertTrue(store.find("Q2").isEmpty());
    assertTrue(store.find("").isEmpty());
  }

  @Test
  void searchesByClientSenderRecipientAndTimeNewestFirstWithStatus() throws Exception {
    store.write(List.of(
        accepted("A", "billing", "owner@sender.test", T0, "bob@dest.test"),
        accepted("B", "billing", "other@sender.test", T0.plusSeconds(60), "Bob@Dest.test",
            "amy@dest.test"),
        accepted("C", "crm", "owner@sender.test", T0.plusSeconds(120), "amy@dest.test",
            "cy@dest.test"),
        accepted("D", null, "", T0.plusSeconds(180), "postmaster@relay.test"),
        outcome("A", EventKind.DELIVERED, "250 ok", 1, T0.plusSeconds(1), "bob@dest.test"),
        outcome("B", EventKind.DELIVERED, "250 ok", 1, T0.plusSeconds(61), "Bob@Dest.test"),
        outcome("C", EventKind.BOUNCED, "550 5.1.1 no", 1, T0.plusSeconds(121), "amy@dest.test"),
        outcome("C", EventKind.EXPIRED, "451 4.4.1 gone", 5, T0.plusSeconds(900),
            "cy@dest.test")));

    assertEquals(List.of("D", "C", "B", "A"), ids(search(null, null, null, null, null, 10)));
    List<MessageSummary> all = store.search(search(null, null, null, null, null, 10));
    assertEquals(MessageStatus.QUEUED, all.get(0).status());
    assertEquals(Optional.empty(), all.get(0).client());
    assertEquals(MessageStatus.BOUNCED, all.get(1).status(), "bounced and expired");
    assertEquals(MessageStatus.QUEUED, all.get(2).status(), "amy not done yet");
    assertEquals(List.of("Bob@Dest.test", "amy@dest.test"), all.get(2).recipients());
    assertEquals(2, all.get(2).recipientCount());
    assertEquals(MessageStatus.DELIVERED, all.get(3).status());

    assertEquals(List.of("B", "A"), ids(search("billing", null, null, null, null, 10)));
    assertEquals(List.of("C", "A"), ids(search(null, "OWNER@sender.test", null, null, null, 10)));
    assertEquals(List.of("B", "A"), ids(search(null, null, "bob@DEST.test", null, null, 10)));
    assertEquals(List.of("C", "B"), ids(search(null, null, "amy@dest.test", null, null, 10)));
    assertEquals(List.of("B"), ids(search("billing", null, "amy@dest.test", null, null, 10)));
    assertEquals(List.of("C", "B"), ids(search(null, null, null, T0.plusSeconds(60),
        T0.plusSeconds(180), 10)), "since inclusive, until exclusive");
    assertEquals(List.of("D"), ids(search(null, null, null, null, null, 1)));
    assertEquals(List.of(), ids(search("nobody", null, null, null, null, 10)));
    assertEquals(List.of(), ids(search(null, null, "bob@dest", null, null, 10)), "whole address");

    store.write(List.of(outcome("B", EventKind.BOUNCED, "550 no", 2, T0.plusSeconds(99),
        "amy@dest.test")));
    assertEquals(MessageStatus.MIXED, store.search(search("billing", null, "amy@dest.test",
        null, null, 10)).get(0).status());
  }

  @Test
  void aSearchListsTheFirstHundredRecipientsAndCountsAll() throws Exception {
    String[] many = IntStream.range(0, 150).mapToObj(i -> "r" + i + "@dest.test")
        .toArray(String[]::new);
    store.write(List.of(accepted("M", "bulk", "owner@sender.test", T0, many)));
    MessageSummary s = store.search(search(null, null, "r149@dest.test", null, null, 5)).get(0);
    assertEquals(150, s.recipientCount());
    assertEquals(HistoryStore.SUMMARY_RECIPIENTS, s.recipients().size());
    assertEquals("r0@dest.test", s.recipients().get(0));
    assertEquals(150, store.find("M").orElseThrow().recipients().size());
  }

  @Test
  void valuesLongerThanTheColumnsAreCutNotRefused() throws Exception {
    String longAddress = "x".repeat(400) + "@dest.test";
    String longReply = "451 " + "y".repeat(2000);
    store.write(List.of(accepted("L", "c", longAddress, T0, longAddress),
        outcome("L", EventKind.DEFERRED, longReply, 1, T0, longAddress)));
    StoredMessage m = store.find("L").orElseThrow();
    assertEquals(HistoryTables.ADDRESS, m.sender().length());
    assertEquals(HistoryTables.REPLY, m.events().get(1).reply().orElseThrow().length());
  }

  @Test
  void aBatchIsWrittenWholeOrNotAtAll() throws Exception {
    store.write(List.of(accepted("X", "c", "a@b.test", T0, "r@d.test")));
    try {
      store.write(List.of(accepted("Y", "c", "a@b.test", T0, "r@d.test"),
          accepted("X", "c", "a@b.test", T0, "r@d.test")));
      throw new AssertionError("a duplicate message id must fail the batch");
    } catch (java.sql.SQLException expected) {
      // refused: Y is not there either
    }
    assertTrue(store.find("Y").isEmpty());
    assertEquals(1, count("relay_history_recipient"));
  }

  @Test
  void purgeDeletesOldHistoryInBatchesAndKeepsTheRest() throws Exception {
    List<HistoryRecord> old = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      old.add(accepted("old" + i, "c", "a@b.test", T0.minus(Duration.ofDays(40)).plusSeconds(i),
          "r@d.test"));
      old.add(outcome("old" + i, EventKind.DELIVERED, "250 ok", 1,
          T0.minus(Duration.ofDays(40)).plusSeconds(i + 1), "r@d.test"));
    }
    // events of a message whose acceptance was never written (dropped, or another node's)
    old.add(outcome("orphan", EventKind.DEFERRED, "451 x", 1, T0.minus(Duration.ofDays(31)),
        "r@d.test"));
    old.add(accepted("new", "c", "a@b.test", T0.minus(Duration.ofDays(1)), "r@d.test"));
    old.add(outcome("new", EventKind.DELIVERED, "250 ok", 1, T0.minus(Duration.ofDays(1)),
        "r@d.test"));
    store.write(old);
    Instant cutoff = T0.minus(Duration.ofDays(30));

    assertEquals(2, store.purge(cutoff, 2), "a full batch: more may be left");
    assertEquals(2, store.purge(cutoff, 2));
    assertEquals(2, store.purge(cutoff, 2), "the last old message and the orphan's events");
    assertEquals(0, store.purge(cutoff, 2));
    assertEquals(1, count("relay_history_message"));
    assertEquals(1, count("relay_history_recipient"));
    assertEquals(1, count("relay_history_event"));
    assertTrue(store.find("new").isPresent());
    assertTrue(store.find("old4").isEmpty());
  }

  private static HistorySearch search(String client, String sender, String recipient,
      Instant since, Instant until, int limit) {
    return new HistorySearch(Optional.ofNullable(client), Optional.ofNullable(sender),
        Optional.ofNullable(recipient), Optional.ofNullable(since), Optional.ofNullable(until),
        limit);
  }

  private List<String> ids(HistorySearch search) throws Exception {
    return store.search(search).stream().map(MessageSummary::id).toList();
  }

  protected int count(String table) throws Exception {
    try (Connection c = db.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }
}
