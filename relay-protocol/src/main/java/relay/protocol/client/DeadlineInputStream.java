package relay.protocol.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * The socket's input under a deadline: before every read that may block, the socket's read
 * timeout is set to the time left until the current {@link Deadline} (and a read after it fails at
 * once). A socket timeout alone restarts with every read, so a server that drips one byte just
 * before each timeout would hold the connection for ever; with this stream a reply is cut off
 * when its deadline passes, however the bytes trickle in (RFC 5321 4.5.3.2 gives timeouts per
 * reply, not per read).
 *
 * <p>Sits below the {@link java.io.BufferedInputStream} the {@link ReplyReader} reads from, so it
 * is called only when the buffer is empty, that is, before a read that may block. Setting the
 * timeout of a JDK socket only stores a field; no system call per read.
 */
final class DeadlineInputStream extends InputStream {

  private final InputStream in;
  private final Socket socket;
  private Deadline deadline;

  DeadlineInputStream(InputStream in, Socket socket, Deadline initial) {
    this.in = in;
    this.socket = socket;
    this.deadline = initial;
  }

  /** Every read from now on must complete by {@code next}. */
  void expireAt(Deadline next) {
    this.deadline = next;
  }

  @Override
  public int read() throws IOException {
    arm();
    return in.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    arm();
    return in.read(b, off, len);
  }

  @Override
  public int available() throws IOException {
    return in.available();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private void arm() throws IOException {
    int millis = deadline.waitMillis();
    if (millis == 0) {
      throw new SocketTimeoutException("deadline passed");
    }
    socket.setSoTimeout(millis);
  }
}
