package relay.http.auth;

/**
 * What a token may do: {@code admin} everything, {@code viewer} read everything, {@code client}
 * read its own client's resources only.
 */
public enum Role {
  ADMIN, VIEWER, CLIENT
}
