package relay.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;
import relay.persistence.log.MessageEventLog;

/**
 * The JSON lines of the event log ({@link MessageEventLog#LOGGER}) written while it is open, at
 * level INFO; closing it puts the logger back as it was.
 */
final class EventLogLines implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Logger logger = (Logger) LoggerFactory.getLogger(MessageEventLog.LOGGER);
  private final Level level = logger.getLevel();
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private EventLogLines() {
    logger.setLevel(Level.INFO);
    appender.start();
    logger.addAppender(appender);
  }

  static EventLogLines capture() {
    return new EventLogLines();
  }

  /** Every line so far, parsed. */
  List<JsonNode> lines() {
    List<ILoggingEvent> copy;
    synchronized (appender) {
      copy = new ArrayList<>(appender.list);
    }
    List<JsonNode> out = new ArrayList<>(copy.size());
    for (ILoggingEvent e : copy) {
      try {
        out.add(JSON.readTree(e.getFormattedMessage()));
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
    }
    return out;
  }

  /** The line of {@code event} about {@code queueId}, waited for up to {@code timeout}. */
  JsonNode await(String event, String queueId, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonNode line : lines()) {
        if (event.equals(line.path("event").asText()) && queueId.equals(line.path("queue_id").asText())) {
          return line;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no " + event + " line for " + queueId + " in " + lines());
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(level);
  }
}
