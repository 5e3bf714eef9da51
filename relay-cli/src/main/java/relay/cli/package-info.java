/**
 * relayctl, the operator CLI: one picocli command per resource of the HTTP API ({@code clients},
 * {@code blocks}, {@code queues}, {@code messages}, {@code announce}, {@code notices}, {@code
 * tokens}, {@code audit}), each calling {@code /api/v1} over Java's HttpClient with a
 * bearer token and printing a plain table (or, with --json, the API's JSON as the node sent it).
 *
 * <p>Error behaviour: every failure is one line on standard error starting "relayctl: " and an
 * exit code by kind ({@link relay.cli.ExitCodes}): usage, not found, denied, rejected, server
 * error, unreachable. With --json a refusal's problem+json body (RFC 9457) is printed on
 * standard output as well. The token is never printed. Text from the node is shown with
 * control characters replaced ({@link relay.cli.Cells#clean}).
 *
 * <p>Depends on picocli and Jackson only, never on the server's modules: the CLI speaks the
 * API's JSON, the same contract curl and scripts use.
 */
package relay.cli;
