/**
 * The inbound SMTP server (RFC 5321 with RFC 1870 SIZE, RFC 2920 PIPELINING, RFC 3030 CHUNKING,
 * RFC 6152 8BITMIME, RFC 2034/3463 enhanced status codes, RFC 6531 SMTPUTF8; per listener
 * ({@link relay.protocol.server.ListenerSecurity}) RFC 3207 STARTTLS or RFC 8314 implicit TLS,
 * RFC 4954 AUTH PLAIN/LOGIN after TLS, RFC 6409 4.3 AUTH required before MAIL, RFC 3848
 * ESMTPS/ESMTPSA in the Received: header).
 *
 * <ul>
 *   <li>{@link relay.protocol.server.InputDecoder}: bytes to command lines and message content
 *       (dot-unstuffing, only CRLF.CRLF ends DATA, size/line/bare CR-LF checks).
 *   <li>{@link relay.protocol.server.SmtpSession}: the session as a pure state machine.
 *   <li>{@link relay.protocol.server.TlsCommands}, {@link relay.protocol.server.AuthExchange}:
 *       STARTTLS and AUTH inside the session (the 530 gates of required TLS and AUTH, the SASL
 *       exchange); the credentials leave it as an effect for
 *       {@link relay.protocol.server.ClientPolicy#authenticate} and are never kept or logged.
 *   <li>{@link relay.protocol.server.HeaderAmender}: Received:, Date:, Message-ID:, loop count.
 *   <li>{@link relay.protocol.server.SmtpServerStage} / {@link relay.protocol.server.SmtpServer}:
 *       the Pekko Streams connection, with the ports {@link relay.protocol.server.ClientPolicy}
 *       (identification and admission: a {@link relay.protocol.server.SessionSlot} released when
 *       the connection ends, or 421 4.4.5 for a client at its session limit) and
 *       {@link relay.protocol.server.MessageSink} that the node implements.
 * </ul>
 *
 * <p>Bad input never fails the stream: every problem is answered with a precise reply from
 * {@link relay.protocol.reply.Replies} and the session stays in sync; errors are counted and too
 * many close the connection with 421 4.7.0. Nothing is acknowledged with 250 before the sink
 * says it is durable.
 */
package relay.protocol.server;
