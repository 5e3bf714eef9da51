package relay.protocol.tls;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * A server certificate chain and its private key, read from PEM files with Bouncy Castle and
 * checked: the chain has at least one certificate, the key file holds exactly one unencrypted
 * RSA or EC key (PKCS#8 "BEGIN PRIVATE KEY", PKCS#1 "BEGIN RSA PRIVATE KEY" or SEC1 "BEGIN EC
 * PRIVATE KEY", with or without OpenSSL's "BEGIN EC PARAMETERS" block), and that key signs what
 * the first certificate's public key verifies. A certificate outside its validity period is
 * loaded with a warning (an operator replacing an expired certificate must not lose TLS
 * altogether).
 *
 * @param chain the server's certificate first
 * @param privateKey the key of {@code chain.get(0)}
 * @param warnings what an operator should hear about (expired, not yet valid, a chain out of
 *     order), each naming the file
 */
public record PemKeyPair(List<X509Certificate> chain, PrivateKey privateKey,
    List<String> warnings) {

  public PemKeyPair {
    chain = List.copyOf(chain);
    warnings = List.copyOf(warnings);
  }

  /** The server's own certificate. */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** Reads and checks both files; {@code clock} decides what is expired. */
  public static PemKeyPair load(TlsSettings.KeyPairFiles files, Clock clock)
      throws TlsMaterialException {
    return parse(files, read(files.certificateChain()), read(files.privateKey()), clock);
  }

  /** As {@link #load}, from the files' contents already read (so a reload parses what it hashed). */
  static PemKeyPair parse(TlsSettings.KeyPairFiles files, byte[] chainPem, byte[] keyPem,
      Clock clock) throws TlsMaterialException {
    List<X509Certificate> chain = readChain(files.certificateChain(), chainPem);
    PrivateKey key = readKey(files.privateKey(), keyPem);
    checkMatch(files, chain.get(0), key);
    List<String> warnings = validity(files.certificateChain(), chain.get(0), clock.instant());
    warnings.addAll(order(files.certificateChain(), chain));
    return new PemKeyPair(chain, key, warnings);
  }

  static byte[] read(Path file) throws TlsMaterialException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new TlsMaterialException(file, "no such file");
    } catch (IOException e) {
      throw new TlsMaterialException(file, "cannot be read", e);
    }
  }

  private static List<X509Certificate> readChain(Path file, byte[] pem)
      throws TlsMaterialException {
    List<X509Certificate> chain = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = parser(pem)) {
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        if (object instanceof X509CertificateHolder holder) {
          chain.add(converter.getCertificate(holder));
        }
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      throw new TlsMaterialException(file, "not a PEM certificate chain", e);
    }
    if (chain.isEmpty()) {
      throw new TlsMaterialException(file, "no certificate (expected BEGIN CERTIFICATE)");
    }
    return chain;
  }

  private static PrivateKey readKey(Path file, byte[] pem) throws TlsMaterialException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    PrivateKey key = null;
    try (PEMParser parser = parser(pem)) {
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        PrivateKey found;
        if (object instanceof PrivateKeyInfo info) { // PKCS#8
          found = converter.getPrivateKey(info);
        } else if (object instanceof PEMKeyPair pair) { // PKCS#1 RSA or SEC1 EC
          // the private part only: a SEC1 key may leave its public key out
          found = converter.getPrivateKey(pair.getPrivateKeyInfo());
        } else if (object instanceof PEMEncryptedKeyPair
            || object instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new TlsMaterialException(file, "the private key is password-protected, which is "
              + "not supported: store it unencrypted, readable by the relay's user only");
        } else if (object instanceof ASN1ObjectIdentifier || object instanceof X509CertificateHolder) {
          continue; // OpenSSL's EC PARAMETERS block; a certificate kept beside the key
        } else {
          throw new TlsMaterialException(file, "unexpected PEM object "
              + object.getClass().getSimpleName() + " in a private key file");
        }
        if (key != null) {
          throw new TlsMaterialException(file, "more than one private key");
        }
        key = found;
      }
    } catch (IOException | RuntimeException e) {
      throw new TlsMaterialException(file, "not a PEM private key", e);
    }
    if (key == null) {
      throw new TlsMaterialException(file, "no private key (expected BEGIN PRIVATE KEY, "
          + "BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY)");
    }
    if (!key.getAlgorithm().equals("RSA") && !key.getAlgorithm().equals("EC")) {
      throw new TlsMaterialException(file, key.getAlgorithm()
          + " keys are not supported (RSA or EC)");
    }
    return key;
  }

  /** The key must sign what the certificate's public key verifies. */
  private static void checkMatch(TlsSettings.KeyPairFiles files, X509Certificate certificate,
      PrivateKey key) throws TlsMaterialException {
    PublicKey publicKey = certificate.getPublicKey();
    String mismatch = "the private key does not match the certificate in "
        + files.certificateChain() + " (its first certificate, " + certificate
        .getSubjectX500Principal().getName() + ")";
    if (!publicKey.getAlgorithm().equals(key.getAlgorithm())) {
      throw new TlsMaterialException(files.privateKey(), mismatch + ": the key is "
          + key.getAlgorithm() + ", the certificate's " + publicKey.getAlgorithm());
    }
    String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    byte[] probe = "relay TLS key check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      if (!verifier.verify(signature)) {
        throw new TlsMaterialException(files.privateKey(), mismatch);
      }
    } catch (GeneralSecurityException e) {
      throw new TlsMaterialException(files.privateKey(), mismatch, e);
    }
  }

  private static List<String> validity(Path file, X509Certificate certificate, Instant now) {
    List<String> warnings = new ArrayList<>();
    if (now.isAfter(certificate.getNotAfter().toInstant())) {
      warnings.add(file + ": the certificate expired at " + certificate.getNotAfter().toInstant()
          + "; clients that check it will refuse the connection");
    } else if (now.isBefore(certificate.getNotBefore().toInstant())) {
      warnings.add(file + ": the certificate is not valid before "
          + certificate.getNotBefore().toInstant());
    }
    return warnings;
  }

  /**
   * Each certificate should be issued by the next one (RFC 8446 4.4.2, RFC 5246 7.4.2): a chain
   * in another order or with a stranger in it works with lenient clients only.
   */
  private static List<String> order(Path file, List<X509Certificate> chain) {
    List<String> warnings = new ArrayList<>();
    for (int i = 0; i + 1 < chain.size(); i++) {
      if (!chain.get(i).getIssuerX500Principal().equals(
          chain.get(i + 1).getSubjectX500Principal())) {
        warnings.add(file + ": certificate " + (i + 2) + " (" + chain.get(i + 1)
            .getSubjectX500Principal().getName() + ") did not issue certificate " + (i + 1)
            + " (issuer " + chain.get(i).getIssuerX500Principal().getName() + "); put the "
            + "server's certificate first, then each issuer, and nothing else");
      }
    }
    return warnings;
  }

  private static PEMParser parser(byte[] pem) {
    return new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)));
  }
}
