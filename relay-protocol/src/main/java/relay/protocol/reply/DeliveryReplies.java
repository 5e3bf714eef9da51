package relay.protocol.reply;

import java.net.InetSocketAddress;

/**
 * The one catalogue of every reply the relay makes up on the outbound side: the verdicts of the
 * SMTP client (connect failed, timed out, lost, protocol error, local refusals before sending),
 * of the transport (no mail exchanger reachable, a destination that points home or loops back),
 * of DNS (null MX, no such domain, temporary failure) and of the delivery workers (spool trouble,
 * a worker lost). These replies end up in the queue's events, its logs and in DSNs (RFC 3464
 * Diagnostic-Code, prefixed "smtp;" only for replies a server really gave), so each one says
 * which host or domain and which step, in fixed words.
 *
 * <p>Parameters are typed: host names and addresses, dialogue steps, and small enums for what
 * went wrong on the network or in DNS. An exception's own message never reaches a reply: callers
 * map an {@code IOException} to a {@link NetworkFailure} and log the exception itself. Host names
 * from DNS and reply texts from servers are reduced to printable ASCII before they are echoed.
 *
 * <p>Enhanced codes follow RFC 3463: 4.4.1 no answer from host, 4.4.2 bad connection, 4.4.3
 * directory (DNS) failure, 5.4.4 unable to route, 5.4.6 routing loop, 4.5.0 protocol error,
 * 5.6.3 / 5.6.7 conversion required but not supported (RFC 6152, RFC 6531), 5.3.4 message too
 * big for the system (RFC 1870), 4.7.4 security features not supported (TLS required but not
 * offered, as Postfix says it), 4.7.5 cryptographic failure (handshake, certificate, MTA-STS
 * policy), 5.1.2 bad destination system, 5.1.10 null MX (RFC 7505), 4.3.0 /
 * 5.3.0 the relay's own system trouble.
 */
public final class DeliveryReplies {

  private DeliveryReplies() {}

  /** Why a network operation failed, in fixed words (never an exception's message). */
  public enum NetworkFailure {
    REFUSED("connection refused"),
    NO_ROUTE("no route to host"),
    UNKNOWN_HOST("unknown host"),
    TIMED_OUT("timed out"),
    CLOSED("connection closed by the server"),
    RESET("connection reset"),
    OTHER("network error");

    private final String text;

    NetworkFailure(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /** A step of the client's side of the dialogue (RFC 5321 3.3, 4.5.3.2). */
  public enum Step {
    CONNECT("the greeting", "connecting"),
    GREETING("the greeting", "connecting"),
    EHLO("the reply to EHLO", "sending EHLO"),
    HELO("the reply to HELO", "sending HELO"),
    STARTTLS("the reply to STARTTLS", "sending STARTTLS"),
    MAIL("the reply to MAIL FROM", "sending MAIL FROM"),
    RCPT("the reply to RCPT TO", "sending RCPT TO"),
    DATA("the reply to DATA", "sending DATA"),
    END_OF_DATA("the reply after end of data", "sending message data"),
    RSET("the reply to RSET", "sending RSET"),
    QUIT("the reply to QUIT", "sending QUIT");

    private final String awaiting;
    private final String sending;

    Step(String awaiting, String sending) {
      this.awaiting = awaiting;
      this.sending = sending;
    }

    /** "the reply to MAIL FROM". */
    public String awaiting() {
      return awaiting;
    }

    /** "sending MAIL FROM". */
    public String sending() {
      return sending;
    }
  }

  /** Why a DNS lookup gave no answer to act on (a transient condition). */
  public enum DnsTrouble {
    TIMEOUT("DNS lookup timed out"),
    SERVER_FAILURE("DNS server failure"),
    ERROR("DNS lookup failed");

    private final String text;

    DnsTrouble(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  // ---- the SMTP client: connection level (all transient: another host or a later try may work)

  /** 451 4.4.1: the TCP connection to one address could not be made. */
  public static SmtpReply connectFailed(String host, InetSocketAddress address, NetworkFailure why) {
    return SmtpReply.of(451, "4.4.1", "Connection to " + describe(host, address) + " failed: " + why.text());
  }

  /** 451 4.4.2: a reply did not come within its timeout (RFC 5321 4.5.3.2). */
  public static SmtpReply timedOutWaiting(String host, InetSocketAddress address, Step step) {
    return SmtpReply.of(451, "4.4.2", "Conversation with " + describe(host, address) + " timed out waiting for "
        + step.awaiting());
  }

  /** 451 4.4.2: a write stayed blocked longer than data-block-timeout (RFC 5321 4.5.3.2.5). */
  public static SmtpReply timedOutSending(String host, InetSocketAddress address, Step step) {
    return SmtpReply.of(451, "4.4.2", "Conversation with " + describe(host, address) + " timed out "
        + step.sending());
  }

  /** 451 4.4.2: the whole attempt (relay.smtp.client.attempt-timeout) ran out at this host. */
  public static SmtpReply attemptTimeLimit(String host, InetSocketAddress address, Step step) {
    return SmtpReply.of(451, "4.4.2", "Delivery attempt to " + describe(host, address)
        + " exceeded its time limit " + (step == Step.CONNECT ? "connecting" : "waiting for " + step.awaiting()));
  }

  /** 451 4.4.2: the attempt ran out of time before any host of the domain could be tried. */
  public static SmtpReply attemptTimeLimit(String domain) {
    return SmtpReply.of(451, "4.4.2", "Delivery attempt for " + printable(domain) + " exceeded its time limit");
  }

  /** 451 4.4.2: the connection broke while waiting for a reply or sending. */
  public static SmtpReply connectionLost(String host, InetSocketAddress address, Step step, boolean sending,
      NetworkFailure why) {
    return SmtpReply.of(451, "4.4.2", "Connection with " + describe(host, address) + " lost "
        + (sending ? step.sending() : "waiting for " + step.awaiting()) + ": " + why.text());
  }

  /** 451 4.5.0: the server sent something that is not an SMTP reply (RFC 5321 4.2). */
  public static SmtpReply protocolError(String host, InetSocketAddress address, Step step) {
    return SmtpReply.of(451, "4.5.0", "Protocol error from " + describe(host, address) + " in "
        + step.awaiting());
  }

  /** 451 4.5.0: a well-formed reply that fits no step of the dialogue (a 3xx to RCPT, 250 to DATA). */
  public static SmtpReply unexpectedReply(String host, InetSocketAddress address, int code, Step step) {
    return SmtpReply.of(451, "4.5.0", "Protocol error from " + describe(host, address) + ": unexpected reply "
        + code + " instead of " + step.awaiting());
  }

  /** 451 4.4.0: RSET got something other than 250; the connection is closed. */
  public static SmtpReply resetRefused(String host, InetSocketAddress address, int code) {
    return SmtpReply.of(451, "4.4.0", describe(host, address) + " refused RSET with reply " + code);
  }

  /** 451 4.4.2: a transaction asked of a connection that is already closed. */
  public static SmtpReply connectionClosed(String host, InetSocketAddress address) {
    return SmtpReply.of(451, "4.4.2", "Connection to " + describe(host, address) + " is closed");
  }

  /** 451 4.3.0: the message could not be read from the relay's own storage while sending. */
  public static SmtpReply messageUnreadable() {
    return SmtpReply.of(451, "4.3.0", "Local error reading the message");
  }

  // ---- outbound TLS (RFC 3207, RFC 8461): always transient, the message waits for TLS

  /** 451 4.7.4: the policy requires TLS and the server did not offer STARTTLS. */
  public static SmtpReply tlsNotOffered(String host, InetSocketAddress address) {
    return SmtpReply.of(451, "4.7.4", "TLS required but " + describe(host, address) + " did not offer STARTTLS");
  }

  /** 451 4.7.4: the policy requires TLS and the server answered STARTTLS with something else than 220. */
  public static SmtpReply startTlsRefused(String host, InetSocketAddress address, int code) {
    return SmtpReply.of(451, "4.7.4", "TLS required but " + describe(host, address) + " refused STARTTLS with reply "
        + code);
  }

  /** 451 4.7.5: the TLS handshake after STARTTLS failed. */
  public static SmtpReply tlsHandshakeFailed(String host, InetSocketAddress address) {
    return SmtpReply.of(451, "4.7.5", "TLS handshake with " + describe(host, address) + " failed");
  }

  /** 451 4.7.5: the policy requires a verified certificate and the server's did not verify. */
  public static SmtpReply certificateNotVerified(String host, InetSocketAddress address, String why) {
    return SmtpReply.of(451, "4.7.5", "TLS with a verified certificate required but " + describe(host, address)
        + " presented a certificate that did not verify: " + printable(why));
  }

  /** 451 4.7.5: the domain's MTA-STS policy (enforce) lists none of its mail exchangers (RFC 8461 4.1). */
  public static SmtpReply noMxMatchesStsPolicy(String domain) {
    return SmtpReply.of(451, "4.7.5", "No mail exchanger of " + printable(domain)
        + " matches its MTA-STS policy (enforce)");
  }

  /** 451 4.5.0: the server sent data after its 220 to STARTTLS, before the handshake (RFC 3207 5). */
  public static SmtpReply dataBeforeTls(String host, InetSocketAddress address) {
    return SmtpReply.of(451, "4.5.0", "Protocol error from " + describe(host, address)
        + ": data sent before the TLS handshake");
  }

  // ---- the SMTP client: refused before sending, for every recipient

  /** 553 5.6.7: the message needs SMTPUTF8 and the server does not offer it (RFC 6531 3.5). */
  public static SmtpReply needsSmtputf8(String host) {
    return SmtpReply.of(553, "5.6.7", "Message needs SMTPUTF8 but " + printable(host) + " does not support it");
  }

  /** 554 5.6.3: 8-bit content and the server does not offer 8BITMIME (RFC 6152 3). */
  public static SmtpReply needs8bitmime(String host) {
    return SmtpReply.of(554, "5.6.3", "Message has 8-bit content but " + printable(host)
        + " does not support 8BITMIME");
  }

  /** 552 5.3.4: larger than the server's declared SIZE limit (RFC 1870 6). */
  public static SmtpReply tooBigFor(String host, long size, long limit) {
    return SmtpReply.of(552, "5.3.4", "Message size " + size + " exceeds the limit of " + limit + " bytes at "
        + printable(host));
  }

  // ---- the transport: choosing and reaching a destination's hosts

  /** 451 4.4.1: no address of any mail exchanger answered (RFC 5321 5.1: try again later). */
  public static SmtpReply noMailExchangerReachable(String domain) {
    return SmtpReply.of(451, "4.4.1", "No mail exchanger of " + printable(domain) + " reachable");
  }

  /**
   * 451 4.4.1: every mail exchanger refused the session (greeting or HELO 5xx). Transient on
   * purpose: a refusal at connection time says nothing final about the recipients.
   */
  public static SmtpReply allMailExchangersRefused(String domain, SmtpReply last) {
    return SmtpReply.of(451, "4.4.1", "All mail exchangers of " + printable(domain)
        + " refused the connection, the last with " + echo(last));
  }

  /**
   * 451 4.4.1: the destination timed out or could not be reached a moment ago and another
   * connection of this node is already probing it; this attempt is deferred without connecting.
   */
  public static SmtpReply destinationNotResponding(String domain) {
    return SmtpReply.of(451, "4.4.1", printable(domain) + " is not responding; delivery deferred");
  }

  /**
   * 554 5.4.4 (RFC 3463: unable to route): every address of the destination is one the relay
   * refuses to connect to (loopback, unspecified, link-local, multicast, reserved, one of its own
   * or a network the operator refused), so there is no usable next hop.
   */
  public static SmtpReply unroutable(String domain) {
    return SmtpReply.of(554, "5.4.4", "No usable mail exchanger for " + printable(domain)
        + ": its addresses are local, reserved or this relay's own");
  }

  /**
   * 554 5.4.6 (RFC 3463: routing loop detected): the destination's mail exchanger is this relay
   * itself (one of its SMTP listeners, or a server that greets with the relay's own name).
   */
  public static SmtpReply loopsBackToMyself(String domain) {
    return SmtpReply.of(554, "5.4.6", "Mail for " + printable(domain) + " loops back to myself");
  }

  // ---- DNS (RFC 5321 5.1, RFC 7505)

  /** 556 5.1.10: the domain publishes a null MX (RFC 7505 3). */
  public static SmtpReply nullMx() {
    return SmtpReply.of(556, "5.1.10", "Recipient address has null MX");
  }

  /** 550 5.1.2: NXDOMAIN. */
  public static SmtpReply noSuchDomain() {
    return SmtpReply.of(550, "5.1.2", "Recipient domain not found");
  }

  /** 550 5.1.2: no MX and no address, or no MX host with an address. */
  public static SmtpReply noMailHost() {
    return SmtpReply.of(550, "5.1.2", "Recipient domain has no mail host");
  }

  /** 451 4.4.3: DNS did not answer in time or answered with an error; try later. */
  public static SmtpReply dnsTemporaryFailure(DnsTrouble trouble) {
    return SmtpReply.of(451, "4.4.3", "Temporary DNS failure: " + trouble.text());
  }

  // ---- the delivery workers and queues

  /** 451 4.4.2: recipients never tried because the connection broke in an earlier transaction. */
  public static SmtpReply connectionLostBeforeTransaction() {
    return SmtpReply.of(451, "4.4.2", "Connection lost before this transaction");
  }

  /** 554 5.3.0: the body is gone from the spool; it cannot come back, so the recipients bounce. */
  public static SmtpReply spoolLost() {
    return SmtpReply.of(554, "5.3.0", "Message body lost from the relay's spool");
  }

  /** 451 4.3.0: the body could not be read from the spool this time. */
  public static SmtpReply spoolUnreadable() {
    return SmtpReply.of(451, "4.3.0", "Message body temporarily unreadable");
  }

  /** 451 4.3.0: a bug in the relay interrupted the attempt (logged with its stack). */
  public static SmtpReply internalError() {
    return SmtpReply.of(451, "4.3.0", "Internal error during delivery");
  }

  /** 451 4.3.0: the worker running the attempt stopped before it reported. */
  public static SmtpReply workerLost() {
    return SmtpReply.of(451, "4.3.0", "Delivery worker stopped during the attempt");
  }

  /** 451 4.4.0: the attempt's outcome said nothing about this recipient. */
  public static SmtpReply noResult() {
    return SmtpReply.of(451, "4.4.0", "No result for this recipient from the delivery attempt");
  }

  /**
   * 554 5.0.0: the operator bounced every message of the destination's queue (POST
   * /api/v1/queues/{domain}/bounce); the sender gets a DSN with this reply.
   */
  public static SmtpReply returnedByOperator(String domain) {
    return SmtpReply.of(554, "5.0.0", "Message to " + printable(domain)
        + " returned by the relay's operator");
  }

  // ---- text helpers

  /** "mx.example.com[192.0.2.1]:25". */
  private static String describe(String host, InetSocketAddress address) {
    String ip = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
    return printable(host) + "[" + printable(ip) + "]:" + address.getPort();
  }

  /** A server's reply echoed inside ours: its code, enhanced code and first line, printable. */
  private static String echo(SmtpReply reply) {
    return printable(reply.summary());
  }

  /** Printable ASCII only (others become '?'), at most 200 characters. */
  static String printable(String text) {
    int max = 200;
    StringBuilder out = new StringBuilder(Math.min(text.length(), max));
    for (int i = 0; i < text.length() && out.length() < max; i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c <= 0x7e ? c : '?');
    }
    return out.toString();
  }
}
