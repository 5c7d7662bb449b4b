package io.camstream.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Every camstream setting, declared once: key, type, default, validator, importance and documentation.
 *
 * <p>Values come from (later wins) the defaults below, a config file (YAML or .properties), environment variables
 * {@code CAMSTREAM_<KEY>} (upper case, dots as underscores) and command-line flags; see {@link ConfigLoader}. Two
 * prefixes pass through untouched: {@code streams.*} to Kafka Streams and {@code kafka.*} to every Kafka client
 * (security settings, for example).
 */
public final class CamstreamConfig extends AbstractConfig {

  /** Prefix for settings handed to Kafka Streams as they are (e.g. {@code streams.num.stream.threads}). */
  public static final String STREAMS_PREFIX = "streams.";
  /** Prefix for settings handed to every Kafka client (admin, producer, consumer, streams). */
  public static final String KAFKA_PREFIX = "kafka.";

  public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
  private static final String BOOTSTRAP_SERVERS_DOC =
      "Kafka brokers as host:port,... Empty starts an in-process single-node KRaft broker keeping its data under "
          + "data.dir.";
  public static final String DATA_DIR_CONFIG = "data.dir";
  private static final String DATA_DIR_DOC =
      "Local directory for the embedded broker's log, Kafka Streams state and (by default) artifacts.";

  public static final String TOPIC_EVENTS_CONFIG = "topic.events";
  private static final String TOPIC_EVENTS_DOC = "Input: inference events (JSON, key = lineId).";
  public static final String TOPIC_REQUESTS_CONFIG = "topic.requests";
  private static final String TOPIC_REQUESTS_DOC = "Router output: explain requests (JSON, key = lineId).";
  public static final String TOPIC_REVIEWS_CONFIG = "topic.reviews";
  private static final String TOPIC_REVIEWS_DOC = "Explainer output: review records (JSON, key = eventId).";
  public static final String TOPIC_DLQ_CONFIG = "topic.dlq";
  private static final String TOPIC_DLQ_DOC =
      "Dead letters: original record bytes and key, reason in camstream.dlq.* headers.";
  public static final String TOPIC_POLICIES_CONFIG = "topic.policies";
  private static final String TOPIC_POLICIES_DOC =
      "Live policy overrides (compacted; key = model:<id> | line:<lineId> | line:<lineId>|model:<id>).";
  public static final String TOPIC_DECISIONS_CONFIG = "topic.decisions";
  private static final String TOPIC_DECISIONS_DOC = "Review decisions from the review UI (JSON, key = eventId).";
  public static final String TOPIC_ALERTS_CONFIG = "topic.alerts";
  private static final String TOPIC_ALERTS_DOC = "Attention analytics alerts (JSON).";
  public static final String TOPIC_PARTITIONS_CONFIG = "topic.partitions";
  private static final String TOPIC_PARTITIONS_DOC =
      "Partitions of topics camstream creates; bounds how many router/explainer threads can work in parallel.";
  public static final String TOPIC_REPLICATION_FACTOR_CONFIG = "topic.replication.factor";
  private static final String TOPIC_REPLICATION_FACTOR_DOC = "Replication factor of topics camstream creates.";
  public static final String TOPIC_RETENTION_HOURS_CONFIG = "topic.retention.hours";
  private static final String TOPIC_RETENTION_HOURS_DOC =
      "Retention of the event, request, review, decision, alert and DLQ topics (audit replay reaches this far "
          + "back); -1 keeps records forever. The policies topic is compacted instead.";

  public static final String ROUTER_APPLICATION_ID_CONFIG = "router.application.id";
  private static final String ROUTER_APPLICATION_ID_DOC = "Kafka Streams application.id of the router role.";
  public static final String EXPLAINER_APPLICATION_ID_CONFIG = "explainer.application.id";
  private static final String EXPLAINER_APPLICATION_ID_DOC = "Kafka Streams application.id of the explainer role.";
  public static final String REVIEW_APPLICATION_ID_CONFIG = "review.application.id";
  private static final String REVIEW_APPLICATION_ID_DOC =
      "Kafka application/group id of the review role.";

  public static final String MODELS_DIR_CONFIG = "models.dir";
  private static final String MODELS_DIR_DOC =
      "Directory of model spec YAML files (top-level id and version); only these models are routed and explained.";
  public static final String POLICY_FILE_CONFIG = "policy.file";
  private static final String POLICY_FILE_DOC =
      "YAML file of policy defaults and per line/model policies; empty uses the built-in defaults. Live overrides "
          + "on the policies topic win over it.";

  public static final String IMAGE_URI_SCHEMES_CONFIG = "image.uri.schemes";
  private static final String IMAGE_URI_SCHEMES_DOC =
      "Image URI schemes accepted at all (file, http, https, s3, data); each is further limited by the keys below.";
  public static final String IMAGE_FILE_ROOTS_CONFIG = "image.file.roots";
  private static final String IMAGE_FILE_ROOTS_DOC =
      "Directories file: image URIs must lie under (after normalising '..'); empty rejects every file: URI.";
  public static final String IMAGE_HTTP_HOSTS_CONFIG = "image.http.hosts";
  private static final String IMAGE_HTTP_HOSTS_DOC =
      "Hosts (host or host:port) http(s): image URIs may name; empty rejects every http(s): URI.";
  public static final String IMAGE_S3_BUCKETS_CONFIG = "image.s3.buckets";
  private static final String IMAGE_S3_BUCKETS_DOC =
      "Buckets s3: image URIs may name; empty rejects every s3: URI.";
  public static final String IMAGE_DATA_MAX_BYTES_CONFIG = "image.data.max.bytes";
  private static final String IMAGE_DATA_MAX_BYTES_DOC =
      "Largest decoded payload of a data: image URI; also the cap on any fetched image.";
  public static final String IMAGE_MAX_PIXELS_CONFIG = "image.max.pixels";
  private static final String IMAGE_MAX_PIXELS_DOC = "Largest image (width x height) that is decoded and explained.";

  public static final String EXPLAINER_BATCH_MAX_SIZE_CONFIG = "explainer.batch.max.size";
  private static final String EXPLAINER_BATCH_MAX_SIZE_DOC = "Most explain requests in one micro-batch.";
  public static final String EXPLAINER_BATCH_LINGER_MS_CONFIG = "explainer.batch.linger.ms";
  private static final String EXPLAINER_BATCH_LINGER_MS_DOC =
      "Longest a request waits for its micro-batch to fill before the batch runs anyway.";
  public static final String EXPLAINER_DEVICES_CONFIG = "explainer.devices";
  private static final String EXPLAINER_DEVICES_DOC = "Devices predictors run on: cpu, gpu:0, gpu:1, ...";
  public static final String EXPLAINER_POOL_SIZE_PER_DEVICE_CONFIG = "explainer.pool.size.per.device";
  private static final String EXPLAINER_POOL_SIZE_PER_DEVICE_DOC = "Predictors (worker threads) per device.";
  public static final String EXPLAINER_ENGINE_CONFIG = "explainer.engine";
  private static final String EXPLAINER_ENGINE_DOC = "Inference engine for every model, overriding the model specs:"
      + " onnxruntime (compiled explain graphs; fails if a graph does not verify) or paddle; empty: each spec's"
      + " engine, else ONNX Runtime for a program whose compiled graph verifies against Paddle, else Paddle.";

  public static final String EXPLAINER_WORKERS_PER_DEVICE_CONFIG = "explainer.workers.per.device";
  private static final String EXPLAINER_WORKERS_PER_DEVICE_DOC =
      "Engine worker processes per device that the explainer role starts and supervises; 0 runs the engine inside "
          + "the role's JVM (a native abort then takes the role down).";
  public static final String EXPLAINER_WORKER_HEAP_MB_CONFIG = "explainer.worker.heap.mb";
  private static final String EXPLAINER_WORKER_HEAP_MB_DOC = "Java heap of each engine worker process, in MiB.";
  public static final String EXPLAINER_DEADLINE_FACTOR_CONFIG = "explainer.deadline.factor";
  private static final String EXPLAINER_DEADLINE_FACTOR_DOC =
      "A batch's deadline is this factor x the measured time per image x its images; a worker that misses it is "
          + "killed and restarted.";
  public static final String EXPLAINER_DEADLINE_MIN_MS_CONFIG = "explainer.deadline.min.ms";
  private static final String EXPLAINER_DEADLINE_MIN_MS_DOC = "The shortest deadline any batch gets.";
  public static final String EXPLAINER_INSTANCE_ID_CONFIG = "explainer.instance.id";
  private static final String EXPLAINER_INSTANCE_ID_DOC =
      "Static group membership (group.instance.id) of this explainer instance, e.g. the StatefulSet pod name, so a "
          + "restarted instance takes its partitions back without a rebalance; empty uses dynamic membership.";
  public static final String EXPLAINER_LIVENESS_DEADLINES_CONFIG = "explainer.liveness.deadlines";
  private static final String EXPLAINER_LIVENESS_DEADLINES_DOC =
      "/health reports the explainer DOWN when requests are pending and no batch has finished for this many "
          + "deadlines.";

  public static final String ARTIFACTS_DIR_CONFIG = "artifacts.dir";
  private static final String ARTIFACTS_DIR_DOC = "Where overlays and heatmaps are written; empty means <data.dir>/artifacts.";
  public static final String ARTIFACTS_RETENTION_HOURS_CONFIG = "artifacts.retention.hours";
  private static final String ARTIFACTS_RETENTION_HOURS_DOC =
      "Artifacts older than this are deleted; -1 keeps them forever.";

  public static final String METRICS_PORT_CONFIG = "metrics.port";
  private static final String METRICS_PORT_DOC =
      "Port of the /metrics (Prometheus) and /health endpoints; 0 picks a free port, -1 disables them.";
  public static final String REVIEW_PORT_CONFIG = "review.port";
  private static final String REVIEW_PORT_DOC = "Port of the review UI; 0 picks a free port.";
  public static final String REVIEW_TOKEN_CONFIG = "review.token";
  private static final String REVIEW_TOKEN_DOC =
      "Token every review UI request needs (Bearer header, basic-auth password or the login page's cookie); empty "
          + "generates a random one at start and logs it once.";

  public static final String ATTENTION_OUTSIDE_ROI_THRESHOLD_CONFIG = "attention.outside.roi.threshold";
  private static final String ATTENTION_OUTSIDE_ROI_THRESHOLD_DOC =
      "Alert when a window's share of heat outside the line's ROI is above this.";
  public static final String ATTENTION_DRIFT_THRESHOLD_CONFIG = "attention.drift.threshold";
  private static final String ATTENTION_DRIFT_THRESHOLD_DOC =
      "Alert when a window's heat centroid moved farther than this (fraction of the image) from the previous window's.";
  public static final String ATTENTION_MIN_REVIEWS_CONFIG = "attention.min.reviews";
  private static final String ATTENTION_MIN_REVIEWS_DOC = "Windows with fewer reviews are shown but never alert.";
  public static final String ATTENTION_GRACE_MINUTES_CONFIG = "attention.grace.minutes";
  private static final String ATTENTION_GRACE_MINUTES_DOC =
      "How long after its end an attention window still accepts late reviews before it is final and may alert.";
  public static final String ATTENTION_GRID_SIZE_CONFIG = "attention.grid.size";
  private static final String ATTENTION_GRID_SIZE_DOC =
      "Side of the square grid every heat map is resampled to for the attention statistics.";

  public static final String EVENT_MAX_BYTES_CONFIG = "event.max.bytes";
  private static final String EVENT_MAX_BYTES_DOC =
      "Largest inference event record (value, key and headers) the router takes; larger ones are dead-lettered as "
          + "EVENT_TOO_LARGE. The events topic camstream creates gets max.message.bytes = this + 64 KiB. Must hold "
          + "a data: image of image.data.max.bytes (base64, 4/3 of it) plus 64 KiB of JSON.";
  public static final String HEALTH_STALL_SECONDS_CONFIG = "health.stall.seconds";
  private static final String HEALTH_STALL_SECONDS_DOC =
      "/health reports a role DOWN when one of its input partitions has records waiting and its committed offset "
          + "has not moved for this long (a stuck partition); 0 turns the check off.";
  public static final String REVIEW_ACCOUNTS_FILE_CONFIG = "review.accounts.file";
  private static final String REVIEW_ACCOUNTS_FILE_DOC = "Reviewer accounts (name:role:pbkdf2-sha256:iterations:salt:"
      + "hash a line; `camstream review-account` writes one), e.g. a mounted Kubernetes secret; empty: token mode.";
  public static final String REVIEW_PROXY_IDENTITY_HEADER_CONFIG = "review.proxy.identity.header";
  private static final String REVIEW_PROXY_IDENTITY_HEADER_DOC = "Header an SSO reverse proxy names the reviewer in "
      + "(e.g. X-Forwarded-User); empty: off. Trusted only from review.proxy.addresses.";
  public static final String REVIEW_PROXY_ADDRESSES_CONFIG = "review.proxy.addresses";
  private static final String REVIEW_PROXY_ADDRESSES_DOC = "Client IP addresses of the SSO proxy.";
  public static final String REVIEW_SESSION_SECRET_FILE_CONFIG = "review.session.secret.file";
  private static final String REVIEW_SESSION_SECRET_FILE_DOC = "File whose content (16 bytes or more, e.g. a mounted "
      + "Kubernetes secret) signs the review UI's session cookies, so logins survive restarts and hold across "
      + "replicas; empty: token mode derives the key from review.token, accounts mode draws one per process.";
  public static final String REVIEW_SESSION_HOURS_CONFIG = "review.session.hours";
  private static final String REVIEW_SESSION_HOURS_DOC = "Lifetime of a review UI login (session cookie).";
  public static final String REVIEW_AUTH_FAILURES_PER_MINUTE_CONFIG = "review.auth.failures.per.minute";
  private static final String REVIEW_AUTH_FAILURES_PER_MINUTE_DOC =
      "Failed logins or credential checks per client address and minute before the review UI answers 429.";
  public static final String REVIEW_MAX_CONNECTIONS_CONFIG = "review.max.connections";
  private static final String REVIEW_MAX_CONNECTIONS_DOC = "Open connections the review UI accepts at most.";
  public static final String REVIEW_IDLE_TIMEOUT_MS_CONFIG = "review.idle.timeout.ms";
  private static final String REVIEW_IDLE_TIMEOUT_MS_DOC =
      "A review UI connection silent this long (unfinished headers or body included) is closed.";
  public static final String REVIEW_LIVE_DEBOUNCE_MS_CONFIG = "review.live.debounce.ms";
  private static final String REVIEW_LIVE_DEBOUNCE_MS_DOC =
      "Live queue updates (SSE) go out at most once per this period, however many reviews arrive.";
  public static final String REVIEW_TLS_KEYSTORE_CONFIG = "review.tls.keystore";
  private static final String REVIEW_TLS_KEYSTORE_DOC = "PKCS12 keystore to serve the review UI over HTTPS; empty: HTTP.";
  public static final String REVIEW_TLS_KEYSTORE_PASSWORD_CONFIG = "review.tls.keystore.password";
  private static final String REVIEW_TLS_KEYSTORE_PASSWORD_DOC = "Password of review.tls.keystore.";

  public static final String IMAGE_S3_ENDPOINT_CONFIG = "image.s3.endpoint";
  private static final String IMAGE_S3_ENDPOINT_DOC =
      "Endpoint of an S3-compatible store (http(s)://host:port) for s3: image URIs; empty uses AWS S3 of "
          + "image.s3.region. Credentials come from the AWS SDK's default chain (AWS_ACCESS_KEY_ID/"
          + "AWS_SECRET_ACCESS_KEY, profile, web identity, container or instance role).";
  public static final String IMAGE_S3_REGION_CONFIG = "image.s3.region";
  private static final String IMAGE_S3_REGION_DOC = "Region used to sign s3: image requests.";
  public static final String IMAGE_S3_PATH_STYLE_CONFIG = "image.s3.path.style";
  private static final String IMAGE_S3_PATH_STYLE_DOC =
      "Address buckets as endpoint/bucket/key (most S3-compatible stores) instead of bucket.endpoint/key.";

  private static final ConfigDef CONFIG = new ConfigDef()
      .define(BOOTSTRAP_SERVERS_CONFIG, Type.STRING, "", Importance.HIGH, BOOTSTRAP_SERVERS_DOC)
      .define(DATA_DIR_CONFIG, Type.STRING, "./camstream-data", new ConfigDef.NonEmptyString(), Importance.HIGH,
          DATA_DIR_DOC)
      .define(MODELS_DIR_CONFIG, Type.STRING, "models", new ConfigDef.NonEmptyString(), Importance.HIGH,
          MODELS_DIR_DOC)
      .define(POLICY_FILE_CONFIG, Type.STRING, "", Importance.HIGH, POLICY_FILE_DOC)
      .define(TOPIC_EVENTS_CONFIG, Type.STRING, "inspection.inference-events",
          new ConfigDef.NonEmptyString(), Importance.HIGH, TOPIC_EVENTS_DOC)
      .define(TOPIC_REQUESTS_CONFIG, Type.STRING, "camstream.explain-requests", new ConfigDef.NonEmptyString(),
          Importance.MEDIUM, TOPIC_REQUESTS_DOC)
      .define(TOPIC_REVIEWS_CONFIG, Type.STRING, "camstream.reviews", new ConfigDef.NonEmptyString(),
          Importance.HIGH, TOPIC_REVIEWS_DOC)
      .define(TOPIC_DLQ_CONFIG, Type.STRING, "camstream.dlq", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
          TOPIC_DLQ_DOC)
      .define(TOPIC_POLICIES_CONFIG, Type.STRING, "camstream.policies", new ConfigDef.NonEmptyString(),
          Importance.MEDIUM, TOPIC_POLICIES_DOC)
      .define(TOPIC_DECISIONS_CONFIG, Type.STRING, "camstream.review-decisions", new ConfigDef.NonEmptyString(),
          Importance.MEDIUM, TOPIC_DECISIONS_DOC)
      .define(TOPIC_ALERTS_CONFIG, Type.STRING, "camstream.alerts", new ConfigDef.NonEmptyString(),
          Importance.MEDIUM, TOPIC_ALERTS_DOC)
      .define(TOPIC_PARTITIONS_CONFIG, Type.INT, 4, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
          TOPIC_PARTITIONS_DOC)
      .define(TOPIC_REPLICATION_FACTOR_CONFIG, Type.SHORT, (short) 1, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
          TOPIC_REPLICATION_FACTOR_DOC)
      .define(TOPIC_RETENTION_HOURS_CONFIG, Type.LONG, 168L, ConfigDef.Range.atLeast(-1), Importance.MEDIUM,
          TOPIC_RETENTION_HOURS_DOC)
      .define(ROUTER_APPLICATION_ID_CONFIG, Type.STRING, "camstream-router", new ConfigDef.NonEmptyString(),
          Importance.LOW, ROUTER_APPLICATION_ID_DOC)
      .define(EXPLAINER_APPLICATION_ID_CONFIG, Type.STRING, "camstream-explainer", new ConfigDef.NonEmptyString(),
          Importance.LOW, EXPLAINER_APPLICATION_ID_DOC)
      .define(REVIEW_APPLICATION_ID_CONFIG, Type.STRING, "camstream-review", new ConfigDef.NonEmptyString(),
          Importance.LOW, REVIEW_APPLICATION_ID_DOC)
      .define(IMAGE_URI_SCHEMES_CONFIG, Type.LIST, List.of("file", "http", "https", "s3", "data"),
          ConfigDef.ValidList.in("file", "http", "https", "s3", "data"), Importance.HIGH, IMAGE_URI_SCHEMES_DOC)
      .define(IMAGE_FILE_ROOTS_CONFIG, Type.LIST, List.of(), Importance.HIGH, IMAGE_FILE_ROOTS_DOC)
      .define(IMAGE_HTTP_HOSTS_CONFIG, Type.LIST, List.of(), Importance.HIGH, IMAGE_HTTP_HOSTS_DOC)
      .define(IMAGE_S3_BUCKETS_CONFIG, Type.LIST, List.of(), Importance.MEDIUM, IMAGE_S3_BUCKETS_DOC)
      .define(IMAGE_DATA_MAX_BYTES_CONFIG, Type.INT, 8 * 1024 * 1024, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
          IMAGE_DATA_MAX_BYTES_DOC)
      .define(IMAGE_MAX_PIXELS_CONFIG, Type.LONG, 40_000_000L, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
          IMAGE_MAX_PIXELS_DOC)
      .define(EXPLAINER_BATCH_MAX_SIZE_CONFIG, Type.INT, 8, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
          EXPLAINER_BATCH_MAX_SIZE_DOC)
      .define(EXPLAINER_BATCH_LINGER_MS_CONFIG, Type.LONG, 50L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
          EXPLAINER_BATCH_LINGER_MS_DOC)
      .define(EXPLAINER_DEVICES_CONFIG, Type.LIST, List.of("cpu"), new DeviceListValidator(), Importance.HIGH,
          EXPLAINER_DEVICES_DOC)
      .define(EXPLAINER_POOL_SIZE_PER_DEVICE_CONFIG, Type.INT, 1, ConfigDef.Range.atLeast(1), Importance.HIGH,
          EXPLAINER_POOL_SIZE_PER_DEVICE_DOC)
      .define(ARTIFACTS_DIR_CONFIG, Type.STRING, "", Importance.MEDIUM, ARTIFACTS_DIR_DOC)
      .define(ARTIFACTS_RETENTION_HOURS_CONFIG, Type.LONG, 168L, ConfigDef.Range.atLeast(-1), Importance.MEDIUM,
          ARTIFACTS_RETENTION_HOURS_DOC)
      .define(METRICS_PORT_CONFIG, Type.INT, 9400, ConfigDef.Range.between(-1, 65535), Importance.LOW,
          METRICS_PORT_DOC)
      .define(REVIEW_PORT_CONFIG, Type.INT, 8088, ConfigDef.Range.between(0, 65535), Importance.LOW, REVIEW_PORT_DOC)
      .define(REVIEW_TOKEN_CONFIG, Type.PASSWORD, "", Importance.MEDIUM, REVIEW_TOKEN_DOC)
      .define(ATTENTION_OUTSIDE_ROI_THRESHOLD_CONFIG, Type.DOUBLE, 0.5, ConfigDef.Range.between(0, 1),
          Importance.MEDIUM, ATTENTION_OUTSIDE_ROI_THRESHOLD_DOC)
      .define(ATTENTION_DRIFT_THRESHOLD_CONFIG, Type.DOUBLE, 0.25, ConfigDef.Range.between(0, 2), Importance.MEDIUM,
          ATTENTION_DRIFT_THRESHOLD_DOC)
      .define(ATTENTION_MIN_REVIEWS_CONFIG, Type.INT, 5, ConfigDef.Range.atLeast(1), Importance.LOW,
          ATTENTION_MIN_REVIEWS_DOC)
      .define(ATTENTION_GRACE_MINUTES_CONFIG, Type.LONG, 10L, ConfigDef.Range.between(0, 24 * 60), Importance.LOW,
          ATTENTION_GRACE_MINUTES_DOC)
      .define(ATTENTION_GRID_SIZE_CONFIG, Type.INT, 16, ConfigDef.Range.between(2, 64), Importance.LOW,
          ATTENTION_GRID_SIZE_DOC)
      .define(EVENT_MAX_BYTES_CONFIG, Type.INT, 12 * 1024 * 1024, ConfigDef.Range.between(64 * 1024, 1 << 30),
          Importance.MEDIUM, EVENT_MAX_BYTES_DOC)
      .define(HEALTH_STALL_SECONDS_CONFIG, Type.LONG, 300L, ConfigDef.Range.atLeast(0), Importance.LOW,
          HEALTH_STALL_SECONDS_DOC)
      .define(REVIEW_ACCOUNTS_FILE_CONFIG, Type.STRING, "", Importance.HIGH, REVIEW_ACCOUNTS_FILE_DOC)
      .define(REVIEW_PROXY_IDENTITY_HEADER_CONFIG, Type.STRING, "", Importance.MEDIUM,
          REVIEW_PROXY_IDENTITY_HEADER_DOC)
      .define(REVIEW_PROXY_ADDRESSES_CONFIG, Type.LIST, List.of(), Importance.MEDIUM, REVIEW_PROXY_ADDRESSES_DOC)
      .define(REVIEW_SESSION_SECRET_FILE_CONFIG, Type.STRING, "", Importance.MEDIUM, REVIEW_SESSION_SECRET_FILE_DOC)
      .define(REVIEW_SESSION_HOURS_CONFIG, Type.LONG, 12L, ConfigDef.Range.between(1, 24 * 30), Importance.LOW,
          REVIEW_SESSION_HOURS_DOC)
      .define(REVIEW_AUTH_FAILURES_PER_MINUTE_CONFIG, Type.INT, 10, ConfigDef.Range.atLeast(1), Importance.LOW,
          REVIEW_AUTH_FAILURES_PER_MINUTE_DOC)
      .define(REVIEW_MAX_CONNECTIONS_CONFIG, Type.INT, 1024, ConfigDef.Range.atLeast(8), Importance.LOW,
          REVIEW_MAX_CONNECTIONS_DOC)
      .define(REVIEW_IDLE_TIMEOUT_MS_CONFIG, Type.LONG, 30_000L, ConfigDef.Range.atLeast(1000), Importance.LOW,
          REVIEW_IDLE_TIMEOUT_MS_DOC)
      .define(REVIEW_LIVE_DEBOUNCE_MS_CONFIG, Type.LONG, 1000L, ConfigDef.Range.between(50, 60_000), Importance.LOW,
          REVIEW_LIVE_DEBOUNCE_MS_DOC)
      .define(REVIEW_TLS_KEYSTORE_CONFIG, Type.STRING, "", Importance.MEDIUM, REVIEW_TLS_KEYSTORE_DOC)
      .define(REVIEW_TLS_KEYSTORE_PASSWORD_CONFIG, Type.PASSWORD, "", Importance.MEDIUM,
          REVIEW_TLS_KEYSTORE_PASSWORD_DOC)
      .define(EXPLAINER_WORKERS_PER_DEVICE_CONFIG, Type.INT, 1, ConfigDef.Range.atLeast(0), Importance.HIGH,
          EXPLAINER_WORKERS_PER_DEVICE_DOC)
      .define(EXPLAINER_WORKER_HEAP_MB_CONFIG, Type.INT, 1536, ConfigDef.Range.atLeast(256), Importance.MEDIUM,
          EXPLAINER_WORKER_HEAP_MB_DOC)
      .define(EXPLAINER_DEADLINE_FACTOR_CONFIG, Type.DOUBLE, 8.0, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
          EXPLAINER_DEADLINE_FACTOR_DOC)
      .define(EXPLAINER_DEADLINE_MIN_MS_CONFIG, Type.LONG, 10_000L, ConfigDef.Range.atLeast(100), Importance.MEDIUM,
          EXPLAINER_DEADLINE_MIN_MS_DOC)
      .define(EXPLAINER_INSTANCE_ID_CONFIG, Type.STRING, "", Importance.MEDIUM, EXPLAINER_INSTANCE_ID_DOC)
      .define(EXPLAINER_LIVENESS_DEADLINES_CONFIG, Type.INT, 5, ConfigDef.Range.atLeast(1), Importance.LOW,
          EXPLAINER_LIVENESS_DEADLINES_DOC)
      .define(EXPLAINER_ENGINE_CONFIG, Type.STRING, "", ConfigDef.ValidString.in("", "onnxruntime", "paddle"),
          Importance.MEDIUM, EXPLAINER_ENGINE_DOC)
      .define(IMAGE_S3_ENDPOINT_CONFIG, Type.STRING, "", Importance.MEDIUM, IMAGE_S3_ENDPOINT_DOC)
      .define(IMAGE_S3_REGION_CONFIG, Type.STRING, "us-east-1", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
          IMAGE_S3_REGION_DOC)
      .define(IMAGE_S3_PATH_STYLE_CONFIG, Type.BOOLEAN, false, Importance.LOW, IMAGE_S3_PATH_STYLE_DOC);


  /** Room an event needs beside its data: image (JSON fields, key, headers, record and batch overhead). */
  public static final int EVENT_OVERHEAD_BYTES = 64 * 1024;

  /** Builds a config from raw key/value pairs (strings or typed values); throws ConfigException when invalid. */
  public CamstreamConfig(Map<?, ?> props) {
    super(CONFIG, props, false);
    for (Object key : props.keySet()) {
      String k = String.valueOf(key);
      if (!CONFIG.names().contains(k) && !k.startsWith(STREAMS_PREFIX) && !k.startsWith(KAFKA_PREFIX)) {
        throw new org.apache.kafka.common.config.ConfigException(
            "unknown config key '" + k + "' (run `camstream config` for the list)");
      }
    }
    // A data: image as large as image.data.max.bytes must fit in an event, or camstream's own default limits
    // would refuse what its own allow-list accepts.
    long dataEvent = (getInt(IMAGE_DATA_MAX_BYTES_CONFIG) + 2L) / 3 * 4 + EVENT_OVERHEAD_BYTES;
    if (dataEvent > getInt(EVENT_MAX_BYTES_CONFIG)) {
      throw new org.apache.kafka.common.config.ConfigException(EVENT_MAX_BYTES_CONFIG, getInt(EVENT_MAX_BYTES_CONFIG),
          "must be at least " + dataEvent + " so that a data: image of image.data.max.bytes="
              + getInt(IMAGE_DATA_MAX_BYTES_CONFIG) + " (base64) fits in an event");
    }
  }

  /** All defaults; what tests and {@code camstream config} start from. */
  public static CamstreamConfig defaults() {
    return new CamstreamConfig(Map.of());
  }

  /** The declared keys, for documentation and env-variable lookup. */
  public static ConfigDef configDef() {
    return CONFIG;
  }

  /** A copy with some keys replaced, e.g. bootstrap.servers once the embedded broker is up. */
  public CamstreamConfig with(Map<String, ?> overrides) {
    Map<String, Object> merged = new HashMap<>(originals());
    merged.putAll(overrides);
    return new CamstreamConfig(merged);
  }

  /** A copy with one key replaced. */
  public CamstreamConfig with(String key, Object value) {
    return with(Map.of(key, value));
  }

  public String bootstrapServers() {
    return getString(BOOTSTRAP_SERVERS_CONFIG).trim();
  }

  /** True when no brokers are configured and camstream should start its own. */
  public boolean embeddedBroker() {
    return bootstrapServers().isEmpty();
  }

  public Path dataDir() {
    return Path.of(getString(DATA_DIR_CONFIG));
  }

  public TopicNames topics() {
    return new TopicNames(getString(TOPIC_EVENTS_CONFIG), getString(TOPIC_REQUESTS_CONFIG),
        getString(TOPIC_REVIEWS_CONFIG), getString(TOPIC_DLQ_CONFIG), getString(TOPIC_POLICIES_CONFIG),
        getString(TOPIC_DECISIONS_CONFIG), getString(TOPIC_ALERTS_CONFIG));
  }

  public int topicPartitions() {
    return getInt(TOPIC_PARTITIONS_CONFIG);
  }

  public short topicReplicationFactor() {
    return getShort(TOPIC_REPLICATION_FACTOR_CONFIG);
  }

  public long topicRetentionHours() {
    return getLong(TOPIC_RETENTION_HOURS_CONFIG);
  }

  public String routerApplicationId() {
    return getString(ROUTER_APPLICATION_ID_CONFIG);
  }

  public String explainerApplicationId() {
    return getString(EXPLAINER_APPLICATION_ID_CONFIG);
  }

  public String reviewApplicationId() {
    return getString(REVIEW_APPLICATION_ID_CONFIG);
  }

  /** The model specs folder; a relative default such as {@code models} also resolves against the project root. */
  public Path modelsDir() {
    return io.camstream.io.SharedDir.inProject(Path.of(getString(MODELS_DIR_CONFIG)));
  }

  /** The policy defaults file, or null for the built-in defaults. */
  public Path policyFile() {
    String f = getString(POLICY_FILE_CONFIG).trim();
    return f.isEmpty() ? null : Path.of(f);
  }

  public List<String> imageUriSchemes() {
    return getList(IMAGE_URI_SCHEMES_CONFIG);
  }

  public List<Path> imageFileRoots() {
    return getList(IMAGE_FILE_ROOTS_CONFIG).stream().filter(s -> !s.isBlank()).map(Path::of).toList();
  }

  public List<String> imageHttpHosts() {
    return getList(IMAGE_HTTP_HOSTS_CONFIG).stream().filter(s -> !s.isBlank()).toList();
  }

  public List<String> imageS3Buckets() {
    return getList(IMAGE_S3_BUCKETS_CONFIG).stream().filter(s -> !s.isBlank()).toList();
  }

  public int imageDataMaxBytes() {
    return getInt(IMAGE_DATA_MAX_BYTES_CONFIG);
  }

  public long imageMaxPixels() {
    return getLong(IMAGE_MAX_PIXELS_CONFIG);
  }

  public int explainerBatchMaxSize() {
    return getInt(EXPLAINER_BATCH_MAX_SIZE_CONFIG);
  }

  public long explainerBatchLingerMs() {
    return getLong(EXPLAINER_BATCH_LINGER_MS_CONFIG);
  }

  /** {@code onnxruntime}, {@code paddle}, or null: each spec's choice, else automatic. */
  public String explainerEngine() {
    String e = getString(EXPLAINER_ENGINE_CONFIG).trim();
    return e.isEmpty() ? null : e;
  }

  public List<String> explainerDevices() {
    return getList(EXPLAINER_DEVICES_CONFIG);
  }

  public int explainerPoolSizePerDevice() {
    return getInt(EXPLAINER_POOL_SIZE_PER_DEVICE_CONFIG);
  }

  public int explainerWorkersPerDevice() {
    return getInt(EXPLAINER_WORKERS_PER_DEVICE_CONFIG);
  }

  public int explainerWorkerHeapMb() {
    return getInt(EXPLAINER_WORKER_HEAP_MB_CONFIG);
  }

  public double explainerDeadlineFactor() {
    return getDouble(EXPLAINER_DEADLINE_FACTOR_CONFIG);
  }

  public long explainerDeadlineMinMs() {
    return getLong(EXPLAINER_DEADLINE_MIN_MS_CONFIG);
  }

  /** The explainer's {@code group.instance.id}, or empty for dynamic membership. */
  public String explainerInstanceId() {
    return getString(EXPLAINER_INSTANCE_ID_CONFIG).trim();
  }

  public int explainerLivenessDeadlines() {
    return getInt(EXPLAINER_LIVENESS_DEADLINES_CONFIG);
  }

  /** The artifact directory, {@code <data.dir>/artifacts} unless set. */
  public Path artifactsDir() {
    String d = getString(ARTIFACTS_DIR_CONFIG).trim();
    return d.isEmpty() ? dataDir().resolve("artifacts") : Path.of(d);
  }

  public long artifactsRetentionHours() {
    return getLong(ARTIFACTS_RETENTION_HOURS_CONFIG);
  }

  public int metricsPort() {
    return getInt(METRICS_PORT_CONFIG);
  }

  public int reviewPort() {
    return getInt(REVIEW_PORT_CONFIG);
  }

  /** The review token, or empty when none is required. */
  public String reviewToken() {
    Password p = getPassword(REVIEW_TOKEN_CONFIG);
    return p == null ? "" : p.value();
  }

  /** The s3: image store's endpoint, or empty for AWS S3. */
  public String imageS3Endpoint() {
    return getString(IMAGE_S3_ENDPOINT_CONFIG).trim();
  }

  public String imageS3Region() {
    return getString(IMAGE_S3_REGION_CONFIG).trim();
  }

  public boolean imageS3PathStyle() {
    return getBoolean(IMAGE_S3_PATH_STYLE_CONFIG);
  }

  /**
   * The roles' producer {@code max.request.size}: 1 MiB (see {@link #streamsProperties}) unless a
   * {@code streams.producer.max.request.size} or {@code streams.max.request.size} passthrough changes it. The router
   * keeps its requests below it: under exactly-once a record the producer refuses aborts the whole transaction.
   */
  public int producerMaxRequestSize() {
    Map<String, Object> s = originalsWithPrefix(STREAMS_PREFIX);
    Object v = s.getOrDefault("producer.max.request.size", s.get("max.request.size"));
    return v == null ? 1024 * 1024 : Integer.parseInt(v.toString().trim());
  }

  /** Largest inference event record the router takes ({@code event.max.bytes}). */
  public int eventMaxBytes() {
    return getInt(EVENT_MAX_BYTES_CONFIG);
  }

  /** How long a partition may sit with waiting records and no progress before /health says DOWN; 0 = never. */
  public java.time.Duration healthStall() {
    return java.time.Duration.ofSeconds(getLong(HEALTH_STALL_SECONDS_CONFIG));
  }

  /** Settings for any Kafka client: bootstrap servers plus every {@code kafka.*} passthrough. */
  public Properties kafkaClientProperties() {
    if (embeddedBroker()) {
      throw new IllegalStateException("bootstrap.servers is empty: start the embedded broker first");
    }
    Properties p = new Properties();
    p.putAll(originalsWithPrefix(KAFKA_PREFIX));
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return p;
  }

  /**
   * Kafka Streams settings for one role: exactly-once v2, state under {@code <data.dir>/streams}, then every
   * {@code streams.*} passthrough (which may override anything but the application id).
   */
  public Properties streamsProperties(String applicationId) {
    Properties p = kafkaClientProperties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, dataDir().resolve("streams").toAbsolutePath().toString());
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) topicReplicationFactor());
    // Every record a role writes is at most io.camstream.kafka.Topics.OWN_RECORD_MAX_BYTES (1 MiB), the topics'
    // max.message.bytes; stated here so the producer's limit and the topics' cannot drift apart.
    p.put(StreamsConfig.producerPrefix(org.apache.kafka.clients.producer.ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        1024 * 1024);
    p.putAll(originalsWithPrefix(STREAMS_PREFIX));
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    return p;
  }

  /** The table of keys, types, defaults and docs that {@code camstream config} prints. */
  public static List<ConfigDef.ConfigKey> keys() {
    return CONFIG.configKeys().values().stream().toList();
  }

  /** Topic names in one value, so roles take what they need without string keys. */
  public record TopicNames(
      String events, String requests, String reviews, String dlq, String policies, String decisions,
      String alerts) {

    /** Every topic camstream uses, in a stable order. */
    public List<String> all() {
      return List.of(events, requests, reviews, dlq, policies, decisions, alerts);
    }
  }

  /** Accepts {@code cpu} and {@code gpu:N}. */
  private static final class DeviceListValidator implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      @SuppressWarnings("unchecked")
      List<String> devices = (List<String>) value;
      if (devices == null || devices.isEmpty()) {
        throw new org.apache.kafka.common.config.ConfigException(name, value, "at least one device is required");
      }
      for (String d : devices) {
        if (!d.equals("cpu") && !d.matches("gpu:\\d+")) {
          throw new org.apache.kafka.common.config.ConfigException(name, value,
              "devices are cpu or gpu:N, got '" + d + "'");
        }
      }
    }

    @Override
    public String toString() {
      return "cpu, gpu:0, gpu:1, ...";
    }
  }
}
