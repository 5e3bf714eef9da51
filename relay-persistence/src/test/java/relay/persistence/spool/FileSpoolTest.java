package relay.persistence.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    // distinct inodes among regular files: each body counts once whatever its links
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).map(p -> {
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
  void staleTemporaryFilesFromACrashAreRemovedAtStart() throws Exception {
    SpoolWriter cutOff = spool.create("Q-crash");
    cutOff.write(new byte[100], 0, 100);
    store("Q-kept", body(10, 10), List.of("a.example"));

    FileSpool restarted = new FileSpool(dir, true, blocking());
    assertEquals(1, restarted.deleteStaleTemporaryFiles());
    assertEquals(1, storedBodies());
    assertEquals(true, restarted.exists("Q-kept", "a.example"));
  }
}
