package relay.persistence.notice;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.ClientRecord;
import relay.persistence.registry.RegistryResult;
import relay.persistence.registry.RegistryService;
import relay.persistence.registry.RegistrySnapshot;
import relay.persistence.registry.RegistryView;

/**
 * {@link NoticeService} over the {@link NoticeEntity}: checks the text, resolves the clients in
 * this node's registry view (their contacts as registered now), records the announcement in the
 * registry's audit log, then asks the entity to queue it. Audited first, so that nothing goes
 * out unaudited; an audit write that fails fails the call and sends nothing.
 */
public final class EntityNoticeService implements NoticeService {

  public static final int MAX_SUBJECT = 200;
  public static final int MAX_BODY = 20_000;

  private final ActorSystem<?> system;
  private final ActorRef<NoticeEntity.Command> entity;
  private final RegistryView view;
  private final RegistryService registry;
  private final Duration askTimeout;

  public EntityNoticeService(ActorSystem<?> system, ActorRef<NoticeEntity.Command> entity,
      RegistryView view, RegistryService registry, Duration askTimeout) {
    this.system = system;
    this.entity = entity;
    this.view = view;
    this.registry = registry;
    this.askTimeout = askTimeout;
  }

  @Override
  public CompletionStage<RegistryResult<Announcement>> announce(String subject, String body,
      Optional<List<String>> clients, String actor) {
    String s;
    String b;
    List<ClientRecord> to;
    try {
      s = subject(subject);
      b = body(body);
      to = clients(view.current(), clients == null ? Optional.empty() : clients);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(new RegistryResult.Invalid<>(e.getMessage()));
    }
    int addresses = to.stream().mapToInt(c -> c.contacts().size()).sum();
    String detail = "'" + s + "' to " + to.size() + " clients (" + addresses + " addresses)";
    return registry.recordAction("announcement", "announcements", detail, actor).thenCompose(audit -> {
      if (!(audit instanceof RegistryResult.Ok<?>)) {
        return CompletableFuture.completedFuture(audit.map(e -> (Announcement) null));
      }
      return AskPattern.<NoticeEntity.Command, NoticeEntity.Announced>ask(entity,
              replyTo -> new NoticeEntity.Announce(to, s, b, actor, replyTo), askTimeout,
              system.scheduler())
          .thenApply(a -> RegistryResult.ok(new Announcement(a.id(), a.notices(),
              a.recipients())));
    });
  }

  /** Required, one line of at most {@value #MAX_SUBJECT} characters, stripped. */
  public static String subject(String subject) {
    String s = subject == null ? "" : subject.strip();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("subject: required");
    }
    if (s.length() > MAX_SUBJECT) {
      throw new IllegalArgumentException("subject: longer than " + MAX_SUBJECT + " characters");
    }
    if (s.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("subject: one line without control characters");
    }
    return s;
  }

  /** Required, at most {@value #MAX_BODY} characters; line ends become LF; no other controls. */
  public static String body(String body) {
    String b = body == null ? "" : body.replace("\r\n", "\n").strip();
    if (b.isEmpty()) {
      throw new IllegalArgumentException("body: required");
    }
    if (b.length() > MAX_BODY) {
      throw new IllegalArgumentException("body: longer than " + MAX_BODY + " characters");
    }
    if (b.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
      throw new IllegalArgumentException("body: no control characters other than line ends "
          + "and tabs");
    }
    return b;
  }

  /** The chosen clients (duplicates dropped) or, when none are named, every client. */
  public static List<ClientRecord> clients(RegistrySnapshot registry, Optional<List<String>> ids) {
    if (ids.isEmpty()) {
      if (registry.clients().isEmpty()) {
        throw new IllegalArgumentException("clients: no client is registered, nobody to tell");
      }
      return registry.clients();
    }
    if (ids.get().isEmpty()) {
      throw new IllegalArgumentException(
          "clients: empty; leave it out to reach every client");
    }
    List<ClientRecord> chosen = new ArrayList<>();
    for (String id : new LinkedHashSet<>(ids.get())) {
      ClientId clientId;
      try {
        clientId = new ClientId(id);
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException("clients: '" + shorten(id) + "' is no client id");
      }
      chosen.add(registry.client(clientId).orElseThrow(() ->
          new IllegalArgumentException("clients: no client " + clientId.value())));
    }
    return chosen;
  }

  private static String shorten(String s) {
    return s == null ? "null" : s.length() > 70 ? s.substring(0, 70) + "..." : s;
  }
}
