package relay.persistence.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSpoolTest extends SpoolContractTest {

  @TempDir Path dir;

  @Override
  protected Spool newSpool() throws IOException {
    return new FileSpool(dir, true, blocking());
  }

  @Override
  protected long storedBodies() throws IOException {
    // distinct inodes among regular files outside the free pool: each body counts once whatever
    // its links (released files waiting for reuse are not bodies; their count is bounded below)
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile)
          .filter(p -> !p.startsWith(dir.resolve(FileSpool.FREE_DIRECTORY)))
          .map(p -> {
            try {
              return Files.getAttribute(p, "unix:ino");
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }).distinct().count();
    }
  }

  @Test
  void oneFileWithALinkPerDomainAndNoTemporaryNameAfterCommit() throws Exception {
    store("Q-links", body(10, 9), List.of("a.example", "b.example"));
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> regular = files.filter(Files::isRegularFile).toList();
      assertEquals(2, regular.size());
      for (Path p : regular) {
        assertEquals(2, ((Number) Files.getAttribute(p, "unix:nlink")).intValue());
        assertFalse(p.getFileName().toString().endsWith(".tmp"));
      }
    }
  }

  @Test
  void shortNamesKeepTheirFormLongOnesAreHashedWithASidecar() throws Exception {
    String longDomain = longDomain('a', 253);
    store("Q-names", body(10, 1), List.of("a.example", longDomain));
    List<String> names;
    try (Stream<Path> files = Files.walk(dir)) {
      names = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted()
          .toList();
    }
    assertEquals(3, names.size(), names.toString());
    assertEquals("Q-names@a.example", names.get(0), "an existing spool's names still read");
    String hashed = names.get(1);
    assertTrue(hashed.startsWith("Q-names@~") && hashed.length() == "Q-names@~".length() + 64,
        hashed);
    assertEquals(hashed + ".domain", names.get(2));
    Path sidecar;
    try (Stream<Path> files = Files.walk(dir)) {
      sidecar = files.filter(p -> p.getFileName().toString().endsWith(".domain")).findFirst()
          .orElseThrow();
    }
    assertEquals(longDomain, Files.readString(sidecar, StandardCharsets.UTF_8));
    spool.release("Q-names", longDomain);
    assertFalse(Files.exists(sidecar), "the sidecar goes with its link");
    assertTrue(spool.exists("Q-names", "a.example"));
  }

  @Test
  void bodiesCutOffByACrashAreRemovedAtStart() throws Exception {
    SpoolWriter cutOff = spool.create("Q-crash");
    cutOff.write(new byte[100], 0, 100);
    store("Q-kept", body(10, 10), List.of("a.example"));
    Path legacy = linkOf("Q-kept", "a.example").resolveSibling("Q-older.tmp");
    Files.write(legacy, new byte[50]); // what a version before the free directory left

    FileSpool restarted = new FileSpool(dir, true, blocking());
    assertEquals(1, restarted.deleteStaleTemporaryFiles());
    assertEquals(0, filesIn(dir.resolve(FileSpool.FREE_DIRECTORY)));
    assertEquals(1, storedBodies());
    assertEquals(true, restarted.exists("Q-kept", "a.example"));
  }

  @Test
  void aReleasedFileIsReusedAndItsOldBytesNeverShow() throws Exception {
    store("Q-old", body(5000, 1), List.of("a.example"));
    Object inode = inodeOf("Q-old", "a.example");
    spool.release("Q-old", "a.example");
    assertEquals(1, ((FileSpool) spool).freeFiles());

    byte[] shorter = body(300, 2);
    store("Q-new", shorter, List.of("a.example"));
    assertEquals(inode, inodeOf("Q-new", "a.example"), "the released file was written over");
    assertEquals(0, ((FileSpool) spool).freeFiles());
    assertArrayEquals(shorter, readAll(spool.open("Q-new", "a.example")));
    assertFalse(spool.exists("Q-old", "a.example"));
  }

  @Test
  void aBodyIsRecycledOnlyWhenItsLastDomainReleasedIt() throws Exception {
    byte[] content = body(2000, 3);
    store("Q-two", content, List.of("a.example", "b.example"));
    spool.release("Q-two", "a.example");
    assertEquals(0, ((FileSpool) spool).freeFiles());
    assertArrayEquals(content, readAll(spool.open("Q-two", "b.example")));
    spool.release("Q-two", "b.example");
    assertEquals(1, ((FileSpool) spool).freeFiles());
    assertEquals(0, storedBodies());
  }

  @Test
  void theFreePoolKeepsAtMostItsLimitAndIsEmptiedAtStart() throws Exception {
    spool = new FileSpool(dir, true, blocking(), 2);
    for (int i = 0; i < 5; i++) {
      store("Q-" + i, body(100, i), List.of("a.example"));
    }
    for (int i = 0; i < 5; i++) {
      spool.release("Q-" + i, "a.example");
    }
    assertEquals(2, ((FileSpool) spool).freeFiles());
    assertEquals(2, filesIn(dir.resolve(FileSpool.FREE_DIRECTORY)));
    assertEquals(0, storedBodies());

    new FileSpool(dir, true, blocking(), 2);
    assertEquals(0, filesIn(dir.resolve(FileSpool.FREE_DIRECTORY)));
  }

  @Test
  void anAbortedBodyGoesToTheFreePoolAndStaysInvisible() throws Exception {
    SpoolWriter w = spool.create("Q-aborted");
    w.write(body(700, 4), 0, 700);
    w.abort();
    assertFalse(spool.exists("Q-aborted", "a.example"));
    assertEquals(1, ((FileSpool) spool).freeFiles());
    assertEquals(0, storedBodies());
  }

  @Test
  void aNameLeftPointingAtAReusedFileReadsAsMissingNotAsTheOtherMessage() throws Exception {
    // what a power loss can leave: the released name of Q-gone survives while its file now holds
    // Q-live (the release's directory update never reached the disk)
    store("Q-gone", body(400, 5), List.of("a.example"));
    Path goneName = linkOf("Q-gone", "a.example");
    spool.release("Q-gone", "a.example");
    store("Q-live", body(400, 6), List.of("a.example"));
    Files.createLink(goneName, linkOf("Q-live", "a.example"));

    assertThrows(NoSuchSpoolEntryException.class, () -> spool.open("Q-gone", "a.example"));
    assertArrayEquals(body(400, 6), readAll(spool.open("Q-live", "a.example")));
  }

  @Test
  void aBodyWrittenWithoutTheOwnerLineIsReadWhole() throws Exception {
    // a body spooled before the owner line existed
    store("Q-legacy", body(10, 7), List.of("a.example"));
    byte[] legacy = "Received: from a\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
    Path name = linkOf("Q-legacy", "a.example");
    Files.delete(name);
    Files.write(name, legacy);
    assertArrayEquals(legacy, readAll(spool.open("Q-legacy", "a.example")));
  }

  @Test
  void sessionsAndReleasesRunningAtOnceNeverSeeAnotherMessagesBytes() throws Exception {
    spool = new FileSpool(dir, true, blocking(), 8);
    int threads = 4;
    int perThread = 150;
    ExecutorService sessions = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(sessions.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            String id = "Q-" + thread + "-" + i;
            // sizes that go up and down, so reused files are both longer and shorter
            byte[] content = body(50 + (i * 7919 + thread * 104729) % 9000, thread * 1000L + i);
            store(id, content, List.of("a.example"));
            assertArrayEquals(content, readAll(spool.open(id, "a.example")), id);
            spool.release(id, "a.example");
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      sessions.shutdownNow();
    }
    assertEquals(0, storedBodies());
    assertTrue(((FileSpool) spool).freeFiles() <= 8);
    assertEquals(((FileSpool) spool).freeFiles(), filesIn(dir.resolve(FileSpool.FREE_DIRECTORY)),
        "the pool's count matches the directory");
  }

  private Path linkOf(String queueId, String domain) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().equals(queueId + "@" + domain))
          .findFirst().orElseThrow();
    }
  }

  private Object inodeOf(String queueId, String domain) throws IOException {
    return Files.getAttribute(linkOf(queueId, domain), "unix:ino");
  }

  private static long filesIn(Path d) throws IOException {
    try (Stream<Path> files = Files.list(d)) {
      return files.count();
    }
  }
}
