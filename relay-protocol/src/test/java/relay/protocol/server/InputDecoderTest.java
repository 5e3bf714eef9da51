package relay.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The decoder on whole inputs, split at every byte boundary, and split at random: every way of
 * cutting the same bytes into TCP reads must give the same commands, content and end of data.
 */
class InputDecoderTest {

  private static final int MAX_MESSAGE = 1000;

  /**
   * Plays the session's part: DATA and BDAT lines switch the decoder to content mode, as the
   * session's effects would. Returns a transcript: commands, content (joined; left out when the
   * message is refused, since how much was passed on before the refusal depends on the cuts),
   * and the end of each content with its stats.
   */
  private static List<String> decode(List<ByteString> reads) {
    InputDecoder decoder = new InputDecoder(512, 1000);
    List<String> transcript = new ArrayList<>();
    StringBuilder content = new StringBuilder();
    boolean inBdatMessage = false;
    for (ByteString read : reads) {
      decoder.feed(read);
      DecoderEvent event;
      while ((event = decoder.poll()) != null) {
        if (event instanceof DecoderEvent.CommandLine line) {
          String text = line.line().utf8String();
          transcript.add("CMD " + text);
          String[] words = text.split(" ");
          if (text.equals("DATA")) {
            decoder.expectData(MAX_MESSAGE);
          } else if (words[0].equals("BDAT")) {
            boolean last = words.length > 1 && words[words.length - 1].equals("LAST");
            decoder.expectBdat(Long.parseLong(words[1]), last, !inBdatMessage, MAX_MESSAGE);
            inBdatMessage = !last;
          }
        } else if (event instanceof DecoderEvent.LineTooLong) {
          transcript.add("TOO LONG");
        } else if (event instanceof DecoderEvent.DataChunk chunk) {
          assertFalse(chunk.bytes().isEmpty(), "no empty chunks");
          content.append(chunk.bytes().decodeString(StandardCharsets.ISO_8859_1));
        } else if (event instanceof DecoderEvent.DataEnd end) {
          DataStats s = end.stats();
          if (!s.refused()) {
            transcript.add("CONTENT " + content);
          }
          content.setLength(0);
          transcript.add("END size=" + s.size() + (s.sizeExceeded() ? " too-big" : "")
              + (s.lineTooLong() ? " long-line" : "") + (s.bareLineEnding() ? " bare" : ""));
        }
      }
    }
    return transcript;
  }

  /** Same transcript whole, cut at every boundary into two, and cut at random into many. */
  private static List<String> decodeEveryWay(String input) {
    byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
    List<String> whole = decode(List.of(ByteString.fromArray(bytes)));
    for (int cut = 1; cut < bytes.length; cut++) {
      List<ByteString> reads = List.of(ByteString.fromArray(bytes, 0, cut),
          ByteString.fromArray(bytes, cut, bytes.length - cut));
      assertEquals(whole, decode(reads), "cut at " + cut);
    }
    Random random = new Random(bytes.length);
    for (int round = 0; round < 100; round++) {
      List<ByteString> reads = new ArrayList<>();
      int at = 0;
      while (at < bytes.length) {
        int n = Math.min(bytes.length - at, 1 + random.nextInt(7));
        reads.add(ByteString.fromArray(bytes, at, n));
        at += n;
      }
      assertEquals(whole, decode(reads), "random cuts, round " + round);
    }
    // one octet per read
    List<ByteString> single = new ArrayList<>();
    for (byte b : bytes) {
      single.add(ByteString.fromArray(new byte[] {b}));
    }
    assertEquals(whole, decode(single), "one octet per read");
    return whole;
  }

  @Test
  void commandLinesEndWithCrlfOrBareLf() {
    assertEquals(List.of("CMD EHLO client.example", "CMD MAIL FROM:<a@b.example>", "CMD NOOP",
            "CMD ", "CMD RSET"),
        decodeEveryWay("EHLO client.example\r\nMAIL FROM:<a@b.example>\r\nNOOP\n\r\nRSET\r\n"));
  }

  @Test
  void incompleteLineWaitsForMoreInput() {
    InputDecoder decoder = new InputDecoder(512, 1000);
    decoder.feed(ByteString.fromString("NOOP\r"));
    assertNull(decoder.poll());
    decoder.feed(ByteString.fromString("\n"));
    assertEquals(new DecoderEvent.CommandLine(ByteString.fromString("NOOP")), decoder.poll());
    assertNull(decoder.poll());
  }

  @Test
  void commandLineLimitIs512OctetsWithCrlf() {
    String ok = "X".repeat(510);
    String tooLong = "Y".repeat(511);
    assertEquals(List.of("CMD " + ok, "TOO LONG", "CMD NOOP"),
        decodeEveryWay(ok + "\r\n" + tooLong + "\r\nNOOP\r\n"));
    assertEquals(List.of("TOO LONG", "CMD NOOP"), decodeEveryWay(tooLong + "\nNOOP\r\n"));
  }

  @Test
  void overlongLineIsDroppedUpToItsEndAndNothingOfItRuns() {
    String hidden = "A".repeat(600) + "\r\nQUIT\r\n".repeat(0) + "RCPT TO:<x@y>";
    assertEquals(List.of("TOO LONG", "CMD NOOP"), decodeEveryWay(hidden + "\r\nNOOP\r\n"));
    // a huge line: one LineTooLong, and the buffer never holds more than one read
    InputDecoder decoder = new InputDecoder(512, 1000);
    int events = 0;
    for (int i = 0; i < 1000; i++) {
      decoder.feed(ByteString.fromString("Z".repeat(1000)));
      while (decoder.poll() != null) {
        events++;
      }
      assertTrue(decoder.buffered() <= 1000);
    }
    assertEquals(1, events);
    decoder.feed(ByteString.fromString("\r\nQUIT\r\n"));
    assertEquals(new DecoderEvent.CommandLine(ByteString.fromString("QUIT")), decoder.poll());
  }

  @Test
  void authLinesMayBeLongWhereAuthIsOffered() {
    String response = "A".repeat(12_000);
    String auth = "AUTH PLAIN " + response;
    InputDecoder plain = new InputDecoder(512, 1000);
    plain.feed(ByteString.fromString(auth + "\r\n"));
    assertEquals(new DecoderEvent.LineTooLong(), plain.poll(), "no AUTH on offer: 512 as ever");

    for (int step : new int[] {1, 7, 512, 5000, 20_000}) {
      InputDecoder decoder = new InputDecoder(512, 1000);
      decoder.allowAuthLines(12_288);
      List<DecoderEvent> events = new ArrayList<>();
      String input = auth + "\r\n" + "MAIL FROM:<" + "a".repeat(600) + ">\r\n"
          + "auth login\r\n" + "x".repeat(12_287) + "\r\nNOOP\r\n";
      for (int at = 0; at < input.length(); at += step) {
        decoder.feed(ByteString.fromString(input.substring(at, Math.min(input.length(),
            at + step))));
        DecoderEvent event;
        while ((event = decoder.poll()) != null) {
          events.add(event);
          // the session answers 334 to AUTH LOGIN: the next line is a response
          decoder.expectSaslResponse(event instanceof DecoderEvent.CommandLine line
              && line.line().utf8String().equals("auth login"));
        }
      }
      assertEquals(List.of(new DecoderEvent.CommandLine(ByteString.fromString(auth)),
          new DecoderEvent.LineTooLong(),
          new DecoderEvent.CommandLine(ByteString.fromString("auth login")),
          new DecoderEvent.LineTooLong(),
          new DecoderEvent.CommandLine(ByteString.fromString("NOOP"))), events,
          "AUTH up to 12288 octets, other commands 512, a response over 12288 too long; step "
              + step);
    }
    InputDecoder decoder = new InputDecoder(512, 1000);
    decoder.allowAuthLines(12_288);
    decoder.expectSaslResponse(true);
    decoder.feed(ByteString.fromString(response + "\r\n"));
    assertEquals(new DecoderEvent.CommandLine(ByteString.fromString(response)), decoder.poll());
  }

  @Test
  void dataIsUnstuffedAndEndsOnlyAtCrlfDotCrlf() {
    assertEquals(List.of("CMD DATA", "CONTENT Subject: x\r\n\r\n.hello\r\n..\r\nbye\r\n",
            "END size=31", "CMD QUIT"),
        decodeEveryWay("DATA\r\nSubject: x\r\n\r\n..hello\r\n...\r\nbye\r\n.\r\nQUIT\r\n"));
  }

  @Test
  void emptyMessage() {
    assertEquals(List.of("CMD DATA", "CONTENT ", "END size=0", "CMD QUIT"),
        decodeEveryWay("DATA\r\n.\r\nQUIT\r\n"));
  }

  @ParameterizedTest(name = "[{index}] fake end {0}")
  @ValueSource(strings = {"\\n.\\n", "\\n.\\r\\n", "\\r.\\r\\n", "\\r\\n.\\n", "\\r\\n.\\r",
      "\\r\\n.\\rX", "\\r.\\r", "\\n\\n.\\n\\n", "\\r\\n.\\r\\r\\n", "\\r\\n\\r.\\r\\n"})
  void noOtherEndOfDataEndsTheData(String fakeEnd) {
    String end = fakeEnd.replace("\\r", "\r").replace("\\n", "\n");
    String smuggled = "DATA\r\nSubject: a\r\n\r\nbody" + end
        + "MAIL FROM:<evil@example.com>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\nspoof\r\n"
        + ".\r\nQUIT\r\n";
    List<String> transcript = decodeEveryWay(smuggled);
    assertEquals("CMD DATA", transcript.get(0));
    assertTrue(transcript.get(1).startsWith("END") && transcript.get(1).endsWith(" bare"),
        transcript.toString());
    assertEquals("CMD QUIT", transcript.get(2), "the smuggled commands are content, not commands");
    assertEquals(3, transcript.size(), transcript.toString());
  }

  @Test
  void textLineLimitIs1000OctetsWithCrlf() {
    String ok = "a".repeat(998);
    assertEquals(List.of("CMD DATA", "CONTENT " + ok + "\r\n", "END size=1000", "CMD NOOP"),
        decode(List.of(ByteString.fromString("DATA\r\n" + ok + "\r\n.\r\nNOOP\r\n"))));
    assertEquals(List.of("CMD DATA", "END size=1001 too-big long-line", "CMD NOOP"),
        decode(List.of(ByteString.fromString("DATA\r\n" + ok + "b\r\n.\r\nNOOP\r\n"))));
    // a stuffed dot does not count: the line in the message is 998 octets
    assertEquals("END size=1000",
        decode(List.of(ByteString.fromString("DATA\r\n." + ok + "\r\n.\r\n"))).get(2));
  }

  @Test
  void longLineIsFlaggedNotSplit() {
    String line = "c".repeat(999);
    List<String> transcript = decodeEveryWay("DATA\r\nx\r\n" + line + "\r\ny\r\n.\r\nQUIT\r\n");
    assertEquals(List.of("CMD DATA", "END size=1007 too-big long-line", "CMD QUIT"), transcript);
  }

  @Test
  void contentOverTheSizeLimitIsConsumedButNotPassedOn() {
    InputDecoder decoder = new InputDecoder(512, 1000);
    decoder.feed(ByteString.fromString("DATA\r\n"));
    decoder.poll();
    decoder.expectData(100);
    long passedOn = 0;
    for (int i = 0; i < 50; i++) {
      decoder.feed(ByteString.fromString("0123456789".repeat(9) + "\r\n"));
      DecoderEvent e;
      while ((e = decoder.poll()) != null) {
        passedOn += ((DecoderEvent.DataChunk) e).bytes().length();
      }
    }
    decoder.feed(ByteString.fromString(".\r\nQUIT\r\n"));
    DecoderEvent.DataEnd end = (DecoderEvent.DataEnd) decoder.poll();
    assertEquals(new DataStats(50 * 92, true, false, false), end.stats());
    assertTrue(passedOn <= 100, "passed on " + passedOn);
    assertEquals(new DecoderEvent.CommandLine(ByteString.fromString("QUIT")), decoder.poll());
  }

  @Test
  void bdatChunksAreExactOctetCountsWithoutUnstuffing() {
    assertEquals(List.of("CMD BDAT 5", "CONTENT ..a\r\n", "END size=5", "CMD BDAT 6 LAST",
            "CONTENT .\r\nb\r\n", "END size=11", "CMD QUIT"),
        decodeEveryWay("BDAT 5\r\n..a\r\nBDAT 6 LAST\r\n.\r\nb\r\nQUIT\r\n"));
  }

  @Test
  void bdatLineEndsMayStraddleChunks() {
    assertEquals(List.of("CMD BDAT 2", "CONTENT a\r", "END size=2", "CMD BDAT 3 LAST",
            "END size=5 bare", "CMD NOOP"),
        decode(List.of(ByteString.fromString("BDAT 2\r\na\rBDAT 3 LAST\r\n\nb\nNOOP\r\n"))));
    assertEquals(List.of("CMD BDAT 2", "CONTENT a\r", "END size=2", "CMD BDAT 3 LAST",
            "END size=5 bare"),
        decode(List.of(ByteString.fromString("BDAT 2\r\na\rBDAT 3 LAST\r\n\nb\r"))),
        "a message may not end with a bare CR");
    assertEquals(List.of("CMD BDAT 2", "CONTENT a\r", "END size=2", "CMD BDAT 4 LAST",
            "CONTENT \nb\r\n", "END size=6"),
        decodeEveryWay("BDAT 2\r\na\rBDAT 4 LAST\r\n\nb\r\n"));
  }

  @Test
  void bdatZeroLastEndsAtOnce() {
    assertEquals(List.of("CMD BDAT 3", "END size=3 bare", "CMD BDAT 0 LAST",
            "END size=3 bare", "CMD BDAT 0 LAST", "CONTENT ", "END size=0"),
        decodeEveryWay("BDAT 3\r\nab\nBDAT 0 LAST\r\nBDAT 0 LAST\r\n"));
  }

  @Test
  void clearDropsBufferedInput() {
    InputDecoder decoder = new InputDecoder(512, 1000);
    decoder.feed(ByteString.fromString("STARTTLS\r\nMAIL FROM:<injected@x>\r\n"));
    assertEquals(new DecoderEvent.CommandLine(ByteString.fromString("STARTTLS")), decoder.poll());
    decoder.clear();
    assertNull(decoder.poll());
    assertEquals(0, decoder.buffered());
  }

  @Test
  void dataChunksAreSlicesOfTheInput() {
    InputDecoder decoder = new InputDecoder(512, 1000);
    decoder.feed(ByteString.fromString("DATA\r\n"));
    decoder.poll();
    decoder.expectData(MAX_MESSAGE);
    ByteString read = ByteString.fromString("line one\r\nline two\r\n");
    decoder.feed(read);
    DecoderEvent.DataChunk chunk = (DecoderEvent.DataChunk) decoder.poll();
    assertEquals(read, chunk.bytes(), "one read without dots comes out as one chunk");
    assertNull(decoder.poll());
  }
}
