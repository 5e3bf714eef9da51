package relay.persistence.queue;

import relay.protocol.reply.SmtpReply;

/** The outcome for one recipient of a transaction: 2xx delivered, 4xx deferred, 5xx bounced. */
public record RecipientResult(String recipient, SmtpReply reply) {}
