package relay.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import relay.protocol.tls.TlsSettings;

/**
 * Self-signed server certificates for tests, two ways.
 *
 * <p>Made in Java with Bouncy Castle (fast; the static {@code selfSigned}, {@code write},
 * {@code keyPem}, {@code trusting}): key pairs written as PEM in each key form the relay reads
 * ({@link KeyForm}), each certificate with its own serial number so that a test can tell which
 * one a server presented, and client contexts that trust them.
 *
 * <p>Made with the JDK's keytool (an instance, from {@link #create}): the key pair in {@code
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

  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

  /** How a private key is written. */
  public enum KeyForm {
    /** "BEGIN PRIVATE KEY". */
    PKCS8,
    /** "BEGIN RSA PRIVATE KEY" for RSA (PKCS#1), "BEGIN EC PRIVATE KEY" for EC (SEC1). */
    TRADITIONAL,
    /** "BEGIN ENCRYPTED PRIVATE KEY" (refused by the relay). */
    ENCRYPTED_PKCS8,
    /** "Proc-Type: 4,ENCRYPTED" of OpenSSL's legacy format (refused by the relay). */
    ENCRYPTED_TRADITIONAL
  }

  /** A key pair and its self-signed certificate. */
  public record Issued(KeyPair keys, X509Certificate certificate) {
    public BigInteger serial() {
      return certificate.getSerialNumber();
    }
  }

  public static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static KeyPair ec() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Valid from an hour ago for a year, for localhost and 127.0.0.1. */
  public static Issued selfSigned(KeyPair keys) {
    Instant now = Instant.now();
    return selfSigned(keys, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(365)));
  }

  public static Issued selfSigned(KeyPair keys, Instant notBefore, Instant notAfter) {
    return selfSigned(keys, "CN=localhost", notBefore, notAfter);
  }

  /** Valid from an hour ago for a year, named {@code subject}, for localhost and 127.0.0.1. */
  public static Issued selfSigned(KeyPair keys, String subject) {
    Instant now = Instant.now();
    return selfSigned(keys, subject, now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(365)));
  }

  private static Issued selfSigned(KeyPair keys, String subject, Instant notBefore,
      Instant notAfter) {
    try {
      X500Name name = new X500Name(subject);
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
          BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
          name, keys.getPublic());
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
          new GeneralName[] {new GeneralName(GeneralName.dNSName, "localhost"),
              new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
      String algorithm = keys.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA"
          : "SHA256withECDSA";
      X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate())));
      return new Issued(keys, certificate);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes {@code name}-cert.pem and {@code name}-key.pem into {@code dir}. */
  public static TlsSettings.KeyPairFiles write(Path dir, String name, Issued issued, KeyForm form)
      throws IOException {
    Path chain = dir.resolve(name + "-cert.pem");
    Path key = dir.resolve(name + "-key.pem");
    writeAtomically(chain, pem(issued.certificate()));
    writeAtomically(key, keyPem(issued.keys(), form));
    return new TlsSettings.KeyPairFiles(chain, key);
  }

  /** Replaces {@code file} by a rename, as certificate tools do. */
  public static void writeAtomically(Path file, String contents) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, contents, StandardCharsets.US_ASCII);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  public static String pem(Object object) throws IOException {
    Writer text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object);
    }
    return text.toString();
  }

  public static String keyPem(KeyPair keys, KeyForm form) throws IOException {
    try {
      return switch (form) {
        case PKCS8 -> pem(new JcaPKCS8Generator(keys.getPrivate(), null));
        case TRADITIONAL -> keys.getPrivate().getAlgorithm().equals("EC") ? sec1(keys)
            : pem(keys.getPrivate()); // PKCS#1
        case ENCRYPTED_PKCS8 -> pem(new JcaPKCS8Generator(keys.getPrivate(),
            new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                .setProvider(new BouncyCastleProvider()).setPassword("secret".toCharArray()).setRandom(new SecureRandom()).build()));
        case ENCRYPTED_TRADITIONAL -> pem(new JcaMiscPEMGenerator(keys.getPrivate(),
            new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(new BouncyCastleProvider())
                .setSecureRandom(new SecureRandom())
                .build("secret".toCharArray())));
      };
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new IOException(e);
    }
  }

  /**
   * SEC1 as OpenSSL writes it: the curve's OID and the public key inside the ECPrivateKey
   * (Bouncy Castle's writer leaves the curve out when given a key of the JDK's provider).
   */
  private static String sec1(KeyPair keys) throws IOException {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
    BigInteger d = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey())
        .getKey();
    SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(
        keys.getPublic().getEncoded());
    org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(
        256, d, publicKey.getPublicKeyData(), info.getPrivateKeyAlgorithm().getParameters());
    return pem(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
  }

  /** A client context that trusts exactly these certificates. */
  public static SSLContext trusting(X509Certificate... certificates) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      for (int i = 0; i < certificates.length; i++) {
        trust.setCertificateEntry("trusted-" + i, certificates[i]);
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
