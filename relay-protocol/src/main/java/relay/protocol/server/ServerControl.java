package relay.protocol.server;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;

/**
 * The node's handle on all live SMTP sessions of a listener (or several). {@link #shutdown()}
 * makes every live session answer {@code 421 4.3.2 ... Service shutting down} and close; a session
 * whose message is being committed answers that commit first, a session in the middle of DATA
 * aborts its message. Connections accepted after shutdown are greeted with the 421 directly.
 * Thread-safe.
 */
public final class ServerControl {

  private final Set<Runnable> sessions = ConcurrentHashMap.newKeySet();
  /** Connections accepted and not yet ended, on every listener of the node. */
  private final AtomicInteger open = new AtomicInteger();
  /** Connections that pipelined plaintext after STARTTLS (dropped unanswered). */
  private final AtomicLong pipelinedAfterStartTls = new AtomicLong();
  private final CompletableFuture<Done> allClosed = new CompletableFuture<>();
  private volatile boolean shuttingDown;

  private ServerControl() {}

  public static ServerControl create() {
    return new ServerControl();
  }

  /**
   * Tells every live session to close. Returns a stage that completes once no session is left
   * (new connections may still be refused by the listener meanwhile: unbind it first).
   */
  public CompletionStage<Done> shutdown() {
    shuttingDown = true;
    for (Runnable session : sessions) {
      session.run();
    }
    completeIfIdle();
    return allClosed;
  }

  public boolean isShuttingDown() {
    return shuttingDown;
  }

  /**
   * Counts a new connection unless {@code max} are open already: the caller refuses it then
   * (421 4.7.0 without a session) and must not call {@link #connectionEnded}.
   */
  boolean tryAcceptConnection(int max) {
    while (true) {
      int now = open.get();
      if (now >= max) {
        return false;
      }
      if (open.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  /** A connection counted by {@link #tryAcceptConnection} ended. */
  void connectionEnded() {
    open.decrementAndGet();
  }

  /** Connections open now (sessions and those still waiting for their greeting). */
  public int openConnections() {
    return open.get();
  }

  /** Sessions currently open. */
  public int liveSessions() {
    return sessions.size();
  }

  /** A session dropped plaintext sent after STARTTLS (RFC 3207 4.2, CVE-2011-0411). */
  void discardedAfterStartTls() {
    pipelinedAfterStartTls.incrementAndGet();
  }

  /**
   * How many times sessions dropped plaintext a client sent after STARTTLS, unanswered: a
   * client that pipelines past STARTTLS is broken or an injection attempt (CVE-2011-0411).
   */
  public long pipelinedAfterStartTls() {
    return pipelinedAfterStartTls.get();
  }

  /**
   * Registers a session; {@code onShutdown} must be safe to call from any thread and more than
   * once. If shutdown already started, it is called at once.
   */
  void register(Runnable onShutdown) {
    sessions.add(onShutdown);
    if (shuttingDown) {
      onShutdown.run();
    }
  }

  void deregister(Runnable onShutdown) {
    sessions.remove(onShutdown);
    completeIfIdle();
  }

  private void completeIfIdle() {
    if (shuttingDown && sessions.isEmpty()) {
      allClosed.complete(Done.getInstance());
    }
  }
}
