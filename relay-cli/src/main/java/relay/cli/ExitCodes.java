package relay.cli;

/**
 * What relayctl's exit status tells a script. Each kind of failure has its own code, so a script
 * can tell "the node said no" (fix the request) from "the node is down" (retry later) without
 * reading the message. A refused or failed request changed nothing on the relay.
 *
 * <pre>
 *   0  done
 *   1  relayctl itself failed (a bug, or the JVM could not run it)
 *   2  usage: unknown command or option, bad option value, unreadable token or body file
 *   3  not found: no such client, block, queue, message or token (HTTP 404)
 *   4  denied: no token, a token the node does not know (401) or one whose role may not do
 *      this (403)
 *   5  rejected: the node refused the request as invalid or conflicting (400, 405, 409, 413,
 *      415, 422); its problem detail says why
 *   6  server error: the node failed (5xx, e.g. 503 when its registry does not answer in time)
 *      or answered something that is not the API
 *   7  unreachable: no connection to the node, or no answer within --timeout
 * </pre>
 */
public final class ExitCodes {

  public static final int OK = 0;
  public static final int SOFTWARE = 1;
  public static final int USAGE = 2;
  public static final int NOT_FOUND = 3;
  public static final int DENIED = 4;
  public static final int REJECTED = 5;
  public static final int SERVER = 6;
  public static final int UNREACHABLE = 7;

  private ExitCodes() {}

  /** The exit code for an HTTP status the node answered; 0 for any 2xx. */
  public static int forStatus(int status) {
    if (status >= 200 && status < 300) {
      return OK;
    }
    if (status == 404) {
      return NOT_FOUND;
    }
    if (status == 401 || status == 403) {
      return DENIED;
    }
    if (status >= 400 && status < 500) {
      return REJECTED;
    }
    return SERVER;
  }
}
