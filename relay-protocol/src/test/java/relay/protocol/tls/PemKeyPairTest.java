package relay.protocol.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import relay.testing.TestCertificates;
import relay.testing.TestCertificates.Issued;
import relay.testing.TestCertificates.KeyForm;

/** PEM key pairs in every form the relay reads, and each way a pair is refused. */
class PemKeyPairTest {

  private static final Issued RSA = TestCertificates.selfSigned(TestCertificates.rsa());
  private static final Issued EC = TestCertificates.selfSigned(TestCertificates.ec());

  @TempDir
  Path dir;

  @Test
  void readsRsaAndEcKeysInPkcs8Pkcs1AndSec1() throws Exception {
    for (Issued issued : List.of(RSA, EC)) {
      for (KeyForm form : List.of(KeyForm.PKCS8, KeyForm.TRADITIONAL)) {
        String name = issued.keys().getPrivate().getAlgorithm() + "-" + form;
        TlsSettings.KeyPairFiles files = TestCertificates.write(dir, name, issued, form);
        String header = Files.readAllLines(files.privateKey()).get(0);
        assertEquals(form == KeyForm.PKCS8 ? "-----BEGIN PRIVATE KEY-----"
            : issued == RSA ? "-----BEGIN RSA PRIVATE KEY-----" : "-----BEGIN EC PRIVATE KEY-----",
            header, name);

        PemKeyPair pair = PemKeyPair.load(files, Clock.systemUTC());

        assertEquals(issued.serial(), pair.certificate().getSerialNumber(), name);
        assertEquals(issued.keys().getPrivate().getAlgorithm(), pair.privateKey().getAlgorithm());
        assertEquals(List.of(), pair.warnings(), name);
      }
    }
  }

  @Test
  void readsOpensslEcKeyWithItsParametersBlockAndAChainOfTwo() throws Exception {
    Path key = dir.resolve("key.pem");
    Path chain = dir.resolve("chain.pem");
    // what "openssl ecparam -genkey" writes: an EC PARAMETERS block before the SEC1 key
    Files.writeString(key, "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n"
        + "-----END EC PARAMETERS-----\n" + TestCertificates.keyPem(EC.keys(), KeyForm.TRADITIONAL));
    Files.writeString(chain, TestCertificates.pem(EC.certificate())
        + TestCertificates.pem(RSA.certificate()));

    PemKeyPair pair = PemKeyPair.load(new TlsSettings.KeyPairFiles(chain, key),
        Clock.systemUTC());

    assertEquals(2, pair.chain().size());
    assertEquals(EC.serial(), pair.certificate().getSerialNumber());
    // two self-signed certificates: the second did not issue the first (CN=localhost both,
    // so the names match; an issuer of another name is told)
    assertEquals(List.of(), pair.warnings());
  }

  @Test
  void warnsOfAChainOutOfOrder() throws Exception {
    Issued stranger = TestCertificates.selfSigned(TestCertificates.rsa(), "CN=stranger");
    Path key = dir.resolve("key.pem");
    Path chain = dir.resolve("chain.pem");
    Files.writeString(key, TestCertificates.keyPem(EC.keys(), KeyForm.PKCS8));
    Files.writeString(chain, TestCertificates.pem(EC.certificate())
        + TestCertificates.pem(stranger.certificate()));

    PemKeyPair pair = PemKeyPair.load(new TlsSettings.KeyPairFiles(chain, key),
        Clock.systemUTC());

    assertEquals(List.of(chain + ": certificate 2 (CN=stranger) did not issue certificate 1 "
        + "(issuer CN=localhost); put the server's certificate first, then each issuer, and "
        + "nothing else"), pair.warnings());
  }

  @Test
  void refusesAMissingFileNamingIt() throws Exception {
    TlsSettings.KeyPairFiles files = TestCertificates.write(dir, "rsa", RSA, KeyForm.PKCS8);
    Path missing = dir.resolve("nope.pem");

    TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> PemKeyPair.load(
        new TlsSettings.KeyPairFiles(files.certificateChain(), missing), Clock.systemUTC()));

    assertEquals(missing + ": no such file", e.getMessage());
  }

  @Test
  void refusesAKeyFileWithoutAKey() throws Exception {
    TlsSettings.KeyPairFiles files = TestCertificates.write(dir, "rsa", RSA, KeyForm.PKCS8);
    Files.writeString(files.privateKey(), TestCertificates.pem(RSA.certificate()));

    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> PemKeyPair.load(files, Clock.systemUTC()));

    assertEquals(files.privateKey() + ": no private key (expected BEGIN PRIVATE KEY, "
        + "BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY)", e.getMessage());
  }

  @Test
  void refusesAChainFileWithoutACertificateAndGarbage() throws Exception {
    TlsSettings.KeyPairFiles files = TestCertificates.write(dir, "ec", EC, KeyForm.PKCS8);
    Files.writeString(files.certificateChain(), "hello\n");

    TlsMaterialException empty = assertThrows(TlsMaterialException.class,
        () -> PemKeyPair.load(files, Clock.systemUTC()));
    assertEquals(files.certificateChain() + ": no certificate (expected BEGIN CERTIFICATE)",
        empty.getMessage());

    Files.writeString(files.certificateChain(),
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    TlsMaterialException garbage = assertThrows(TlsMaterialException.class,
        () -> PemKeyPair.load(files, Clock.systemUTC()));
    assertTrue(garbage.getMessage().startsWith(
        files.certificateChain() + ": not a PEM certificate chain"), garbage.getMessage());
  }

  @Test
  void refusesAKeyThatDoesNotMatchTheCertificate() throws Exception {
    Issued otherRsa = TestCertificates.selfSigned(TestCertificates.rsa());
    TlsSettings.KeyPairFiles files = TestCertificates.write(dir, "rsa", RSA, KeyForm.PKCS8);
    Files.writeString(files.privateKey(),
        TestCertificates.keyPem(otherRsa.keys(), KeyForm.TRADITIONAL));

    TlsMaterialException sameType = assertThrows(TlsMaterialException.class,
        () -> PemKeyPair.load(files, Clock.systemUTC()));
    assertEquals(files.privateKey() + ": the private key does not match the certificate in "
        + files.certificateChain() + " (its first certificate, CN=localhost)",
        sameType.getMessage());

    Files.writeString(files.privateKey(), TestCertificates.keyPem(EC.keys(), KeyForm.PKCS8));
    TlsMaterialException otherType = assertThrows(TlsMaterialException.class,
        () -> PemKeyPair.load(files, Clock.systemUTC()));
    assertTrue(otherType.getMessage().endsWith(": the key is EC, the certificate's RSA"),
        otherType.getMessage());
  }

  @Test
  void refusesPasswordProtectedKeysInBothForms() throws Exception {
    for (KeyForm form : List.of(KeyForm.ENCRYPTED_PKCS8, KeyForm.ENCRYPTED_TRADITIONAL)) {
      TlsSettings.KeyPairFiles files = TestCertificates.write(dir, "enc-" + form, RSA, form);

      TlsMaterialException e = assertThrows(TlsMaterialException.class,
          () -> PemKeyPair.load(files, Clock.systemUTC()), form.toString());

      assertEquals(files.privateKey() + ": the private key is password-protected, which is not "
          + "supported: store it unencrypted, readable by the relay's user only", e.getMessage());
    }
  }

  @Test
  void loadsAnExpiredCertificateWithAWarning() throws Exception {
    Instant now = Instant.parse("2026-12-05T12:00:00Z");
    Issued expired = TestCertificates.selfSigned(TestCertificates.ec(),
        now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
    TlsSettings.KeyPairFiles files = TestCertificates.write(dir, "old", expired, KeyForm.PKCS8);

    PemKeyPair pair = PemKeyPair.load(files, Clock.fixed(now, java.time.ZoneOffset.UTC));

    assertEquals(1, pair.warnings().size());
    String warning = pair.warnings().get(0);
    assertTrue(warning.startsWith(files.certificateChain() + ": the certificate expired at "
        + expired.certificate().getNotAfter().toInstant()), warning);
  }

  @Test
  void refusesTwoKeysInOneFile() throws Exception {
    TlsSettings.KeyPairFiles files = TestCertificates.write(dir, "ec", EC, KeyForm.PKCS8);
    Files.write(files.privateKey(), TestCertificates.keyPem(EC.keys(), KeyForm.TRADITIONAL)
        .getBytes(StandardCharsets.US_ASCII), java.nio.file.StandardOpenOption.APPEND);

    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> PemKeyPair.load(files, Clock.systemUTC()));

    assertEquals(files.privateKey() + ": more than one private key", e.getMessage());
  }
}
