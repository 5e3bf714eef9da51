package relay.protocol.message;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The per-message part of a DSN (RFC 3464 2.2).
 *
 * @param reportingMta this relay's host name, for Reporting-MTA and the From address
 * @param arrivalDate when the relay accepted the original message (Arrival-Date)
 * @param originalSender the original envelope sender: the DSN goes to this address; never empty
 *     (no DSN about a message from the null sender, RFC 5321 6.1)
 * @param kind failure or delay
 * @param retryUntil for a delay: when the relay gives up (Will-Retry-Until, RFC 3464 2.3.9)
 * @param originalEnvelopeId the ENVID the sender gave (RFC 3461 4.4), if any
 */
public record DsnReport(
    String reportingMta,
    Instant arrivalDate,
    String originalSender,
    DsnKind kind,
    Optional<Instant> retryUntil,
    Optional<String> originalEnvelopeId) {

  public DsnReport {
    Objects.requireNonNull(reportingMta, "reportingMta");
    Objects.requireNonNull(arrivalDate, "arrivalDate");
    Objects.requireNonNull(originalSender, "originalSender");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(retryUntil, "retryUntil");
    Objects.requireNonNull(originalEnvelopeId, "originalEnvelopeId");
    if (originalSender.isEmpty()) {
      throw new IllegalArgumentException("no DSN for a message with the null sender (RFC 5321 6.1)");
    }
    DsnText.requireOneLine("reportingMta", reportingMta);
    DsnText.requireOneLine("originalSender", originalSender);
    originalEnvelopeId.ifPresent(id -> DsnText.requireOneLine("originalEnvelopeId", id));
  }

  /** A failure report without ENVID. */
  public static DsnReport failed(String reportingMta, Instant arrivalDate, String originalSender) {
    return new DsnReport(reportingMta, arrivalDate, originalSender, DsnKind.FAILED, Optional.empty(), Optional.empty());
  }

  /** A delay report without ENVID. */
  public static DsnReport delayed(String reportingMta, Instant arrivalDate, String originalSender, Instant retryUntil) {
    return new DsnReport(reportingMta, arrivalDate, originalSender, DsnKind.DELAYED, Optional.of(retryUntil),
        Optional.empty());
  }
}
