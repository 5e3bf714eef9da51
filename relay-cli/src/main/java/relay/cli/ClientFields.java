package relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The fields of a client that {@code clients add} and {@code clients patch} take as options,
 * made into the API's JSON (field names as in {@code /api/v1/clients}). Only the options given
 * appear in the body; --file starts the body from a JSON document and the options go on top.
 * Values are checked by the node (exit 5 with its reason), not here.
 */
final class ClientFields {

  @Option(names = "--file", paramLabel = "FILE",
      description = "Starts from the JSON object in FILE ('-': standard input).")
  String file;

  @Option(names = "--name", paramLabel = "NAME", description = "A human name.")
  String name;

  @Option(names = "--contact", split = ",", paramLabel = "EMAIL",
      description = "A contact address notices go to (repeat, or comma-separated).")
  List<String> contacts;

  @Option(names = "--production", split = ",", paramLabel = "IP",
      description = "A source address that relays (repeat, or comma-separated).")
  List<String> production;

  @Option(names = "--standby", split = ",", paramLabel = "IP",
      description = "A standby source address (relays too; marked for operators).")
  List<String> standby;

  @Option(names = "--test", split = ",", paramLabel = "IP",
      description = "A test address: relays only inside the test window.")
  List<String> test;

  @Option(names = "--sender-domain", split = ",", paramLabel = "DOMAIN",
      description = "A domain the client may use in MAIL FROM (none given: any).")
  List<String> senderDomains;

  @Option(names = "--max-sessions", paramLabel = "N",
      description = "Concurrent SMTP sessions across the cluster.")
  Integer maxSessions;

  @Option(names = "--max-recipients", paramLabel = "N", description = "Recipients per message.")
  Integer maxRecipients;

  @Option(names = "--max-message-size", paramLabel = "OCTETS", description = "Message size.")
  Long maxMessageSize;

  @Option(names = "--recipients-per-hour", paramLabel = "N", description = "Hourly quota.")
  Integer recipientsPerHour;

  @Option(names = "--recipients-per-day", paramLabel = "N", description = "Daily quota.")
  Integer recipientsPerDay;

  @Option(names = "--suspended", description = "The client starts suspended (add).")
  boolean suspended;

  @Option(names = "--test-window", paramLabel = "[FROM/]UNTIL",
      description = "When test addresses may relay: instants or durations from now"
          + " (2h, 2026-12-06T08:00:00Z/2026-12-06T12:00:00Z); FROM defaults to now.")
  String testWindow;

  /** The body: --file's object (or an empty one) with every given option set on it. */
  ObjectNode body(ApiCommand c) {
    ObjectNode body;
    if (file != null) {
      JsonNode read = c.bodyFrom("--file", file);
      if (!read.isObject()) {
        throw new CliFailure(ExitCodes.USAGE, "--file: " + Cells.clean(file)
            + " holds no JSON object");
      }
      body = (ObjectNode) read;
    } else {
      body = c.object();
    }
    if (name != null) {
      body.put("name", name);
    }
    if (contacts != null) {
      body.set("contacts", c.array(contacts));
    }
    if (production != null || standby != null || test != null) {
      ArrayNode addresses = body.putArray("addresses");
      addAll(addresses, production, "production");
      addAll(addresses, standby, "standby");
      addAll(addresses, test, "test");
    }
    if (senderDomains != null) {
      body.set("senderDomains", c.array(senderDomains));
    }
    ObjectNode limits = c.object();
    putIf(limits, "maxSessions", maxSessions);
    putIf(limits, "maxRecipientsPerMessage", maxRecipients);
    putIf(limits, "maxMessageSize", maxMessageSize);
    putIf(limits, "recipientsPerHour", recipientsPerHour);
    putIf(limits, "recipientsPerDay", recipientsPerDay);
    if (!limits.isEmpty()) {
      JsonNode existing = body.get("limits");
      if (existing instanceof ObjectNode) {
        ((ObjectNode) existing).setAll(limits);
      } else {
        body.set("limits", limits);
      }
    }
    if (suspended) {
      body.put("state", "suspended");
    }
    if (testWindow != null) {
      body.set("testWindow", window(c, testWindow));
    }
    return body;
  }

  private static void addAll(ArrayNode addresses, List<String> ips, String role) {
    if (ips != null) {
      ips.forEach(ip -> addresses.addObject().put("ip", ip).put("role", role));
    }
  }

  private static void putIf(ObjectNode o, String field, Number value) {
    if (value != null) {
      o.put(field, value.longValue());
    }
  }

  private static ObjectNode window(ApiCommand c, String text) {
    Instant now = c.root().now();
    int slash = text.indexOf('/');
    Instant from = slash < 0 ? now : When.ahead("--test-window", text.substring(0, slash), now);
    Instant until = When.ahead("--test-window", text.substring(slash + 1), now);
    return c.object().put("from", from.toString()).put("until", until.toString());
  }
}
