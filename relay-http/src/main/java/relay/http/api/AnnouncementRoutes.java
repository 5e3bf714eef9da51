package relay.http.api;

import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import relay.persistence.notice.NoticeService;

/**
 * {@code POST /api/v1/announcements} (admin): a notice from the operator to the contacts of
 * every client or of the clients named ({@code {"subject","body","clients"?}}), one mail per
 * client; 202 with {@code {"id","clients","recipients"}} once it is queued and recorded in the
 * audit log; 422 for a subject or body out of bounds, an empty or unknown client list.
 */
public final class AnnouncementRoutes extends AllDirectives implements ApiResource {

  private final NoticeService notices;

  public AnnouncementRoutes(NoticeService notices) {
    this.notices = notices;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(Endpoint.post("/api/v1/announcements", Access.admin(),
            "Send an announcement to the contacts of every client or of chosen clients",
            c -> entity(ApiJson.body(AnnouncementBody.class), body -> onSuccess(
                notices.announce(body.subject(), body.body(),
                    Optional.ofNullable(body.clients()), c.principal().name()),
                r -> Results.of(r, a -> complete(StatusCodes.ACCEPTED, a,
                    ApiJson.marshaller())))))
        .status(202).errors(422)
        .body("{subject (one line, at most 200 characters), body (at most 20000 characters),"
            + " clients? (client ids; absent = every client)}"));
  }
}
