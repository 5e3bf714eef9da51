package relay.protocol.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of the relay's TLS: every new connection gets an {@link SSLEngine} built from
 * the current key material, and the material follows the PEM files without a restart.
 *
 * <ul>
 *   <li>Engines: server mode, the configured protocols (TLS 1.3 and 1.2 at most) and cipher
 *       suites in the server's order ({@code useCipherSuitesOrder}), no client certificate
 *       asked for. TLS compression does not exist in the JDK; client-initiated renegotiation
 *       (TLS 1.2 only: 1.3 has none) is refused through
 *       {@code jdk.tls.rejectClientInitiatedRenegotiation}, which {@link TlsSettings} sets.
 *   <li>Reloading: at most every {@code reload-check-interval}, on the next new connection (or
 *       when {@link #reloadIfChanged()} is called), the files' identities (inode), modification
 *       times and sizes are compared with the loaded ones; if any changed, the files are read
 *       and hashed, and
 *       new contents are parsed, checked and swapped in at once. Open connections keep the
 *       engine, and so the certificate, they started with. New material that does not load
 *       (a broken file, a key that does not match, a half-replaced pair) leaves the current
 *       one in use and is logged as an error once per change of the files.
 * </ul>
 *
 * <p>Thread-safe: engines are made on whatever thread the TLS stage asks on; one check runs at
 * a time and the others go on with the current material meanwhile.
 */
public final class ServerTlsContext {

  private static final Logger LOG = LoggerFactory.getLogger(ServerTlsContext.class);

  /** What a reload check found. */
  public enum Reload {
    /** The files are as loaded. */
    UNCHANGED,
    /** New material is in use for new connections. */
    RELOADED,
    /** The files changed but do not load; the previous material stays in use. */
    FAILED
  }

  /**
   * The identity, size, time and contents' SHA-256 of one file as last seen; {@code contents} only while a
   * check parses them (not kept: one of the files is a private key).
   */
  private record FileStamp(Path file, Object fileKey, long size, long modifiedNanos,
      byte[] sha256, byte[] contents) {
    boolean sameStat(FileStamp other) {
      return Objects.equals(fileKey, other.fileKey) && size == other.size
          && modifiedNanos == other.modifiedNanos;
    }

    FileStamp withoutContents() {
      return new FileStamp(file, fileKey, size, modifiedNanos, sha256, null);
    }
  }

  /** Material in use: the context new engines come from, and the files it was made of. */
  private record Current(SSLContext context, List<PemKeyPair> keyPairs, List<FileStamp> stamps) {}

  private final TlsSettings settings;
  private final Clock clock;
  private final long checkIntervalNanos;
  private final AtomicBoolean checking = new AtomicBoolean();
  private volatile Current current;
  /** The stamps of files that failed to load, so that the same failure is logged once. */
  private volatile List<FileStamp> failedStamps = List.of();
  private volatile String failedWhy = "";
  private volatile long lastCheckNanos;

  private ServerTlsContext(TlsSettings settings, Clock clock, Current current) {
    this.settings = settings;
    this.clock = clock;
    this.checkIntervalNanos = settings.reloadCheckInterval().toNanos();
    this.current = current;
    this.lastCheckNanos = System.nanoTime();
  }

  /**
   * Loads the configured key pairs; a node that cannot is stopped at start with the message,
   * which names the file. Warnings (an expired certificate) are logged.
   */
  public static ServerTlsContext load(TlsSettings settings, Clock clock)
      throws TlsMaterialException {
    if (!settings.enabled()) {
      throw new IllegalArgumentException("relay.tls.certificates is empty: no TLS key pair");
    }
    List<FileStamp> stamps = new ArrayList<>();
    for (TlsSettings.KeyPairFiles files : settings.keyPairs()) {
      stamps.add(stamp(files.certificateChain(), true));
      stamps.add(stamp(files.privateKey(), true));
    }
    Current loaded = build(settings, stamps, clock);
    LOG.info("TLS material loaded: {}", describe(loaded));
    return new ServerTlsContext(settings, clock, loaded);
  }

  /** A new server-mode engine from the current material; checks the files first when due. */
  public SSLEngine newEngine() {
    if (System.nanoTime() - lastCheckNanos >= checkIntervalNanos) {
      reloadIfChanged();
    }
    Current now = current;
    SSLEngine engine = now.context().createSSLEngine();
    engine.setUseClientMode(false);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setProtocols(settings.protocols().toArray(String[]::new));
    parameters.setCipherSuites(settings.cipherSuites().toArray(String[]::new));
    parameters.setUseCipherSuitesOrder(true);
    parameters.setNeedClientAuth(false);
    parameters.setWantClientAuth(false);
    engine.setSSLParameters(parameters);
    return engine;
  }

  /** {@link #newEngine()} as the engine factory of a {@link StartTlsStage}. */
  public Supplier<SSLEngine> engines() {
    return this::newEngine;
  }

  /** The settings this context was made with (handshake timeout for the stage). */
  public TlsSettings settings() {
    return settings;
  }

  /** The certificates new connections are served, one per key pair, in configuration order. */
  public List<X509Certificate> certificates() {
    return current.keyPairs().stream().map(PemKeyPair::certificate).toList();
  }

  /**
   * Checks the files now and swaps in their new contents if they changed and load; returns what
   * it found. If another check is running, returns {@link Reload#UNCHANGED} at once.
   */
  public Reload reloadIfChanged() {
    if (!checking.compareAndSet(false, true)) {
      return Reload.UNCHANGED;
    }
    try {
      lastCheckNanos = System.nanoTime();
      return check();
    } finally {
      checking.set(false);
    }
  }

  private Reload check() {
    Current now = current;
    List<FileStamp> stats = new ArrayList<>();
    try {
      for (FileStamp loaded : now.stamps()) {
        stats.add(stamp(loaded.file(), false));
      }
    } catch (TlsMaterialException e) {
      return failed(stats, e.getMessage());
    }
    if (sameStats(stats, now.stamps()) || sameStats(stats, failedStamps)) {
      return Reload.UNCHANGED;
    }
    List<FileStamp> read = new ArrayList<>();
    try {
      for (FileStamp stat : stats) {
        read.add(stamp(stat.file(), true));
      }
    } catch (TlsMaterialException e) {
      return failed(stats, e.getMessage());
    }
    if (sameContents(read, now.stamps())) {
      current = new Current(now.context(), now.keyPairs(),
          read.stream().map(FileStamp::withoutContents).toList()); // touched, not changed
      return Reload.UNCHANGED;
    }
    try {
      Current reloaded = build(settings, read, clock);
      current = reloaded;
      failedStamps = List.of();
      failedWhy = "";
      LOG.info("TLS material reloaded for new connections: {}", describe(reloaded));
      return Reload.RELOADED;
    } catch (TlsMaterialException | RuntimeException e) {
      return failed(read, e.getMessage());
    }
  }

  private Reload failed(List<FileStamp> stamps, String why) {
    if (why.equals(failedWhy) && sameStats(stamps, failedStamps)) {
      return Reload.FAILED; // already logged
    }
    failedStamps = stamps.stream().map(FileStamp::withoutContents).toList();
    failedWhy = why;
    LOG.error("TLS material not reloaded, new connections keep the current certificates: {}",
        why);
    return Reload.FAILED;
  }

  /** Parses the files' contents as stamped and makes a context of them. */
  private static Current build(TlsSettings settings, List<FileStamp> stamps, Clock clock)
      throws TlsMaterialException {
    List<PemKeyPair> pairs = new ArrayList<>();
    for (int i = 0; i < settings.keyPairs().size(); i++) {
      PemKeyPair pair = PemKeyPair.parse(settings.keyPairs().get(i),
          contents(stamps.get(2 * i)), contents(stamps.get(2 * i + 1)), clock);
      pair.warnings().forEach(LOG::warn);
      pairs.add(pair);
    }
    try {
      char[] password = "relay".toCharArray(); // of the in-memory key store only
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < pairs.size(); i++) {
        store.setKeyEntry("key-" + i, pairs.get(i).privateKey(), password,
            pairs.get(i).chain().toArray(X509Certificate[]::new));
      }
      // PKIX (NewSunX509) picks, per handshake, the entry whose key type the client supports
      KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
      keyManagers.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers.getKeyManagers(), null, null);
      checkSupported(settings, context);
      return new Current(context, pairs,
          stamps.stream().map(FileStamp::withoutContents).toList());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot make a TLS context: " + e.getMessage(), e);
    }
  }

  private static void checkSupported(TlsSettings settings, SSLContext context) {
    Set<String> suites = new HashSet<>(
        Arrays.asList(context.getSupportedSSLParameters().getCipherSuites()));
    for (String suite : settings.cipherSuites()) {
      if (!suites.contains(suite)) {
        throw new IllegalArgumentException("relay.tls.cipher-suites: " + suite
            + " is not supported by this JVM");
      }
    }
  }

  /** The file's size and time, and with {@code read} its contents' SHA-256 (kept to parse). */
  private static FileStamp stamp(Path file, boolean read) throws TlsMaterialException {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      byte[] contents = read ? PemKeyPair.read(file) : null;
      // the file key (device and inode) changes when a file is replaced by a rename
      return new FileStamp(file, attributes.fileKey(), attributes.size(),
          attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS),
          contents == null ? null : sha256(contents), contents);
    } catch (NoSuchFileException e) {
      throw new TlsMaterialException(file, "no such file");
    } catch (IOException e) {
      throw new TlsMaterialException(file, "cannot be read", e);
    }
  }

  private static boolean sameStats(List<FileStamp> a, List<FileStamp> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).sameStat(b.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameContents(List<FileStamp> a, List<FileStamp> b) {
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i).sha256(), b.get(i).sha256())) {
        return false;
      }
    }
    return true;
  }

  private static byte[] contents(FileStamp stamp) {
    return Objects.requireNonNull(stamp.contents(), "read");
  }

  private static String describe(Current current) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < current.keyPairs().size(); i++) {
      X509Certificate certificate = current.keyPairs().get(i).certificate();
      parts.add(current.stamps().get(2 * i).file() + " (" + certificate.getPublicKey()
          .getAlgorithm() + ", serial " + certificate.getSerialNumber().toString(16)
          + ", subject " + certificate.getSubjectX500Principal().getName() + ", expires "
          + certificate.getNotAfter().toInstant() + ")");
    }
    return String.join("; ", parts);
  }

  private static byte[] sha256(byte[] contents) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(contents);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
