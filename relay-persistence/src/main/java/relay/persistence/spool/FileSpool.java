package relay.persistence.spool;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Spool on a local file system.
 *
 * <p>Layout: {@code <dir>/<hh>/} with 256 sub-directories picked by a hash of the queue id, so no
 * directory grows past a few thousand entries at normal queue sizes, and {@code <dir>/free/} for
 * files not (or not yet) holding a committed body. A body is streamed to a file in {@code free/};
 * commit flushes and fdatasyncs it, gives it its name {@code <hh>/<queueId>@<domain>} (a rename,
 * or one hard link per destination domain and the work name removed; a name too long for the
 * file system gets a hashed form and a sidecar naming the domain, see {@link LinkNames}) and
 * fsyncs that directory,
 * so a crash after commit completed always finds every name. The file system counts the
 * references: the body is gone when the last domain's name is released.
 *
 * <p>With {@code fsync = false} (tests, or a spool on a battery-backed or replicated volume)
 * commit skips both fsyncs; the data is then safe against a process crash but not a power loss.
 *
 * <p>Released bodies are recycled: when the last name of a body is released, the file moves back
 * to {@code free/} (up to {@code recycleLimit} files; beyond that it is deleted), and {@link
 * #create} writes over a free file before it makes a new one; commit cuts it to the new length.
 * Creating and deleting a file per message makes the file system allocate and free an inode per
 * message, and ext4 without a journal then scans past every inode freed in the last minute for
 * each new one (its {@code recently_deleted} check): measured with ops/bench (1 KB messages, 2
 * cores), file creation alone took about 10 % of the node's CPU. A free file holds stale bytes of
 * an old message; it is never reachable under a queue id, and its old content never shows past
 * the new body's length. {@code free/} is emptied at start, which also removes the bodies of
 * sessions cut off by a crash (never acknowledged).
 *
 * <p>Every file starts with a line naming its queue id ({@code #relay-spool <queueId>} CRLF),
 * which {@link #open} checks and skips. A name that outlived its release (the release is not
 * made durable, see below) can point at a file since reused for another message after a power
 * loss; the check turns that into a missing body instead of another message's content. Files
 * without the line (written before it existed) are read whole: every body starts with the
 * relay's {@code Received:} header, never with {@code #}.
 *
 * <p>Threads: {@link #create} (a file opened or made) and the writer's {@code write} (buffered
 * writes into the page cache) run on the caller's thread, the SMTP stream's on the default
 * pool; only a throttled or hung disk makes them wait, and a full disk fails them at once. The
 * commit's fsyncs and links run on the blocking executor.
 *
 * <p>XXX: {@link #release} does not fsync the directory; after a power loss a released name can
 * reappear. That never delivers twice, because the queue no longer refers to it (and should the
 * queue have lost the release too, a reused file fails the owner check); the queue releases it
 * again when it next recovers, if the message is among the completions it looks up then (see
 * DeliveryQueue), and otherwise the orphan sweep removes it (relay.queue.orphan-sweep).
 */
public final class FileSpool implements Spool, SpoolScan {

  private static final int FANOUT = 256;
  private static final int WRITE_BUFFER = 64 * 1024;
  private static final String TMP_SUFFIX = ".tmp";
  private static final byte[] OWNER_MARK = "#relay-spool ".getBytes(StandardCharsets.US_ASCII);

  /** The sub-directory of released files and bodies being written (no committed body). */
  public static final String FREE_DIRECTORY = "free";

  /** Free files kept for reuse when the caller does not say. */
  public static final int DEFAULT_RECYCLE_LIMIT = 1024;

  private final Path dir;
  private final boolean fsync;
  private final Executor blocking;
  private final Path freeDir;
  private final int recycleLimit;
  private final ConcurrentLinkedQueue<Path> free = new ConcurrentLinkedQueue<>();
  private final AtomicInteger freeCount = new AtomicInteger();
  private final AtomicLong freeNames = new AtomicLong();

  /**
   * Opens (and creates if needed) a spool directory.
   *
   * @param dir root directory of the spool
   * @param fsync whether commit forces data and directory entries to stable storage
   * @param blocking executor for the blocking part of commit (fsync, links)
   */
  public FileSpool(Path dir, boolean fsync, Executor blocking) throws IOException {
    this(dir, fsync, blocking, DEFAULT_RECYCLE_LIMIT);
  }

  /**
   * Opens (and creates if needed) a spool directory that keeps up to {@code recycleLimit}
   * released files for reuse (0: delete every released body).
   */
  public FileSpool(Path dir, boolean fsync, Executor blocking, int recycleLimit)
      throws IOException {
    if (recycleLimit < 0) {
      throw new IllegalArgumentException("recycle limit must be 0 or more, not " + recycleLimit);
    }
    this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
    this.fsync = fsync;
    this.blocking = Objects.requireNonNull(blocking, "blocking");
    this.recycleLimit = recycleLimit;
    this.freeDir = this.dir.resolve(FREE_DIRECTORY);
    Files.createDirectories(this.dir);
    Files.createDirectories(freeDir);
    deleteFreeFiles();
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
    Path reused;
    while ((reused = takeFree()) != null) {
      try {
        return new Writer(id, reused, FileChannel.open(reused, StandardOpenOption.WRITE), true)
            .start();
      } catch (NoSuchFileException e) {
        // gone (an operator cleaning up): take the next one
      }
    }
    Path fresh = freeDir.resolve("f" + freeNames.incrementAndGet());
    FileChannel channel =
        FileChannel.open(fresh, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new Writer(id, fresh, channel, false).start();
  }

  @Override
  public InputStream open(String queueId, String domain) throws IOException {
    String id = SpoolNames.queueId(queueId);
    Path link = link(id, SpoolNames.domain(domain));
    InputStream in;
    try {
      in = new BufferedInputStream(Files.newInputStream(link), WRITE_BUFFER);
    } catch (NoSuchFileException e) {
      throw new NoSuchSpoolEntryException(queueId, domain);
    }
    try {
      if (!skipOwnerLine(in, id)) {
        in.close();
        throw new NoSuchSpoolEntryException(queueId, domain);
      }
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
    return in;
  }

  private static byte[] ownerLine(String queueId) {
    return ("#relay-spool " + queueId + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Positions {@code in} at the body: after the owner line when it names {@code queueId}, at the
   * start when there is none; false when it names another message.
   */
  private static boolean skipOwnerLine(InputStream in, String queueId) throws IOException {
    byte[] expected = ownerLine(queueId);
    in.mark(expected.length);
    byte[] head = in.readNBytes(expected.length);
    if (Arrays.equals(head, expected)) {
      return true;
    }
    if (head.length >= OWNER_MARK.length
        && Arrays.equals(head, 0, OWNER_MARK.length, OWNER_MARK, 0, OWNER_MARK.length)) {
      return false;
    }
    in.reset();
    return true;
  }

  @Override
  public void release(String queueId, String domain) throws IOException {
    Path link = link(SpoolNames.queueId(queueId), SpoolNames.domain(domain));
    releaseLink(link);
    if (LinkNames.isHashed(link.getFileName().toString())) {
      Files.deleteIfExists(sidecar(link));
    }
  }

  private void releaseLink(Path link) throws IOException {
    if (freeCount.get() < recycleLimit) {
      int links;
      try {
        links = ((Number) Files.getAttribute(link, "unix:nlink")).intValue();
      } catch (NoSuchFileException e) {
        return;
      }
      // The last name of the body: nobody else can reach it, so it may be reused. Another
      // domain's release racing with this one sees two links too, and both names go.
      if (links == 1 && recycle(link)) {
        return;
      }
    }
    Files.deleteIfExists(link);
  }

  /** Number of released files waiting for reuse. */
  public int freeFiles() {
    return freeCount.get();
  }

  /** Moves a file nobody refers to into the free directory; false when the pool is full. */
  private boolean recycle(Path file) throws IOException {
    if (freeCount.incrementAndGet() > recycleLimit) {
      freeCount.decrementAndGet();
      return false;
    }
    Path target = freeDir.resolve("f" + freeNames.incrementAndGet());
    try {
      Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      freeCount.decrementAndGet();
      return true; // already gone: released twice at once
    } catch (IOException | RuntimeException e) {
      freeCount.decrementAndGet();
      throw e;
    }
    free.add(target);
    return true;
  }

  private Path takeFree() {
    Path p = free.poll();
    if (p != null) {
      freeCount.decrementAndGet();
    }
    return p;
  }

  /**
   * Deletes the free files of the previous run. They are not reused: after a power loss a file
   * moved out of the free directory may show there again beside its new name (the moves are not
   * made durable), and writing over it would destroy a committed body. Deleting a name never
   * does: the body keeps its other name.
   */
  private void deleteFreeFiles() throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(freeDir)) {
      for (Path p : entries) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Override
  public boolean exists(String queueId, String domain) {
    return Files.isRegularFile(link(SpoolNames.queueId(queueId), SpoolNames.domain(domain)));
  }

  /**
   * Deletes the half-written bodies ({@code <hh>/*.tmp}) that versions before the free directory
   * left when a crash cut a session off. Call once at start, before the node accepts mail;
   * returns the number of files removed.
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

  @Override
  public Page scan(Optional<String> from, Instant committedBefore, int max) throws IOException {
    return FileSpoolScan.scan(i -> dir.resolve(bucketName(i)), FileSpool::bucketNumber, FANOUT,
        from, committedBefore, max);
  }

  /** The entry's name: {@code <queueId>@<domain>}, or a hashed form when too long (LinkNames). */
  private Path link(String queueId, String domainKey) {
    return bucket(queueId).resolve(LinkNames.link(queueId, domainKey));
  }

  private static Path sidecar(Path hashedLink) {
    return hashedLink.resolveSibling(LinkNames.sidecar(hashedLink.getFileName().toString()));
  }

  /**
   * Writes the sidecar of a hashed link (the domain, so a listing can name it) before the link
   * is made; true when this call created it (false: it is there already, for the same domain,
   * since its name holds the domain's hash).
   */
  private boolean writeSidecar(Path link, String domainKey) throws IOException {
    Path side = sidecar(link);
    try (FileChannel ch = FileChannel.open(side, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(domainKey.getBytes(StandardCharsets.UTF_8)));
      if (fsync) {
        ch.force(false);
      }
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    }
  }

  private Path bucket(String queueId) {
    return dir.resolve(bucketName(bucketNumber(queueId)));
  }

  private static int bucketNumber(String queueId) {
    return queueId.hashCode() & (FANOUT - 1);
  }

  private static String bucketName(int i) {
    return Integer.toHexString(0x100 | i).substring(1);
  }

  private static void forceDirectory(Path directory) throws IOException {
    try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /**
   * One body being written; states: open -> committing -> committed, or open -> aborted. A
   * recycled file is written over from its start and cut to the new length at commit.
   */
  private final class Writer extends StagedWriter {

    private final Path work;
    private final FileChannel channel;
    private final OutputStream out;
    private final boolean recycled;

    Writer(String queueId, Path work, FileChannel channel, boolean recycled) {
      super(queueId, blocking);
      this.work = work;
      this.channel = channel;
      this.recycled = recycled;
      this.out = new BufferedOutputStream(Channels.newOutputStream(channel), WRITE_BUFFER);
    }

    /** Writes the owner line; called once before any body byte. */
    Writer start() throws IOException {
      try {
        out.write(ownerLine(queueId()));
      } catch (IOException | RuntimeException e) {
        discard();
        throw e;
      }
      return this;
    }

    @Override
    void stage(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length);
    }

    @Override
    void makeDurable(Set<String> keys) throws IOException {
      List<Path> links = new ArrayList<>(keys.size());
      List<Path> sidecars = new ArrayList<>();
      try {
        out.flush();
        if (recycled) {
          channel.truncate(channel.position());
        }
        if (fsync) {
          // data and length (fdatasync); the name becomes durable with the directory below
          channel.force(false);
        }
        channel.close();
        for (String key : keys) {
          Path link = link(queueId(), key);
          if (LinkNames.isHashed(link.getFileName().toString()) && writeSidecar(link, key)) {
            sidecars.add(sidecar(link));
          }
        }
        if (keys.size() == 1) {
          // one domain (the common case): one rename instead of a link and an unlink; like the
          // link, it refuses a name that exists (a second body under a committed queue id)
          Path link = link(queueId(), keys.iterator().next());
          Files.move(work, link);
          links.add(link);
        } else {
          for (String key : keys) {
            Path link = link(queueId(), key);
            Files.createLink(link, work);
            links.add(link);
          }
          Files.delete(work);
        }
        if (fsync) {
          forceDirectory(links.get(0).getParent());
        }
      } catch (IOException | RuntimeException e) {
        closeQuietly();
        for (Path link : links) {
          deleteQuietly(link);
        }
        for (Path side : sidecars) {
          deleteQuietly(side);
        }
        deleteQuietly(work);
        throw e;
      }
    }

    @Override
    void discard() {
      closeQuietly();
      if (freeCount.incrementAndGet() <= recycleLimit) {
        free.add(work); // already in the free directory
        return;
      }
      freeCount.decrementAndGet();
      deleteQuietly(work);
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
