package relay.persistence.queue;

import java.time.Instant;
import java.util.Optional;
import relay.persistence.CborSerializable;

/**
 * One recipient of a DSN (RFC 3464 §2.3) with the reply that decided its fate: becomes the
 * Status (enhanced code), Diagnostic-Code (code and text) and Remote-MTA fields.
 *
 * @param remoteHost the server that gave the reply, empty when no server was reached
 * @param at when the reply was received (Last-Attempt-Date)
 */
public record FailedRecipient(String recipient, int code, String enhanced, String text,
    Optional<String> remoteHost, Instant at) implements CborSerializable {}
