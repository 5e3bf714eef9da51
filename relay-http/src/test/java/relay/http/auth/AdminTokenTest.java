package relay.http.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The bootstrap admin token: configured, generated into a 0600 file, reused; never logged. */
class AdminTokenTest {

  @TempDir Path dir;

  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(AdminToken.class);

  @BeforeEach
  void capture() {
    logger.setLevel(ch.qos.logback.classic.Level.INFO);
    log.start();
    logger.addAppender(log);
  }

  @AfterEach
  void release() {
    logger.detachAppender(log);
  }

  private String logged() {
    return log.list.stream().map(ILoggingEvent::getFormattedMessage)
        .reduce("", (a, b) -> a + "\n" + b);
  }

  @Test
  void generatedOnceIntoAnOwnerOnlyFileAndReused() throws Exception {
    Path data = dir.resolve("data");
    String token = AdminToken.resolve(Optional.empty(), data);
    Path file = data.resolve("admin-token");
    assertEquals(43, token.length(), "32 random bytes, base64url");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(token, Files.readString(file).strip());
    assertEquals(token, AdminToken.resolve(Optional.empty(), data), "read back at the next start");
    assertTrue(logged().contains(file.toAbsolutePath().toString()), logged());
    assertFalse(logged().contains(token), "the token is never logged");
    assertTrue(new HashedTokenStore().add(token, Principal.admin("bootstrap-admin"))
        .authenticate(token).isPresent());
  }

  @Test
  void aFileReadableByOthersIsNarrowed() throws Exception {
    Path file = dir.resolve("admin-token");
    Files.writeString(file, "an-existing-token-of-enough-length\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertEquals("an-existing-token-of-enough-length", AdminToken.resolve(Optional.empty(), dir));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertFalse(logged().contains("an-existing-token"));
  }

  @Test
  void configuredTokenWinsAndMustBeLongEnough() throws Exception {
    String configured = "configured-admin-token-0123456789";
    assertEquals(configured, AdminToken.resolve(Optional.of(configured), dir));
    assertFalse(Files.exists(dir.resolve("admin-token")), "no file when configured");
    assertFalse(logged().contains(configured));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AdminToken.resolve(Optional.of("short"), dir));
    assertTrue(e.getMessage().startsWith("relay.http.admin-token"), e.getMessage());
    assertFalse(e.getMessage().contains("short"), "the message does not repeat the token");
  }
}
