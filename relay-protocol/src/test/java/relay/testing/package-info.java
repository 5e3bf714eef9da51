/**
 * Test servers shared with every module's tests through relay-protocol's test-jar: {@link
 * relay.testing.SmtpSink}, a real SMTP server with faults chosen by recipient local part, and
 * {@link relay.testing.TestDnsServer}, a real DNS server (UDP and TCP) with an in-memory zone.
 *
 * <p>Both bind loopback addresses only, use daemon threads and stop everything on close(). The
 * sink is lenient with client syntax (it is a target, not a conformance checker) but answers
 * bad sequences with the RFC 5321 replies (503, 501, 500, 554 with no valid recipients).
 */
package relay.testing;
