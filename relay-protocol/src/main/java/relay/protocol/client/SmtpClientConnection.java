package relay.protocol.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import relay.protocol.client.SmtpClientException.Kind;
import relay.protocol.reply.DeliveryReplies;
import relay.protocol.reply.DeliveryReplies.Step;
import relay.protocol.reply.SmtpReply;

/**
 * One outbound SMTP connection over a blocking socket (RFC 5321 client side, RFC 2920
 * PIPELINING, RFC 1870 SIZE, RFC 6152 8BITMIME, RFC 6531 SMTPUTF8, RFC 3207 STARTTLS). Not thread-safe: one thread
 * owns it from {@link #open} to {@link #close()}, on a dispatcher meant for blocking work.
 *
 * <p>A transaction either returns a {@link TransactionResult} (the server answered every step;
 * per-recipient outcomes inside) or throws {@link SmtpClientException} (the connection failed,
 * timed out or was lost; the connection is then closed). A 421 reply at any point means the
 * server is closing: the replies not yet received all become that 421 and the connection is no
 * longer usable. Several messages may be sent on one connection while {@link #isUsable()}.
 */
public final class SmtpClientConnection implements AutoCloseable {

  private final InetSocketAddress address;
  private final String remoteName;
  private final ClientSettings settings;
  private final byte[] transferBuffer;
  // The socket and its streams: replaced once, by their TLS form, after STARTTLS.
  private Socket socket;
  private WriteWatchdog watchdog;
  private OutputStream out;
  private DeadlineInputStream input;
  private BufferedInputStream buffered;
  private ReplyReader replies;
  private SmtpReply greeting;
  private Capabilities capabilities = Capabilities.none();
  private TlsStatus tlsStatus = TlsStatus.NONE;
  private ClientTls.Unverified unverified;
  /** The 421 the server closed with, once it did. */
  private SmtpReply closedWith;
  private boolean usable = true;
  private long messagesSent;
  /** {@link #reset} asked for with PIPELINING: RSET leads the next transaction's command group. */
  private boolean resetPending;
  /** The deadline of the attempt in progress: every step ends by it. */
  private Deadline attempt;

  private SmtpClientConnection(Socket socket, InetSocketAddress address, String remoteName, ClientSettings settings,
      Deadline attempt) throws IOException {
    this.address = address;
    this.remoteName = remoteName;
    this.settings = settings;
    this.attempt = attempt;
    this.transferBuffer = new byte[settings.bufferSize()];
    useSocket(socket);
  }

  /** Talks over {@code s} from now on: the plain socket first, its TLS form after STARTTLS. */
  private void useSocket(Socket s) throws IOException {
    if (watchdog != null) {
      watchdog.stop();
    }
    this.socket = s;
    this.watchdog = new WriteWatchdog(s.getOutputStream(), s, settings.dataBlockTimeout(), attempt);
    this.out = new BufferedOutputStream(watchdog, settings.bufferSize());
    this.input = new DeadlineInputStream(s.getInputStream(), s, attempt);
    this.buffered = new BufferedInputStream(input, settings.bufferSize());
    this.replies = new ReplyReader(buffered, settings.maxReplyLineLength(), settings.maxReplyLines());
  }

  /** {@link #open(InetSocketAddress, String, ClientSettings, Deadline, Set)} as an attempt of its own, no loop check. */
  public static SmtpClientConnection open(InetSocketAddress address, String remoteName, ClientSettings settings)
      throws SmtpClientException {
    return open(address, remoteName, settings, Deadline.after(settings.attemptTimeout()), Set.of());
  }

  /**
   * Connects, reads the greeting and says EHLO, falling back to HELO when EHLO gets a 5xx
   * (RFC 5321 3.2). A connect failure is {@code 451 4.4.1}; a 4xx/5xx greeting or a refused HELO
   * is thrown as the server's reply; a greeting or EHLO reply that names one of {@code ownNames}
   * (lower case) is a mail loop ({@link Kind#LOOP}, the client says QUIT), as Postfix checks it.
   * The connect waits at most connect-timeout and never past {@code attempt}. On any failure the
   * connection is closed.
   *
   * @param address the address to connect to (from {@code MxHost.addresses()})
   * @param remoteName the MX host name, for replies and logs
   * @param attempt the deadline of the attempt this connection starts
   * @param ownNames this relay's own host names, lower case; empty: no loop check
   */
  public static SmtpClientConnection open(InetSocketAddress address, String remoteName, ClientSettings settings,
      Deadline attempt, Set<String> ownNames) throws SmtpClientException {
    return open(address, remoteName, settings, attempt, ownNames, null, TlsPolicy.OPPORTUNISTIC);
  }

  /**
   * {@link #open(InetSocketAddress, String, ClientSettings, Deadline, Set)}, then STARTTLS (RFC
   * 3207) when the server offers it and {@code tls} is given: the handshake with SNI {@code
   * remoteName}, then EHLO again over TLS, as RFC 3207 4.2 requires. {@link #tls()} says what
   * came of it. Under {@code policy}:
   *
   * <ul>
   *   <li>opportunistic: no STARTTLS offered, or STARTTLS refused: on in clear; a failed
   *       handshake throws {@link Kind#TLS_FAILED} (the caller may connect again without TLS);
   *   <li>required or verify: no STARTTLS offered or refused throws {@link Kind#TLS_UNAVAILABLE}
   *       (451 4.7.4), a failed handshake {@link Kind#TLS_FAILED}, and under verify a certificate
   *       that does not verify for {@code remoteName} {@link Kind#TLS_UNVERIFIED} (451 4.7.5).
   *       Nothing of a transaction is ever sent before TLS is up.
   * </ul>
   *
   * @param tls null: never STARTTLS (a policy that requires TLS then fails as not offered)
   */
  public static SmtpClientConnection open(InetSocketAddress address, String remoteName, ClientSettings settings,
      Deadline attempt, Set<String> ownNames, ClientTls tls, TlsPolicy policy) throws SmtpClientException {
    Deadline connectBy = attempt.within(settings.connectTimeout());
    if (connectBy.expired()) {
      throw new SmtpClientException(Kind.ATTEMPT_EXPIRED,
          DeliveryReplies.attemptTimeLimit(remoteName, address, Step.CONNECT), null);
    }
    Socket socket = new Socket();
    SmtpClientConnection connection;
    try {
      socket.setTcpNoDelay(true); // commands go out in whole groups; Nagle would only add delay
      socket.connect(address, connectBy.waitMillis());
      connection = new SmtpClientConnection(socket, address, remoteName, settings, attempt);
    } catch (IOException e) {
      closeQuietly(socket);
      if (e instanceof SocketTimeoutException && connectBy == attempt) {
        throw new SmtpClientException(Kind.ATTEMPT_EXPIRED,
            DeliveryReplies.attemptTimeLimit(remoteName, address, Step.CONNECT), e);
      }
      // A connect that timed out is a host that did not answer in time, as a silent greeting is.
      throw new SmtpClientException(e instanceof SocketTimeoutException ? Kind.TIMED_OUT : Kind.CONNECT_FAILED,
          DeliveryReplies.connectFailed(remoteName, address, NetworkFailures.of(e)), e);
    }
    try {
      connection.greetAndHello(ownNames);
      connection.negotiateTls(ownNames, tls, policy);
      return connection;
    } catch (SmtpClientException e) {
      connection.close();
      throw e;
    }
  }

  private void greetAndHello(Set<String> ownNames) throws SmtpClientException {
    greeting = read(settings.greetingTimeout(), Step.GREETING);
    if (greeting.code() != 220) {
      if (!greeting.closesConnection()) {
        quit(); // RFC 5321 3.1: after a 554 greeting the client sends QUIT
      }
      throw refused(greeting);
    }
    refuseLoop(greeting, ownNames);
    command("EHLO " + settings.heloName(), Step.EHLO);
    SmtpReply ehlo = read(settings.heloTimeout(), Step.EHLO);
    if (ehlo.code() == 250) {
      refuseLoop(ehlo, ownNames);
      capabilities = Capabilities.parse(ehlo.lines());
      return;
    }
    if (!ehlo.isPermanent()) {
      throw refused(ehlo);
    }
    hello("HELO", Step.HELO, ownNames);
    capabilities = Capabilities.none();
  }

  /** Says EHLO or HELO and takes only 250 (anything else ends the connection), loop checked. */
  private SmtpReply hello(String verb, Step step, Set<String> ownNames) throws SmtpClientException {
    command(verb + " " + settings.heloName(), step);
    SmtpReply reply = read(settings.heloTimeout(), step);
    if (reply.code() != 250) {
      if (!reply.closesConnection()) {
        quit();
      }
      throw refused(reply);
    }
    refuseLoop(reply, ownNames);
    return reply;
  }

  /** STARTTLS as {@link #open(InetSocketAddress, String, ClientSettings, Deadline, Set, ClientTls, TlsPolicy)} says. */
  private void negotiateTls(Set<String> ownNames, ClientTls tls, TlsPolicy policy) throws SmtpClientException {
    if (tls == null || !capabilities.startTls()) {
      if (policy.requiresTls()) {
        quit();
        throw new SmtpClientException(Kind.TLS_UNAVAILABLE, DeliveryReplies.tlsNotOffered(remoteName, address), null);
      }
      return;
    }
    command("STARTTLS", Step.STARTTLS);
    SmtpReply reply = read(settings.heloTimeout(), Step.STARTTLS);
    if (reply.code() != 220) {
      if (reply.closesConnection()) {
        throw refused(reply);
      }
      if (policy.requiresTls()) {
        quit();
        throw new SmtpClientException(Kind.TLS_UNAVAILABLE,
            DeliveryReplies.startTlsRefused(remoteName, address, reply.code()), null);
      }
      return; // RFC 3207 4.1: the client may go on in clear, as an opportunistic one does
    }
    try {
      if (buffered.available() > 0) {
        // Anything the server sent after its 220 and before the handshake could be a
        // man-in-the-middle's injection; RFC 3207 5 makes both sides discard it. We stop here.
        close();
        throw new SmtpClientException(Kind.PROTOCOL_ERROR, DeliveryReplies.dataBeforeTls(remoteName, address), null);
      }
    } catch (IOException e) {
      close();
      throw new SmtpClientException(Kind.LOST,
          DeliveryReplies.connectionLost(remoteName, address, Step.STARTTLS, false, NetworkFailures.of(e)), e);
    }
    ClientTls.Upgraded upgraded;
    try {
      upgraded = tls.upgrade(socket, remoteName, address.getPort(), policy.requiresVerified(), attempt);
    } catch (ClientTls.HandshakeFailed e) {
      close();
      if (e.unverified() != null) {
        throw new SmtpClientException(Kind.TLS_UNVERIFIED,
            DeliveryReplies.certificateNotVerified(remoteName, address, e.unverified().text()), e);
      }
      throw new SmtpClientException(Kind.TLS_FAILED, DeliveryReplies.tlsHandshakeFailed(remoteName, address), e);
    }
    try {
      useSocket(upgraded.socket());
    } catch (IOException e) {
      close();
      throw new SmtpClientException(Kind.TLS_FAILED, DeliveryReplies.tlsHandshakeFailed(remoteName, address), e);
    }
    tlsStatus = upgraded.status();
    unverified = upgraded.unverified();
    // RFC 3207 4.2: forget what the server said before TLS and ask again.
    capabilities = Capabilities.none();
    capabilities = Capabilities.parse(hello("EHLO", Step.EHLO, ownNames).lines());
  }

  /**
   * A server that calls itself by one of our names is this relay: say QUIT and report a loop
   * (RFC 5321 6.3; Postfix: "host ... greeted me with my own hostname").
   */
  private void refuseLoop(SmtpReply reply, Set<String> ownNames) throws SmtpClientException {
    if (EnvelopeCommands.namesOneOf(reply, ownNames)) {
      quit();
      throw new SmtpClientException(Kind.LOOP, DeliveryReplies.loopsBackToMyself(remoteName), null);
    }
  }

  /** The server's 220 greeting. */
  public SmtpReply greeting() {
    return greeting;
  }

  /** What protects this connection: {@link TlsStatus#NONE} in clear. */
  public TlsStatus tls() {
    return tlsStatus;
  }

  /** Why the server's certificate did not verify; empty when it did or in clear. */
  public Optional<ClientTls.Unverified> unverified() {
    return Optional.ofNullable(unverified);
  }

  /** What the server offered in EHLO; {@link Capabilities#none()} after HELO. */
  public Capabilities capabilities() {
    return capabilities;
  }

  public InetSocketAddress address() {
    return address;
  }

  public String remoteName() {
    return remoteName;
  }

  /** Messages that reached the end of DATA on this connection, whatever the final reply. */
  public long messagesSent() {
    return messagesSent;
  }

  /** False once the server closed (421), a failure closed the connection, or after close/quit. */
  public boolean isUsable() {
    return usable && closedWith == null && !socket.isClosed();
  }

  /** {@link #send(OutboundEnvelope, InputStream, Deadline)} as an attempt of its own. */
  public TransactionResult send(OutboundEnvelope envelope, InputStream message) throws SmtpClientException {
    return send(envelope, message, Deadline.after(settings.attemptTimeout()));
  }

  /**
   * Sends one message: MAIL FROM (with SIZE=, BODY=8BITMIME and SMTPUTF8 as needed and offered),
   * RCPT TO for each recipient, then DATA, the dot-stuffed content and CRLF.CRLF. With PIPELINING
   * MAIL, all RCPT and DATA go in one write (RFC 2920 3.1) and the replies are read in order.
   * When no recipient was accepted or DATA was refused, RSET clears the transaction.
   *
   * <p>Refused locally, before anything is sent, for every recipient: SMTPUTF8 needed but not
   * offered {@code 553 5.6.7} (RFC 6531 3.5), 8-bit content but no 8BITMIME {@code 554 5.6.3}
   * (RFC 6152 3), size above the server's SIZE limit {@code 552 5.3.4} (RFC 1870 6).
   *
   * @param message the message content, CRLF lines, not dot-stuffed; read to its end, not closed
   * @param attempt every step of this transaction ends by it
   * @throws SmtpClientException on timeout, lost connection, protocol error (connection level), or
   *     when the message stream fails (not connection level); the connection is then closed
   */
  public TransactionResult send(OutboundEnvelope envelope, InputStream message, Deadline attempt)
      throws SmtpClientException {
    requireUsable();
    within(attempt);
    Optional<SmtpReply> localRefusal = EnvelopeCommands.localRefusal(envelope, capabilities, remoteName);
    if (localRefusal.isPresent()) {
      SmtpReply refusal = localRefusal.get();
      return new TransactionResult(refusal, Collections.nCopies(envelope.recipients().size(), refusal),
          Optional.empty());
    }
    List<String> recipients = envelope.recipients();
    String mail = EnvelopeCommands.mail(envelope, capabilities);
    SmtpReply mailReply;
    List<SmtpReply> rcptReplies = new ArrayList<>(recipients.size());
    SmtpReply dataReply;
    if (capabilities.pipelining()) {
      StringBuilder group = new StringBuilder(64 + 40 * recipients.size());
      boolean withReset = resetPending;
      resetPending = false;
      if (withReset) {
        group.append("RSET\r\n"); // RFC 2920 3.1: RSET may come anywhere in a group
      }
      group.append(mail).append("\r\n");
      for (String r : recipients) {
        group.append("RCPT TO:<").append(r).append(">\r\n");
      }
      group.append("DATA\r\n");
      write(group.toString(), withReset ? Step.RSET : Step.MAIL);
      if (withReset) {
        checkReset(read(settings.rsetTimeout(), Step.RSET));
      }
      mailReply = readNot3xx(settings.mailTimeout(), Step.MAIL);
      for (int i = 0; i < recipients.size(); i++) {
        rcptReplies.add(readNot3xx(settings.rcptTimeout(), Step.RCPT));
      }
      dataReply = read(settings.dataInitTimeout(), Step.DATA);
    } else {
      command(mail, Step.MAIL);
      mailReply = readNot3xx(settings.mailTimeout(), Step.MAIL);
      if (!TransactionResult.isSuccess(mailReply)) {
        return mailRefused(mailReply, recipients.size());
      }
      for (String r : recipients) {
        command("RCPT TO:<" + r + ">", Step.RCPT);
        rcptReplies.add(readNot3xx(settings.rcptTimeout(), Step.RCPT));
      }
      if (rcptReplies.stream().noneMatch(TransactionResult::isSuccess)) {
        resetQuietly();
        return new TransactionResult(mailReply, rcptReplies, Optional.empty());
      }
      command("DATA", Step.DATA);
      dataReply = read(settings.dataInitTimeout(), Step.DATA);
    }

    boolean anyAccepted =
        TransactionResult.isSuccess(mailReply) && rcptReplies.stream().anyMatch(TransactionResult::isSuccess);
    if (!anyAccepted) {
      if (dataReply.code() == 354) {
        // RFC 2920 3.1: DATA was accepted although no recipient was; end it with a lone dot.
        write(".\r\n", Step.END_OF_DATA);
        read(settings.dataDoneTimeout(), Step.END_OF_DATA);
      }
      if (TransactionResult.isSuccess(mailReply)) {
        resetQuietly();
        return new TransactionResult(mailReply, rcptReplies, Optional.empty());
      }
      return mailRefused(mailReply, recipients.size());
    }
    if (dataReply.code() != 354) {
      if (dataReply.isPositive()) {
        throw unexpected(dataReply, Step.DATA);
      }
      resetQuietly();
      return new TransactionResult(mailReply, rcptReplies, Optional.of(dataReply));
    }
    streamMessage(message);
    messagesSent++;
    SmtpReply finalReply = readNot3xx(settings.dataDoneTimeout(), Step.END_OF_DATA);
    return new TransactionResult(mailReply, rcptReplies, Optional.of(finalReply));
  }

  /** {@link #reset(Deadline)} as a step of its own attempt. */
  public void reset() throws SmtpClientException {
    reset(Deadline.after(settings.attemptTimeout()));
  }

  /**
   * RSET (RFC 5321 4.1.1.5) before the next message: clears any transaction, and proves the
   * connection still works. With PIPELINING it leads the next transaction's command group (RFC
   * 2920 3.1 allows it anywhere in a group), which saves a round trip per message; its reply is
   * read first. A reply other than 250 closes the connection and fails that transaction with a
   * transient reply.
   */
  public void reset(Deadline attempt) throws SmtpClientException {
    requireUsable();
    within(attempt);
    if (capabilities.pipelining()) {
      resetPending = true;
      return;
    }
    resetNow();
  }

  /** RSET at once, waiting for its reply. */
  private void resetNow() throws SmtpClientException {
    command("RSET", Step.RSET);
    checkReset(read(settings.rsetTimeout(), Step.RSET));
  }

  /** A reply to RSET other than 250 closes the connection; the failure is always transient. */
  private void checkReset(SmtpReply reply) throws SmtpClientException {
    if (reply.code() != 250) {
      close();
      if (reply.isTransient()) {
        throw new SmtpClientException(Kind.SERVER_REFUSED, reply, null);
      }
      throw new SmtpClientException(Kind.PROTOCOL_ERROR,
          DeliveryReplies.resetRefused(remoteName, address, reply.code()), null);
    }
  }

  /** QUIT (RFC 5321 4.1.1.10), wait briefly for 221, then close. Never throws. */
  public void quit() {
    try {
      if (closedWith == null && !socket.isClosed()) {
        // QUIT has a short wait of its own, even after the attempt's deadline has passed.
        within(Deadline.after(settings.quitTimeout()));
        command("QUIT", Step.QUIT);
        read(settings.quitTimeout(), Step.QUIT);
      }
    } catch (SmtpClientException e) {
      // closing anyway
    } finally {
      close();
    }
  }

  /** Closes the socket without QUIT. Idempotent. */
  @Override
  public void close() {
    usable = false;
    watchdog.stop();
    closeQuietly(socket);
  }

  /** Every step from now on also ends by {@code next}. */
  private void within(Deadline next) {
    attempt = next;
    watchdog.bound(next);
  }

  private static TransactionResult mailRefused(SmtpReply mailReply, int recipients) {
    return new TransactionResult(mailReply, Collections.nCopies(recipients, mailReply), Optional.empty());
  }

  /**
   * Copies the message through the dot-stuffer; a failing message stream closes the connection.
   * The attempt's deadline is checked between blocks as well as under a blocked write, so a
   * server that reads slowly but steadily cannot stretch the transfer past it.
   */
  private void streamMessage(InputStream message) throws SmtpClientException {
    DotStuffingOutputStream data = new DotStuffingOutputStream(out);
    while (true) {
      int n;
      try {
        n = message.read(transferBuffer);
      } catch (IOException e) {
        // Without the final dot the server discards the partial message (RFC 5321 4.1.1.4).
        close();
        throw new SmtpClientException(Kind.LOCAL, DeliveryReplies.messageUnreadable(), e);
      }
      if (n < 0) {
        break;
      }
      try {
        data.write(transferBuffer, 0, n);
      } catch (IOException e) {
        throw lost(e, Step.END_OF_DATA);
      }
    }
    try {
      data.finish();
    } catch (IOException e) {
      throw lost(e, Step.END_OF_DATA);
    }
  }

  private void command(String command, Step step) throws SmtpClientException {
    write(command + "\r\n", step);
  }

  /** Writes commands and flushes; a blocked write is bounded by the watchdog. */
  private void write(String commands, Step step) throws SmtpClientException {
    if (closedWith != null) {
      return; // the server is gone; the replies will all be its 421
    }
    try {
      out.write(commands.getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw lost(e, step);
    }
  }

  /**
   * Reads one reply within {@code timeout} from now and within the attempt's deadline, however
   * slowly its bytes arrive; after a 421 every further reply is that 421 without reading.
   */
  private SmtpReply read(Duration timeout, Step step) throws SmtpClientException {
    if (closedWith != null) {
      return closedWith;
    }
    Deadline own = Deadline.after(timeout);
    boolean attemptFirst = attempt.isBefore(own);
    input.expireAt(attemptFirst ? attempt : own);
    try {
      SmtpReply reply = replies.read();
      if (reply.code() == 421) {
        closedWith = reply;
        close();
      }
      return reply;
    } catch (ReplyReader.MalformedReplyException e) {
      close();
      throw new SmtpClientException(Kind.PROTOCOL_ERROR, DeliveryReplies.protocolError(remoteName, address, step), e);
    } catch (SocketTimeoutException e) {
      close();
      if (attemptFirst) {
        throw new SmtpClientException(Kind.ATTEMPT_EXPIRED,
            DeliveryReplies.attemptTimeLimit(remoteName, address, step), e);
      }
      throw new SmtpClientException(Kind.TIMED_OUT, DeliveryReplies.timedOutWaiting(remoteName, address, step), e);
    } catch (IOException e) {
      close();
      throw new SmtpClientException(Kind.LOST,
          DeliveryReplies.connectionLost(remoteName, address, step, false, NetworkFailures.of(e)), e);
    }
  }

  /** Reads a reply that must be 2xx, 4xx or 5xx: a 3xx there is a protocol error. */
  private SmtpReply readNot3xx(Duration timeout, Step step) throws SmtpClientException {
    SmtpReply reply = read(timeout, step);
    if (reply.code() >= 300 && reply.code() < 400) {
      throw unexpected(reply, step);
    }
    return reply;
  }

  /** A reply that fits no step of the dialogue: we no longer know where the server is. */
  private SmtpClientException unexpected(SmtpReply reply, Step step) {
    close();
    return new SmtpClientException(Kind.PROTOCOL_ERROR,
        DeliveryReplies.unexpectedReply(remoteName, address, reply.code(), step), null);
  }

  /** A write failed: the watchdog cut it (timeout or the attempt's end) or the connection broke. */
  private SmtpClientException lost(IOException e, Step step) {
    boolean timedOut = watchdog.fired();
    boolean attemptExpired = watchdog.attemptExpired();
    close();
    if (attemptExpired) {
      return new SmtpClientException(Kind.ATTEMPT_EXPIRED,
          DeliveryReplies.attemptTimeLimit(remoteName, address, step), e);
    }
    if (timedOut) {
      return new SmtpClientException(Kind.TIMED_OUT, DeliveryReplies.timedOutSending(remoteName, address, step), e);
    }
    return new SmtpClientException(Kind.LOST,
        DeliveryReplies.connectionLost(remoteName, address, step, true, NetworkFailures.of(e)), e);
  }

  private SmtpClientException refused(SmtpReply reply) {
    return new SmtpClientException(Kind.SERVER_REFUSED, reply, null);
  }

  private void requireUsable() throws SmtpClientException {
    if (closedWith != null) {
      throw new SmtpClientException(Kind.SERVER_REFUSED, closedWith, null);
    }
    if (!isUsable()) {
      throw new SmtpClientException(Kind.CLOSED, DeliveryReplies.connectionClosed(remoteName, address), null);
    }
  }

  /** RSET after a transaction that did not reach the data; a failure only closes the connection. */
  private void resetQuietly() {
    if (!isUsable()) {
      return;
    }
    try {
      resetNow();
    } catch (SmtpClientException e) {
      close();
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
