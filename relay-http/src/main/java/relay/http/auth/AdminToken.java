package relay.http.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bootstrap admin token: {@code relay.http.admin-token} (which the environment variable
 * RELAY_ADMIN_TOKEN sets), or else the token in {@code <data-dir>/admin-token}, generated at the
 * first start and written readable and writable by the relay's user only (POSIX 0600). Its path
 * is logged, the token never.
 */
public final class AdminToken {

  private static final Logger LOG = LoggerFactory.getLogger(AdminToken.class);

  /** A configured token shorter than this is refused: it could be guessed. */
  public static final int MIN_LENGTH = 20;

  public static final String FILE_NAME = "admin-token";

  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString(
      "rw-------");

  private AdminToken() {}

  /** The token to accept as the bootstrap admin's; creates the file when needed. */
  public static String resolve(Optional<String> configured, Path dataDir) throws IOException {
    if (configured.isPresent()) {
      String token = configured.get().strip();
      if (token.length() < MIN_LENGTH) {
        throw new IllegalArgumentException("relay.http.admin-token (or RELAY_ADMIN_TOKEN) is "
            + token.length() + " characters; use at least " + MIN_LENGTH
            + " random characters (or leave it empty to have one generated)");
      }
      LOG.info("relay.http: bootstrap admin token from relay.http.admin-token");
      return token;
    }
    Path file = dataDir.resolve(FILE_NAME).toAbsolutePath();
    if (Files.exists(file)) {
      ownerOnly(file);
      String token = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (token.length() < MIN_LENGTH) {
        throw new IllegalStateException(file + " holds no usable token (" + token.length()
            + " characters); delete it to have a new one generated");
      }
      LOG.info("relay.http: bootstrap admin token read from {}", file);
      return token;
    }
    Files.createDirectories(dataDir);
    String token = Tokens.generate();
    try {
      create(file);
    } catch (FileAlreadyExistsException raced) {
      return resolve(configured, dataDir); // another start wrote it first
    }
    Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
    LOG.info("relay.http: generated the bootstrap admin token into {} (readable by this user"
        + " only)", file);
    return token;
  }

  private static void create(Path file) throws IOException {
    if (posix(file.getParent())) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } else {
      Files.createFile(file);
      var f = file.toFile();
      f.setReadable(false, false);
      f.setReadable(true, true);
      f.setWritable(false, false);
      f.setWritable(true, true);
    }
  }

  /** An existing file readable by others is narrowed to 0600, with a warning. */
  private static void ownerOnly(Path file) throws IOException {
    if (!posix(file)) {
      return;
    }
    Set<PosixFilePermission> now = Files.getPosixFilePermissions(file);
    if (!OWNER_ONLY.containsAll(now)) {
      LOG.warn("relay.http: {} was {}; set to rw------- (the admin token is a secret)", file,
          PosixFilePermissions.toString(now));
      Files.setPosixFilePermissions(file, OWNER_ONLY);
    }
  }

  private static boolean posix(Path path) {
    return Files.getFileAttributeView(path, PosixFileAttributeView.class) != null;
  }
}
