package relay.node.notice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import relay.persistence.notice.NoticeKind;

/**
 * The notice templates (built-in, replaced per file from relay.notices.templates, checked at
 * load) and the message built from one, parsed back with Jakarta Mail.
 */
class NoticeTemplatesTest {

  private static final Map<String, String> BLOCK = Map.ofEntries(Map.entry("hostname",
      "relay.test"), Map.entry("client-name", "The Shop"), Map.entry("client-id", "shop"),
      Map.entry("block-kind", "ip"), Map.entry("block-value", "192.0.2.9"),
      Map.entry("reason", "spam"), Map.entry("until", "permanent"),
      Map.entry("blocked-at", "2026-12-01T10:00:00Z"), Map.entry("notice-id", "n1"));

  @Test
  void everyBuiltInTemplateLoadsAndFillsItsPlaceholders() throws Exception {
    NoticeTemplates templates = NoticeTemplates.load("");
    NoticeTemplates.Rendered r = templates.render(NoticeKind.BLOCKED, BLOCK);
    assertEquals("[relay.test] The Shop: ip 192.0.2.9 blocked", r.subject());
    assertTrue(r.body().contains("Reason: spam\nUntil:  permanent\n"), r.body());
    for (NoticeKind kind : NoticeKind.values()) {
      assertFalse(templates.render(kind, Map.of()).subject().isEmpty(), kind.toString());
    }
  }

  @Test
  void aFileInTheTemplatesDirectoryReplacesItsBuiltInOnly(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("blocked.txt"),
        "Subject: Blocked: ${block-value}\r\n\r\nDear ${client-name}, ${reason}.\r\n");
    NoticeTemplates templates = NoticeTemplates.load(dir.toString());
    NoticeTemplates.Rendered r = templates.render(NoticeKind.BLOCKED, BLOCK);
    assertEquals("Blocked: 192.0.2.9", r.subject());
    assertEquals("Dear The Shop, spam.\n", r.body());
    assertTrue(templates.render(NoticeKind.UNBLOCKED, BLOCK).subject().contains("no longer"));
  }

  @Test
  void aTemplateWithoutSubjectOrWithAnUnknownPlaceholderStopsTheStart(@TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve("delayed.txt"), "Hello ${client-name}\n");
    String noSubject = assertThrows(IllegalArgumentException.class,
        () -> NoticeTemplates.load(dir.toString())).getMessage();
    assertTrue(noSubject.startsWith("relay.notices.templates: " + dir.resolve("delayed.txt")
        + ": must start with a line 'Subject: ...'"), noSubject);
    Files.writeString(dir.resolve("delayed.txt"), "Subject: x\n\n${reason}\n");
    String unknown = assertThrows(IllegalArgumentException.class,
        () -> NoticeTemplates.load(dir.toString())).getMessage();
    assertTrue(unknown.contains("unknown placeholder ${reason}; a delayed notice knows ["),
        unknown);
  }

  @Test
  void aValueCannotAddAHeaderLine() throws Exception {
    NoticeTemplates.Rendered r = NoticeTemplates.load("").render(NoticeKind.ANNOUNCEMENT,
        Map.of("hostname", "relay.test", "subject", "Hi\r\nBcc: victim@example.org"));
    assertEquals("[relay.test] Hi Bcc: victim@example.org", r.subject());
    byte[] bytes = NoticeMessage.build("postmaster@relay.test", List.of("a@shop.example"),
        r.subject(), "body", "<n1.1.notice@relay.test>", Instant.EPOCH);
    MimeMessage m = parse(bytes);
    assertEquals(null, m.getHeader("Bcc"));
    assertEquals(1, m.getAllRecipients().length);
  }

  @Test
  void theMessageHasTheHeadersOfAnAutomaticNotice() throws Exception {
    byte[] bytes = NoticeMessage.build("notices@relay.test",
        List.of("alice@shop.example", "bob@shop.example"), "Grüße: quota",
        "Line one\nLine two with ü\n", "<n7.5.notice@relay.test>",
        Instant.parse("2026-12-01T10:00:00Z"));
    String text = new String(bytes, StandardCharsets.US_ASCII);
    assertFalse(text.replace("\r\n", "").contains("\n"), "CRLF line ends only");
    MimeMessage m = parse(bytes);
    assertEquals("notices@relay.test", m.getFrom()[0].toString());
    assertEquals(2, m.getRecipients(Message.RecipientType.TO).length);
    assertEquals("Grüße: quota", m.getSubject());
    assertEquals("auto-generated", m.getHeader("Auto-Submitted", null));
    assertEquals("<n7.5.notice@relay.test>", m.getMessageID());
    assertEquals(Instant.parse("2026-12-01T10:00:00Z"), m.getSentDate().toInstant());
    assertTrue(m.getContentType().startsWith("text/plain; charset=UTF-8"), m.getContentType());
    assertEquals("Line one\r\nLine two with ü\r\n", m.getContent());
  }

  private static MimeMessage parse(byte[] bytes) throws Exception {
    return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes));
  }
}
