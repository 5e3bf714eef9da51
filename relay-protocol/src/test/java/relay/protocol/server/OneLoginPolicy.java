package relay.protocol.server;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client policy for tests: every connection is unidentified (postmaster only) until it logs in
 * as the one user it knows, which makes it the registered client "login-client". The user
 * "locked" is locked out, "broken" makes the check fail (454). Counts the slots it hands out and
 * gets back.
 */
final class OneLoginPolicy implements ClientPolicy {

  static final String USER = "app@client.example";
  static final String PASSWORD = "correct horse battery staple";
  static final String CLIENT = "login-client";
  static final Instant LOCKED_UNTIL = Instant.parse("2030-01-02T03:04:05Z");

  final AtomicInteger connectSlots = new AtomicInteger();
  final AtomicInteger loginSlots = new AtomicInteger();
  final AtomicInteger checks = new AtomicInteger();

  @Override
  public CompletionStage<Admission> identify(InetSocketAddress remote, InetSocketAddress local) {
    connectSlots.incrementAndGet();
    return CompletableFuture.completedFuture(new Admission.Admitted(
        ClientIdentity.anonymous(remote.getAddress().getHostAddress()),
        connectSlots::decrementAndGet));
  }

  @Override
  public CompletionStage<AuthOutcome> authenticate(InetSocketAddress remote,
      InetSocketAddress local, String authorizationId, String username, String password) {
    checks.incrementAndGet();
    if (username.equals("broken")) {
      return CompletableFuture.failedFuture(new IllegalStateException("store down"));
    }
    if (username.equals("locked")) {
      return CompletableFuture.completedFuture(new AuthOutcome.LockedOut(LOCKED_UNTIL));
    }
    if (!username.equals(USER) || !password.equals(PASSWORD)) {
      return CompletableFuture.completedFuture(new AuthOutcome.InvalidCredentials());
    }
    loginSlots.incrementAndGet();
    // answered from another thread, as a real policy's hashing would be
    return CompletableFuture.supplyAsync(() -> new AuthOutcome.Authenticated(
        new Admission.Admitted(ClientIdentity.registered(remote.getAddress().getHostAddress(),
            CLIENT), loginSlots::decrementAndGet)));
  }
}
