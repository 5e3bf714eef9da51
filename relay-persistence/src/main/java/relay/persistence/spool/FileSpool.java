package relay.persistence.spool;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Spool on a local file system.
 *
 * <p>Layout: {@code <dir>/<hh>/} with 256 sub-directories picked by a hash of the queue id, so no
 * directory grows past a few thousand entries at normal queue sizes. A body is streamed to {@code
 * <hh>/<queueId>.tmp}; commit flushes and fsyncs it, creates one hard link {@code
 * <hh>/<queueId>@<domain>} per destination domain, removes the temporary name and fsyncs the
 * directory, so a crash after commit completed always finds every link. The file system counts the
 * references: the body disappears when the last domain's link is removed.
 *
 * <p>With {@code fsync = false} (tests, or a spool on a battery-backed or replicated volume)
 * commit skips both fsyncs; the data is then safe against a process crash but not a power loss.
 *
 * <p>XXX: {@link #release} does not fsync the directory; after a power loss a released link can
 * reappear. That leaks disk space but never delivers twice, because the queue no longer refers to
 * it. {@link #deleteStaleTemporaryFiles()} removes bodies of sessions cut off by a crash.
 */
public final class FileSpool implements Spool {

  private static final int FANOUT = 256;
  private static final int WRITE_BUFFER = 64 * 1024;
  private static final String TMP_SUFFIX = ".tmp";

  private final Path dir;
  private final boolean fsync;
  private final Executor blocking;

  /**
   * Opens (and creates if needed) a spool directory.
   *
   * @param dir root directory of the spool
   * @param fsync whether commit forces data and directory entries to stable storage
   * @param blocking executor for the blocking part of commit (fsync, links)
   */
  public FileSpool(Path dir, boolean fsync, Executor blocking) throws IOException {
    this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
    this.fsync = fsync;
    this.blocking = Objects.requireNonNull(blocking, "blocking");
    Files.createDirectories(this.dir);
    boolean created = false;
    for (int i = 0; i < FANOUT; i++) {
      Path sub = this.dir.resolve(bucketName(i));
      if (!Files.isDirectory(sub)) {
        Files.createDirectories(sub);
        created = true;
      }
    }
    if (created && fsync) {
      forceDirectory(this.dir);
    }
  }

  @Override
  public SpoolWriter create(String queueId) throws IOException {
    String id = SpoolNames.queueId(queueId);
    Path tmp = bucket(id).resolve(id + TMP_SUFFIX);
    FileChannel channel;
    try {
      channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (FileAlreadyExistsException e) {
      throw new IOException("queue id already being written: " + id, e);
    }
    return new Writer(id, tmp, channel);
  }

  @Override
  public InputStream open(String queueId, String domain) throws IOException {
    Path link = link(SpoolNames.queueId(queueId), SpoolNames.domain(domain));
    try {
      return new java.io.BufferedInputStream(Files.newInputStream(link), WRITE_BUFFER);
    } catch (NoSuchFileException e) {
      throw new NoSuchSpoolEntryException(queueId, domain);
    }
  }

  @Override
  public void release(String queueId, String domain) throws IOException {
    Files.deleteIfExists(link(SpoolNames.queueId(queueId), SpoolNames.domain(domain)));
  }

  @Override
  public boolean exists(String queueId, String domain) {
    return Files.isRegularFile(link(SpoolNames.queueId(queueId), SpoolNames.domain(domain)));
  }

  /**
   * Deletes temporary bodies left by sessions that never committed (a crash mid-DATA). Call once
   * at start, before the node accepts mail; returns the number of files removed.
   */
  public int deleteStaleTemporaryFiles() throws IOException {
    int removed = 0;
    for (int i = 0; i < FANOUT; i++) {
      try (DirectoryStream<Path> entries =
          Files.newDirectoryStream(dir.resolve(bucketName(i)), "*" + TMP_SUFFIX)) {
        for (Path p : entries) {
          if (Files.deleteIfExists(p)) {
            removed++;
          }
        }
      }
    }
    return removed;
  }

  private Path link(String queueId, String domainKey) {
    return bucket(queueId).resolve(queueId + "@" + domainKey);
  }

  private Path bucket(String queueId) {
    return dir.resolve(bucketName(queueId.hashCode() & (FANOUT - 1)));
  }

  private static String bucketName(int i) {
    return Integer.toHexString(0x100 | i).substring(1);
  }

  private static void forceDirectory(Path directory) throws IOException {
    try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** One body being written; states: open -> committing -> committed, or open -> aborted. */
  private final class Writer extends StagedWriter {

    private final Path tmp;
    private final FileChannel channel;
    private final OutputStream out;

    Writer(String queueId, Path tmp, FileChannel channel) {
      super(queueId, blocking);
      this.tmp = tmp;
      this.channel = channel;
      this.out = new BufferedOutputStream(Channels.newOutputStream(channel), WRITE_BUFFER);
    }

    @Override
    void stage(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length);
    }

    @Override
    void makeDurable(Set<String> keys) throws IOException {
      List<Path> links = new ArrayList<>(keys.size());
      try {
        out.flush();
        if (fsync) {
          channel.force(true);
        }
        channel.close();
        for (String key : keys) {
          Path link = link(queueId(), key);
          Files.createLink(link, tmp);
          links.add(link);
        }
        Files.delete(tmp);
        if (fsync) {
          forceDirectory(tmp.getParent());
        }
      } catch (IOException | RuntimeException e) {
        closeQuietly();
        for (Path link : links) {
          deleteQuietly(link);
        }
        deleteQuietly(tmp);
        throw e;
      }
    }

    @Override
    void discard() {
      closeQuietly();
      deleteQuietly(tmp);
    }

    private void closeQuietly() {
      try {
        channel.close();
      } catch (IOException ignored) {
        // the file is deleted next; nothing else to do
      }
    }

    private void deleteQuietly(Path p) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // left for deleteStaleTemporaryFiles or an operator; the queue never refers to it
      }
    }
  }
}
