package io.github.dysession.config;

import io.github.dysession.config.DysessionSettings.LoggingType;
import io.github.dysession.config.DysessionSettings.LoginLimitPolicy;
import io.github.dysession.config.DysessionSettings.SecureMode;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every dysession configuration key, each declared once with its default and its parser, in
 * documentation order (django-dysession's eight first). {@link DysessionSettings#from} reads them
 * and checks what depends on several keys; README's configuration table lists them (a test checks
 * that it lists each with its environment variable).
 */
public final class SettingKeys {

  private static final List<SettingKey<?>> ALL = new ArrayList<>();

  /** A DynamoDB table name, as DynamoDB requires. */
  static final Pattern TABLE_NAME_PATTERN = Pattern.compile("[A-Za-z0-9_.-]{3,255}");

  /** An AWS region code. */
  static final Pattern REGION_PATTERN = Pattern.compile("[a-z]{2}(-[a-z0-9]+)+-\\d+");

  /** A cookie name: an RFC 2616 token, as RFC 6265 asks. */
  public static final Pattern TOKEN_PATTERN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");

  /** A partition key prefix: printable ASCII without spaces. */
  static final Pattern KEY_PREFIX_PATTERN = Pattern.compile("[\\x21-\\x7e]{0,64}");

  /** A cookie path: starts with '/', without ';', spaces or control characters. */
  public static final Pattern COOKIE_PATH_PATTERN = Pattern.compile("/[\\x21-\\x3a\\x3c-\\x7e]*");

  /** A cookie domain: a host name, with an optional leading dot. */
  public static final Pattern DOMAIN_PATTERN =
      Pattern.compile("\\.?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");

  public static final SettingKey<String> TABLE_NAME =
      key(
          "dysession.dynamodb-tablename",
          "sessions",
          (r, k) ->
              r.matching(
                  k,
                  TABLE_NAME_PATTERN,
                  "use 3 to 255 characters from A-Z, a-z, 0-9, '_', '-' and '.', as DynamoDB"
                      + " requires"));
  public static final SettingKey<String> PARTITION_KEY_NAME =
      key("dysession.partition-key-name", "PK", SettingsReader::attributeName);
  public static final SettingKey<String> SORT_KEY_NAME =
      key("dysession.sort-key-name", "SK", SettingsReader::attributeName);
  public static final SettingKey<String> TTL_ATTRIBUTE_NAME =
      key("dysession.ttl-attribute-name", "ttl", SettingsReader::attributeName);
  public static final SettingKey<Long> CACHE_PERIOD =
      key(
          "dysession.cache-period",
          "3600",
          (r, k) -> r.longInRange(k, 1, Integer.MAX_VALUE, "seconds"));
  public static final SettingKey<String> REGION =
      key(
          "dysession.dynamodb-region",
          "ap-northeast-1",
          (r, k) ->
              r.matching(
                  k, REGION_PATTERN, "use an AWS region code such as ap-northeast-1 or us-east-1"));
  public static final SettingKey<LoggingType> LOGGING_TYPE =
      key("dysession.logging.type", "CONSOLE", (r, k) -> r.enumValue(k, LoggingType.class));
  public static final SettingKey<String> LOGGING_FILE_PATH =
      key(
          "dysession.logging.file-path",
          "session.log",
          (r, k) -> r.nonBlank(k, "give a file path such as session.log"));
  public static final SettingKey<URI> ENDPOINT =
      key("dysession.dynamodb-endpoint", "", SettingsReader::endpoint);
  public static final SettingKey<Boolean> CREATE_TABLE =
      key("dysession.create-table", "false", SettingsReader::bool);
  public static final SettingKey<String> COOKIE_NAME =
      key(
          "dysession.cookie.name",
          "DYSESSION",
          (r, k) ->
              r.matching(
                  k,
                  TOKEN_PATTERN,
                  "use a cookie name of letters, digits and !#$%&'*+-.^_`|~ only (RFC 6265)"));
  public static final SettingKey<Boolean> ENABLED =
      key("dysession.enabled", "true", SettingsReader::bool);
  public static final SettingKey<Long> TOUCH_INTERVAL =
      key(
          "dysession.touch-interval",
          "60",
          (r, k) -> r.longInRange(k, 0, Integer.MAX_VALUE, "seconds"));
  public static final SettingKey<Boolean> CONSISTENT_READS =
      key("dysession.consistent-reads", "true", SettingsReader::bool);
  public static final SettingKey<String> KEY_PREFIX =
      key(
          "dysession.key-prefix",
          "",
          (r, k) ->
              r.matching(
                  k,
                  KEY_PREFIX_PATTERN,
                  "use at most 64 printable ASCII characters without spaces, for example myapp#"));
  public static final SettingKey<Long> MAX_SESSION_BYTES =
      key(
          "dysession.max-session-bytes",
          String.valueOf(DysessionSettings.DYNAMODB_ITEM_LIMIT),
          (r, k) -> r.longInRange(k, 1024, DysessionSettings.DYNAMODB_ITEM_LIMIT, "bytes"));
  public static final SettingKey<Long> API_CALL_TIMEOUT =
      key(
          "dysession.api-call-timeout-ms",
          "5000",
          (r, k) -> r.longInRange(k, 1, 600_000, "milliseconds"));
  public static final SettingKey<Long> API_CALL_ATTEMPT_TIMEOUT =
      key(
          "dysession.api-call-attempt-timeout-ms",
          "2000",
          (r, k) -> r.longInRange(k, 1, 600_000, "milliseconds"));
  public static final SettingKey<Long> MAX_RETRIES =
      key("dysession.max-retries", "3", (r, k) -> r.longInRange(k, 0, 20, "retries"));
  public static final SettingKey<List<String>> ALLOWED_CLASSES =
      key("dysession.serialization.allowed-classes", "", SettingsReader::patterns);
  public static final SettingKey<SecureMode> COOKIE_SECURE =
      key("dysession.cookie.secure", "AUTO", (r, k) -> r.enumValue(k, SecureMode.class));
  public static final SettingKey<String> COOKIE_SAME_SITE =
      key("dysession.cookie.same-site", "Lax", SettingsReader::sameSite);
  public static final SettingKey<String> COOKIE_DOMAIN =
      key(
          "dysession.cookie.domain",
          "",
          (r, k) ->
              r.optionalMatching(
                  k,
                  DOMAIN_PATTERN,
                  "use a host name such as example.com, or leave it unset for a host-only cookie"));
  public static final SettingKey<String> COOKIE_PATH =
      key(
          "dysession.cookie.path",
          "",
          (r, k) ->
              r.optionalMatching(
                  k,
                  COOKIE_PATH_PATTERN,
                  "use a path starting with '/' without"
                      + " ';' or spaces, or leave it unset for the context path"));
  public static final SettingKey<Boolean> COOKIE_HTTP_ONLY =
      key("dysession.cookie.http-only", "true", SettingsReader::bool);
  public static final SettingKey<Boolean> LOGIN_ROTATE_ID =
      key("dysession.login.rotate-id", "true", SettingsReader::bool);
  public static final SettingKey<Long> LOGIN_MAX_SESSIONS =
      key(
          "dysession.login.max-sessions-per-user",
          "",
          (r, k) -> r.optionalLongInRange(k, 1, 10_000, "sessions"));
  public static final SettingKey<LoginLimitPolicy> LOGIN_MAX_SESSIONS_POLICY =
      key(
          "dysession.login.max-sessions-policy",
          "REFUSE",
          (r, k) -> r.enumValue(k, LoginLimitPolicy.class));
  public static final SettingKey<Boolean> EXPIRY_SWEEP =
      key("dysession.expiry.sweep", "true", SettingsReader::bool);
  public static final SettingKey<Long> EXPIRY_SWEEP_INTERVAL =
      key(
          "dysession.expiry.sweep-interval-seconds",
          "30",
          (r, k) -> r.longInRange(k, 1, 3600, "seconds"));
  public static final SettingKey<Long> EXPIRY_MAX_PER_SWEEP =
      key(
          "dysession.expiry.max-per-sweep",
          "500",
          (r, k) -> r.longInRange(k, 1, 100_000, "sessions"));

  private static final Map<String, String> DEFAULTS;

  static {
    Map<String, String> d = new LinkedHashMap<>();
    for (SettingKey<?> key : ALL) {
      d.put(key.name(), key.defaultValue());
    }
    DEFAULTS = Collections.unmodifiableMap(d);
  }

  private SettingKeys() {}

  /** Returns every key, in documentation order. */
  public static List<SettingKey<?>> all() {
    return Collections.unmodifiableList(ALL);
  }

  /** Returns every key's name with its default value (empty where there is none), in order. */
  public static Map<String, String> defaults() {
    return DEFAULTS;
  }

  private static <T> SettingKey<T> key(
      String name,
      String defaultValue,
      java.util.function.BiFunction<SettingsReader, String, T> parser) {
    SettingKey<T> key = new SettingKey<>(name, defaultValue, parser);
    ALL.add(key);
    return key;
  }
}
