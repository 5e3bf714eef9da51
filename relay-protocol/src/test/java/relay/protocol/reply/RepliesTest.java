package relay.protocol.reply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepliesTest {

  private static String wire(SmtpReply reply) {
    return new String(reply.encode(), StandardCharsets.UTF_8);
  }

  @Test
  void wireForms() {
    assertEquals("220 relay.example ESMTP\r\n", wire(Replies.greeting("relay.example")));
    assertEquals("250-relay.example\r\n250-PIPELINING\r\n250 SIZE 1000\r\n",
        wire(Replies.ehlo("relay.example", List.of("PIPELINING", "SIZE 1000"))));
    assertEquals("250 2.0.0 Ok: queued as Q42\r\n", wire(Replies.queued("Q42")));
    assertEquals("214-2.0.0 Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP VRFY HELP QUIT\r\n"
        + "214 2.0.0 See RFC 5321 for their syntax\r\n", wire(Replies.HELP));
    assertEquals("354 End data with <CR><LF>.<CR><LF>\r\n", wire(Replies.START_DATA));
  }

  @Test
  void closingReplies() {
    assertTrue(Replies.BYE.closesConnection());
    assertTrue(Replies.idleTimeout("h").closesConnection());
    assertTrue(Replies.tooManyErrors("h").closesConnection());
    assertTrue(Replies.shuttingDown("h").closesConnection());
    assertEquals("421 4.4.2 h Idle timeout, closing", Replies.idleTimeout("h").summary());
    assertEquals("421 4.7.0 h Too many errors, closing", Replies.tooManyErrors("h").summary());
    assertEquals("421 4.3.2 h Service shutting down", Replies.shuttingDown("h").summary());
    assertTrue(Replies.tooManySessions("h").closesConnection());
    assertTrue(Replies.tooManySessions("h").isTransient());
    assertEquals("421 4.4.5 h Too many concurrent sessions for this client, closing",
        Replies.tooManySessions("h").summary());
    assertFalse(Replies.LOCAL_ERROR.closesConnection());
    assertTrue(Replies.LOCAL_ERROR.isTransient());
    assertTrue(Replies.TOO_MANY_RECIPIENTS.isTransient());
  }

  @Test
  void peerTokensAreEchoedSafely() {
    assertEquals("555 5.5.4 Parameter not recognized: X??Y",
        Replies.parameterNotRecognized("X\r\nY").summary());
    assertEquals(64, Replies.parameterNotRecognized("A".repeat(500)).lines().get(0)
        .substring("Parameter not recognized: ".length()).length());
  }
}
