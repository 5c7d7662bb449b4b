package io.camstream.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON Schemas (draft 2020-12) under {@code topology/schemas/}, loaded from the classpath
 * ({@code camstream/topology/schemas/}) and cached. Validators are thread-safe.
 */
public final class Schemas {

  public static final String INFERENCE_EVENT = "inference-event.schema.json";
  public static final String POLICY = "policy.schema.json";
  public static final String EXPLAIN_REQUEST = "explain-request.schema.json";
  public static final String REVIEW_RECORD = "review-record.schema.json";
  public static final String REVIEW_DECISION = "review-decision.schema.json";
  public static final String ALERT = "alert.schema.json";
  public static final String DEAD_LETTER = "dead-letter.schema.json";

  /** Every schema, for tests that check them all. */
  public static final List<String> ALL =
      List.of(INFERENCE_EVENT, POLICY, EXPLAIN_REQUEST, REVIEW_RECORD, REVIEW_DECISION, ALERT, DEAD_LETTER);

  private static final String ID_PREFIX = "https://camstream.io/schemas/";
  private static final String CLASSPATH_PREFIX = "classpath:camstream/topology/schemas/";

  private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
      b -> b.schemaMappers(m -> m.mapPrefix(ID_PREFIX, CLASSPATH_PREFIX)));
  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
  private static final Map<String, JsonSchema> CACHE = new ConcurrentHashMap<>();

  private Schemas() {}

  /** The schema of that file name, e.g. {@link #INFERENCE_EVENT}. */
  public static JsonSchema get(String name) {
    return CACHE.computeIfAbsent(name, n -> {
      JsonSchema s = FACTORY.getSchema(SchemaLocation.of(ID_PREFIX + n), CONFIG);
      s.initializeValidators();
      return s;
    });
  }

  /** The violations of a document, sorted and one line each; empty when it is valid. */
  public static List<String> violations(String name, JsonNode document) {
    Set<ValidationMessage> msgs = get(name).validate(document);
    return msgs.stream().sorted(Comparator.comparing(ValidationMessage::getMessage))
        .map(ValidationMessage::getMessage).toList();
  }

  /** Throws {@link IllegalArgumentException} listing the violations when the document is not valid. */
  public static void check(String name, JsonNode document) {
    List<String> v = violations(name, document);
    if (!v.isEmpty()) {
      throw new IllegalArgumentException(name + ": " + String.join("; ", v));
    }
  }
}
