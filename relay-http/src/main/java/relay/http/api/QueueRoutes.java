package relay.http.api;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.StringUnmarshallers;
import relay.persistence.queue.QueueService;

/**
 * {@code /api/v1/queues}: the delivery queues per destination domain, cluster-wide. GET lists
 * every destination with mail waiting or held (admin, viewer); {@code GET /queues/{domain}}
 * shows one with its first {@code ?limit=} messages (default 100, at most 1000); {@code POST
 * /queues/{domain}/suspend|resume|retry|bounce} (admin) holds it, releases it, retries every
 * waiting message now, or returns every waiting message to its sender with a DSN; 200 with how
 * many messages the action touched. A domain with no queue is 404, except for suspend, which
 * holds a destination before mail reaches it (a path segment that is no domain: 422).
 *
 * <p>XXX: client tokens get 403 here: a queue's state does not record which client a message
 * came from, so a client's own view of a queue is not cheap yet.
 */
public final class QueueRoutes extends AllDirectives implements ApiResource {

  static final String PATH = "/api/v1/queues";
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private final QueueService queues;
  private final Clock clock;

  public QueueRoutes(QueueService queues) {
    this(queues, Clock.systemUTC());
  }

  QueueRoutes(QueueService queues, Clock clock) {
    this.queues = queues;
    this.clock = clock;
  }

  @Override
  public List<Endpoint> endpoints() {
    List<Endpoint> all = new ArrayList<>(List.of(
        Endpoint.get(PATH, Access.read(), "List the destinations with mail waiting or held",
            c -> onSuccess(queues.destinations(), list -> complete(StatusCodes.OK,
                new QueueJson.QueueList(list.stream()
                    .map(q -> QueueJson.Queue.of(q, clock.instant(), false)).toList()),
                ApiJson.marshaller()))),
        Endpoint.get(PATH + "/{domain}", Access.read(),
                "One destination's queue with its first messages", this::one)
            .query("limit", "messages listed, 0 .. " + MAX_LIMIT + " (default "
                + DEFAULT_LIMIT + ")")
            .errors(404)));
    for (QueueService.Action a : QueueService.Action.values()) {
      all.add(Endpoint.post(PATH + "/{domain}/" + a.wireName(), Access.admin(), summary(a),
          c -> act(c, a)).errors(a == QueueService.Action.SUSPEND ? 422 : 404));
    }
    return List.copyOf(all);
  }

  private static String summary(QueueService.Action a) {
    switch (a) {
      case SUSPEND:
        return "Hold a destination: nothing is attempted, new mail is still queued";
      case RESUME:
        return "Release a held destination: what waits is attempted at once";
      case RETRY:
        return "Attempt every waiting message of a destination now";
      default:
        return "Return every waiting message of a destination to its sender with a DSN";
    }
  }

  private Route one(Call c) {
    String domain = c.param("domain");
    return parameterOptional(StringUnmarshallers.INTEGER, "limit", limit -> {
      int n = limit.orElse(DEFAULT_LIMIT);
      if (n < 0 || n > MAX_LIMIT) {
        return Problem.complete(StatusCodes.BAD_REQUEST, "query parameter 'limit': " + n
            + " is outside 0 .. " + MAX_LIMIT);
      }
      return onSuccess(queues.destination(domain, n), q -> q
          .<Route>map(found -> complete(StatusCodes.OK,
              QueueJson.Queue.of(found, clock.instant(), true), ApiJson.marshaller()))
          .orElseGet(() -> noQueue(domain)));
    });
  }

  private Route act(Call c, QueueService.Action action) {
    String domain = c.param("domain");
    if (action == QueueService.Action.SUSPEND && !isDomain(domain)) {
      return Problem.complete(StatusCodes.UNPROCESSABLE_ENTITY, "'" + shown(domain)
          + "' is not a domain name");
    }
    return onSuccess(queues.act(domain, action, c.principal().name()), done -> done
        .<Route>map(d -> complete(StatusCodes.OK, QueueJson.Action.of(d), ApiJson.marshaller()))
        .orElseGet(() -> noQueue(domain)));
  }

  private static Route noQueue(String domain) {
    return Problem.complete(StatusCodes.NOT_FOUND, "no queue for '" + shown(domain)
        + "': no mail waits for it and it is not suspended");
  }

  /** Letters, digits, hyphens and dots in labels of 1 to 63, at most 253 (RFC 1035, A-labels). */
  static boolean isDomain(String s) {
    return s.length() <= 253 && s.matches(
        "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
  }

  private static String shown(String s) {
    return s.length() > 70 ? s.substring(0, 70) + "..." : s;
  }
}
