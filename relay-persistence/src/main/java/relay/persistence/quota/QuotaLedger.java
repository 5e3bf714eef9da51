package relay.persistence.quota;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import relay.protocol.server.EnvelopeRefusal;

/**
 * One client's quota on one node: the lease this node holds from the client's {@link QuotaEntity}
 * for the current hour, spent one recipient at a time at RCPT with no I/O ({@link #take}), and
 * refilled in the background: when half of the last lease is gone, or when the node has to borrow,
 * it asks for the next one (one ask at a time).
 *
 * <p>Decisions, in order, for one recipient:
 * <ol>
 *   <li>the quota is used up until a reset that has not come: 452 4.5.3 (asking again once
 *       every {@code used-up-recheck}, or at once when the client's quotas changed, so a raise
 *       is seen before the reset);
 *   <li>a recipient of the lease is left: accepted;
 *   <li>the last answer left no headroom in the cluster: used up, 452 4.5.3 until its reset;
 *   <li>fewer than {@code max-borrow} recipients borrowed (and, once an answer is known, fewer
 *       than the headroom it gave; before any, fewer than the client's lowest quota): accepted,
 *       reported with the next request;
 *   <li>otherwise the node cannot tell in time: 451 4.3.0, the client tries again shortly.
 * </ol>
 * Recipients borrowed after an ask was sent are covered by its grant first, and the rest
 * reported at once by another ask. A new hour gives back what is left of the last lease (it no longer counts against the day).
 * A lost or late answer is harmless: borrowed recipients stay to be reported by the next ask
 * (a lost reply can get them counted twice: an under-use, never an over-grant), a grant for an
 * hour that is over is given back.
 *
 * <p>Thread-safe: every session of the client on this node calls it; each call holds its lock
 * for a few field updates.
 */
public final class QuotaLedger {

  /** The way to the client's entity. */
  public interface Entity {
    CompletionStage<QuotaEntity.Lease> lease(QuotaLimits limits, int borrowed);

    void giveBack(Instant hour, int count);
  }

  private final Entity entity;
  private final int maxBorrow;
  private final Duration recheck;

  private Instant hour;
  private int lease;
  private int lastGrant;
  private int borrowed;
  private boolean asking;
  /** Whether an answer for this hour is known; then the fields below are its. */
  private boolean known;
  private long headroom;
  private boolean daily;
  private Instant resetsAt;
  /** Set when the quota is used up; cleared at that instant or by a grant. */
  private Instant usedUpUntil;
  private boolean usedUpDaily;
  private Instant checkedAt;
  private QuotaLimits askedWith;

  public QuotaLedger(Entity entity, int maxBorrow, Duration recheck) {
    this.entity = entity;
    this.maxBorrow = maxBorrow;
    this.recheck = recheck;
  }

  /**
   * Counts one recipient at {@code now} under {@code limits}: empty when it is accepted (and
   * counted), else the refusal.
   */
  public synchronized Optional<EnvelopeRefusal> take(Instant now, QuotaLimits limits) {
    roll(now);
    if (usedUpUntil != null) {
      if (now.isBefore(usedUpUntil)) {
        if (!limits.equals(askedWith) || !now.isBefore(checkedAt.plus(recheck))) {
          checkedAt = now;
          ask(limits);
        }
        return Optional.of(new EnvelopeRefusal.QuotaReached(usedUpDaily, usedUpUntil));
      }
      usedUpUntil = null;
    }
    if (lease > 0) {
      lease--;
      if (lease <= lastGrant / 2) {
        ask(limits);
      }
      return Optional.empty();
    }
    if (known && headroom <= 0) {
      usedUpUntil = resetsAt;
      usedUpDaily = daily;
      checkedAt = now;
      return Optional.of(new EnvelopeRefusal.QuotaReached(daily, resetsAt));
    }
    long cap = Math.min(maxBorrow, known ? headroom : limits.lowest());
    boolean borrow = borrowed < cap;
    if (borrow) {
      borrowed++;
      headroom--;
    }
    ask(limits);
    return borrow ? Optional.empty() : Optional.of(new EnvelopeRefusal.QuotaUnconfirmed());
  }

  /** Asks for a lease now unless this hour's answer is known or an ask is on its way. */
  public synchronized void prepare(Instant now, QuotaLimits limits) {
    roll(now);
    if (!known) {
      ask(limits);
    }
  }

  /** The lease left on this node (for tests). */
  public synchronized int lease() {
    return lease;
  }

  /** Recipients accepted beyond the lease and not yet reported (for tests). */
  public synchronized int borrowed() {
    return borrowed;
  }

  private void roll(Instant now) {
    Instant h = QuotaWindows.hourOf(now);
    if (hour != null && !h.isAfter(hour)) {
      return;
    }
    if (hour != null && lease > 0) {
      entity.giveBack(hour, lease);
    }
    hour = h;
    lease = 0;
    lastGrant = 0;
    known = false;
    headroom = 0;
  }

  private void ask(QuotaLimits limits) {
    if (asking) {
      return;
    }
    asking = true;
    askedWith = limits;
    int reported = borrowed;
    entity.lease(limits, reported).whenComplete((answer, error) -> answered(reported, answer,
        error));
  }

  private synchronized void answered(int reported, QuotaEntity.Lease answer, Throwable error) {
    asking = false;
    if (error != null) {
      return; // the borrowed stay to be reported by the next ask
    }
    borrowed = Math.max(0, borrowed - reported);
    if (!answer.hour().equals(hour)) {
      if (answer.granted() > 0) {
        entity.giveBack(answer.hour(), answer.granted());
      }
      return;
    }
    // recipients borrowed since the ask was sent are covered by the grant first
    int covered = Math.min(answer.granted(), borrowed);
    borrowed -= covered;
    lease += answer.granted() - covered;
    lastGrant = answer.granted();
    known = true;
    headroom = answer.headroom() - borrowed;
    daily = answer.daily();
    resetsAt = answer.resetsAt();
    if (answer.granted() > 0) {
      usedUpUntil = null;
    }
    if (borrowed > 0) {
      ask(askedWith); // report the rest now, not at the next ask
    }
  }
}
