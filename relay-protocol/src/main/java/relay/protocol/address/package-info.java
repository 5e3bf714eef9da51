/**
 * Mail addresses on the SMTP wire: the {@link relay.protocol.address.Mailbox} value and the
 * {@link relay.protocol.address.MailboxParser} for reverse-paths and forward-paths (RFC 5321
 * 4.1.2, 4.1.3, 4.5.3.1, Appendix C; RFC 6531 for UTF-8). Bad input never throws: the parser
 * answers a {@link relay.protocol.address.ParsedPath.Invalid} with the reason.
 */
package relay.protocol.address;
