package relay.http.api;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import relay.http.auth.Principal;
import relay.http.auth.Role;
import relay.persistence.quota.BulkNotice;
import relay.persistence.quota.BulkNoticeService;
import relay.persistence.registry.ClientId;
import relay.persistence.registry.RegistryResult;
import relay.persistence.registry.RegistryService;

/**
 * Bulk notices: a client announces an unusual mailing (expected recipients and a window) and the
 * operator sees them.
 * <ul>
 *   <li>{@code POST /api/v1/clients/{id}/bulk-notices} (admin, or the client's own token): 201
 *       with the notice (its id in it); audited. {@code "raiseQuota": true} raises the client's
 *       hourly and daily quotas for every window the notice overlaps, by its expected
 *       recipients: only an admin token may ask for it (403 for a client token: raising a quota
 *       is the operator's decision; the client posts its notice and the operator, who sees it,
 *       posts a raising one);
 *   <li>{@code GET /api/v1/clients/{id}/bulk-notices} (admin, viewer, the client's own token):
 *       {@code {"notices":[...]}}, the client's notices not over yet, by start;
 *   <li>{@code GET /api/v1/bulk-notices} (admin, viewer): every client's, by start.
 * </ul>
 * 404 for a client that is not registered.
 */
public final class BulkNoticeRoutes extends AllDirectives implements ApiResource {

  private final BulkNoticeService notices;
  private final RegistryService registry;

  /** Over {@code notices}; changes are audited in {@code registry}. */
  public BulkNoticeRoutes(BulkNoticeService notices, RegistryService registry) {
    this.notices = notices;
    this.registry = registry;
  }

  /** What the list routes answer. */
  record NoticeList(List<BulkNotice> notices) {}

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.post("/api/v1/clients/{id}/bulk-notices", Access.adminOrOwnClient("id"),
                "Announce an unusual mailing of a client",
                c -> entity(ApiJson.body(BulkNoticeBody.class),
                    body -> ClientRoutes.withId(c.param("id"),
                        id -> post(id, body, c.principal()))))
            .status(201).errors(422)
            .body("{expectedRecipients, from, until, note?, raiseQuota? (admin only)}"),
        Endpoint.get("/api/v1/clients/{id}/bulk-notices", Access.ownClient("id"),
            "List a client's bulk notices not over yet",
            c -> ClientRoutes.withId(c.param("id"), id -> list(notices.forClient(id)))),
        Endpoint.get("/api/v1/bulk-notices", Access.read(),
            "List every client's bulk notices not over yet", c -> list(notices.all())));
  }

  private Route list(CompletionStage<RegistryResult<List<BulkNotice>>> call) {
    return onSuccess(call, r -> Results.of(r,
        list -> complete(StatusCodes.OK, new NoticeList(list), ApiJson.marshaller())));
  }

  private Route post(ClientId id, BulkNoticeBody body, Principal p) {
    if (body.raises() && p.role() != Role.ADMIN) {
      return Problem.complete(StatusCodes.FORBIDDEN, "only an admin token may raise a quota;"
          + " post the notice without raiseQuota, the operator sees it");
    }
    return onSuccess(notices.post(id, body.expectedRecipients(), body.from(),
            body.until(), Optional.ofNullable(body.note()), body.raises(), p.name()),
        r -> Results.of(r, n -> onSuccess(registry.recordAction("bulk-notice-posted", n.id(),
                describe(n), p.name()),
            audited -> complete(StatusCodes.CREATED, n, ApiJson.marshaller()))));
  }

  private static String describe(BulkNotice n) {
    return "client " + n.client() + ": " + n.expectedRecipients() + " recipients from "
        + n.from() + " until " + n.until() + (n.raiseQuota() ? ", quota raised" : "");
  }
}
