/**
 * TLS for the relay's SMTP connections, over Pekko Streams' own TLS stage: STARTTLS (RFC 3207)
 * and implicit TLS (RFC 8314), the server's key material from PEM files, reloaded when they
 * change.
 *
 * <h2>The stage and its elements (the contract with the SMTP session)</h2>
 * {@link relay.protocol.tls.StartTlsStage} is a {@code BidiFlow<ConnOut, ByteString, ByteString,
 * ConnIn>}: joined under the application's {@code Flow<ConnIn, ConnOut>} it makes the
 * {@code Flow<ByteString, ByteString>} a Pekko TCP connection is handled with.
 * <pre>
 * Flow&lt;ByteString, ByteString, NotUsed&gt; connection = sessionFlow            // Flow&lt;ConnIn, ConnOut&gt;
 *     .join(StartTlsStage.startTls(tls.engines(), tls.settings().handshakeTimeout()));
 * </pre>
 * <ul>
 *   <li>Application to network, {@link relay.protocol.tls.ConnOut}: {@code Bytes(bytes)};
 *       {@code StartTls(lastPlaintext, discardedInput)} once, where the server puts its
 *       {@code 220 2.0.0 Ready to start TLS} in {@code lastPlaintext} (written in clear, then the
 *       switch, in one step) and the number of octets it threw away in {@code discardedInput}.
 *   <li>Network to application, {@link relay.protocol.tls.ConnIn}: {@code Plain(bytes)} before
 *       the switch; then exactly one {@code TlsEstablished(TlsInfo, discardedInput)} when the
 *       handshake completed, before the first {@code Secure(bytes)}. Never {@code Plain} after
 *       the switch. Implicit TLS ({@code StartTlsStage.implicitTls}) gives the same elements
 *       without any {@code Plain}, {@code discardedInput} 0.
 *   <li>{@link relay.protocol.tls.TlsInfo} holds what the Received: header needs: protocol,
 *       cipher suite, whether the peer presented a certificate ({@code traceComment()} gives
 *       {@code version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384}).
 * </ul>
 *
 * <h2>Pipelined plaintext (CVE-2011-0411) and its mirror image</h2>
 * The stage reads from the network only when the application asks, so at the switch it holds no
 * plaintext: what the client sent after STARTTLS in the same packet is already in the session's
 * input buffer. The session must drop it unanswered when it emits {@code StartTls} and report its
 * length as {@code discardedInput} (Postfix does the same); everything the stage reads after the
 * switch goes to the TLS engine, so plaintext a client sends after the 220 is a failed
 * handshake, never a command. A client, after the 220, drops whatever else it had read (injected
 * replies) before emitting {@code StartTls}. After the switch the session starts over (RFC 3207
 * 4.2): it forgets EHLO and any transaction.
 *
 * <h2>Material and reloading</h2>
 * {@link relay.protocol.tls.TlsSettings} ({@code relay.tls}) names the PEM files and the
 * protocol versions (TLSv1.3, TLSv1.2) and cipher suites (ECDHE with AEAD only for 1.2);
 * {@link relay.protocol.tls.PemKeyPair} reads a chain and an RSA or EC key in PKCS#8, PKCS#1 or
 * SEC1 with Bouncy Castle and checks they belong together; {@link
 * relay.protocol.tls.ServerTlsContext} makes each new connection's engine from the current
 * material and swaps in new files when they change and load, without a restart.
 *
 * <h2>Errors</h2>
 * Material that cannot be used at start is a {@link relay.protocol.tls.TlsMaterialException}
 * naming the file and the problem (missing, no key, password-protected key, key not matching the
 * certificate); an expired certificate is a warning. At run time a broken new file keeps the old
 * material and logs one error. On a connection, a failed handshake fails the application's input
 * with the JDK's {@code SSLException} (the peer gets the TLS alert), an unfinished one fails the
 * stage with {@link relay.protocol.tls.TlsHandshakeTimeoutException} after {@code
 * relay.tls.handshake-timeout}.
 */
package relay.protocol.tls;
