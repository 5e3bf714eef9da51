package relay.http.api;

import java.util.List;

/**
 * A group of operator API operations (clients, blocks, queues...): the ONLY way a route gets
 * into /api/v1. {@link ApiRoutes} builds the routes from {@link #endpoints()} and the OpenAPI
 * document from the same list, so the document cannot describe a route that is not served nor
 * miss one that is.
 */
public interface ApiResource {

  /** Every operation of this resource: method, path template, access, summary and handler. */
  List<Endpoint> endpoints();
}
