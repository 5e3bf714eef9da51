/**
 * SMTP replies as values. {@link relay.protocol.reply.SmtpReply} is one reply (basic code RFC
 * 5321 4.2, enhanced status code RFC 3463 / RFC 2034, text lines, closing flag) and the only place
 * that turns a reply into bytes; {@link relay.protocol.reply.Replies} is the one catalogue of
 * every reply the inbound server sends. Peer-supplied tokens echoed in a reply are reduced to
 * printable ASCII; no reply text reveals internals.
 */
package relay.protocol.reply;
