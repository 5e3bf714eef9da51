package relay.persistence.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import relay.persistence.spool.FileSpool;

/** Spool releases alone, on a real file spool. */
class SpoolReleasesTest {

  @TempDir Path dir;

  @Test
  void aReleaseDropsTheDomainsReferenceOnly() throws Exception {
    FileSpool spool = new FileSpool(dir, false, Runnable::run);
    TestQueues.spool(spool, "Q1", "a.example", "b.example");
    SpoolReleases a = new SpoolReleases(spool, "a.example", Runnable::run,
        LoggerFactory.getLogger(SpoolReleasesTest.class));
    a.release("Q1").get(5, TimeUnit.SECONDS);
    assertFalse(spool.exists("Q1", "a.example"));
    assertTrue(spool.exists("Q1", "b.example"));
    a.release("Q9").get(5, TimeUnit.SECONDS); // no entry: nothing happens
  }

  @Test
  void leftoversAreLookedUpAtOnceAndOnlyThoseStillThereCount() throws Exception {
    FileSpool spool = new FileSpool(dir, false, Runnable::run);
    TestQueues.spool(spool, "Q1", "a.example");
    TestQueues.spool(spool, "Q3", "a.example");
    SpoolReleases a = new SpoolReleases(spool, "a.example", Runnable::run,
        LoggerFactory.getLogger(SpoolReleasesTest.class));
    int released = a.releaseLeftovers(List.of("Q1", "Q2", "Q3"), "a.example")
        .get(5, TimeUnit.SECONDS);
    assertEquals(2, released);
    assertFalse(spool.exists("Q1", "a.example"));
    assertFalse(spool.exists("Q3", "a.example"));
  }
}
