package relay.persistence.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import relay.protocol.client.TlsStatus;

class MessageEventLogTest {

  final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  final Logger logger = (Logger) LoggerFactory.getLogger(MessageEventLog.LOGGER);
  final MessageEventLog log = new MessageEventLog();

  @BeforeEach
  void capture() {
    lines.start();
    logger.addAppender(lines);
  }

  @AfterEach
  void release() {
    logger.detachAppender(lines);
  }

  JsonNode only() throws Exception {
    assertEquals(1, lines.list.size());
    return new ObjectMapper().readTree(lines.list.get(0).getFormattedMessage());
  }

  @Test
  void receivedNamesTheClientAndTheEnvelope() throws Exception {
    log.received("Q1", "app-1", "s@x.example", List.of("a@d", "b@d"), 1234, 2.5);
    JsonNode j = only();
    assertEquals("received", j.get("event").asText());
    assertEquals("Q1", j.get("queue_id").asText());
    assertEquals("app-1", j.get("client").asText());
    assertEquals("s@x.example", j.get("sender").asText());
    assertEquals(2, j.get("recipients").size());
    assertEquals(1234, j.get("size").asLong());
  }

  @Test
  void outcomesCarryDomainHostReplyAttemptAndDelay() throws Exception {
    log.bounced("Q2", "d.example", "", List.of("x@d.example"), "mx1.d.example",
        "550 5.1.1 No such user", 3, 60_000, 99, TlsStatus.NONE);
    JsonNode j = only();
    assertEquals("bounced", j.get("event").asText());
    assertEquals("", j.get("sender").asText());
    assertEquals("d.example", j.get("domain").asText());
    assertEquals("mx1.d.example", j.get("remote_host").asText());
    assertEquals("550 5.1.1 No such user", j.get("reply").asText());
    assertEquals(3, j.get("attempt").asInt());
    assertEquals(60_000, j.get("delay_ms").asLong());
    assertEquals(99, j.get("size").asLong());
    assertEquals("none", j.get("tls").asText());
  }

  @Test
  void anOutcomeOverTlsNamesProtocolCipherAndVerification() throws Exception {
    log.delivered("Q4", "d.example", "s@x.example", List.of("a@d.example"), "mx1.d.example[192.0.2.1]",
        "250 2.0.0 Ok", 1, 120, 500, new TlsStatus("TLSv1.3", "TLS_AES_256_GCM_SHA384", true));
    JsonNode tls = only().get("tls");
    assertEquals("TLSv1.3", tls.get("protocol").asText());
    assertEquals("TLS_AES_256_GCM_SHA384", tls.get("cipher").asText());
    assertTrue(tls.get("verified").asBoolean());
  }

  @Test
  void oddCharactersStayInsideTheirJsonString() throws Exception {
    log.deferred("Q3", "d.example", "\"quoted\"\r\nInjected: yes", List.of("a@d"), "", "451 4.0.0 x",
        1, 0, 1, null);
    JsonNode j = only();
    assertEquals("\"quoted\"\r\nInjected: yes", j.get("sender").asText());
    assertEquals(1, lines.list.get(0).getFormattedMessage().lines().count(), "one line per event");
  }
}
