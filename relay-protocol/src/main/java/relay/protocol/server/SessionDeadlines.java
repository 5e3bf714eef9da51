package relay.protocol.server;

import java.time.Duration;

/**
 * The deadlines of one {@link SmtpServerStage} session (RFC 5321 4.5.3.2 for the minimums): a
 * whole command line within command-timeout of the previous reply, however its bytes trickle
 * in; message content within data-timeout plus its octets at min-data-rate; after a 554 at
 * connect, QUIT within one command-timeout of the 554, however many commands come; the session
 * within max-session-time. None runs during a commit. The stage's timers do the waiting.
 */
final class SessionDeadlines {

  /** A whole command line must arrive before it fires. */
  static final String LINE = "line";
  /** Message content must arrive before it fires (moved as octets arrive). */
  static final String CONTENT = "content";
  /** The session's lifetime. */
  static final String LIFETIME = "lifetime";

  /** The stage's timers. */
  interface Timers {
    void schedule(String key, Duration delay);

    void cancel(String key);
  }

  private final SmtpServerSettings.Timeouts timeouts;
  private final Timers timers;
  /** The session consumed an input since the line deadline was last set. */
  private boolean progressed;
  private boolean lineTimerSet;
  /** The wait for QUIT after a 554 at connect has its one command-timeout. */
  private boolean refusedDeadlineSet;
  /** When the current message content began (System.nanoTime). */
  private long contentStartedNanos;

  SessionDeadlines(SmtpServerSettings.Timeouts timeouts, Timers timers) {
    this.timeouts = timeouts;
    this.timers = timers;
  }

  /** The connection is open: its lifetime and the wait for its first line begin. */
  void start() {
    timers.schedule(LIFETIME, timeouts.maxSession());
    scheduleLine();
  }

  /** The session consumed an input. */
  void progressed() {
    progressed = true;
  }

  /** Message content (DATA or one BDAT chunk) begins now. */
  void contentStarted() {
    contentStartedNanos = System.nanoTime();
  }

  /** A commit begins: no deadline runs until it is answered. */
  void suspend() {
    timers.cancel(LINE);
    lineTimerSet = false;
    timers.cancel(CONTENT);
  }

  /** The timer {@code key} fired: what the session is told (TimeUp or IdleTimeout). */
  SessionInput fired(String key) {
    if (LINE.equals(key)) {
      lineTimerSet = false;
    }
    return LIFETIME.equals(key) ? new SessionInput.TimeUp() : new SessionInput.IdleTimeout();
  }

  /**
   * Sets the deadline of what the session waits for now: inside content ({@code
   * contentConsumed} octets so far), data-timeout plus those octets at min-data-rate from the
   * start of the content; between commands, a whole line within command-timeout of the last
   * command (partial bytes do not move it); after a 554 at connect ({@code refused}), one
   * command-timeout in all.
   */
  void update(boolean inContent, long contentConsumed, boolean refused) {
    if (inContent) {
      timers.cancel(LINE);
      lineTimerSet = false;
      long elapsed = System.nanoTime() - contentStartedNanos;
      Duration left = timeouts.contentAllowance(contentConsumed).minusNanos(elapsed);
      timers.schedule(CONTENT, left.isNegative() ? Duration.ZERO : left);
      return;
    }
    timers.cancel(CONTENT);
    if (refused) {
      // a refused client gets one command-timeout in all to send QUIT, however many commands
      if (!refusedDeadlineSet) {
        refusedDeadlineSet = true;
        scheduleLine();
      }
      return;
    }
    if (progressed || !lineTimerSet) {
      scheduleLine();
    }
  }

  private void scheduleLine() {
    progressed = false;
    lineTimerSet = true;
    timers.schedule(LINE, timeouts.command());
  }
}
