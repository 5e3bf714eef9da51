package relay.node.config;

import com.typesafe.config.Config;
import java.io.File;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.util.Collections;
import java.util.Locale;

/**
 * Checks relay.cluster.transport and, for "tls-tcp", relay.cluster.tls at start: both stores are
 * files that open with their passwords, and the key store holds a private key. Pekko itself opens
 * the stores only at the first connection, where a wrong path or password shows as a node that
 * never joins. Messages name the keys and files, never a password. Run by
 * {@link NodeSettings#fromConfig} before the actor system starts.
 */
public final class ClusterTransport {

  private static final String PATH = "relay.cluster.";

  private ClusterTransport() {}

  /** @param cluster the relay.cluster section */
  public static void check(Config cluster) {
    String transport = cluster.getString("transport").toLowerCase(Locale.ROOT);
    if (transport.equals("tcp")) {
      return;
    }
    if (!transport.equals("tls-tcp")) {
      throw new IllegalArgumentException(PATH + "transport must be \"tcp\" or \"tls-tcp\", not \""
          + cluster.getString("transport") + "\"");
    }
    KeyStore keys = open(cluster, "key-store");
    KeyStore trust = open(cluster, "trust-store");
    try {
      if (!hasPrivateKey(keys)) {
        throw new IllegalArgumentException(PATH + "tls.key-store " + cluster.getString(
            "tls.key-store") + " holds no private key: the node would have no certificate to show");
      }
      if (trust.size() == 0) {
        throw new IllegalArgumentException(PATH + "tls.trust-store "
            + cluster.getString("tls.trust-store") + " is empty: the node would trust no peer");
      }
    } catch (KeyStoreException e) {
      throw new IllegalArgumentException(PATH + "tls: cannot read the stores: " + e.getMessage(),
          e);
    }
  }

  private static KeyStore open(Config cluster, String store) {
    String file = cluster.getString("tls." + store);
    String password = cluster.getString("tls." + store + "-password");
    if (file.isEmpty()) {
      throw new IllegalArgumentException(PATH + "transport = tls-tcp needs " + PATH + "tls."
          + store);
    }
    if (password.isEmpty()) {
      throw new IllegalArgumentException(PATH + "transport = tls-tcp needs " + PATH + "tls." + store
          + "-password");
    }
    try {
      return KeyStore.getInstance(new File(file), password.toCharArray());
    } catch (Exception e) {
      throw new IllegalArgumentException(PATH + "tls." + store + " " + file
          + " cannot be opened with " + PATH + "tls." + store + "-password: "
          + e.getClass().getSimpleName(), e);
    }
  }

  private static boolean hasPrivateKey(KeyStore keys) throws KeyStoreException {
    for (String alias : Collections.list(keys.aliases())) {
      if (keys.isKeyEntry(alias)) {
        return true;
      }
    }
    return false;
  }
}
