package relay.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import relay.protocol.address.Mailbox;
import relay.protocol.tls.TlsInfo;

class HeaderAmenderTest {

  private static final Instant AT = Instant.parse("2026-11-24T10:11:12Z");
  private static final String DATE = "Tue, 24 Nov 2026 10:11:12 +0000";
  private static final ReceivedTrace ONE_RCPT = new ReceivedTrace("client.example", "192.0.2.7",
      "ESMTP", "Q123", Optional.of(new Mailbox("bob", "example.org")), AT);
  private static final String RECEIVED = "Received: from client.example ([192.0.2.7])\r\n"
      + "\tby relay.example with ESMTP id Q123\r\n"
      + "\tfor <bob@example.org>; " + DATE + "\r\n";

  /** Runs the amender over the message cut into pieces of {@code step} octets. */
  private static String amend(ReceivedTrace trace, String message, int step, int maxReceived,
      boolean[] loop) {
    HeaderAmender amender = new HeaderAmender(trace, "relay.example", maxReceived, 1000);
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder();
    for (int at = 0; at < bytes.length; at += step) {
      int n = Math.min(step, bytes.length - at);
      out.append(amender.accept(ByteString.fromArray(bytes, at, n)).utf8String());
    }
    out.append(amender.finish().utf8String());
    if (loop != null) {
      loop[0] = amender.mailLoop();
    }
    return out.toString();
  }

  /** Same output for every way of cutting the message into chunks. */
  private static String amendEveryWay(ReceivedTrace trace, String message) {
    String whole = amend(trace, message, Integer.MAX_VALUE, 100, null);
    for (int step = 1; step < Math.min(message.length(), 40); step++) {
      assertEquals(whole, amend(trace, message, step, 100, null), "chunks of " + step);
    }
    return whole;
  }

  @Test
  void prependsFoldedReceivedAndKeepsPresentDateAndMessageId() {
    String message = "Date: Mon, 23 Nov 2026 09:00:00 +0100\r\nmessage-id: <x@y>\r\n"
        + "Subject: hi\r\n\r\nbody\r\n";
    assertEquals(RECEIVED + message, amendEveryWay(ONE_RCPT, message));
  }

  @Test
  void receivedRecordsTheTlsSessionInAComment() {
    ReceivedTrace tls = new ReceivedTrace("client.example", "192.0.2.7", "ESMTPSA", "Q123",
        Optional.of(new Mailbox("bob", "example.org")), AT,
        Optional.of(new TlsInfo("TLSv1.3", "TLS_AES_256_GCM_SHA384", List.of())));
    assertEquals("Received: from client.example ([192.0.2.7])\r\n"
        + "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384)\r\n"
        + "\tby relay.example with ESMTPSA id Q123\r\n"
        + "\tfor <bob@example.org>; " + DATE + "\r\n",
        HeaderAmender.receivedField(tls, "relay.example"));
  }

  @Test
  void receivedLinesStayBelow78Octets() {
    ReceivedTrace longNames = new ReceivedTrace("a-rather-long-client-name.department.example",
        "2001:db8:1234:5678:9abc:def0:1234:5678", "UTF8SMTP", "0123456789ABCDEF",
        Optional.of(new Mailbox("someone.with.a.long.name", "subsidiary.example.org")), AT);
    String field = HeaderAmender.receivedField(longNames, "relay.example");
    for (String line : field.split("\r\n")) {
      assertTrue(line.length() < 78, line);
    }
    assertTrue(field.startsWith("Received: from a-rather-long-client-name.department.example"));
    assertTrue(field.contains("([IPv6:2001:db8:1234:5678:9abc:def0:1234:5678])"));
    assertTrue(field.contains("with UTF8SMTP id 0123456789ABCDEF"));
    assertTrue(field.endsWith("; " + DATE + "\r\n") || field.endsWith(";\r\n\t" + DATE + "\r\n"));
  }

  @Test
  void noForClauseWithSeveralRecipientsAndHeloIsSanitized() {
    ReceivedTrace trace = new ReceivedTrace("evil(name);\"x", "192.0.2.7", "SMTP", "Q9",
        Optional.empty(), AT);
    String field = HeaderAmender.receivedField(trace, "relay.example");
    assertEquals("Received: from evil_name___x ([192.0.2.7])\r\n\tby relay.example with SMTP id Q9;"
        + "\r\n\t" + DATE + "\r\n", field);
  }

  @Test
  void insertsMissingDateAndMessageIdAtTheEndOfTheHeaderSection() {
    String message = "Subject: hi\r\nTo: bob@example.org\r\n\r\nbody\r\nDate: not a header\r\n";
    assertEquals(RECEIVED + "Subject: hi\r\nTo: bob@example.org\r\n"
            + "Date: " + DATE + "\r\nMessage-ID: <Q123." + AT.toEpochMilli() + "@relay.example>\r\n"
            + "\r\nbody\r\nDate: not a header\r\n",
        amendEveryWay(ONE_RCPT, message));
  }

  @Test
  void foldedFieldsAreContinuationsNotNewFields() {
    String message = "Subject: a\r\n Date: folded, not a field\r\nMessage-Id: <m@x>\r\n\r\nb\r\n";
    String out = amendEveryWay(ONE_RCPT, message);
    assertEquals(RECEIVED + "Subject: a\r\n Date: folded, not a field\r\nMessage-Id: <m@x>\r\n"
        + "Date: " + DATE + "\r\n\r\nb\r\n", out);
  }

  @Test
  void nonHeaderLineEndsTheHeaderSectionAsTheBody() {
    String message = "Subject: a\r\nthis is not a header\r\nmore\r\n";
    assertEquals(RECEIVED + "Subject: a\r\nDate: " + DATE + "\r\nMessage-ID: <Q123."
            + AT.toEpochMilli() + "@relay.example>\r\n\r\nthis is not a header\r\nmore\r\n",
        amendEveryWay(ONE_RCPT, message));
  }

  @Test
  void headersOnlyAndEmptyMessages() {
    String missing = "Date: " + DATE + "\r\nMessage-ID: <Q123." + AT.toEpochMilli()
        + "@relay.example>\r\n";
    assertEquals(RECEIVED + "Subject: a\r\n" + missing, amendEveryWay(ONE_RCPT, "Subject: a\r\n"));
    assertEquals(RECEIVED + missing, amend(ONE_RCPT, "", 1, 100, null));
    assertEquals(RECEIVED + "Subject: no CRLF\r\n" + missing,
        amend(ONE_RCPT, "Subject: no CRLF", 3, 100, null), "BDAT content may end without CRLF");
  }

  @Test
  void countsReceivedFieldsCaseInsensitively() {
    StringBuilder message = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      message.append(i % 2 == 0 ? "Received: " : "RECEIVED : ").append("from hop").append(i)
          .append("\r\n");
    }
    message.append("\r\nReceived: in the body does not count\r\n");
    boolean[] loop = new boolean[1];
    amend(ONE_RCPT, message.toString(), 7, 100, loop);
    assertFalse(loop[0], "100 Received fields are allowed");
    amend(ONE_RCPT, "Received: one more\r\n" + message, 7, 100, loop);
    assertTrue(loop[0], "101 Received fields are a mail loop");
  }

  @Test
  void bodyPassesThroughAsTheSameBytes() {
    HeaderAmender amender = new HeaderAmender(ONE_RCPT, "relay.example", 100, 1000);
    amender.accept(ByteString.fromString("Date: x\r\nMessage-ID: <y>\r\n\r\n"));
    ByteString body = ByteString.fromString("a body line\r\n");
    assertEquals(body, amender.accept(body));
    assertEquals(ByteString.emptyByteString(), amender.finish());
  }

  /** The content digest after the message went through in pieces of {@code step} octets. */
  private static Optional<String> digest(ReceivedTrace trace, String message, int step) {
    HeaderAmender amender = new HeaderAmender(trace, "relay.example", 100, 1000);
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    for (int at = 0; at < bytes.length; at += step) {
      amender.accept(ByteString.fromArray(bytes, at, Math.min(step, bytes.length - at)));
    }
    amender.finish();
    return amender.contentDigest();
  }

  @Test
  void digestIsTheClientsContentWhateverTheChunksAndTheTrace() throws Exception {
    String message = "From: a@client.example\r\nMessage-Id: <1@client.example>\r\n"
        + "Subject: hi\r\n\r\nbody\r\n.. two\r\n";
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    java.util.zip.CRC32C crc32c = new java.util.zip.CRC32C();
    crc32c.update(bytes);
    java.util.zip.CRC32 crc32 = new java.util.zip.CRC32();
    crc32.update(bytes);
    String expected = String.format("%08x%08x-%d", crc32c.getValue(), crc32.getValue(),
        bytes.length);
    ReceivedTrace retry = new ReceivedTrace("other.example", "192.0.2.8", "SMTP", "Q999",
        Optional.empty(), AT.plusSeconds(60));
    for (int step = 1; step <= message.length(); step++) {
      assertEquals(Optional.of(expected), digest(ONE_RCPT, message, step), "chunks of " + step);
      assertEquals(Optional.of(expected), digest(retry, message, step), "retry, chunks " + step);
    }
  }

  @Test
  void noDigestWithoutMessageIdInTheHeaderSection() {
    String noId = "From: a@client.example\r\nSubject: hi\r\n\r\nMessage-ID: <in@body>\r\n";
    for (int step = 1; step <= noId.length(); step += 7) {
      assertEquals(Optional.empty(), digest(ONE_RCPT, noId, step), "chunks of " + step);
    }
    assertEquals(Optional.empty(), digest(ONE_RCPT, "", 1));
    assertTrue(digest(ONE_RCPT, "Message-ID: <only@header>", 3).isPresent(),
        "a header-only message with a Message-ID is digested");
  }

  @Test
  void differentBodiesHaveDifferentDigests() {
    String head = "Message-ID: <1@client.example>\r\n\r\n";
    assertFalse(digest(ONE_RCPT, head + "one\r\n", 5).equals(digest(ONE_RCPT, head + "two\r\n", 5)));
  }
}
