package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static relay.node.OperatorControlClusterTest.awaitReply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, done-when 4, on a 3-node cluster of separate JVMs on PostgreSQL ({@link
 * ClusterFixture}), with real SMTP clients (STARTTLS, then AUTH PLAIN with a wrong password) from
 * their own loopback addresses: the three failed logins of 127.0.0.5 go to three different nodes
 * (535, 535, then 421 4.7.0 locked out until T); from then on its next connection gets
 * {@code 421 4.7.0 ... locked out until T} instead of the greeting on every node, measured from
 * the third reply per node against the 1 s target (printed; asserted within 5 s on this shared
 * machine), and an AUTH on a connection it opened before gets the same 421; 127.0.0.6 is
 * greeted and its wrong password is a 535 all along; every node lists the block (ip
 * 127.0.0.5, "3 failed logins", created by lockout, until T); a DELETE on node 1 lets the
 * address in again on every node.
 */
class LoginLockoutClusterTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "lockout-cluster-test-admin-token-0123456789";
  private static final String ATTACKER = "127.0.0.5";
  private static final String NEIGHBOUR = "127.0.0.6";
  private static final Pattern LOCKED = Pattern.compile(
      "421 4\\.7\\.0 node\\d\\.test Too many failed logins from your address, locked out until "
          + "(\\S+), closing");
  private static final String INVALID = "535 5.7.8 Authentication credentials invalid";

  @TempDir
  Path dir;
  private ClusterFixture cluster;
  private SSLContext tls;
  private final List<String> timings = new ArrayList<>();

  @Test
  void threeFailedLoginsThroughThreeNodesLockTheAddressOutOnEveryNode() throws Exception {
    Path chain = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    selfSigned(chain, key);
    tls = trusting(chain);
    try (ClusterFixture started = ClusterFixture.start(3, 2,
        "relay.http.admin-token = \"" + TOKEN + "\"\n"
            + "relay.tls.certificates = [ { chain = \"" + chain + "\", key = \"" + key
            + "\" } ]\n"
            + "relay.test.listener { tls = \"starttls\", auth = \"optional\" }\n")) {
      cluster = started;
      for (int i = 0; i < 3; i++) {
        awaitGreeting(i, "127.0.0.1"); // the first session of a fresh cluster may wait
        assertTrue(greeting(i, ATTACKER).startsWith("220 "), "not locked out yet");
      }
      assertEquals(INVALID, failedLogin(0, ATTACKER));
      assertEquals(INVALID, failedLogin(1, ATTACKER));
      try (SmtpDialog open = session(1, ATTACKER)) {
        String third = failedLogin(2, ATTACKER);
        long locked = System.nanoTime();
        Matcher m = LOCKED.matcher(third);
        assertTrue(m.matches(), "the third failure (on node 3): " + third);
        Instant until = Instant.parse(m.group(1));
        assertTrue(until.isAfter(Instant.now().plus(Duration.ofMinutes(29))), until.toString());

        for (int i = 0; i < 3; i++) {
          int node = i;
          long millis = awaitReply(locked, () -> greeting(node, ATTACKER), "421 4.7.0");
          assertEquals(third.replace("node2.test", "node" + i + ".test"), greeting(i, ATTACKER),
              "node " + (i + 1) + " tells when the lockout ends");
          measured("connection from the locked-out address refused on node " + (i + 1), millis);
          assertTrue(millis < 5_000, "node " + (i + 1) + ": " + millis + " ms");
        }
        String onOpen = auth(open, "nobody@app.test", "wrong");
        assertTrue(LOCKED.matcher(onOpen).matches(), "AUTH on a connection opened before: "
            + onOpen);
        assertEquals(until.toString(), matched(onOpen));

        for (int i = 0; i < 3; i++) {
          assertTrue(greeting(i, NEIGHBOUR).startsWith("220 "), "other addresses unaffected");
          JsonNode lockout = lockoutBlock(i);
          assertEquals(List.of("ip", ATTACKER, "3 failed logins", "lockout", until.toString()),
              List.of(lockout.get("kind").asText(), lockout.get("value").asText(),
                  lockout.get("reason").asText(), lockout.get("createdBy").asText(),
                  Instant.parse(lockout.get("until").asText()).toString()),
              "node " + (i + 1) + " lists the lockout");
        }
        assertEquals(INVALID, failedLogin(0, NEIGHBOUR));

        api(0, "DELETE", "/api/v1/blocks/" + lockoutBlock(0).get("id").asText(), null, 204);
        long lifted = System.nanoTime();
        for (int i = 0; i < 3; i++) {
          int node = i;
          measured("lockout DELETEd on node 1, let in on node " + (i + 1),
              awaitReply(lifted, () -> greeting(node, ATTACKER), "220 "));
        }
        assertEquals(INVALID, failedLogin(1, ATTACKER), "counted afresh: 1 of 3");
      }
      System.out.println("login lockout on 3 nodes, all timings: " + timings);
    }
  }

  // ---- SMTP ------------------------------------------------------------------------------------

  /** A session from {@code from} on node {@code node}: greeted, EHLO, STARTTLS, EHLO again. */
  private SmtpDialog session(int node, String from) throws Exception {
    SmtpDialog s = SmtpDialog.connectFrom(from, cluster.node(node).smtp);
    String greeting = s.reply();
    assertTrue(greeting.startsWith("220 "), greeting);
    assertTrue(s.command("EHLO client.test").contains("STARTTLS"));
    assertTrue(s.command("STARTTLS").startsWith("220 2.0.0"));
    s.startTls(tls, "node" + node + ".test");
    String ehlo = s.command("EHLO client.test");
    assertTrue(ehlo.contains("AUTH PLAIN"), ehlo);
    return s;
  }

  /** AUTH PLAIN with a user name and password in {@code s}; the reply. */
  private static String auth(SmtpDialog s, String user, String password) throws IOException {
    return s.command("AUTH PLAIN " + Base64.getEncoder().encodeToString(
        ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8)));
  }

  /** One failed login from {@code from} on node {@code node}: the reply to AUTH. */
  private String failedLogin(int node, String from) throws Exception {
    try (SmtpDialog s = session(node, from)) {
      return auth(s, "nobody@app.test", "wrong-" + from);
    }
  }

  private String greeting(int node, String from) throws Exception {
    try (SmtpDialog smtp = SmtpDialog.connectFrom(from, cluster.node(node).smtp)) {
      return smtp.reply();
    }
  }

  private void awaitGreeting(int node, String from) throws Exception {
    awaitReply(System.nanoTime(), () -> greeting(node, from), "220 ");
  }

  private static String matched(String reply) {
    Matcher m = LOCKED.matcher(reply);
    assertTrue(m.matches(), reply);
    return m.group(1);
  }

  private void measured(String what, long millis) {
    String timing = String.format("%s after %d ms (target 1000 ms: %s)", what, millis,
        millis <= 1000 ? "met" : "MISSED");
    System.out.println("login lockout on 3 nodes: " + timing);
    timings.add(timing);
  }


  // ---- API and TLS -----------------------------------------------------------------------------

  /** The lockout block of {@link #ATTACKER} as node {@code node} lists it. */
  private JsonNode lockoutBlock(int node) throws Exception {
    for (JsonNode b : api(node, "GET", "/api/v1/blocks", null, 200)) { // a JSON array
      if (b.get("value").asText().equals(ATTACKER)) {
        return b;
      }
    }
    throw new AssertionError("node " + (node + 1) + " lists no block of " + ATTACKER);
  }

  private JsonNode api(int node, String method, String path, String json, int status)
      throws Exception {
    NodeApiTest.Answer answer = NodeApiTest.call(cluster.node(node).ports.http(), method, path,
        TOKEN, json);
    assertEquals(status, answer.status(), method + " " + path + ": " + answer.body());
    return answer.body().isEmpty() ? JSON.nullNode() : JSON.readTree(answer.body());
  }

  /** A self-signed EC certificate and its key, as PEM, made by openssl. */
  private static void selfSigned(Path chain, Path key) throws Exception {
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(), "-out",
        chain.toString(), "-days", "2", "-subj", "/CN=relay.test")
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), output);
  }

  /** A client context that trusts only {@code chain}'s certificate. */
  private static SSLContext trusting(Path chain) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream pem = Files.newInputStream(chain)) {
      trust.setCertificateEntry("relay", CertificateFactory.getInstance("X.509")
          .generateCertificate(pem));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
