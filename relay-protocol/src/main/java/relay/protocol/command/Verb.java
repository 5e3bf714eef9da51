package relay.protocol.command;

/**
 * The SMTP verbs the server recognizes, with the per-verb policy that does not depend on the
 * session state. {@link #endsPipelineGroup} marks the verbs after which a client using
 * PIPELINING must wait for the reply (RFC 2920 3.1): replies are flushed there at the latest.
 */
public enum Verb {
  EHLO(true),
  HELO(true),
  MAIL(false),
  RCPT(false),
  DATA(true),
  BDAT(false),
  RSET(false),
  NOOP(true),
  QUIT(true),
  HELP(true),
  VRFY(true);

  private final boolean endsPipelineGroup;

  Verb(boolean endsPipelineGroup) {
    this.endsPipelineGroup = endsPipelineGroup;
  }

  public boolean endsPipelineGroup() {
    return endsPipelineGroup;
  }
}
