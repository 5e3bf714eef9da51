package relay.persistence.spool;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Bytes kept in memory up to a threshold, then spilled to a temporary file: memory per buffer is
 * bounded whatever the message size. Used by {@link JdbcSpool} to stage a body before the insert
 * and to hand a body to a delivery without holding a database connection.
 *
 * <p>Not thread-safe. {@link #close()} deletes the temporary file unless the stream from {@link
 * #toInputStream()} now owns it.
 */
final class SpillBuffer implements AutoCloseable {

  private final int threshold;
  private final Path tempDir;
  private byte[] memory;
  private int count;
  private Path file;
  private OutputStream fileOut;
  private long length;
  private boolean handedOver;

  SpillBuffer(int threshold, Path tempDir) {
    this.threshold = threshold;
    this.tempDir = tempDir;
    this.memory = new byte[Math.min(threshold, 8192)];
  }

  void write(byte[] bytes, int offset, int len) throws IOException {
    if (fileOut == null && count + len > threshold) {
      file = Files.createTempFile(tempDir, "relay-spool-", ".part");
      fileOut = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
      fileOut.write(memory, 0, count);
      memory = null;
    }
    if (fileOut != null) {
      fileOut.write(bytes, offset, len);
    } else {
      if (count + len > memory.length) {
        memory = Arrays.copyOf(memory, Math.min(threshold, Math.max(count + len, memory.length * 2)));
      }
      System.arraycopy(bytes, offset, memory, count, len);
      count += len;
    }
    length += len;
  }

  void writeFrom(InputStream in) throws IOException {
    byte[] chunk = new byte[8192];
    int n;
    while ((n = in.read(chunk)) > 0) {
      write(chunk, 0, n);
    }
  }

  long length() {
    return length;
  }

  /** A stream over the content; for a spilled buffer it deletes the file when closed. */
  InputStream toInputStream() throws IOException {
    if (fileOut == null) {
      return new ByteArrayInputStream(memory, 0, count);
    }
    fileOut.close();
    handedOver = true;
    Path owned = file;
    return new FilterInputStream(Files.newInputStream(owned)) {
      @Override
      public void close() throws IOException {
        try {
          super.close();
        } finally {
          Files.deleteIfExists(owned);
        }
      }
    };
  }

  /** A stream over the content that leaves the temporary file to {@link #close()}. */
  InputStream readAgain() throws IOException {
    if (fileOut == null) {
      return new ByteArrayInputStream(memory, 0, count);
    }
    fileOut.flush();
    return Files.newInputStream(file);
  }

  @Override
  public void close() {
    memory = null;
    if (fileOut != null) {
      try {
        fileOut.close();
      } catch (IOException ignored) {
        // deleted next
      }
      if (!handedOver) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // a stray temp file in the temp directory; nothing refers to it
        }
      }
    }
  }
}
