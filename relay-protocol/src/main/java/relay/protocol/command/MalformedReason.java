package relay.protocol.command;

/** Why a command line could not be turned into a well-formed command. */
public enum MalformedReason {
  /** A NUL octet anywhere in the line: 500 5.5.2, whatever the verb. */
  NUL_BYTE,
  /** A CR that is not part of the line's CRLF: 500 5.5.2. */
  BARE_CR,
  /** Octets that are not valid UTF-8: 500 5.5.2. */
  INVALID_UTF8,
  /** A known verb with arguments that do not follow its grammar: 501. */
  SYNTAX,
  /** The path of MAIL/RCPT could not be isolated, or a parameter is not KEY[=VALUE]: 501. */
  PARAMETER_SYNTAX
}
