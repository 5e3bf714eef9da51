package relay.persistence.queue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32;
import relay.persistence.spool.SpoolNames;

/**
 * Which {@link DeliveryQueue} entity serves a message: a destination domain and one of its
 * sub-queues ({@code sub-queues} in the domain's shaping). The entity id of sub-queue 0 is the
 * plain domain, so a domain with one sub-queue keeps the id (and the journal) it always had;
 * sub-queue {@code i > 0} is {@code "<domain>#<i>"}. A domain never contains {@code '#'} (RFC 5321
 * §4.1.2: letters, digits, hyphens and dots, or U-labels), so such an id can never name a real
 * domain; domains with {@code '#'} are refused here.
 *
 * @param domain the destination domain, lower-case; what delivery, the spool, DSNs and the event
 *     log use
 * @param index the sub-queue, 0 up to {@link #MAX_INDEX}
 */
public record SubQueueId(String domain, int index) {

  /** Separates the domain from the sub-queue number in an entity id. */
  public static final char SEPARATOR = '#';
  /** Highest sub-queue number (sub-queues are bounded by max-connections, at most 1000). */
  public static final int MAX_INDEX = 999;
  /** Widest persistence id of the journal and snapshot tables (VARCHAR(255), characters). */
  public static final int MAX_PERSISTENCE_ID = 255;

  public SubQueueId {
    domain = SpoolNames.domain(domain);
    if (domain.indexOf(SEPARATOR) >= 0) {
      throw new IllegalArgumentException("invalid domain (contains '#'): " + domain);
    }
    if (index < 0 || index > MAX_INDEX) {
      throw new IllegalArgumentException("sub-queue " + index + " is outside 0.." + MAX_INDEX);
    }
  }

  /** The whole domain in one queue: sub-queue 0, whose entity id is the domain itself. */
  public static SubQueueId whole(String domain) {
    return new SubQueueId(domain, 0);
  }

  /**
   * The sub-queue of {@code domain} that serves the message {@code queueId} when the domain has
   * {@code subQueues} of them: a CRC-32 of the queue id modulo the count. The same in every JVM
   * and every release (never {@code Object.hashCode} of anything but a String, never a seed), so
   * an enqueue retried from any node reaches the entity that already holds the message.
   */
  public static SubQueueId forMessage(String domain, String queueId, int subQueues) {
    if (subQueues < 1 || subQueues > MAX_INDEX + 1) {
      throw new IllegalArgumentException("sub-queues = " + subQueues + " is outside 1.."
          + (MAX_INDEX + 1));
    }
    if (subQueues == 1) {
      return whole(domain);
    }
    CRC32 crc = new CRC32();
    crc.update(queueId.getBytes(StandardCharsets.UTF_8));
    return new SubQueueId(domain, (int) (crc.getValue() % subQueues));
  }

  /**
   * Reads an entity id: a domain, or a domain, {@code '#'} and a sub-queue number from 1 in
   * canonical form (no sign, no leading zero), so that one sub-queue has exactly one id.
   *
   * @throws IllegalArgumentException naming the id when it is not of that form
   */
  public static SubQueueId parse(String entityId) {
    if (entityId == null) {
      throw new IllegalArgumentException("invalid queue entity id: null");
    }
    int at = entityId.indexOf(SEPARATOR);
    if (at < 0) {
      return whole(entityId);
    }
    String number = entityId.substring(at + 1);
    boolean canonical = !number.isEmpty() && number.length() <= 3 && number.charAt(0) != '0'
        && number.chars().allMatch(c -> c >= '0' && c <= '9');
    if (!canonical) {
      throw new IllegalArgumentException("invalid queue entity id: " + entityId
          + " (expected <domain> or <domain>#<1.." + MAX_INDEX + ">)");
    }
    return new SubQueueId(entityId.substring(0, at), Integer.parseInt(number));
  }

  /** The sharding entity id of this sub-queue. */
  public String entityId() {
    return index == 0 ? domain : domain + SEPARATOR + index;
  }

  /**
   * The entity part of the journal's persistence id {@code <typeName>|<part>}: the entity id,
   * unless the whole id would be longer than {@value #MAX_PERSISTENCE_ID} characters, the width
   * of {@code persistence_id} in pekko-persistence-jdbc's H2 and PostgreSQL schemas (a 253-octet
   * domain and {@code "#999"} make 271 with {@code "DeliveryQueue|"}: such an entity could never
   * persist, and every enqueue to it failed). Then: the start of the entity id, {@code '~'} and
   * the SHA-256 of the whole entity id (hex), exactly {@value #MAX_PERSISTENCE_ID} characters.
   * Stable across JVMs and releases; short ids keep the journal they always had. Nothing reads a
   * domain back from a persistence id (the entity knows its id from sharding).
   */
  public String persistenceKey(String typeName) {
    String id = entityId();
    int room = MAX_PERSISTENCE_ID - typeName.length() - 1;
    if (id.length() <= room) {
      return id;
    }
    String hash = HexFormat.of().formatHex(sha256(id));
    return id.substring(0, room - hash.length() - 1) + '~' + hash;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return entityId();
  }
}
