package relay.protocol.command;

import java.util.EnumSet;
import java.util.Set;

/**
 * The SMTP verbs the server recognizes, each with its policy as data: the traits that do not
 * depend on the session's state. The session and the stage ask these traits instead of naming
 * verbs, so that a new listener rule (TLS or AUTH required) or a new verb is one line here.
 */
public enum Verb {
  EHLO(Trait.ENDS_PIPELINE_GROUP, Trait.JUNK, Trait.BEFORE_TLS, Trait.BEFORE_AUTH),
  HELO(Trait.ENDS_PIPELINE_GROUP, Trait.JUNK, Trait.BEFORE_TLS, Trait.BEFORE_AUTH),
  MAIL(),
  RCPT(),
  DATA(Trait.ENDS_PIPELINE_GROUP),
  BDAT(),
  RSET(Trait.JUNK, Trait.BEFORE_TLS, Trait.BEFORE_AUTH),
  NOOP(Trait.ENDS_PIPELINE_GROUP, Trait.JUNK, Trait.BEFORE_TLS, Trait.BEFORE_AUTH),
  QUIT(Trait.ENDS_PIPELINE_GROUP, Trait.BEFORE_TLS, Trait.BEFORE_AUTH),
  HELP(Trait.ENDS_PIPELINE_GROUP, Trait.JUNK, Trait.BEFORE_TLS, Trait.BEFORE_AUTH),
  VRFY(Trait.ENDS_PIPELINE_GROUP, Trait.JUNK),
  /** RFC 3207: the client waits for the 220 before its TLS handshake. */
  STARTTLS(Trait.ENDS_PIPELINE_GROUP, Trait.BEFORE_TLS, Trait.BEFORE_AUTH),
  /** RFC 4954: the exchange that follows is a dialogue of its own. */
  AUTH(Trait.ENDS_PIPELINE_GROUP, Trait.BEFORE_AUTH);

  /** One piece of per-verb policy. */
  public enum Trait {
    /**
     * A client using PIPELINING must wait for the reply after this verb (RFC 2920 3.1): replies
     * are flushed there at the latest.
     */
    ENDS_PIPELINE_GROUP,
    /**
     * Moves no mail forward (NOOP, RSET, HELP, VRFY, a repeated EHLO/HELO): beyond the session's
     * junk-command allowance each one counts as an error, so that a flood of them ends with
     * 421 4.7.0 like any other abuse (Postfix calls this the junk command limit).
     */
    JUNK,
    /**
     * Allowed before STARTTLS on a listener that requires TLS (RFC 3207 4: only what is needed to
     * reach STARTTLS, and QUIT); anything else gets 530 5.7.0 there.
     */
    BEFORE_TLS,
    /**
     * Allowed before AUTH on a listener that requires it (RFC 6409 4.3, RFC 4954 4); anything
     * else gets 530 5.7.0 there.
     */
    BEFORE_AUTH
  }

  private final Set<Trait> traits;

  Verb(Trait... traits) {
    EnumSet<Trait> set = EnumSet.noneOf(Trait.class);
    set.addAll(Set.of(traits));
    this.traits = Set.copyOf(set);
  }

  public boolean has(Trait trait) {
    return traits.contains(trait);
  }

  public boolean endsPipelineGroup() {
    return has(Trait.ENDS_PIPELINE_GROUP);
  }
}
