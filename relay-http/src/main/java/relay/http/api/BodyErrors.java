package relay.http.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;

/**
 * What was wrong with a request body, as a status and a detail: 400 for JSON that is not well
 * formed or does not have the expected shape (unknown field, wrong type, truncated), 422 for
 * well-formed JSON with a value the registry's types refuse (their IllegalArgumentException
 * message names the field), 413 for a body over relay.http.api.max-body-size. Details name the
 * field by its JSON path and never quote more than a few dozen characters of the input.
 */
final class BodyErrors {

  record Verdict(StatusCode status, String detail) {}

  private BodyErrors() {}

  static Verdict classify(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof EntityStreamSizeException size) {
        return new Verdict(StatusCodes.PAYLOAD_TOO_LARGE, "request body larger than "
            + size.limit() + " bytes (relay.http.api.max-body-size)");
      }
      if (t instanceof IllegalArgumentException iae && iae.getMessage() != null
          && !(iae.getCause() instanceof JsonProcessingException)) {
        return new Verdict(StatusCodes.UNPROCESSABLE_ENTITY, iae.getMessage());
      }
      if (t instanceof JsonProcessingException json) {
        Verdict v = json(json);
        if (v != null) {
          return v;
        }
      }
    }
    return new Verdict(StatusCodes.BAD_REQUEST, "the request body is not valid JSON");
  }

  private static Verdict json(JsonProcessingException e) {
    if (e instanceof ValueInstantiationException || (e instanceof InvalidFormatException
        && e.getCause() instanceof IllegalArgumentException)) {
      Throwable cause = e.getCause();
      if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
        return new Verdict(StatusCodes.UNPROCESSABLE_ENTITY, cause.getMessage());
      }
      return null; // let the loop look deeper
    }
    if (e instanceof UnrecognizedPropertyException u) {
      String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
          .map(String::valueOf).sorted().collect(Collectors.joining(", "));
      return new Verdict(StatusCodes.BAD_REQUEST, "unknown field " + path(u)
          + (known.isEmpty() ? "" : " (known fields here: " + known + ")"));
    }
    if (e instanceof MismatchedInputException m) {
      String expected = m.getTargetType() == null ? "another type"
          : describe(m.getTargetType());
      String at = path(m);
      if (at.isEmpty()) {
        return new Verdict(StatusCodes.BAD_REQUEST, "the body is not a JSON " + expected
            + " or ends too early");
      }
      return new Verdict(StatusCodes.BAD_REQUEST, "field " + at + ": expected " + expected);
    }
    if (e instanceof StreamConstraintsException) {
      return new Verdict(StatusCodes.BAD_REQUEST, "the body exceeds a JSON size limit: "
          + first(e.getOriginalMessage()));
    }
    if (e instanceof JsonParseException || e.getClass().getName().contains("JsonEOF")) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr();
      return new Verdict(StatusCodes.BAD_REQUEST, "malformed JSON" + where + ": "
          + first(e.getOriginalMessage()));
    }
    if (e instanceof JsonMappingException m) {
      return new Verdict(StatusCodes.BAD_REQUEST, "field " + path(m) + ": "
          + first(m.getOriginalMessage()));
    }
    return new Verdict(StatusCodes.BAD_REQUEST, "malformed JSON: " + first(e.getOriginalMessage()));
  }

  /** "limits.maxSessions", "addresses[2].ip"; empty at the top level. */
  static String path(JsonMappingException e) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (out.length() > 0) {
          out.append('.');
        }
        out.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        out.append('[').append(r.getIndex()).append(']');
      }
    }
    String p = out.toString();
    return p.length() > 100 ? "'" + p.substring(0, 100) + "...'" : p.isEmpty() ? "" : "'" + p + "'";
  }

  private static String describe(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "an integer";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (java.util.Collection.class.isAssignableFrom(type)) {
      return "an array";
    }
    if (type == java.time.Instant.class) {
      return "an ISO-8601 instant such as \"2026-12-05T06:00:00Z\"";
    }
    if (type.isEnum()) {
      return "one of its names";
    }
    if (type == java.util.Optional.class) {
      return "a value";
    }
    return "an object";
  }

  /** The first line of a Jackson message, short: it may quote the input. */
  private static String first(String message) {
    if (message == null) {
      return "unreadable";
    }
    String line = message.lines().findFirst().orElse("").strip();
    return line.length() > 160 ? line.substring(0, 160) + "..." : line;
  }
}
