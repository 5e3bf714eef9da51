package relay.protocol.server;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.apache.pekko.util.ByteString;

/**
 * The client's side of the SASL mechanisms PLAIN (RFC 4616) and LOGIN, as they arrive in AUTH
 * lines (RFC 4954 4): base64 text, decoded strictly (an empty response is "=" as an initial
 * response, an empty line otherwise), then UTF-8. Anything malformed is empty, which the session
 * answers 501 5.5.2; nothing here throws on network input.
 */
final class SaslDecoding {

  private SaslDecoding() {}

  /** An AUTH response line as text, trailing blanks dropped (base64 has none). */
  static String responseLine(ByteString line) {
    String text = line.decodeString(StandardCharsets.ISO_8859_1);
    int end = text.length();
    while (end > 0 && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t')) {
      end--;
    }
    return text.substring(0, end);
  }

  /** The octets of one base64 response; "=" is the empty initial response (RFC 4954 4). */
  static Optional<byte[]> base64(String text) {
    if (text.equals("=")) {
      return Optional.of(new byte[0]);
    }
    try {
      return Optional.of(Base64.getDecoder().decode(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * PLAIN's message {@code [authzid] NUL authcid NUL passwd} (RFC 4616 2): exactly two NULs, a
   * user name and a password that are not empty, all UTF-8.
   */
  static Optional<SessionEffect.Authenticate> plain(byte[] message) {
    int first = indexOfNul(message, 0);
    int second = first < 0 ? -1 : indexOfNul(message, first + 1);
    if (second < 0 || indexOfNul(message, second + 1) >= 0
        || second == first + 1 || second == message.length - 1) {
      return Optional.empty();
    }
    Optional<String> authzid = utf8(message, 0, first);
    Optional<String> user = utf8(message, first + 1, second);
    Optional<String> password = utf8(message, second + 1, message.length);
    if (authzid.isEmpty() || user.isEmpty() || password.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new SessionEffect.Authenticate(authzid.get(), user.get(), password.get()));
  }

  /** One LOGIN response (user name or password): UTF-8 without NUL, not empty. */
  static Optional<String> loginField(byte[] octets) {
    if (octets.length == 0 || indexOfNul(octets, 0) >= 0) {
      return Optional.empty();
    }
    return utf8(octets, 0, octets.length);
  }

  private static int indexOfNul(byte[] bytes, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  private static Optional<String> utf8(byte[] bytes, int from, int to) {
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, from, to - from)).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
