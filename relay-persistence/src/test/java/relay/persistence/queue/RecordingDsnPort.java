package relay.persistence.queue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.pekko.Done;

/** A DSN port that records every request; what it answers is chosen by the test. */
final class RecordingDsnPort implements DsnPort {

  final List<DsnRequest> requests = new CopyOnWriteArrayList<>();
  volatile Function<DsnRequest, CompletionStage<Done>> answer =
      r -> CompletableFuture.completedFuture(Done.getInstance());

  @Override
  public CompletionStage<Done> submit(DsnRequest request) {
    requests.add(request);
    return answer.apply(request);
  }

  List<DsnRequest> of(DsnKind kind) {
    return requests.stream().filter(r -> r.kind() == kind).toList();
  }
}
