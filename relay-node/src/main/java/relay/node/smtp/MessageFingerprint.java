package relay.node.smtp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collection;
import java.util.Optional;
import java.util.TreeSet;
import relay.protocol.address.Mailbox;
import relay.protocol.server.Envelope;

/**
 * What recognises a client's retry of a message in one destination domain's queue: SHA-256 over
 * the digest of the content as the client sent it, the envelope sender, the domain's recipients
 * (sorted, so a retry listing them in another order is the same message) and the registered
 * client's name (or the address of an unidentified one), so that two clients sending the same
 * message are never taken for each other. Absent when the content has no digest, that is when
 * the message carries no Message-ID: byte-identical messages without one stay distinct.
 */
final class MessageFingerprint {

  private static final byte SEPARATOR = 0; // never part of an address, a name or a digest

  private MessageFingerprint() {}

  /** The fingerprint (43 characters, base64url) for the recipients of one domain. */
  static Optional<String> of(Envelope envelope, Collection<String> domainRecipients) {
    if (envelope.contentDigest().isEmpty()) {
      return Optional.empty();
    }
    MessageDigest sha = sha256();
    put(sha, "relay-fingerprint-1");
    put(sha, envelope.contentDigest().get());
    put(sha, envelope.sender().map(Mailbox::address).orElse(""));
    put(sha, envelope.client().clientName()
        .orElseGet(() -> "[" + envelope.client().remoteIp() + "]"));
    for (String rcpt : new TreeSet<>(domainRecipients)) {
      put(sha, rcpt);
    }
    return Optional.of(Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest()));
  }

  private static void put(MessageDigest sha, String field) {
    sha.update(field.getBytes(StandardCharsets.UTF_8));
    sha.update(SEPARATOR);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
