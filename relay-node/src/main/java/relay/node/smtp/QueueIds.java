package relay.node.smtp;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Queue ids: 16 characters of Crockford base32, time-ordered (milliseconds since the epoch) with a
 * per-process random prefix and counter so that ids from several nodes never collide and sort by
 * arrival. They name the spool entry and appear in "250 2.0.0 Ok: queued as <id>".
 */
public final class QueueIds {

  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  private final long nodeBits;
  private final AtomicLong counter = new AtomicLong();

  public QueueIds() {
    this.nodeBits = new SecureRandom().nextInt(1 << 15);
  }

  public String next() {
    long millis = System.currentTimeMillis();
    long low = (nodeBits << 25) | (counter.getAndIncrement() & ((1L << 25) - 1));
    char[] out = new char[16];
    encode(millis, out, 0, 8);   // 40 bits of time: good until the year 36812
    encode(low, out, 8, 8);      // 15 bits of node, 25 bits of counter
    return new String(out);
  }

  private static void encode(long value, char[] out, int offset, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      out[offset + i] = ALPHABET[(int) (value & 31)];
      value >>>= 5;
    }
  }
}
