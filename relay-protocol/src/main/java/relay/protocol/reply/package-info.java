/**
 * SMTP replies as values. {@link relay.protocol.reply.SmtpReply} is one reply (basic code RFC
 * 5321 4.2, enhanced status code RFC 3463 / RFC 2034, text lines, closing flag) and the only place
 * that turns a reply into bytes; {@link relay.protocol.reply.Replies} is the one catalogue of
 * every reply the inbound server sends, {@link relay.protocol.reply.DeliveryReplies} of every
 * reply the outbound side makes up (client, transport, DNS, delivery workers; they end up in
 * events and DSNs). Peer-supplied tokens echoed in a reply are reduced to printable ASCII; no
 * reply text reveals internals, and no exception message reaches one: network and DNS troubles
 * are named by small enums with fixed texts.
 */
package relay.protocol.reply;
