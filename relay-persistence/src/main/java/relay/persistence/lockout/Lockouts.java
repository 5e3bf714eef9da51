package relay.persistence.lockout;

import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import relay.persistence.registry.Block;
import relay.persistence.registry.BlockKind;
import relay.persistence.registry.RegistrySnapshot;

/**
 * How a lockout looks in the block list: an {@code ip} block with an {@code until}, made by the
 * actor {@value #ACTOR} (the audit log and {@code GET /api/v1/blocks} show it so), with the
 * reason "N failed logins". Every node reads it from its registry view like any block; the
 * checks at connect answer it 421 4.7.0 (temporary) instead of an operator block's 554 5.7.1.
 */
public final class Lockouts {

  /** The actor recorded for lockout blocks; no API token may be named so. */
  public static final String ACTOR = "lockout";

  private Lockouts() {}

  /** Whether {@code block} is a lockout rather than an operator's block. */
  public static boolean isLockout(Block block) {
    return block.kind() == BlockKind.IP && ACTOR.equals(block.createdBy())
        && block.until().isPresent();
  }

  /** The reason a lockout block gives. */
  static String reason(int failures) {
    return failures + " failed logins";
  }

  /**
   * The lockout of {@code ip} in force at {@code now} in {@code registry} (the one ending last),
   * or empty; an operator's block of the same address is not one.
   */
  public static Optional<Block> active(RegistrySnapshot registry, String ip, Instant now) {
    return lastEnding(registry, ip, now, true);
  }

  /**
   * The operator's block of {@code ip} in force at {@code now} (a permanent one first, else the
   * one ending last), lockouts left out; or empty.
   */
  public static Optional<Block> operatorBlock(RegistrySnapshot registry, String ip,
      Instant now) {
    return lastEnding(registry, ip, now, false);
  }

  private static Optional<Block> lastEnding(RegistrySnapshot registry, String ip, Instant now,
      boolean lockout) {
    return registry.activeBlocks(BlockKind.IP, ip, now).stream()
        .filter(b -> isLockout(b) == lockout)
        .max(Comparator.comparing((Block b) -> b.until().orElse(Instant.MAX)));
  }
}
