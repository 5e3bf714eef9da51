/**
 * The outbound SMTP client: one blocking connection per thread, used by the delivery workers on
 * a dispatcher meant for blocking work.
 *
 * <p>Implements the client side of RFC 5321 (EHLO with HELO fallback 3.2, transactions 3.3,
 * dot-stuffing 4.5.2, timeouts 4.5.3.2), RFC 2920 PIPELINING, RFC 1870 SIZE, RFC 6152 8BITMIME,
 * RFC 6531 SMTPUTF8, RFC 2034/3463 enhanced status codes and RFC 3207 STARTTLS ({@code
 * ClientTls}: TLSv1.3/1.2, SNI, the certificate checked against the trust store and the MX host
 * name, recorded as {@code TlsStatus}; {@code TlsPolicy} says whether TLS and a verified
 * certificate are required, RFC 7435 opportunistic otherwise). Not yet: CHUNKING (RFC 3030),
 * recognised in EHLO but not used.
 *
 * <p>Time is bounded per reply and per attempt: each reply must be complete by its step's
 * timeout counted from when the client starts waiting ({@link relay.protocol.client.Deadline};
 * the socket's read timeout is set to the time left before every blocking read, so a server
 * dripping bytes is cut off), and every step, connect and data transfer included, also ends by
 * the attempt's deadline ({@code attempt-timeout}).
 *
 * <p>Bad input from the server never escapes as anything but {@link
 * relay.protocol.client.SmtpClientException}: a malformed, over-long or over-many-lined reply is a
 * protocol error ({@code 451 4.5.0}), a silent server a timeout ({@code 451 4.4.2}), a closed
 * socket a lost connection ({@code 451 4.4.2}), a greeting with one of the relay's own names a
 * loop ({@code 554 5.4.6}); in each case the connection is closed, and the failure's kind ({@link
 * relay.protocol.client.SmtpClientException.Kind}) tells the caller what happened. Every
 * reply the server did give is returned as it is, per recipient, in a {@link
 * relay.protocol.client.TransactionResult}. Bad input from the caller (an envelope path with a
 * line break or angle bracket) is refused with {@link IllegalArgumentException} before anything
 * is sent.
 */
package relay.protocol.client;
