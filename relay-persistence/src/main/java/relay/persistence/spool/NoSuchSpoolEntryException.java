package relay.persistence.spool;

import java.io.IOException;

/** The spool holds no body for this queue id and domain (never written, or already released). */
public final class NoSuchSpoolEntryException extends IOException {

  private static final long serialVersionUID = 1L;

  public NoSuchSpoolEntryException(String queueId, String domain) {
    super("no spool entry for " + queueId + " @ " + domain);
  }
}
