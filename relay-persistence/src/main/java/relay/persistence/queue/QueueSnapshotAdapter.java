package relay.persistence.queue;

import org.apache.pekko.persistence.typed.SnapshotAdapter;
import relay.persistence.queue.DeliveryQueue.Snapshot;

/**
 * Snapshots of a queue's mutable {@link QueueState} as immutable {@link Snapshot} copies, made on the
 * queue's thread before the snapshot store sees them; back into a state with the queue's limits
 * of remembered completions and recent messages.
 */
final class QueueSnapshotAdapter implements SnapshotAdapter<QueueState> {

  private final int rememberedCompletions;
  private final DuplicateSettings duplicates;

  QueueSnapshotAdapter(int rememberedCompletions, DuplicateSettings duplicates) {
    this.rememberedCompletions = rememberedCompletions;
    this.duplicates = duplicates;
  }

  @Override
  public Object toJournal(QueueState state) {
    return state.toSnapshot();
  }

  @Override
  public QueueState fromJournal(Object from) {
    return from instanceof QueueState s ? s : QueueState.fromSnapshot((Snapshot) from, rememberedCompletions,
        duplicates);
  }
}
