package relay.node;

import static relay.testing.TestCertificates.keytool;

import java.nio.file.Path;

/**
 * PKCS12 key and trust stores made with the JDK's keytool: one self-signed key pair named by
 * {@code cn}, in {@code <name>-keys.p12}, and its certificate alone in {@code <name>-trust.p12},
 * both with one password.
 */
record TestKeyStores(Path keyStore, Path trustStore, String password) {

  static TestKeyStores create(Path dir, String name, String cn, String password) throws Exception {
    Path keys = dir.resolve(name + "-keys.p12");
    Path cert = dir.resolve(name + ".crt");
    Path trust = dir.resolve(name + "-trust.p12");
    keytool("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=" + cn, "-storetype", "PKCS12", "-keystore", keys.toString(),
        "-storepass", password, "-keypass", password);
    keytool("-exportcert", "-alias", name, "-keystore", keys.toString(), "-storepass", password,
        "-file", cert.toString());
    keytool("-importcert", "-noprompt", "-alias", name, "-file", cert.toString(), "-storetype",
        "PKCS12", "-keystore", trust.toString(), "-storepass", password);
    return new TestKeyStores(keys, trust, password);
  }
}
