package relay.protocol.server;

import java.util.Optional;
import relay.protocol.command.BodyType;
import relay.protocol.command.MailParameters;
import relay.protocol.command.RcptParameters;
import relay.protocol.reply.Replies;
import relay.protocol.reply.SmtpReply;

/**
 * The ESMTP parameter check of MAIL and RCPT, after the syntax check: unrecognized keywords get
 * 555 5.5.4 (RFC 5321 4.1.1.11), parameters after a plain HELO too (they need EHLO), and a
 * recognized value this server does not implement (BODY=BINARYMIME, not advertised) gets
 * 504 5.5.4.
 */
final class ParameterCheck {

  private ParameterCheck() {}

  static Optional<SmtpReply> mail(MailParameters params, boolean extended) {
    if (!params.unrecognized().isEmpty()) {
      return Optional.of(Replies.parameterNotRecognized(params.unrecognized().get(0)));
    }
    if (!extended && params.any()) {
      String keyword = params.size().isPresent() ? "SIZE" : params.smtputf8() ? "SMTPUTF8"
          : params.auth().isPresent() ? "AUTH" : "BODY";
      return Optional.of(Replies.parameterNotRecognized(keyword));
    }
    if (params.body() == BodyType.BINARY_MIME) {
      return Optional.of(Replies.parameterNotImplemented("BODY=BINARYMIME"));
    }
    return Optional.empty();
  }

  static Optional<SmtpReply> rcpt(RcptParameters params) {
    return params.any()
        ? Optional.of(Replies.parameterNotRecognized(params.unrecognized().get(0)))
        : Optional.empty();
  }
}
