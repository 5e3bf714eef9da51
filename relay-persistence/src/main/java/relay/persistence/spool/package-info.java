/**
 * The message spool: bodies of accepted messages, written once while DATA streams in, made
 * durable before the client is told 250 (RFC 5321 §4.1.1.4 and §6.1: a server that accepts a
 * message takes responsibility for it), read back for every delivery attempt and for DSN headers
 * (RFC 3464), and removed when the last destination domain is done with it.
 *
 * <p>An entry is addressed by (queue id, destination domain). {@link relay.persistence.spool.FileSpool}
 * keeps one file with one hard link per domain, so the file system counts references;
 * {@link relay.persistence.spool.JdbcSpool} keeps a body row and one reference row per domain.
 *
 * <p>Bad input: a queue id or domain that is not a safe name (see {@link
 * relay.persistence.spool.SpoolNames}) is refused with {@link IllegalArgumentException} before any
 * I/O; a missing entry is a {@link relay.persistence.spool.NoSuchSpoolEntryException}; any storage
 * failure is an {@link java.io.IOException} and leaves no committed entry behind.
 */
package relay.persistence.spool;
