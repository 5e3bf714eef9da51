package relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pekko Artery over TLS as the shipped examples configure it (relay.cluster.transport = tls-tcp,
 * stores from files): two nodes on loopback with key stores made by keytool form a cluster and
 * relay a message across it; their cluster port speaks TLS 1.3 and shows the cluster's
 * certificate, and it refuses a peer whose certificate the cluster does not trust.
 */
class ArteryTlsClusterTest {

  @TempDir Path dir;

  @Test
  void nodesFormAClusterOverMutualTlsAndRefuseStrangers() throws Exception {
    TestKeyStores cluster = TestKeyStores.create(dir, "cluster", "relay-cluster", "cluster-pw-1");
    TestKeyStores stranger = TestKeyStores.create(dir, "stranger", "somebody-else", "stranger-pw");
    String tls = "relay.cluster { transport = tls-tcp, tls { "
        + "key-store = \"" + cluster.keyStore() + "\", key-store-password = \"" + cluster.password()
        + "\", trust-store = \"" + cluster.trustStore() + "\", trust-store-password = \""
        + cluster.password() + "\" } }\n";
    try (ClusterFixture nodes = ClusterFixture.start(2, 2, tls)) {
      // Both ready: each joined the other over Artery, which here speaks only TLS.
      MessageAttempt a = MessageAttempt.send(nodes.smtpAddresses().get(1),
          "user@" + nodes.domains.get(1), "tls-1", 1_000, Duration.ofSeconds(60));
      assertTrue(a.accepted(), a.toString());
      assertEquals(Set.of(), MessageAttempt.awaitDelivered(nodes.sink::messages, List.of("tls-1"),
          Duration.ofSeconds(60)));

      int artery = nodes.node(0).ports.cluster();
      try (SSLSocket peer = connect(artery, cluster, cluster)) {
        peer.startHandshake();
        assertEquals("TLSv1.3", peer.getSession().getProtocol());
        X509Certificate shown = (X509Certificate) peer.getSession().getPeerCertificates()[0];
        assertEquals("CN=relay-cluster", shown.getSubjectX500Principal().getName());
      }
      try (SSLSocket intruder = connect(artery, stranger, cluster)) {
        IOException refused = assertThrows(IOException.class, () -> {
          intruder.startHandshake();
          // TLS 1.3: the server checks the client's certificate after the client's Finished,
          // so the refusal may arrive on the first read.
          OutputStream out = intruder.getOutputStream();
          out.write(new byte[] {'A', 'K', 'K', 'A'});
          out.flush();
          InputStream in = intruder.getInputStream();
          if (in.read() < 0) {
            throw new IOException("closed by the node");
          }
        }, "a peer with an untrusted certificate got through");
        assertFalse(refused instanceof SocketTimeoutException,
            "the node neither refused nor answered the untrusted peer: " + refused);
      }
      for (int i = 0; i < 2; i++) {
        String log = Files.readString(nodes.node(i).log());
        assertFalse(log.contains(cluster.password()), "node " + i + " logged the store password");
      }
    }
  }

  /** A TLS client to 127.0.0.1:port showing {@code own}'s key and trusting {@code trusted}. */
  private static SSLSocket connect(int port, TestKeyStores own, TestKeyStores trusted)
      throws Exception {
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(KeyStore.getInstance(own.keyStore().toFile(), own.password().toCharArray()),
        own.password().toCharArray());
    TrustManagerFactory trust = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    trust.init(KeyStore.getInstance(trusted.trustStore().toFile(), trusted.password().toCharArray()));
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    return socket;
  }
}
