/**
 * RFC 5322 message work for the delivery side: delivery status notifications (RFC 3464 in a
 * RFC 6522 multipart/report, RFC 6533 global variants for UTF-8 addresses, RFC 3834
 * Auto-Submitted) and reading a stored message's header section.
 *
 * <p>Bad input: a field value with a line break (an address, a host name, an envelope id) is
 * refused with {@link IllegalArgumentException}; a DSN to the null sender is refused (RFC 5321
 * 6.1); text from remote servers is made one line (control characters become spaces) and folded,
 * so it can never add a field. An over-long header section is cut after its last whole line and
 * marked truncated.
 */
package relay.protocol.message;
