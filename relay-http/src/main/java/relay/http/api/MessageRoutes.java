package relay.http.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.StringUnmarshallers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import relay.http.auth.Principal;
import relay.persistence.history.HistorySearch;
import relay.persistence.history.MessageHistoryReader;

/**
 * The message history: {@code GET /api/v1/messages/{id}} (envelope, size, client, every event
 * with the remote reply) and {@code GET /api/v1/messages?client=&sender=&recipient=&since=&until=
 * &limit=} (newest first). Admin and viewer tokens read every message; a client token reads only
 * its own client's: its searches are limited to its client (asking for another client is 403),
 * and another client's message is 404 to it, as if it did not exist. A history database that
 * fails to answer is 503.
 */
public final class MessageRoutes extends AllDirectives implements ApiResource {

  private static final Logger LOG = LoggerFactory.getLogger(MessageRoutes.class);

  /** Queue ids as the relay makes them (16 base32 characters), and some room. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** Longest sender or recipient a search takes (RFC 5321 path limit, with room). */
  static final int MAX_ADDRESS = 320;

  static final int DEFAULT_LIMIT = 100;

  private final MessageHistoryReader history;

  public MessageRoutes(MessageHistoryReader history) {
    this.history = history;
  }

  @Override
  public java.util.List<Endpoint> endpoints() {
    return java.util.List.of(
        Endpoint.get("/api/v1/messages", Access.clientScoped(),
                "Search the message history, newest first", c -> search(c.principal()))
            .query("client", "the client's id (a client token: its own only)")
            .query("sender", "the whole sender address, any case; empty for the null sender")
            .query("recipient", "a whole recipient address, any case")
            .query("since", "accepted at or after this ISO-8601 instant")
            .query("until", "accepted before this ISO-8601 instant")
            .query("limit", "most messages, 1 .. " + HistorySearch.MAX_LIMIT + " (default "
                + DEFAULT_LIMIT + ")")
            .errors(403, 503),
        Endpoint.get("/api/v1/messages/{id}", Access.clientScoped(),
                "A message's envelope and every event with the remote reply",
                c -> message(c.param("id"), c.principal()))
            .errors(404, 503));
  }

  private Route message(String id, Principal p) {
    if (!ID.matcher(id).matches()) {
      return notFound(id);
    }
    return answer(history.message(id), found -> found
        .filter(m -> p.canReadAll() || p.client().map(c -> m.client()
            .equals(Optional.of(c.value()))).orElse(false))
        .<Route>map(m -> complete(StatusCodes.OK, MessageJson.Message.of(m), ApiJson.marshaller()))
        .orElseGet(() -> notFound(id)));
  }

  private static Route notFound(String id) {
    return Problem.complete(StatusCodes.NOT_FOUND, "no message '"
        + (id.length() > 70 ? id.substring(0, 70) + "..." : id) + "' in the message history");
  }

  private Route search(Principal p) {
    return parameterOptional("client", client -> parameterOptional("sender", sender ->
        parameterOptional("recipient", recipient -> parameterOptional("since", since ->
            parameterOptional("until", until -> parameterOptional(StringUnmarshallers.INTEGER,
                "limit", limit -> search(p, client, sender, recipient, since, until,
                    limit.orElse(DEFAULT_LIMIT))))))));
  }

  private Route search(Principal p, Optional<String> client, Optional<String> sender,
      Optional<String> recipient, Optional<String> since, Optional<String> until, int limit) {
    Optional<String> own = p.canReadAll() ? Optional.empty() : p.client().map(c -> c.value());
    if (own.isPresent() && client.isPresent() && !client.equals(own)) {
      return reject(new ForbiddenRejection("a client token reads only its own client's"
          + " messages"));
    }
    HistorySearch search;
    try {
      Optional<Instant> from = instant("since", since);
      Optional<Instant> to = instant("until", until);
      if (limit < 1 || limit > HistorySearch.MAX_LIMIT) {
        throw new IllegalArgumentException("query parameter 'limit': " + limit
            + " is outside 1 .. " + HistorySearch.MAX_LIMIT);
      }
      if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
        throw new IllegalArgumentException("query parameters 'since' (" + from.get()
            + ") and 'until' (" + to.get() + "): since must be before until");
      }
      search = new HistorySearch(own.or(() -> client), address("sender", sender, true),
          address("recipient", recipient, false), from, to, limit);
    } catch (IllegalArgumentException e) {
      return Problem.complete(StatusCodes.BAD_REQUEST, e.getMessage());
    }
    return answer(history.search(search), list -> complete(StatusCodes.OK,
        new MessageJson.Search(list.stream().map(MessageJson.Summary::of).toList()),
        ApiJson.marshaller()));
  }

  private static Optional<String> address(String name, Optional<String> value,
      boolean emptyAllowed) {
    if (value.isEmpty()) {
      return value;
    }
    String v = value.get().strip();
    if (v.isEmpty() && !emptyAllowed || v.length() > MAX_ADDRESS) {
      throw new IllegalArgumentException("query parameter '" + name + "': "
          + (v.isEmpty() ? "empty" : "longer than " + MAX_ADDRESS + " characters")
          + "; give a whole address");
    }
    return Optional.of(v);
  }

  private static Optional<Instant> instant(String name, Optional<String> value) {
    try {
      return value.map(Instant::parse);
    } catch (DateTimeParseException e) {
      String v = value.get();
      throw new IllegalArgumentException("query parameter '" + name + "': '"
          + (v.length() > 40 ? v.substring(0, 40) + "..." : v)
          + "' is not an ISO-8601 instant such as 2026-12-05T06:00:00Z");
    }
  }

  /** The stage's value to {@code ok}; a failed read is 503 (logged), not a 500. */
  private <T> Route answer(CompletionStage<T> stage, Function<T, Route> ok) {
    return onComplete(stage, done -> {
      if (done.isSuccess()) {
        return ok.apply(done.get());
      }
      LOG.warn("relay.http: the message history could not be read: {}", done.failed().get()
          .toString());
      return Problem.complete(StatusCodes.SERVICE_UNAVAILABLE,
          "the message history could not be read from the database; retry later");
    });
  }
}
