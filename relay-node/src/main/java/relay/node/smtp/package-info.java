/**
 * Inbound SMTP on the node: listeners bound from configuration ({@link
 * relay.node.smtp.SmtpListeners}, each plain, STARTTLS or implicit TLS, AUTH none, optional or
 * required, sharing one reloading TLS context), the client registry that decides
 * who may relay (source address in the operator's registry view, or SMTP AUTH credentials
 * verified with Argon2id on the node's password threads, {@link relay.node.smtp.CredentialCheck},
 * after which the same checks apply), refuses
 * blocked, suspended and out-of-window connections (554 5.7.1, then 503 until QUIT), answers an
 * address it does not know 421 4.3.0 while the node's registry view is not yet whole (after a
 * full cluster restart), takes each registered
 * connection's cluster-wide session slot (421 4.4.5 at the client's max-sessions, 421 4.3.0 when
 * the count does not answer in time) and gives it the envelope rules checked at MAIL and RCPT
 * (blocks, allowed sender domains, its own recipient and size limits), queue ids, and the message sink that streams a
 * body into the spool and replies 250 only when the spool entry is durable and every destination
 * queue has persisted its enqueue. A queue refusal becomes a precise reply (452 4.3.1 when the
 * destination queue is full, 451 otherwise); nothing is accepted in part.
 */
package relay.node.smtp;
