package relay.persistence.history;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** Reads the {@link HistoryStore} on an executor for blocking work (the node's I/O pool). */
public final class JdbcHistoryReader implements MessageHistoryReader {

  private final HistoryStore store;
  private final Executor blocking;

  public JdbcHistoryReader(HistoryStore store, Executor blocking) {
    this.store = store;
    this.blocking = blocking;
  }

  @Override
  public CompletionStage<Optional<StoredMessage>> message(String id) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return store.find(id);
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, blocking);
  }

  @Override
  public CompletionStage<List<MessageSummary>> search(HistorySearch search) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return store.search(search);
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, blocking);
  }
}
