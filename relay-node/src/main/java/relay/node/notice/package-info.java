/**
 * The node's side of the notices to clients' contacts ({@link relay.persistence.notice}): the
 * templates an operator can change ({@link relay.node.notice.NoticeTemplates}, built-in ones
 * next to this package's classes as resources, relay.notices.templates to replace them), the
 * RFC 5322 message built with Jakarta Mail ({@link relay.node.notice.NoticeMessage}: Date,
 * Message-ID, Auto-Submitted: auto-generated per RFC 3834) and its submission through the relay's
 * own queue from the null reverse-path ({@link relay.node.notice.NoticeSubmitter}). A template
 * that cannot be read or names an unknown placeholder stops the node at start.
 */
package relay.node.notice;
