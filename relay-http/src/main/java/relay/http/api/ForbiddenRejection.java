package relay.http.api;

import org.apache.pekko.http.javadsl.server.CustomRejection;

/** The token is valid but its role or client may not do this: 403 with {@code detail}. */
record ForbiddenRejection(String detail) implements CustomRejection {}
