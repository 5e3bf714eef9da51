package relay.persistence.history;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Reads the message history (the operator API's GET /api/v1/messages routes). The stages run
 * the database work off the caller's thread; a database error fails the stage.
 */
public interface MessageHistoryReader {

  /** The message's envelope and events; empty when the history holds no such message. */
  CompletionStage<Optional<StoredMessage>> message(String id);

  /** The messages matching {@code search}, newest first. */
  CompletionStage<List<MessageSummary>> search(HistorySearch search);
}
