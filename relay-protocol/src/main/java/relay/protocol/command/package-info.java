/**
 * SMTP commands as a sealed type, parsed once from a command line (RFC 5321 4.1.1; parameters of
 * RFC 1870 SIZE, RFC 6152 8BITMIME, RFC 3030 BDAT/BINARYMIME, RFC 6531 SMTPUTF8). The parser
 * never throws: unknown verbs become {@link relay.protocol.command.SmtpCommand.Unknown}, anything
 * unreadable (NUL, bare CR, invalid UTF-8, bad arguments) a
 * {@link relay.protocol.command.SmtpCommand.Malformed} whose reason picks the reply.
 */
package relay.protocol.command;
