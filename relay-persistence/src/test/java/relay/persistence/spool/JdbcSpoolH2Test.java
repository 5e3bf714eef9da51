package relay.persistence.spool;

import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** The spool contracts on an in-memory H2 database. */
class JdbcSpoolH2Test extends JdbcSpoolContractTest {

  @Override
  protected DataSource database() {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:spool_" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return h2;
  }

  @Override
  protected String blobType() {
    return "BLOB";
  }
}
