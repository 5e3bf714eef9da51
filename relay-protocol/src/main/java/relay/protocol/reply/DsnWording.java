package relay.protocol.reply;

import java.util.Optional;

/**
 * The words a delivery status notification says to a person (RFC 3464 2.1: the first,
 * human-readable part, and the headers a reader sees). Kept here beside the SMTP replies so that
 * everything the relay tells a sender in words comes from one catalogue; the machine-readable
 * parts (message/delivery-status fields) are built from the replies themselves.
 */
public final class DsnWording {

  private DsnWording() {}

  /** The From display name of every DSN. */
  public static final String FROM_NAME = "Mail Delivery System";

  /** Subject of a failure report. */
  public static final String FAILED_SUBJECT = "Undelivered Mail Returned to Sender";

  /** Subject of a delay report. */
  public static final String DELAYED_SUBJECT = "Delayed Mail (still being retried)";

  /** Content-Description of the parts: the text, the report, the original's headers. */
  public static final String TEXT_PART = "Notification";
  public static final String REPORT_PART = "Delivery report";
  public static final String HEADERS_PART = "Undelivered Message Headers";

  /** The first line: who is writing. */
  public static String introduction(String reportingMta) {
    return "This is the mail system at " + reportingMta + ".";
  }

  /** What happened, for a failure report: one or more lines. */
  public static String failed() {
    return "Your message could not be delivered to the recipients listed below.\r\n"
        + "The reason each one failed is given after its address.";
  }

  /** What happens next, for a delay report; {@code retryUntil} is an RFC 5322 date. */
  public static String delayed(Optional<String> retryUntil) {
    return "Your message has not been delivered yet to the recipients listed below.\r\n"
        + "The mail system keeps trying" + retryUntil.map(d -> " until " + d).orElse("")
        + ";\r\nyou do not need to send the message again.";
  }

  /** Before one recipient's reason when a remote server gave it. */
  public static String remoteSaid(String host) {
    return "host " + host + " said: ";
  }

  /** The closing line when the original's headers are attached. */
  public static final String HEADERS_ATTACHED =
      "The delivery report and the headers of your message are attached.";

  /** The closing line when the original's content is gone from the spool. */
  public static final String ORIGINAL_UNAVAILABLE =
      "The content of your message is no longer available at this mail system,\r\n"
          + "so its headers are not attached; the delivery report is.";

  /** The closing line when only the report is attached. */
  public static final String REPORT_ATTACHED = "The delivery report is attached.";
}
