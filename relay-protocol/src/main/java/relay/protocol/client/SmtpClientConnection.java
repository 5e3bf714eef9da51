package relay.protocol.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import relay.protocol.reply.SmtpReply;

/**
 * One outbound SMTP connection over a blocking socket (RFC 5321 client side, RFC 2920
 * PIPELINING, RFC 1870 SIZE, RFC 6152 8BITMIME, RFC 6531 SMTPUTF8). Not thread-safe: one thread
 * owns it from {@link #open} to {@link #close()}, on a dispatcher meant for blocking work.
 *
 * <p>A transaction either returns a {@link TransactionResult} (the server answered every step;
 * per-recipient outcomes inside) or throws {@link SmtpClientException} (the connection failed,
 * timed out or was lost; the connection is then closed). A 421 reply at any point means the
 * server is closing: the replies not yet received all become that 421 and the connection is no
 * longer usable. Several messages may be sent on one connection while {@link #isUsable()}.
 */
public final class SmtpClientConnection implements AutoCloseable {

  private final Socket socket;
  private final InetSocketAddress address;
  private final String remoteName;
  private final ClientSettings settings;
  private final WriteWatchdog watchdog;
  private final OutputStream out;
  private final ReplyReader replies;
  private final byte[] transferBuffer;
  private SmtpReply greeting;
  private Capabilities capabilities = Capabilities.none();
  /** The 421 the server closed with, once it did. */
  private SmtpReply closedWith;
  private boolean usable = true;
  private int currentTimeoutMillis = -1;
  private long messagesSent;
  /** {@link #reset} asked for with PIPELINING: RSET leads the next transaction's command group. */
  private boolean resetPending;

  private SmtpClientConnection(Socket socket, InetSocketAddress address, String remoteName, ClientSettings settings)
      throws IOException {
    this.socket = socket;
    this.address = address;
    this.remoteName = remoteName;
    this.settings = settings;
    this.watchdog = new WriteWatchdog(socket.getOutputStream(), socket, settings.dataBlockTimeout());
    this.out = new BufferedOutputStream(watchdog, settings.bufferSize());
    this.replies = new ReplyReader(new BufferedInputStream(socket.getInputStream(), settings.bufferSize()),
        settings.maxReplyLineLength(), settings.maxReplyLines());
    this.transferBuffer = new byte[settings.bufferSize()];
  }

  /**
   * Connects, reads the greeting and says EHLO, falling back to HELO when EHLO gets a 5xx
   * (RFC 5321 3.2). A connect failure or timeout is {@code 451 4.4.1}; a 4xx/5xx greeting or a
   * refused HELO is thrown as the server's reply; the connection is then closed.
   *
   * @param address the address to connect to (from {@code MxHost.addresses()})
   * @param remoteName the MX host name, for messages and logs
   */
  public static SmtpClientConnection open(InetSocketAddress address, String remoteName, ClientSettings settings)
      throws SmtpClientException {
    Socket socket = new Socket();
    SmtpClientConnection connection;
    try {
      socket.setTcpNoDelay(true); // commands go out in whole groups; Nagle would only add delay
      socket.connect(address, (int) Math.max(1, settings.connectTimeout().toMillis()));
      connection = new SmtpClientConnection(socket, address, remoteName, settings);
    } catch (IOException e) {
      closeQuietly(socket);
      throw new SmtpClientException(
          SmtpReply.of(451, "4.4.1", "Connection to " + describeHost(remoteName, address) + " failed: " + reason(e)),
          true, false, e);
    }
    try {
      connection.greetAndHello();
      return connection;
    } catch (SmtpClientException e) {
      connection.close();
      throw e;
    }
  }

  private void greetAndHello() throws SmtpClientException {
    greeting = read(settings.greetingTimeout(), "greeting");
    if (greeting.code() != 220) {
      if (!greeting.closesConnection()) {
        quit(); // RFC 5321 3.1: after a 554 greeting the client sends QUIT
      }
      throw refused(greeting);
    }
    command("EHLO " + settings.heloName());
    SmtpReply ehlo = read(settings.heloTimeout(), "EHLO");
    if (ehlo.code() == 250) {
      capabilities = Capabilities.parse(ehlo.lines());
      return;
    }
    if (!ehlo.isPermanent()) {
      throw refused(ehlo);
    }
    command("HELO " + settings.heloName());
    SmtpReply helo = read(settings.heloTimeout(), "HELO");
    if (helo.code() != 250) {
      if (!helo.closesConnection()) {
        quit();
      }
      throw refused(helo);
    }
    capabilities = Capabilities.none();
  }

  /** The server's 220 greeting. */
  public SmtpReply greeting() {
    return greeting;
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
   * @throws SmtpClientException on timeout, lost connection, protocol error (connection level), or
   *     when the message stream fails (not connection level); the connection is then closed
   */
  public TransactionResult send(OutboundEnvelope envelope, InputStream message) throws SmtpClientException {
    requireUsable();
    Optional<SmtpReply> localRefusal = localRefusal(envelope);
    if (localRefusal.isPresent()) {
      SmtpReply refusal = localRefusal.get();
      return new TransactionResult(refusal, Collections.nCopies(envelope.recipients().size(), refusal),
          Optional.empty());
    }
    List<String> recipients = envelope.recipients();
    String mail = mailCommand(envelope);
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
      write(group.toString());
      if (withReset) {
        checkReset(read(settings.rsetTimeout(), "RSET"));
      }
      mailReply = readNot3xx(settings.mailTimeout(), "MAIL FROM");
      for (int i = 0; i < recipients.size(); i++) {
        rcptReplies.add(readNot3xx(settings.rcptTimeout(), "RCPT TO"));
      }
      dataReply = read(settings.dataInitTimeout(), "DATA");
    } else {
      command(mail);
      mailReply = readNot3xx(settings.mailTimeout(), "MAIL FROM");
      if (!TransactionResult.isSuccess(mailReply)) {
        return mailRefused(mailReply, recipients.size());
      }
      for (String r : recipients) {
        command("RCPT TO:<" + r + ">");
        rcptReplies.add(readNot3xx(settings.rcptTimeout(), "RCPT TO"));
      }
      if (rcptReplies.stream().noneMatch(TransactionResult::isSuccess)) {
        resetQuietly();
        return new TransactionResult(mailReply, rcptReplies, Optional.empty());
      }
      command("DATA");
      dataReply = read(settings.dataInitTimeout(), "DATA");
    }

    boolean anyAccepted =
        TransactionResult.isSuccess(mailReply) && rcptReplies.stream().anyMatch(TransactionResult::isSuccess);
    if (!anyAccepted) {
      if (dataReply.code() == 354) {
        // RFC 2920 3.1: DATA was accepted although no recipient was; end it with a lone dot.
        write(".\r\n");
        read(settings.dataDoneTimeout(), "end of data");
      }
      if (TransactionResult.isSuccess(mailReply)) {
        resetQuietly();
        return new TransactionResult(mailReply, rcptReplies, Optional.empty());
      }
      return mailRefused(mailReply, recipients.size());
    }
    if (dataReply.code() != 354) {
      if (dataReply.isPositive()) {
        throw unexpected(dataReply, "DATA");
      }
      resetQuietly();
      return new TransactionResult(mailReply, rcptReplies, Optional.of(dataReply));
    }
    streamMessage(message);
    messagesSent++;
    SmtpReply finalReply = readNot3xx(settings.dataDoneTimeout(), "end of data");
    return new TransactionResult(mailReply, rcptReplies, Optional.of(finalReply));
  }

  /**
   * RSET (RFC 5321 4.1.1.5) before the next message: clears any transaction, and proves the
   * connection still works. With PIPELINING it leads the next transaction's command group (RFC
   * 2920 3.1 allows it anywhere in a group), which saves a round trip per message; its reply is
   * read first. A reply other than 250 closes the connection and fails that transaction with a
   * transient reply.
   */
  public void reset() throws SmtpClientException {
    requireUsable();
    if (capabilities.pipelining()) {
      resetPending = true;
      return;
    }
    resetNow();
  }

  /** RSET at once, waiting for its reply. */
  private void resetNow() throws SmtpClientException {
    command("RSET");
    checkReset(read(settings.rsetTimeout(), "RSET"));
  }

  /** A reply to RSET other than 250 closes the connection; the failure is always transient. */
  private void checkReset(SmtpReply reply) throws SmtpClientException {
    if (reply.code() != 250) {
      close();
      throw new SmtpClientException(reply.isTransient() ? reply : SmtpReply.of(451, "4.4.0",
          describeHost(remoteName, address) + " refused RSET: " + reply.summary()), true, true, null);
    }
  }

  /** QUIT (RFC 5321 4.1.1.10), wait briefly for 221, then close. Never throws. */
  public void quit() {
    try {
      if (closedWith == null && !socket.isClosed()) {
        command("QUIT");
        read(settings.quitTimeout(), "QUIT");
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

  private Optional<SmtpReply> localRefusal(OutboundEnvelope envelope) {
    if (envelope.smtputf8() && !capabilities.smtpUtf8()) {
      return Optional.of(SmtpReply.of(553, "5.6.7",
          "Message needs SMTPUTF8 but " + remoteName + " does not support it"));
    }
    if (envelope.eightBit() && !capabilities.eightBitMime()) {
      return Optional.of(SmtpReply.of(554, "5.6.3",
          "Message has 8-bit content but " + remoteName + " does not support 8BITMIME"));
    }
    if (capabilities.size() && capabilities.maxSize() > 0 && envelope.size() > capabilities.maxSize()) {
      return Optional.of(SmtpReply.of(552, "5.3.4",
          "Message size " + envelope.size() + " exceeds the limit of " + capabilities.maxSize() + " bytes at "
              + remoteName));
    }
    return Optional.empty();
  }

  private String mailCommand(OutboundEnvelope envelope) {
    StringBuilder mail = new StringBuilder(64).append("MAIL FROM:<").append(envelope.mailFrom()).append('>');
    if (capabilities.size() && envelope.size() > 0) {
      mail.append(" SIZE=").append(envelope.size());
    }
    if (envelope.eightBit() && capabilities.eightBitMime()) {
      mail.append(" BODY=8BITMIME");
    }
    if (envelope.smtputf8()) {
      mail.append(" SMTPUTF8");
    }
    return mail.toString();
  }

  private static TransactionResult mailRefused(SmtpReply mailReply, int recipients) {
    return new TransactionResult(mailReply, Collections.nCopies(recipients, mailReply), Optional.empty());
  }

  /** Copies the message through the dot-stuffer; a failing message stream closes the connection. */
  private void streamMessage(InputStream message) throws SmtpClientException {
    DotStuffingOutputStream data = new DotStuffingOutputStream(out);
    while (true) {
      int n;
      try {
        n = message.read(transferBuffer);
      } catch (IOException e) {
        // Without the final dot the server discards the partial message (RFC 5321 4.1.1.4).
        close();
        throw new SmtpClientException(SmtpReply.of(451, "4.3.0", "Local error reading the message: " + reason(e)),
            false, false, e);
      }
      if (n < 0) {
        break;
      }
      try {
        data.write(transferBuffer, 0, n);
      } catch (IOException e) {
        throw lost(e, "sending message data");
      }
    }
    try {
      data.finish();
    } catch (IOException e) {
      throw lost(e, "sending message data");
    }
  }

  private void command(String command) throws SmtpClientException {
    write(command + "\r\n");
  }

  /** Writes commands and flushes; a blocked write is bounded by the watchdog (data-block-timeout). */
  private void write(String commands) throws SmtpClientException {
    if (closedWith != null) {
      return; // the server is gone; the replies will all be its 421
    }
    try {
      out.write(commands.getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw lost(e, "sending " + verb(commands));
    }
  }

  /** Reads one reply; after a 421 every further reply is that 421 without reading. */
  private SmtpReply read(Duration timeout, String waitingFor) throws SmtpClientException {
    if (closedWith != null) {
      return closedWith;
    }
    try {
      int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
      if (millis != currentTimeoutMillis) {
        socket.setSoTimeout(millis);
        currentTimeoutMillis = millis;
      }
      SmtpReply reply = replies.read();
      if (reply.code() == 421) {
        closedWith = reply;
        close();
      }
      return reply;
    } catch (ReplyReader.MalformedReplyException e) {
      close();
      throw new SmtpClientException(SmtpReply.of(451, "4.5.0",
          "Protocol error from " + describeHost(remoteName, address) + " in reply to " + waitingFor + ": " + e.getMessage()), true, false, e);
    } catch (SocketTimeoutException e) {
      close();
      throw new SmtpClientException(SmtpReply.of(451, "4.4.2",
          "Conversation with " + describeHost(remoteName, address) + " timed out waiting for " + replyTo(waitingFor)),
          true, false, e);
    } catch (IOException e) {
      throw lost(e, "waiting for " + replyTo(waitingFor));
    }
  }

  /** Reads a reply that must be 2xx, 4xx or 5xx: a 3xx there is a protocol error. */
  private SmtpReply readNot3xx(Duration timeout, String waitingFor) throws SmtpClientException {
    SmtpReply reply = read(timeout, waitingFor);
    if (reply.code() >= 300 && reply.code() < 400) {
      throw unexpected(reply, waitingFor);
    }
    return reply;
  }

  /** A reply that fits no step of the dialogue: we no longer know where the server is. */
  private SmtpClientException unexpected(SmtpReply reply, String waitingFor) {
    close();
    return new SmtpClientException(SmtpReply.of(451, "4.5.0", "Protocol error from "
        + describeHost(remoteName, address) + ": unexpected " + reply.summary() + " to " + waitingFor), true, false,
        null);
  }

  private SmtpClientException lost(IOException e, String doing) {
    boolean timedOut = watchdog.fired();
    close();
    String host = describeHost(remoteName, address);
    String text = timedOut
        ? "Conversation with " + host + " timed out " + doing
        : "Connection with " + host + " lost " + doing + ": " + reason(e);
    return new SmtpClientException(SmtpReply.of(451, "4.4.2", text), true, false, e);
  }

  private SmtpClientException refused(SmtpReply reply) {
    return new SmtpClientException(reply, true, true, null);
  }

  private void requireUsable() throws SmtpClientException {
    if (!isUsable()) {
      SmtpReply reply = closedWith != null ? closedWith
          : SmtpReply.of(451, "4.4.2", "Connection to " + remoteName + " is closed");
      throw new SmtpClientException(reply, true, closedWith != null, null);
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

  /** "the greeting", "the reply after end of data", "the reply to MAIL FROM". */
  private static String replyTo(String waitingFor) {
    if (waitingFor.equals("greeting")) {
      return "the greeting";
    }
    if (waitingFor.equals("end of data")) {
      return "the reply after end of data";
    }
    return "the reply to " + waitingFor;
  }

  private static String verb(String commands) {
    int end = commands.indexOf(' ');
    int crlf = commands.indexOf('\r');
    int stop = end < 0 ? crlf : (crlf < 0 ? end : Math.min(end, crlf));
    return stop < 0 ? commands : commands.substring(0, stop);
  }

  private static String describeHost(String remoteName, InetSocketAddress address) {
    String ip = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
    return remoteName + "[" + ip + "]:" + address.getPort();
  }

  /** A short reason for a network error, without stack or class noise. */
  private static String reason(IOException e) {
    if (e instanceof SocketTimeoutException) {
      return "timeout";
    }
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    if (e instanceof NoRouteToHostException) {
      return "no route to host";
    }
    if (e instanceof UnknownHostException) {
      return "unknown host";
    }
    if (e instanceof EOFException) {
      return "connection closed by server";
    }
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message.replace('\r', ' ').replace('\n', ' ');
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
