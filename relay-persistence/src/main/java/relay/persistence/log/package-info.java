/**
 * The message event log: one JSON object per line on the SLF4J logger {@code relay.events}, one
 * line per message event (received, delivered, deferred, bounced, expired), in a fixed vocabulary
 * so operators and tools can follow a queue id from acceptance to its end.
 *
 * <p>Values are written as given (Jackson escapes them); nothing here throws on odd input.
 */
package relay.persistence.log;
