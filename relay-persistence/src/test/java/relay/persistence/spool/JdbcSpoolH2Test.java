package relay.persistence.spool;

import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.io.TempDir;

class JdbcSpoolH2Test extends SpoolContractTest {

  @TempDir java.nio.file.Path temp;
  private JdbcDataSource dataSource;

  @Override
  protected Spool newSpool() throws Exception {
    dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:spool_" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return new JdbcSpool(dataSource, blocking(), temp);
  }

  @Override
  protected long storedBodies() throws Exception {
    return storedBodies(dataSource);
  }
}
