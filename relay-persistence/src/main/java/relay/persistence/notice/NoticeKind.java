package relay.persistence.notice;

import java.util.Locale;

/** What a notice to a client's contacts is about; names its template ({@link #template()}). */
public enum NoticeKind {
  /** Its client, one of its addresses or one of its sender domains was blocked. */
  BLOCKED,
  /** Such a block was removed or expired. */
  UNBLOCKED,
  /** Its messages to a destination wait past relay.notices.delay-threshold. */
  DELAYED,
  /** The operator's announcement. */
  ANNOUNCEMENT;

  /** "blocked", "unblocked", "delayed", "announcement": the template's file name without .txt. */
  public String template() {
    return name().toLowerCase(Locale.ROOT);
  }
}
