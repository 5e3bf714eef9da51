package relay.protocol.server;

import java.util.Objects;
import java.util.Optional;
import relay.protocol.reply.SmtpReply;

/**
 * The whole state of one SMTP session as an immutable value; {@link SmtpSession#next} maps it to
 * the next one. Connection-scoped parts (client, greeting, error count) outlive transactions;
 * "no transaction" is an empty {@code transaction}.
 *
 * @param phase where the session is in its life
 * @param client who the policy says the client is (present after the greeting)
 * @param greeting the last EHLO/HELO
 * @param transaction the mail transaction in progress, if any
 * @param chunk the BDAT chunk whose octets are being consumed (phase OPENING for BDAT, or BDAT)
 * @param errors errors counted so far (see {@link ErrorCounting})
 * @param junkCommands commands with the {@code JUNK} trait so far (see {@link relay.protocol.command.Verb.Trait#JUNK})
 * @param shutdownRequested the node is shutting down; close once the commit in flight is answered
 * @param timeUp the session's lifetime is over; close at the end of the transaction in progress
 * @param security TLS and AUTH of the connection (see {@link SessionSecurity})
 */
public record SessionState(Phase phase, Optional<ClientIdentity> client, Optional<Greeting> greeting,
    Optional<Transaction> transaction, Optional<PendingChunk> chunk, int errors, int junkCommands,
    boolean shutdownRequested, boolean timeUp, SessionSecurity security) {

  /** Where a session is in its life. */
  public enum Phase {
    /** Waiting for the client policy; nothing sent yet. */
    CONNECTING,
    /** Waiting for a command line. */
    COMMAND,
    /**
     * Refused with 554 instead of the greeting: waiting for QUIT, 503 to any other command
     * (RFC 5321 3.1).
     */
    REFUSED,
    /** Waiting for the stage to open the spool entry (synchronous). */
    OPENING,
    /** Consuming DATA content up to CRLF.CRLF. */
    DATA,
    /** Consuming the octets of one BDAT chunk. */
    BDAT,
    /** Waiting for the commit of the message; no input is read meanwhile. */
    COMMITTING,
    /**
     * After 220 to STARTTLS: waiting for the TLS session; no plaintext is read any more
     * (RFC 3207 4.2), and no reply could be read by a client in its handshake.
     */
    STARTING_TLS,
    /** An AUTH exchange waits for the client's response line (RFC 4954 4). */
    AUTH,
    /** Waiting for the client policy's verdict on credentials; no input is read meanwhile. */
    AUTHENTICATING,
    /** The connection is closing; all input is ignored. */
    CLOSED
  }

  /** The argument of the last EHLO or HELO and which one it was. */
  public record Greeting(String name, boolean extended) {
    public Greeting {
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * A BDAT chunk being consumed: its size, whether it is the last, and the refusal to send once
   * its octets are consumed, if the command was refused.
   */
  public record PendingChunk(long size, boolean last, Optional<SmtpReply> refusal) {}

  public SessionState {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(greeting, "greeting");
    Objects.requireNonNull(transaction, "transaction");
    Objects.requireNonNull(chunk, "chunk");
    Objects.requireNonNull(security, "security");
  }

  public static SessionState initial() {
    return new SessionState(Phase.CONNECTING, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), 0, 0, false, false, SessionSecurity.NONE);
  }

  public SessionState withPhase(Phase p) {
    return new SessionState(p, client, greeting, transaction, chunk, errors, junkCommands,
        shutdownRequested, timeUp, security);
  }

  public SessionState withClient(ClientIdentity c) {
    return new SessionState(phase, Optional.of(c), greeting, transaction, chunk, errors,
        junkCommands, shutdownRequested, timeUp, security);
  }

  public SessionState withGreeting(Greeting g) {
    return new SessionState(phase, client, Optional.of(g), transaction, chunk, errors,
        junkCommands, shutdownRequested, timeUp, security);
  }

  public SessionState withTransaction(Optional<Transaction> t) {
    return new SessionState(phase, client, greeting, t, chunk, errors, junkCommands,
        shutdownRequested, timeUp, security);
  }

  public SessionState withChunk(Optional<PendingChunk> c) {
    return new SessionState(phase, client, greeting, transaction, c, errors, junkCommands,
        shutdownRequested, timeUp, security);
  }

  public SessionState withErrors(int n) {
    return new SessionState(phase, client, greeting, transaction, chunk, n, junkCommands,
        shutdownRequested, timeUp, security);
  }

  public SessionState withJunkCommands(int n) {
    return new SessionState(phase, client, greeting, transaction, chunk, errors, n,
        shutdownRequested, timeUp, security);
  }

  public SessionState withShutdownRequested() {
    return new SessionState(phase, client, greeting, transaction, chunk, errors, junkCommands,
        true, timeUp, security);
  }

  public SessionState withTimeUp() {
    return new SessionState(phase, client, greeting, transaction, chunk, errors, junkCommands,
        shutdownRequested, true, security);
  }

  public SessionState withSecurity(SessionSecurity s) {
    return new SessionState(phase, client, greeting, transaction, chunk, errors, junkCommands,
        shutdownRequested, timeUp, s);
  }

  /**
   * The state after a greeting (RFC 3207 4.2: after STARTTLS the client must forget what it knew
   * and so does the server): no EHLO, no transaction; client, counts and security stay.
   */
  public SessionState withoutGreeting() {
    return new SessionState(phase, client, Optional.empty(), Optional.empty(), Optional.empty(),
        errors, junkCommands, shutdownRequested, timeUp, security);
  }

  /** Whether a spool entry is open (between OpenMessage and commit/abort). */
  public boolean hasOpenMessage() {
    return transaction.map(Transaction::hasOpenMessage).orElse(false);
  }
}
