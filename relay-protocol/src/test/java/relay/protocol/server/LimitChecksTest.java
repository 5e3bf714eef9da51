package relay.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import relay.protocol.address.Mailbox;
import relay.protocol.command.BodyType;
import relay.protocol.command.MailParameters;
import relay.protocol.reply.SmtpReply;

/** The size and recipient checks as tables: limit, what the client does, the reply. */
class LimitChecksTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "1   | 0   | ",
      "1   | 1   | 452 4.5.3 Too many recipients",
      "100 | 99  | ",
      "100 | 100 | 452 4.5.3 Too many recipients",
      "100 | 150 | 452 4.5.3 Too many recipients"})
  void recipients(int limit, int accepted, String reply) {
    Transaction tx = Transaction.begin(Optional.empty(), MailParameters.NONE);
    for (int i = 0; i < accepted; i++) {
      tx = tx.withRecipient(new Mailbox("r" + i, "example.org"));
    }
    assertEquals(Optional.ofNullable(reply),
        LimitChecks.recipients(tx, new SessionLimits(1024, limit)).map(SmtpReply::summary));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "65536    |          | ",
      "65536    | 65536    | ",
      "65536    | 65537    | 552 5.3.4 Message size exceeds fixed limit",
      "36700160 | 36700161 | 552 5.3.4 Message size exceeds fixed limit",
      "36700160 | 0        | "})
  void declaredSize(long limit, Long declared, String reply) {
    MailParameters params = new MailParameters(
        declared == null ? OptionalLong.empty() : OptionalLong.of(declared), BodyType.SEVEN_BIT,
        false, List.of());
    assertEquals(Optional.ofNullable(reply),
        LimitChecks.declaredSize(params, new SessionLimits(limit, 100)).map(SmtpReply::summary));
  }
}
