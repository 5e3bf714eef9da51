package relay.protocol.server;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@link SessionSlot} one connection holds, released exactly once when the connection ends,
 * even when the slot arrives from the policy's thread after the connection is gone. After AUTH
 * the authenticated client's slot replaces the connection's first one, which is released then.
 * Thread-safe.
 */
final class HeldSlot {

  /** Marks a stopped connection: a slot that arrives later is released at once. */
  private static final SessionSlot STOPPED = () -> { };

  private final AtomicReference<SessionSlot> slot = new AtomicReference<>();

  /** The connection's first slot (admitted, or refused and waiting for QUIT). */
  void keep(SessionSlot admitted) {
    if (!slot.compareAndSet(null, admitted)) {
      admitted.release();
    }
  }

  /** The authenticated client's slot replaces the one held, which is released. */
  void replace(SessionSlot fresh) {
    SessionSlot old = slot.getAndUpdate(held -> held == STOPPED ? STOPPED : fresh);
    if (old == STOPPED) {
      fresh.release();
    } else if (old != null) {
      old.release();
    }
  }

  /** The connection ended: releases what it holds, and whatever arrives later. */
  void stopped() {
    SessionSlot held = slot.getAndSet(STOPPED);
    if (held != null && held != STOPPED) {
      held.release();
    }
  }
}
