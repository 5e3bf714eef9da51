package relay.node;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * A node that cannot start says why and leaves nothing behind: a busy SMTP port fails the start
 * with the listener named, and the storage it had opened is released, so the next start on the
 * same data directory succeeds.
 */
class StartFailureTest {

  @Test
  void busyListenerPortFailsTheStartAndReleasesTheStorage() throws Exception {
    try (RelayFixture relay = RelayFixture.create(RelayFixture.Storage.H2);
         ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      relay.with("relay.listeners = [ { name = \"busy\", host = \"127.0.0.1\", port = " + busy.getLocalPort() + " } ]");
      Exception e = assertThrows(Exception.class, relay::start);
      assertTrue(e.getMessage().contains("cannot bind SMTP listener"), e.getMessage());

      relay.with("relay.listeners = [ { name = \"free\", host = \"127.0.0.1\", port = 0 } ]").start();
      try (SmtpDialog smtp = SmtpDialog.connect(relay.smtp())) {
        assertTrue(smtp.reply().startsWith("220 relay.test"));
      }
    }
  }
}
