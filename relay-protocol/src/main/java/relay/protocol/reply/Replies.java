package relay.protocol.reply;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The one catalogue of every reply the inbound SMTP server sends. Reply texts live only here;
 * the session picks a constant or calls a small factory, and {@link SmtpReply#encode()} makes the
 * bytes.
 *
 * <p>Basic codes follow RFC 5321 4.2/4.3.2, enhanced codes RFC 3463 and RFC 2034 (which leaves the
 * greeting and the HELO/EHLO replies without one). Texts are bland on purpose: they say what the
 * peer did wrong, never anything about the relay's internals.
 */
public final class Replies {

  private Replies() {}

  // ---- greeting, HELO/EHLO, closing --------------------------------------------------------

  /** 220: the greeting (RFC 5321 4.3.1); no enhanced code (RFC 2034 §3). */
  public static SmtpReply greeting(String hostname) {
    return SmtpReply.of(220, "", hostname + " ESMTP");
  }

  /** 250 to HELO: the plain SMTP greeting, no extensions (RFC 5321 4.1.1.1). */
  public static SmtpReply helo(String hostname) {
    return SmtpReply.of(250, "", hostname);
  }

  /**
   * 250 to EHLO: the host name on the first line, then one service extension keyword per line
   * (RFC 5321 4.1.1.1), e.g. {@code PIPELINING}, {@code SIZE 36700160}.
   */
  public static SmtpReply ehlo(String hostname, List<String> keywords) {
    List<String> lines = new ArrayList<>(keywords.size() + 1);
    lines.add(hostname);
    lines.addAll(keywords);
    return new SmtpReply(250, "", lines, false);
  }

  /** 221 to QUIT, then the server closes (RFC 5321 4.1.1.10). */
  public static final SmtpReply BYE = SmtpReply.of(221, "2.0.0", "Bye").closing();

  // ---- positive replies ----------------------------------------------------------------------

  /** 250 to RSET and NOOP. */
  public static final SmtpReply OK = SmtpReply.of(250, "2.0.0", "Ok");

  /** 250 to an accepted MAIL FROM (2.1.0: originator address valid). */
  public static final SmtpReply SENDER_OK = SmtpReply.of(250, "2.1.0", "Ok");

  /** 250 to an accepted RCPT TO (2.1.5: destination address valid). */
  public static final SmtpReply RECIPIENT_OK = SmtpReply.of(250, "2.1.5", "Ok");

  /** 354 to DATA (RFC 5321 4.1.1.4); intermediate, so no enhanced code. */
  public static final SmtpReply START_DATA =
      SmtpReply.of(354, "", "End data with <CR><LF>.<CR><LF>");

  /** 250 after the end of data / the last BDAT chunk, sent only once the message is durable. */
  public static SmtpReply queued(String queueId) {
    return SmtpReply.of(250, "2.0.0", "Ok: queued as " + queueId);
  }

  /** 250 to a BDAT chunk that is not the last one (RFC 3030 §2). */
  public static SmtpReply chunkReceived(long octets) {
    return SmtpReply.of(250, "2.0.0", "Ok: " + octets + " octets received");
  }

  /** 252 to VRFY: the relay never confirms addresses (RFC 5321 3.5.3, 7.3). */
  public static final SmtpReply CANNOT_VRFY = SmtpReply.of(252, "2.1.5",
      "Cannot VRFY user, but will accept message and attempt delivery");

  /** 214 to HELP (RFC 5321 4.1.1.8). */
  public static final SmtpReply HELP = new SmtpReply(214, "2.0.0", List.of(
      "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP VRFY HELP QUIT",
      "See RFC 5321 for their syntax"), false);

  // ---- command syntax (5.5.x) ----------------------------------------------------------------

  /** 500: the verb is not one this server knows. */
  public static final SmtpReply COMMAND_UNRECOGNIZED =
      SmtpReply.of(500, "5.5.1", "Command unrecognized");

  /** 502: a known SMTP verb this server does not implement (EXPN, TURN, ETRN, ...). */
  public static final SmtpReply COMMAND_NOT_IMPLEMENTED =
      SmtpReply.of(502, "5.5.1", "Command not implemented");

  /** 500: command line longer than the limit (RFC 5321 4.5.3.1.4); nothing of it was executed. */
  public static final SmtpReply LINE_TOO_LONG = SmtpReply.of(500, "5.5.2", "Line too long");

  /** 500: a NUL octet in a command line. */
  public static final SmtpReply NUL_IN_COMMAND =
      SmtpReply.of(500, "5.5.2", "Syntax error: NUL character in command");

  /** 500: a bare CR inside a command line (only CRLF or LF ends a command). */
  public static final SmtpReply BARE_CR_IN_COMMAND =
      SmtpReply.of(500, "5.5.2", "Syntax error: bare CR in command");

  /** 500: a command line that is not valid UTF-8 (RFC 6531 §3.3 needs UTF-8 when 8-bit). */
  public static final SmtpReply INVALID_UTF8 =
      SmtpReply.of(500, "5.5.2", "Syntax error: invalid UTF-8 in command");

  /** 501: arguments of a known command are malformed. */
  public static final SmtpReply SYNTAX_ERROR_IN_PARAMETERS =
      SmtpReply.of(501, "5.5.4", "Syntax error in parameters");

  /** 501: EHLO/HELO without the domain argument (RFC 5321 4.1.1.1). */
  public static final SmtpReply HELO_SYNTAX =
      SmtpReply.of(501, "5.5.4", "Syntax: EHLO hostname");

  /** 501: MAIL FROM path is not a valid reverse-path (RFC 5321 4.1.2). */
  public static final SmtpReply BAD_SENDER_SYNTAX =
      SmtpReply.of(501, "5.1.7", "Bad sender address syntax");

  /**
   * 501: BDAT whose arguments do not follow {@code BDAT chunk-size [LAST]} (RFC 3030 §2) but
   * whose size could be read: sent once the chunk's octets are consumed.
   */
  public static final SmtpReply BDAT_SYNTAX =
      SmtpReply.of(501, "5.5.4", "Syntax: BDAT chunk-size [LAST]");

  /**
   * 501 and close: a BDAT whose chunk size cannot be read. The octets that follow cannot be told
   * from commands, so reading on would execute the client's message as commands; the session
   * ends (RFC 5321 4.1.4 lets a server close when it can no longer follow the dialogue).
   */
  public static final SmtpReply BDAT_SIZE_UNREADABLE = SmtpReply.of(501, "5.5.4",
      "Syntax: BDAT chunk-size [LAST]; unreadable chunk size, closing").closing();

  /** 501: RCPT TO path is not a valid forward-path (RFC 5321 4.1.2). */
  public static final SmtpReply BAD_RECIPIENT_SYNTAX =
      SmtpReply.of(501, "5.5.2", "Bad recipient address syntax");

  /**
   * 553: a recipient domain that is not a valid internationalized domain name (RFC 5890/5891:
   * no A-label exists for it), so no DNS lookup could ever route it.
   */
  public static final SmtpReply BAD_RECIPIENT_DOMAIN =
      SmtpReply.of(553, "5.1.3", "Bad recipient domain: not a valid domain name");

  /** 553: a sender domain that is not a valid internationalized domain name. */
  public static final SmtpReply BAD_SENDER_DOMAIN =
      SmtpReply.of(553, "5.1.7", "Bad sender domain: not a valid domain name");

  /** 553: a non-ASCII address without SMTPUTF8 on MAIL FROM (RFC 6531 3.7.4.1). */
  public static final SmtpReply NON_ASCII_ADDRESS =
      SmtpReply.of(553, "5.6.7", "Non-ASCII address requires SMTPUTF8");

  /** 555: a MAIL/RCPT parameter that is not recognized (RFC 5321 4.1.1.11). */
  public static SmtpReply parameterNotRecognized(String keyword) {
    return SmtpReply.of(555, "5.5.4", "Parameter not recognized: " + printable(keyword));
  }

  /** 504: a recognized parameter value this server does not implement (e.g. BODY=BINARYMIME). */
  public static SmtpReply parameterNotImplemented(String what) {
    return SmtpReply.of(504, "5.5.4", "Parameter not implemented: " + printable(what));
  }

  // ---- sequence (503 5.5.1) ------------------------------------------------------------------

  public static final SmtpReply NEED_HELO =
      SmtpReply.of(503, "5.5.1", "Bad sequence of commands: send EHLO/HELO first");
  public static final SmtpReply NESTED_MAIL =
      SmtpReply.of(503, "5.5.1", "Bad sequence of commands: nested MAIL command");
  public static final SmtpReply NEED_MAIL =
      SmtpReply.of(503, "5.5.1", "Bad sequence of commands: need MAIL command");
  public static final SmtpReply NEED_RCPT =
      SmtpReply.of(503, "5.5.1", "Bad sequence of commands: need RCPT command");
  public static final SmtpReply RCPT_AFTER_BDAT =
      SmtpReply.of(503, "5.5.1", "Bad sequence of commands: RCPT after BDAT");
  public static final SmtpReply BDAT_DATA_MIXED =
      SmtpReply.of(503, "5.5.1", "Bad sequence of commands: BDAT and DATA cannot be mixed");

  /** 554 to DATA/BDAT when RCPT was tried but none was accepted (RFC 2920 3.1). */
  public static final SmtpReply NO_VALID_RECIPIENTS =
      SmtpReply.of(554, "5.5.1", "No valid recipients");

  // ---- policy and limits ---------------------------------------------------------------------

  /** 554 at RCPT: the client may not relay (never an open relay). */
  public static final SmtpReply RELAY_DENIED = SmtpReply.of(554, "5.7.1", "Relay access denied");

  /**
   * 554 at MAIL or RCPT: the operator blocked this sender, sender domain or recipient domain
   * (RFC 3463 5.7.1: delivery not authorized). The operator's reason is shown, made safe to send
   * ({@link #operatorReason}).
   */
  public static SmtpReply blocked(String reason) {
    return SmtpReply.of(554, "5.7.1", "Blocked: " + operatorReason(reason));
  }

  /** 550 at MAIL: the registered client may not send from this domain (its allowed list). */
  public static final SmtpReply SENDER_DOMAIN_NOT_ALLOWED =
      SmtpReply.of(550, "5.7.1", "Sender domain not allowed for this client");

  /** 550 to RCPT TO:&lt;postmaster&gt; when the relay has no postmaster mailbox configured. */
  public static final SmtpReply NO_POSTMASTER =
      SmtpReply.of(550, "5.1.1", "No postmaster mailbox on this relay");

  /**
   * 450 at the end of data: an unidentified client's address sent its hourly allowance of mail to
   * postmaster already (RFC 3463 4.7.1: delivery not authorized, for now).
   */
  public static final SmtpReply POSTMASTER_RATE = SmtpReply.of(450, "4.7.1",
      "Too much mail to postmaster from your address, try again later");

  /** 452 for every recipient beyond the per-message limit (RFC 5321 4.5.3.1.8). */
  public static final SmtpReply TOO_MANY_RECIPIENTS =
      SmtpReply.of(452, "4.5.3", "Too many recipients");

  /**
   * 452 at RCPT: the client accepted its hourly or daily recipient quota across the cluster; the
   * text says when the quota resets (an ISO-8601 UTC instant, whole seconds), so the client
   * retries then and not before (RFC 3463 4.5.3: too many recipients, for now).
   */
  public static SmtpReply recipientQuotaReached(boolean daily, Instant resetsAt) {
    return SmtpReply.of(452, "4.5.3", (daily ? "Daily" : "Hourly")
        + " recipient quota reached, resets at "
        + resetsAt.truncatedTo(ChronoUnit.SECONDS));
  }

  /**
   * 451 at RCPT: the client's recipient quota could not be confirmed in time (its cluster-wide
   * count did not answer); nothing was accepted, the client retries shortly.
   */
  public static final SmtpReply RECIPIENT_QUOTA_UNCONFIRMED =
      SmtpReply.of(451, "4.3.0", "Recipient quota not confirmed, try again later");

  /** 552 when the declared (SIZE=) or actual size exceeds the limit (RFC 1870 §6). */
  public static final SmtpReply MESSAGE_TOO_BIG =
      SmtpReply.of(552, "5.3.4", "Message size exceeds fixed limit");

  // ---- content refusals, after the end of data -----------------------------------------------

  /** 554: a text line over 1000 octets incl. CRLF (RFC 5321 4.5.3.1.6); never split silently. */
  public static final SmtpReply TEXT_LINE_TOO_LONG =
      SmtpReply.of(554, "5.6.0", "Message refused: text line longer than 998 octets");

  /** 554: a CR or LF not part of CRLF (RFC 5321 2.3.8); the "SMTP smuggling" guard. */
  public static final SmtpReply BARE_LINE_ENDING =
      SmtpReply.of(554, "5.6.0", "Message refused: bare CR or LF in message");

  /** 554: more Received headers than the limit (RFC 5321 6.3). */
  public static final SmtpReply MAIL_LOOP =
      SmtpReply.of(554, "5.4.6", "Too many Received headers: mail loop");

  /** 452: the destination's queue holds its maximum of pending messages (RFC 3463 4.3.1). */
  public static final SmtpReply QUEUE_FULL =
      SmtpReply.of(452, "4.3.1", "Insufficient system storage: destination queue full, try later");

  /** 451: more messages are waiting to be queued than the relay takes at once; try again soon. */
  public static final SmtpReply QUEUE_BUSY =
      SmtpReply.of(451, "4.3.1", "Relay busy, try again later");

  /** 451: spool or queue failure; the message was discarded and the client should retry. */
  public static final SmtpReply LOCAL_ERROR =
      SmtpReply.of(451, "4.3.0", "Local error in processing");

  /**
   * 451: this node is cut off from most of its cluster (a network partition); it takes no mail
   * until the partition heals or it is downed, so a message is never queued on the losing side.
   */
  public static final SmtpReply CLUSTER_MINORITY =
      SmtpReply.of(451, "4.4.0", "Relay node cut off from its cluster, try again later");

  // ---- STARTTLS (RFC 3207) and AUTH (RFC 4954, RFC 6409) --------------------------------------

  /** 220 to STARTTLS: the client starts its TLS handshake now (RFC 3207 4). */
  public static final SmtpReply READY_TO_START_TLS =
      SmtpReply.of(220, "2.0.0", "Ready to start TLS");

  /** 501 to STARTTLS with parameters (RFC 3207 4: it takes none). */
  public static final SmtpReply STARTTLS_SYNTAX = SmtpReply.of(501, "5.5.4", "Syntax: STARTTLS");

  /** 503 to STARTTLS once TLS is up (RFC 3207 4.2: it may be issued once only). */
  public static final SmtpReply TLS_ALREADY_ACTIVE =
      SmtpReply.of(503, "5.5.1", "Bad sequence of commands: TLS already active");

  /** 503 to STARTTLS or AUTH inside a mail transaction (RFC 4954 4). */
  public static final SmtpReply TRANSACTION_IN_PROGRESS =
      SmtpReply.of(503, "5.5.1", "Bad sequence of commands: mail transaction in progress");

  /** 530 to a mail command before STARTTLS on a listener that requires TLS (RFC 3207 4). */
  public static final SmtpReply MUST_START_TLS =
      SmtpReply.of(530, "5.7.0", "Must issue a STARTTLS command first");

  /** 530 to a mail command before AUTH on a listener that requires it (RFC 6409 4.3, 4954 6). */
  public static final SmtpReply AUTH_REQUIRED =
      SmtpReply.of(530, "5.7.0", "Authentication required");

  /** 538 to AUTH before TLS: PLAIN and LOGIN send the password in the clear (RFC 4954 6). */
  public static final SmtpReply ENCRYPTION_REQUIRED = SmtpReply.of(538, "5.7.11",
      "Encryption required for requested authentication mechanism");

  /** 501 to AUTH without a mechanism or with more than one response (RFC 4954 4). */
  public static final SmtpReply AUTH_SYNTAX =
      SmtpReply.of(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");

  /** 504 to AUTH with a mechanism other than PLAIN and LOGIN (RFC 4954 4). */
  public static final SmtpReply AUTH_MECHANISM_UNKNOWN =
      SmtpReply.of(504, "5.5.4", "Unrecognized authentication mechanism");

  /** 503 to AUTH after a successful one (RFC 4954 4). */
  public static final SmtpReply ALREADY_AUTHENTICATED =
      SmtpReply.of(503, "5.5.1", "Bad sequence of commands: already authenticated");

  /** 501 to "*": the client cancelled its AUTH exchange (RFC 4954 4). */
  public static final SmtpReply AUTH_CANCELLED =
      SmtpReply.of(501, "5.0.0", "Authentication cancelled");

  /**
   * 501 to a response that is not base64, or a PLAIN message that is not
   * authzid NUL authcid NUL passwd (RFC 4954 4, RFC 4616 2).
   */
  public static final SmtpReply AUTH_MALFORMED =
      SmtpReply.of(501, "5.5.2", "Cannot decode authentication response");

  /** 500 to an AUTH exchange line over RFC 4954's 12288 octets (RFC 4954 4). */
  public static final SmtpReply AUTH_LINE_TOO_LONG =
      SmtpReply.of(500, "5.5.6", "Authentication exchange line is too long");

  /** 235: the credentials are valid (RFC 4954 6). */
  public static final SmtpReply AUTH_SUCCESSFUL =
      SmtpReply.of(235, "2.7.0", "Authentication successful");

  /** 535: unknown user, wrong password, removed credential; never says which (RFC 4954 6). */
  public static final SmtpReply AUTH_INVALID =
      SmtpReply.of(535, "5.7.8", "Authentication credentials invalid");

  /** 454: the credentials could not be checked now (RFC 4954 6); the client tries again. */
  public static final SmtpReply AUTH_TEMPORARY_FAILURE =
      SmtpReply.of(454, "4.7.0", "Temporary authentication failure");

  /**
   * 334: a SASL challenge (RFC 4954 4), base64 ({@code ""} for PLAIN's empty one); intermediate,
   * so no enhanced code.
   */
  public static SmtpReply saslChallenge(String base64) {
    return SmtpReply.of(334, "", base64);
  }

  /**
   * 421 to AUTH or instead of the greeting: this address failed to log in too often and is
   * locked out until {@code until} (an ISO-8601 UTC instant, whole seconds), then close (RFC
   * 3463 4.7.0: a security policy; temporary, the client may come back after that instant).
   */
  public static SmtpReply lockedOut(String hostname, Instant until) {
    return lockedOut(hostname, until.truncatedTo(ChronoUnit.SECONDS).toString());
  }

  /**
   * {@link #lockedOut(String, Instant)} with the end as text, as a connect-time refusal carries
   * it (made safe for the line).
   */
  public static SmtpReply lockedOut(String hostname, String until) {
    return SmtpReply.of(421, "4.7.0", hostname
        + " Too many failed logins from your address, locked out until "
        + operatorReason(until) + ", closing").closing();
  }

  // ---- closing 421s --------------------------------------------------------------------------

  /** 421 after command-timeout or data-timeout (RFC 5321 4.5.3.2). */
  public static SmtpReply idleTimeout(String hostname) {
    return SmtpReply.of(421, "4.4.2", hostname + " Idle timeout, closing").closing();
  }

  /** 421 once a session has lasted max-session-time (at the end of its transaction). */
  public static SmtpReply sessionTimeUp(String hostname) {
    return SmtpReply.of(421, "4.4.2", hostname + " Session time limit reached, closing")
        .closing();
  }

  /**
   * 421 instead of the greeting: the node holds max-connections open connections (RFC 5321 3.1
   * allows 421 at connection time; RFC 3463 4.7.0: a security or policy limit).
   */
  public static SmtpReply tooManyConnections(String hostname) {
    return SmtpReply.of(421, "4.7.0", hostname + " Too many connections, closing").closing();
  }

  /** 421 instead of the greeting: an unidentified address holds its share of connections. */
  public static SmtpReply tooManyConnectionsFromAddress(String hostname) {
    return SmtpReply.of(421, "4.7.0", hostname + " Too many connections from your address, closing")
        .closing();
  }

  /** 421 instead of the greeting: unidentified clients hold all the connections they may. */
  public static SmtpReply tooManyUnidentifiedConnections(String hostname) {
    return SmtpReply.of(421, "4.7.0",
        hostname + " Too many connections from unregistered clients, closing").closing();
  }

  /** 421 after more than max-errors errors in one session. */
  public static SmtpReply tooManyErrors(String hostname) {
    return SmtpReply.of(421, "4.7.0", hostname + " Too many errors, closing").closing();
  }

  /** 421 when the node shuts down (RFC 5321 3.8). */
  public static SmtpReply shuttingDown(String hostname) {
    return SmtpReply.of(421, "4.3.2", hostname + " Service shutting down").closing();
  }

  /**
   * 421 instead of the greeting: the client already has its maximum of concurrent sessions across
   * the cluster (RFC 3463 4.4.5: system congestion). RFC 5321 3.1 lets a server answer 421 at
   * connection time and close.
   */
  public static SmtpReply tooManySessions(String hostname) {
    return SmtpReply.of(421, "4.4.5", hostname + " Too many concurrent sessions for this client, closing")
        .closing();
  }

  /**
   * 421 when the client cannot be identified or admitted because a policy lookup failed or did
   * not answer in time (e.g. its session count); the client retries later.
   */
  public static SmtpReply serviceUnavailable(String hostname) {
    return SmtpReply.of(421, "4.3.0", hostname + " Service temporarily unavailable, closing")
        .closing();
  }

  // ---- permanent refusal at connect (554 5.7.1) ------------------------------------------------
  // RFC 5321 3.1: a server that answers 554 instead of the greeting should not close; it waits
  // for QUIT and answers 503 to anything else meanwhile (REFUSED_SEND_QUIT). The session does,
  // bounded by command-timeout in all and by max-errors; when the node's caps give it no place
  // to wait (see relay.smtp.server.unidentified), it closes right after the 554 instead.

  /**
   * 554 instead of the greeting: the operator blocked the client's address or the client
   * (RFC 3463 5.7.1), with the operator's reason.
   */
  public static SmtpReply blockedAtConnect(String hostname, String reason) {
    return SmtpReply.of(554, "5.7.1", hostname + " Blocked: " + operatorReason(reason));
  }

  /** 554 instead of the greeting: the operator suspended this client (RFC 3463 5.7.1). */
  public static SmtpReply clientSuspended(String hostname) {
    return SmtpReply.of(554, "5.7.1", hostname + " Client suspended");
  }

  /**
   * 554 instead of the greeting: the address is registered as a client's test address and the
   * client's test window is not open now (RFC 3463 5.7.1).
   */
  public static SmtpReply outsideTestWindow(String hostname) {
    return SmtpReply.of(554, "5.7.1", hostname + " Test address outside its test window");
  }

  /** 503 to any command but QUIT after a 554 instead of the greeting (RFC 5321 3.1). */
  public static final SmtpReply REFUSED_SEND_QUIT =
      SmtpReply.of(503, "5.5.1", "Bad sequence of commands: connection refused, send QUIT");

  /** The longest operator reason a reply shows; the rest is cut. */
  public static final int MAX_REASON_LENGTH = 200;

  /**
   * An operator's reason made safe for a reply line: printable ASCII and spaces only (anything
   * else, CR and LF included, becomes '?'), runs of spaces folded, at most
   * {@link #MAX_REASON_LENGTH} characters; an empty reason reads "by the relay operator".
   */
  public static String operatorReason(String reason) {
    StringBuilder out = new StringBuilder(Math.min(reason.length(), MAX_REASON_LENGTH));
    for (int i = 0; i < reason.length() && out.length() < MAX_REASON_LENGTH; i++) {
      char c = reason.charAt(i);
      char safe = c >= 0x21 && c <= 0x7e ? c : (c == ' ' || c == '\t') ? ' ' : '?';
      if (safe == ' ' && (out.length() == 0 || out.charAt(out.length() - 1) == ' ')) {
        continue;
      }
      out.append(safe);
    }
    String text = out.toString().strip();
    return text.isEmpty() ? "by the relay operator" : text;
  }

  /** Keeps a peer-supplied token safe to echo: printable ASCII only, at most 64 characters. */
  private static String printable(String token) {
    StringBuilder out = new StringBuilder(Math.min(token.length(), 64));
    for (int i = 0; i < token.length() && out.length() < 64; i++) {
      char c = token.charAt(i);
      out.append(c >= 0x21 && c <= 0x7e ? c : '?');
    }
    return out.toString();
  }
}
