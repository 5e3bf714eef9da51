package relay.persistence.history;

import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** The history store's contract on an in-memory H2 database (as the node's H2 file runs it). */
class HistoryStoreH2Test extends HistoryStoreContractTest {

  static DataSource h2() {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:history-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    h2.setUser("sa");
    return h2;
  }

  @Override
  protected DataSource database() {
    return h2();
  }
}
