package relay.protocol.server;

import org.apache.pekko.util.ByteString;

/** What the {@link InputDecoder} makes of the bytes a client sends. */
public sealed interface DecoderEvent {

  /** A complete command line without its line end (CRLF, or a lenient bare LF). */
  record CommandLine(ByteString line) implements DecoderEvent {}

  /**
   * A command line over max-command-line octets. Emitted once per such line, whose octets are
   * dropped up to and including its line end: nothing of it is executed.
   */
  record LineTooLong() implements DecoderEvent {}

  /** Message content: dot-unstuffed (DATA) or raw (BDAT), CRLF line ends kept. */
  record DataChunk(ByteString bytes) implements DecoderEvent {}

  /** The end of DATA ({@code CRLF.CRLF}) or of one BDAT chunk, with the content checks so far. */
  record DataEnd(DataStats stats) implements DecoderEvent {}
}
