package relay.persistence.lockout;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import relay.persistence.registry.Block;
import relay.persistence.registry.BlockKind;
import relay.persistence.registry.RegistryResult;
import relay.persistence.registry.RegistryService;
import relay.persistence.registry.RegistrySnapshot;
import relay.persistence.registry.RegistryView;

/**
 * A registry for the lockout entity alone: {@code addBlock} makes a block ("b" + a number) seen
 * at once by {@link #view}; it can be down ({@link Mode#DOWN}: nothing made, the ask fails) or
 * lose its answer ({@link Mode#ANSWER_LOST}: the block is made, the ask fails all the same). Any
 * other call of the service is a test error.
 */
final class FakeRegistry {

  enum Mode { UP, DOWN, ANSWER_LOST }

  final List<Block> blocks = new CopyOnWriteArrayList<>();
  final AtomicInteger asks = new AtomicInteger();
  private final AtomicInteger made = new AtomicInteger();
  volatile Mode mode = Mode.UP;
  final RegistryView view = () -> new RegistrySnapshot(List.of(), blocks);
  final RegistryService service;

  FakeRegistry(Clock clock) {
    service = (RegistryService) Proxy.newProxyInstance(RegistryService.class.getClassLoader(),
        new Class<?>[] {RegistryService.class}, (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return method.getName().equals("equals") ? proxy == args[0]
                : method.getName().equals("hashCode") ? System.identityHashCode(proxy)
                : "FakeRegistry";
          }
          if (!method.getName().equals("addBlock")) {
            throw new UnsupportedOperationException(method.getName());
          }
          asks.incrementAndGet();
          if (mode == Mode.DOWN) {
            return CompletableFuture.failedFuture(new TimeoutException("registry down"));
          }
          @SuppressWarnings("unchecked")
          Block block = new Block("b" + made.incrementAndGet(), (BlockKind) args[0],
              (String) args[1], (String) args[2], (Optional<Instant>) args[3], (String) args[4],
              clock.instant());
          blocks.add(block);
          return mode == Mode.ANSWER_LOST
              ? CompletableFuture.failedFuture(new TimeoutException("answer lost"))
              : CompletableFuture.completedFuture(RegistryResult.ok(block));
        });
  }

  /** An operator's DELETE of block {@code id}. */
  void remove(String id) {
    blocks.removeIf(b -> b.id().equals(id));
  }
}
