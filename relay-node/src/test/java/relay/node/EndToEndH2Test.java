package relay.node;

/** The end-to-end contract on the embedded default: H2 and the file spool. */
class EndToEndH2Test extends EndToEndContract {
  @Override
  RelayFixture.Storage storage() {
    return RelayFixture.Storage.H2;
  }
}
