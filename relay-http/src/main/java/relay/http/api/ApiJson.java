package relay.http.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;

/**
 * The API's JSON: one strict Jackson mapper. A request body with an unknown field, a duplicate
 * key, trailing data, a string where a number is expected (or any other scalar coercion), a
 * fraction where an integer is expected or a null for a primitive is refused; instants are
 * ISO-8601 text ({@code 2026-12-05T06:00:00Z}) both ways; empty optional fields are left out of
 * responses.
 */
public final class ApiJson {

  /** {@code application/merge-patch+json} (RFC 7396), what PATCH takes beside application/json. */
  public static final MediaType.WithFixedCharset MERGE_PATCH =
      MediaTypes.applicationWithFixedCharset("merge-patch+json", HttpCharsets.UTF_8);

  private static final ObjectMapper MAPPER = build();

  private ApiJson() {}

  /** The shared strict mapper (thread-safe once built). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  private static ObjectMapper build() {
    JsonMapper mapper = JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .addModule(new Jdk8Module())
        .addModule(new SimpleModule("relay-iso-instants").addDeserializer(Instant.class,
            new IsoInstant()))
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .serializationInclusion(JsonInclude.Include.NON_ABSENT)
        .build();
    // No scalar becomes another: "5" is not a number, 5 is not a string, 0 is not false.
    for (LogicalType type : List.of(LogicalType.Textual, LogicalType.Integer, LogicalType.Float,
        LogicalType.Boolean, LogicalType.DateTime, LogicalType.Enum)) {
      mapper.coercionConfigFor(type)
          .setCoercion(CoercionInputShape.Integer, type == LogicalType.Integer
              || type == LogicalType.Float ? CoercionAction.TryConvert : CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, type == LogicalType.Float
              ? CoercionAction.TryConvert : CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, type == LogicalType.Boolean
              ? CoercionAction.TryConvert : CoercionAction.Fail)
          .setCoercion(CoercionInputShape.EmptyString, type == LogicalType.Textual
              ? CoercionAction.TryConvert : CoercionAction.Fail);
      if (type != LogicalType.Textual && type != LogicalType.DateTime
          && type != LogicalType.Enum) {
        mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String,
            CoercionAction.Fail);
      }
    }
    mapper.coercionConfigDefaults()
        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.EmptyArray, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.EmptyObject, CoercionAction.Fail);
    return mapper;
  }

  /**
   * Instants only as ISO-8601 text: JavaTimeModule would also take a number as epoch seconds,
   * a coercion the API refuses.
   */
  private static final class IsoInstant extends StdDeserializer<Instant> {
    private static final long serialVersionUID = 1L;

    IsoInstant() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.hasToken(JsonToken.VALUE_STRING)) {
        return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
      }
      String text = p.getText();
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        return (Instant) ctxt.handleWeirdStringValue(Instant.class, text.length() > 40
            ? text.substring(0, 40) + "..." : text,
            "not an ISO-8601 instant such as 2026-12-05T06:00:00Z");
      }
    }
  }

  /** Responses as application/json with the strict mapper. */
  public static <T> Marshaller<T, RequestEntity> marshaller() {
    return Jackson.marshaller(MAPPER);
  }

  /**
   * A request body of {@code type}: only the given media types (415 otherwise); a body Jackson
   * refuses fails with {@link BadJson}, which the API's rejection handler turns into 400 or 422.
   */
  public static <T> Unmarshaller<HttpEntity, T> body(Class<T> type, MediaType... accepted) {
    List<MediaType> types = accepted.length == 0 ? List.of(MediaTypes.APPLICATION_JSON)
        : List.of(accepted);
    return Unmarshaller.forMediaTypes(types, Unmarshaller.entityToByteArray())
        .thenApply(bytes -> read(bytes, type));
  }

  private static <T> T read(byte[] bytes, Class<T> type) {
    try {
      return MAPPER.readValue(bytes, type);
    } catch (JsonProcessingException e) {
      throw new BadJson(e);
    } catch (IOException e) {
      throw new BadJson(e);
    }
  }

  /** A request body Jackson refused; not an IllegalArgumentException, so it is not a 422 as is. */
  public static final class BadJson extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadJson(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }
}
