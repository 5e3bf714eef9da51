package relay.protocol.tls;

import java.nio.file.Path;

/**
 * TLS key material that cannot be used, with a message naming the file and what is wrong with it
 * (missing, unreadable, no key, encrypted key, key not matching the certificate).
 */
public final class TlsMaterialException extends Exception {
  private static final long serialVersionUID = 1L;

  public TlsMaterialException(Path file, String problem) {
    super(file + ": " + problem);
  }

  public TlsMaterialException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem + (cause.getMessage() == null ? "" : " (" + cause.getMessage()
        + ")"), cause);
  }
}
