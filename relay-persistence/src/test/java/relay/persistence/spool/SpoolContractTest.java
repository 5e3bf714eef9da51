package relay.persistence.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every spool must do, run against each implementation: bodies come back byte for byte for
 * every committed domain, nothing is visible before commit, the body is gone after the last
 * release, and bad names are refused before any I/O.
 */
abstract class SpoolContractTest {

  protected final AtomicInteger blockingTasks = new AtomicInteger();
  protected ExecutorService executor;
  protected Spool spool;

  /** The spool under test, using {@link #blocking()} for commit work. */
  protected abstract Spool newSpool() throws Exception;

  /** Bodies (files or rows) the implementation still stores, committed or not. */
  protected abstract long storedBodies() throws Exception;

  /** Bodies stored in a database spool's table (for the JDBC spools' storedBodies). */
  static long storedBodies(javax.sql.DataSource dataSource) throws Exception {
    try (java.sql.Connection c = dataSource.getConnection();
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM relay_spool_body")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  protected java.util.concurrent.Executor blocking() {
    return task -> {
      blockingTasks.incrementAndGet();
      executor.execute(task);
    };
  }

  @BeforeEach
  void startSpool() throws Exception {
    executor = Executors.newFixedThreadPool(4);
    spool = newSpool();
  }

  @AfterEach
  void stopExecutor() throws Exception {
    executor.shutdownNow();
    assertTrue(executor.awaitTermination(5, TimeUnit.SECONDS));
  }

  static byte[] body(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  void store(String queueId, byte[] body, List<String> domains) throws Exception {
    SpoolWriter w = spool.create(queueId);
    for (int off = 0; off < body.length; off += 1000) {
      w.write(body, off, Math.min(1000, body.length - off));
    }
    w.commit(domains).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void committedBodyIsReadableForEveryDomainUntilItsRelease() throws Exception {
    byte[] body = "Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
    store("Q1", body, List.of("a.example", "b.example"));

    assertArrayEquals(body, readAll(spool.open("Q1", "a.example")));
    assertArrayEquals(body, readAll(spool.open("Q1", "b.example")));
    assertTrue(spool.exists("Q1", "a.example"));

    spool.release("Q1", "a.example");
    assertFalse(spool.exists("Q1", "a.example"));
    assertThrows(NoSuchSpoolEntryException.class, () -> spool.open("Q1", "a.example"));
    assertArrayEquals(body, readAll(spool.open("Q1", "b.example")));
    assertEquals(1, storedBodies());

    spool.release("Q1", "b.example");
    assertFalse(spool.exists("Q1", "b.example"));
    assertEquals(0, storedBodies());
  }

  @Test
  void commitRunsOnTheBlockingExecutor() throws Exception {
    int before = blockingTasks.get();
    store("Q2", body(10, 1), List.of("a.example"));
    assertTrue(blockingTasks.get() > before);
  }

  @Test
  void largeBodyStreamsThroughUnchanged() throws Exception {
    byte[] body = body(3 * 1024 * 1024 + 17, 42);
    store("Q-large", body, List.of("a.example"));
    assertArrayEquals(body, readAll(spool.open("Q-large", "a.example")));
  }

  /**
   * A delivery reading the body for one domain while another domain's delivery finishes and
   * releases its reference reads the whole body; two readers of one body do not disturb each
   * other.
   */
  @Test
  void aBodyBeingReadSurvivesTheReleaseOfAnotherDomain() throws Exception {
    byte[] body = body(1024 * 1024 + 3, 43);
    store("Q-shared", body, List.of("a.example", "b.example"));
    try (InputStream a = spool.open("Q-shared", "a.example");
        InputStream b = spool.open("Q-shared", "b.example")) {
      byte[] firstOfA = a.readNBytes(300_000);
      byte[] allOfB = b.readAllBytes();
      spool.release("Q-shared", "b.example");
      byte[] restOfA = a.readAllBytes();
      byte[] allOfA = new byte[firstOfA.length + restOfA.length];
      System.arraycopy(firstOfA, 0, allOfA, 0, firstOfA.length);
      System.arraycopy(restOfA, 0, allOfA, firstOfA.length, restOfA.length);
      assertArrayEquals(body, allOfA);
      assertArrayEquals(body, allOfB);
    }
    assertTrue(spool.exists("Q-shared", "a.example"));
    spool.release("Q-shared", "a.example");
    assertEquals(0, storedBodies());
  }

  @Test
  void emptyBodyIsAllowed() throws Exception {
    store("Q-empty", new byte[0], List.of("a.example"));
    assertArrayEquals(new byte[0], readAll(spool.open("Q-empty", "a.example")));
  }

  @Test
  void uncommittedBodyIsInvisibleAndAbortLeavesNothing() throws Exception {
    SpoolWriter w = spool.create("Q3");
    w.write(body(5000, 3), 0, 5000);
    assertFalse(spool.exists("Q3", "a.example"));
    assertThrows(NoSuchSpoolEntryException.class, () -> spool.open("Q3", "a.example"));

    w.abort();
    w.abort();
    assertThrows(IOException.class, () -> w.write(new byte[1], 0, 1));
    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> w.commit(List.of("a.example")).toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertInstanceOf(IOException.class, failed.getCause());
    assertFalse(spool.exists("Q3", "a.example"));
    assertEquals(0, storedBodies());
  }

  @Test
  void existingNamesTheCommittedEntriesOfOneDomainAmongManyIds() throws Exception {
    store("Q6", body(10, 6), List.of("a.example", "b.example"));
    store("Q7", body(10, 7), List.of("a.example"));
    spool.release("Q6", "a.example");
    SpoolWriter open = spool.create("Q8");
    open.write(body(10, 8), 0, 10);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      ids.add("N" + i); // never stored; more than one database query's worth
    }
    ids.add(300, "Q7");
    ids.addAll(List.of("Q6", "Q8"));

    assertEquals(Set.of("Q7"), spool.existing(ids, "A.example"));
    assertEquals(Set.of("Q6"), spool.existing(ids, "b.example"));
    assertEquals(Set.of(), spool.existing(List.of(), "a.example"));
    open.abort();
  }

  @Test
  void domainsAreCaseInsensitive() throws Exception {
    store("Q4", body(100, 4), List.of("Example.COM", "example.com"));
    assertTrue(spool.exists("Q4", "example.com"));
    assertTrue(spool.exists("Q4", "EXAMPLE.com"));
    spool.release("Q4", "EXAMPLE.COM");
    assertEquals(0, storedBodies());
  }

  @Test
  void commitWithoutDomainFailsAndStoresNothing() throws Exception {
    SpoolWriter w = spool.create("Q5");
    w.write(body(10, 5), 0, 10);
    CompletableFuture<?> f = w.commit(List.of()).toCompletableFuture();
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    assertInstanceOf(IllegalArgumentException.class, e.getCause());
    w.abort();
    assertEquals(0, storedBodies());
  }

  @Test
  void unsafeNamesAreRefusedBeforeAnyIo() {
    assertThrows(IllegalArgumentException.class, () -> spool.create("../etc"));
    assertThrows(IllegalArgumentException.class, () -> spool.create("a/b"));
    assertThrows(IllegalArgumentException.class, () -> spool.create(""));
    assertThrows(IllegalArgumentException.class, () -> spool.open("Q", "../x"));
    assertThrows(IllegalArgumentException.class, () -> spool.open("Q", "a/b.example"));
    assertThrows(IllegalArgumentException.class, () -> spool.release("Q", "a b"));
    assertThrows(IllegalArgumentException.class, () -> spool.exists("Q", ""));
  }

  @Test
  void secondBodyUnderACommittedQueueIdFailsAndKeepsTheFirst() throws Exception {
    byte[] first = body(100, 6);
    store("Q6", first, List.of("a.example"));
    SpoolWriter again = spool.create("Q6");
    again.write(body(50, 7), 0, 50);
    assertThrows(ExecutionException.class, () ->
        again.commit(List.of("a.example")).toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertArrayEquals(first, readAll(spool.open("Q6", "a.example")));
    assertEquals(1, storedBodies());
  }

  @Test
  void releasingAnUnknownEntryIsANoOp() throws Exception {
    spool.release("nothing-here", "a.example");
    assertFalse(spool.exists("nothing-here", "a.example"));
  }

  @Test
  void concurrentReleasesOfAllDomainsRemoveTheBody() throws Exception {
    List<String> domains = List.of("a.example", "b.example", "c.example", "d.example");
    for (int i = 0; i < 10; i++) {
      store("QC" + i, body(2000, i), domains);
    }
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService releasers = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<Void>> all = new java.util.ArrayList<>();
      for (String d : domains) {
        all.add(CompletableFuture.runAsync(() -> {
          try {
            start.await();
            for (int i = 0; i < 10; i++) {
              spool.release("QC" + i, d);
            }
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        }, releasers));
      }
      start.countDown();
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    } finally {
      releasers.shutdownNow();
    }
    assertEquals(0, storedBodies());
  }

  /** A domain of {@code octets} letters and dots: labels of 63 letters (the last shorter). */
  static String longDomain(char letter, int octets) {
    StringBuilder d = new StringBuilder();
    while (d.length() < octets) {
      if (d.length() > 0) {
        d.append('.');
      }
      int label = Math.min(63, octets - d.length());
      d.append(String.valueOf(letter).repeat(label));
    }
    return d.toString();
  }

  /** Queue ids of the longest form SpoolNames allows (64). */
  static final String LONG_ID = "Q".repeat(SpoolNames.MAX_QUEUE_ID - 4) + "-253";

  @Test
  void domainsOf253OctetsAndTheLongestQueueIdWork() throws Exception {
    String a = longDomain('a', 253);
    String b = longDomain('b', 253);
    assertEquals(253, a.length());
    byte[] content = body(5000, 253);
    store(LONG_ID, content, List.of(a, b, "short.example"));
    for (String d : List.of(a, b, "short.example")) {
      assertTrue(spool.exists(LONG_ID, d), d);
      assertArrayEquals(content, readAll(spool.open(LONG_ID, d.toUpperCase())));
    }
    assertEquals(Set.of(LONG_ID), spool.existing(List.of(LONG_ID, "other"), b));
    assertFalse(spool.exists(LONG_ID, longDomain('c', 253)));
    spool.release(LONG_ID, a);
    assertFalse(spool.exists(LONG_ID, a));
    assertArrayEquals(content, readAll(spool.open(LONG_ID, b)));
    spool.release(LONG_ID, b);
    spool.release(LONG_ID, "short.example");
    assertEquals(0, storedBodies());
  }

  @Test
  void aULabelDomainLongInUtf8Works() throws Exception {
    // 4 labels of 60 two-octet letters: 245 characters, 485 octets in UTF-8
    String label = "\u00fc".repeat(60);
    String domain = String.join(".", label, label, label, label) + ".test";
    byte[] content = body(300, 6531);
    store(LONG_ID, content, List.of(domain));
    assertTrue(spool.exists(LONG_ID, domain));
    assertArrayEquals(content, readAll(spool.open(LONG_ID, domain)));
    spool.release(LONG_ID, domain);
    assertFalse(spool.exists(LONG_ID, domain));
    assertEquals(0, storedBodies());
  }

  @Test
  void aDomainStartingWithTheHashedMarkIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> spool.exists("Q", "~abc.example"));
  }

  @Test
  void aScanListsCommittedEntriesPageByPageOnlyWhenOldEnough() throws Exception {
    java.time.Instant before = java.time.Instant.now().minusSeconds(60);
    for (int i = 0; i < 7; i++) {
      store("QS" + i, body(10, i), i == 3 ? List.of("a.example", "b.example") : List.of("a.example"));
    }
    String longDomain = longDomain('z', 253);
    store("QS-long", body(10, 99), List.of(longDomain));
    SpoolScan scan = (SpoolScan) spool;
    assertEquals(List.of(), scan.scan(java.util.Optional.empty(), before, 100).entries(),
        "nothing committed before a minute ago");

    java.time.Instant later = java.time.Instant.now().plusSeconds(60);
    List<SpoolScan.Entry> all = new ArrayList<>();
    java.util.Optional<String> cursor = java.util.Optional.empty();
    int pages = 0;
    do {
      SpoolScan.Page page = scan.scan(cursor, later, 2);
      all.addAll(page.entries());
      cursor = page.next();
      pages++;
    } while (cursor.isPresent() && pages < 1000);
    List<String> names = all.stream().map(e -> e.queueId() + "@" + e.domain()).sorted().toList();
    List<String> expected = new ArrayList<>(List.of("QS0@a.example", "QS1@a.example",
        "QS2@a.example", "QS3@a.example", "QS3@b.example", "QS4@a.example", "QS5@a.example",
        "QS6@a.example", "QS-long@" + longDomain));
    java.util.Collections.sort(expected);
    assertEquals(expected, names, "every entry once, the long domain named in full");
    assertTrue(pages > 1, "more than one page of 2");
    for (SpoolScan.Entry e : all) {
      assertTrue(e.committedAt().isAfter(before) && e.committedAt().isBefore(later), e.toString());
    }
  }
}
