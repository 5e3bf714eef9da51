package relay.http.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import relay.persistence.notice.Announcement;
import relay.persistence.notice.EntityNoticeService;
import relay.persistence.notice.NoticeService;
import relay.persistence.registry.ClientRecord;
import relay.persistence.registry.RegistryResult;
import relay.persistence.registry.RegistryService;
import relay.persistence.registry.RegistrySnapshot;

/**
 * A TEST DOUBLE of the notices service for route tests: the same checks as {@link
 * EntityNoticeService} (its static checks), clients from a registry service (the in-memory
 * double or the real one), the audit entry recorded there, and the announcements kept in a list
 * instead of being sent.
 */
public final class InMemoryNoticeService implements NoticeService {

  /** One announcement taken: its id, subject, body and the clients it goes to. */
  public record Taken(String id, String subject, String body, List<String> clients) {}

  private final RegistryService registry;
  private final List<Taken> taken = new ArrayList<>();

  public InMemoryNoticeService(RegistryService registry) {
    this.registry = registry;
  }

  @Override
  public synchronized CompletionStage<RegistryResult<Announcement>> announce(String subject,
      String body, Optional<List<String>> clients, String actor) {
    List<ClientRecord> all = ((RegistryResult.Ok<List<ClientRecord>>) registry.clients()
        .toCompletableFuture().join()).value();
    String s;
    String b;
    List<ClientRecord> to;
    try {
      s = EntityNoticeService.subject(subject);
      b = EntityNoticeService.body(body);
      to = EntityNoticeService.clients(new RegistrySnapshot(all, List.of()),
          clients == null ? Optional.empty() : clients);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(new RegistryResult.Invalid<>(e.getMessage()));
    }
    String id = "a" + (taken.size() + 1);
    registry.recordAction("announcement", "announcements", "'" + s + "' to " + to.size() + " clients",
        actor);
    taken.add(new Taken(id, s, b, to.stream().map(c -> c.id().value()).toList()));
    return CompletableFuture.completedFuture(RegistryResult.ok(new Announcement(id, to.size(),
        to.stream().mapToInt(c -> c.contacts().size()).sum())));
  }

  public synchronized List<Taken> taken() {
    return List.copyOf(taken);
  }
}
