package relay.testing;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed server certificate for tests, made with the JDK's keytool: the key pair in {@code
 * <name>-keys.p12}, its certificate alone in {@code <name>-trust.p12} (the trust store a client
 * verifies it against), both PKCS12 with one password. The certificate names {@code cn} and, as
 * subject alternative names, each of {@code dnsNames} (RFC 6125: what a client matches the host
 * name against).
 *
 * <pre>
 *   TestCertificates cert = TestCertificates.create(dir, "mx", "mx.sts.test", "mx.sts.test");
 *   SmtpSink.builder().startTls(cert.serverContext())...
 *   ClientTlsSettings.defaults().withTrustStore(cert.trustStore(), cert.password())
 * </pre>
 */
public record TestCertificates(Path keyStore, Path trustStore, String password) {

  /** One self-signed RSA certificate for {@code cn} and the DNS names given, valid two days. */
  public static TestCertificates create(Path dir, String name, String cn, String... dnsNames) throws Exception {
    String password = "changeit";
    Path keys = dir.resolve(name + "-keys.p12");
    Path cert = dir.resolve(name + ".crt");
    Path trust = dir.resolve(name + "-trust.p12");
    List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048",
        "-validity", "2", "-dname", "CN=" + cn, "-storetype", "PKCS12", "-keystore", keys.toString(),
        "-storepass", password, "-keypass", password));
    if (dnsNames.length > 0) {
      args.add("-ext");
      args.add("SAN=" + String.join(",", List.of(dnsNames).stream().map(n -> "dns:" + n).toList()));
    }
    keytool(args.toArray(String[]::new));
    keytool("-exportcert", "-alias", name, "-keystore", keys.toString(), "-storepass", password,
        "-file", cert.toString());
    keytool("-importcert", "-noprompt", "-alias", name, "-file", cert.toString(), "-storetype",
        "PKCS12", "-keystore", trust.toString(), "-storepass", password);
    return new TestCertificates(keys, trust, password);
  }

  /** A server-side TLS context presenting this certificate (TLSv1.3 and 1.2 as the JDK allows). */
  public SSLContext serverContext() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      store.load(in, password.toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, password.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }

  /** Runs the JDK's keytool with these arguments; fails with its output when it fails. */
  public static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
    }
  }
}
