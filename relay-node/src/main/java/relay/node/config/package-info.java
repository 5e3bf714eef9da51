/**
 * The node's own settings, read once at start from {@code relay.*} (documented in relay-node's
 * reference.conf) into immutable records and checked there: registered clients are single IP
 * addresses (a range is refused), routes are host:port, storage is "h2" or "postgres". A bad value
 * stops the start with a message that names the key; nothing reads the configuration later.
 */
package relay.node.config;
