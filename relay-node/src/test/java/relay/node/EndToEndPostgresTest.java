package relay.node;

/** The end-to-end contract on PostgreSQL: journal, snapshots and spool in the database. */
class EndToEndPostgresTest extends EndToEndContract {
  @Override
  RelayFixture.Storage storage() {
    return RelayFixture.Storage.POSTGRES;
  }
}
