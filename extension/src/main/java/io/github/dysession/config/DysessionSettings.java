package io.github.dysession.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Holds the validated dysession settings, read once from configuration.
 *
 * <p>The eight settings of django-dysession keep their names and meaning; the others are listed in
 * the README. Build an instance with {@link #from(SettingsSource)}, which reports every invalid
 * value at once.
 *
 * @param enabled whether dysession replaces the container's sessions at all
 * @param dynamoDb the DynamoDB part (table, key and TTL attribute names, cache period, region,
 *     endpoint, touch interval, consistent reads, key prefix, size limit, timeouts, retries): the
 *     only part the store is given
 * @param createTable whether the table is created (and TTL enabled) at deployment
 * @param allowedClasses extra {@link java.io.ObjectInputFilter} patterns of classes that may be
 *     deserialized besides the JDK's and the application's own
 * @param logging where dysession writes its log
 * @param cookie the session cookie's name and attributes
 * @param loginRotateId whether a login gives the session a new id (against session fixation)
 * @param loginLimit how many sessions one caller may be logged in with at once, and what a login
 *     beyond that does
 * @param expiry whether and how often each instance ends the sessions that expired, with their
 *     callbacks
 * @param explicitKeys the keys the configuration set (not left at their defaults): an explicit
 *     {@code dysession.cache-period} or {@code dysession.cookie.*} key wins over the application's
 *     own {@code session-config}
 */
public record DysessionSettings(
    boolean enabled,
    DynamoDbSettings dynamoDb,
    boolean createTable,
    List<String> allowedClasses,
    Logging logging,
    Cookie cookie,
    boolean loginRotateId,
    LoginLimit loginLimit,
    Expiry expiry,
    java.util.Set<String> explicitKeys) {

  /** The prefix of every dysession configuration key. */
  public static final String PREFIX = "dysession.";

  /** Every item attribute that dysession names itself starts with this prefix. */
  public static final String RESERVED_ATTRIBUTE_PREFIX = "ds_";

  /** DynamoDB's item size limit in bytes. */
  public static final int DYNAMODB_ITEM_LIMIT = 400 * 1024;

  // The keys' names, for messages and code that names a key; each key is declared in SettingKeys.
  public static final String ENABLED = SettingKeys.ENABLED.name();
  public static final String TABLE_NAME = SettingKeys.TABLE_NAME.name();
  public static final String PARTITION_KEY_NAME = SettingKeys.PARTITION_KEY_NAME.name();
  public static final String SORT_KEY_NAME = SettingKeys.SORT_KEY_NAME.name();
  public static final String TTL_ATTRIBUTE_NAME = SettingKeys.TTL_ATTRIBUTE_NAME.name();
  public static final String CACHE_PERIOD = SettingKeys.CACHE_PERIOD.name();
  public static final String REGION = SettingKeys.REGION.name();
  public static final String ENDPOINT = SettingKeys.ENDPOINT.name();
  public static final String CREATE_TABLE = SettingKeys.CREATE_TABLE.name();
  public static final String TOUCH_INTERVAL = SettingKeys.TOUCH_INTERVAL.name();
  public static final String CONSISTENT_READS = SettingKeys.CONSISTENT_READS.name();
  public static final String KEY_PREFIX = SettingKeys.KEY_PREFIX.name();
  public static final String MAX_SESSION_BYTES = SettingKeys.MAX_SESSION_BYTES.name();
  public static final String API_CALL_TIMEOUT = SettingKeys.API_CALL_TIMEOUT.name();
  public static final String API_CALL_ATTEMPT_TIMEOUT = SettingKeys.API_CALL_ATTEMPT_TIMEOUT.name();
  public static final String MAX_RETRIES = SettingKeys.MAX_RETRIES.name();
  public static final String ALLOWED_CLASSES = SettingKeys.ALLOWED_CLASSES.name();
  public static final String LOGGING_TYPE = SettingKeys.LOGGING_TYPE.name();
  public static final String LOGGING_FILE_PATH = SettingKeys.LOGGING_FILE_PATH.name();
  public static final String COOKIE_NAME = SettingKeys.COOKIE_NAME.name();
  public static final String COOKIE_SECURE = SettingKeys.COOKIE_SECURE.name();
  public static final String COOKIE_SAME_SITE = SettingKeys.COOKIE_SAME_SITE.name();
  public static final String COOKIE_DOMAIN = SettingKeys.COOKIE_DOMAIN.name();
  public static final String COOKIE_PATH = SettingKeys.COOKIE_PATH.name();
  public static final String COOKIE_HTTP_ONLY = SettingKeys.COOKIE_HTTP_ONLY.name();
  public static final String LOGIN_ROTATE_ID = SettingKeys.LOGIN_ROTATE_ID.name();
  public static final String LOGIN_MAX_SESSIONS = SettingKeys.LOGIN_MAX_SESSIONS.name();
  public static final String LOGIN_MAX_SESSIONS_POLICY =
      SettingKeys.LOGIN_MAX_SESSIONS_POLICY.name();
  public static final String EXPIRY_SWEEP = SettingKeys.EXPIRY_SWEEP.name();
  public static final String EXPIRY_SWEEP_INTERVAL = SettingKeys.EXPIRY_SWEEP_INTERVAL.name();
  public static final String EXPIRY_MAX_PER_SWEEP = SettingKeys.EXPIRY_MAX_PER_SWEEP.name();

  /** Every key with its default value (empty where there is none), in documentation order. */
  public static final Map<String, String> DEFAULTS = SettingKeys.defaults();

  /** A cookie name: an RFC 2616 token, as RFC 6265 asks. */
  public static final Pattern TOKEN_PATTERN = SettingKeys.TOKEN_PATTERN;

  /** A cookie path: starts with '/', without ';', spaces or control characters. */
  public static final Pattern COOKIE_PATH_PATTERN = SettingKeys.COOKIE_PATH_PATTERN;

  /** A cookie domain: a host name, with an optional leading dot. */
  public static final Pattern DOMAIN_PATTERN = SettingKeys.DOMAIN_PATTERN;

  /** Validates the record's invariants; use {@link #from(SettingsSource)} for readable errors. */
  public DysessionSettings {
    Objects.requireNonNull(dynamoDb, "dynamoDb");
    Objects.requireNonNull(logging, "logging");
    Objects.requireNonNull(cookie, "cookie");
    Objects.requireNonNull(loginLimit, "loginLimit");
    Objects.requireNonNull(expiry, "expiry");
    allowedClasses = List.copyOf(allowedClasses);
    explicitKeys = java.util.Set.copyOf(explicitKeys);
  }

  // The DynamoDB part's values, read here as well (the start-up log, the servlet layer).

  /** See {@link DynamoDbSettings#tableName()}. */
  public String tableName() {
    return dynamoDb.tableName();
  }

  /** See {@link DynamoDbSettings#partitionKeyName()}. */
  public String partitionKeyName() {
    return dynamoDb.partitionKeyName();
  }

  /** See {@link DynamoDbSettings#sortKeyName()}. */
  public String sortKeyName() {
    return dynamoDb.sortKeyName();
  }

  /** See {@link DynamoDbSettings#ttlAttributeName()}. */
  public String ttlAttributeName() {
    return dynamoDb.ttlAttributeName();
  }

  /** See {@link DynamoDbSettings#cachePeriod()}. */
  public Duration cachePeriod() {
    return dynamoDb.cachePeriod();
  }

  /** See {@link DynamoDbSettings#region()}. */
  public String region() {
    return dynamoDb.region();
  }

  /** See {@link DynamoDbSettings#endpoint()}. */
  public URI endpoint() {
    return dynamoDb.endpoint();
  }

  /** See {@link DynamoDbSettings#touchInterval()}. */
  public Duration touchInterval() {
    return dynamoDb.touchInterval();
  }

  /** See {@link DynamoDbSettings#consistentReads()}. */
  public boolean consistentReads() {
    return dynamoDb.consistentReads();
  }

  /** See {@link DynamoDbSettings#keyPrefix()}. */
  public String keyPrefix() {
    return dynamoDb.keyPrefix();
  }

  /** See {@link DynamoDbSettings#maxSessionBytes()}. */
  public int maxSessionBytes() {
    return dynamoDb.maxSessionBytes();
  }

  /** See {@link DynamoDbSettings#apiCallTimeout()}. */
  public Duration apiCallTimeout() {
    return dynamoDb.apiCallTimeout();
  }

  /** See {@link DynamoDbSettings#apiCallAttemptTimeout()}. */
  public Duration apiCallAttemptTimeout() {
    return dynamoDb.apiCallAttemptTimeout();
  }

  /** See {@link DynamoDbSettings#maxRetries()}. */
  public int maxRetries() {
    return dynamoDb.maxRetries();
  }

  /** Returns whether the configuration set {@code key} itself rather than leaving its default. */
  public boolean isExplicit(String key) {
    return explicitKeys.contains(key);
  }

  /**
   * Where the dysession log goes: the seed's {@code LOGGING.TYPE} and {@code LOGGING.FILE_PATH}.
   */
  public record Logging(LoggingType type, String filePath) {
    /** Checks that both values are present. */
    public Logging {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(filePath, "filePath");
    }
  }

  /**
   * The limit on one caller's concurrent logged-in sessions.
   *
   * @param maxSessions the most sessions one caller may be logged in with at once; 0 for no limit
   * @param policy what a login beyond the limit does
   */
  public record LoginLimit(int maxSessions, LoginLimitPolicy policy) {
    /** No limit. */
    public static final LoginLimit NONE = new LoginLimit(0, LoginLimitPolicy.REFUSE);

    /** Checks the values. */
    public LoginLimit {
      Objects.requireNonNull(policy, "policy");
      if (maxSessions < 0) {
        throw new IllegalArgumentException("maxSessions < 0: " + maxSessions);
      }
    }

    /** Returns whether there is a limit. */
    public boolean limited() {
      return maxSessions > 0;
    }
  }

  /**
   * The sweep that ends expired sessions with their callbacks, on every instance.
   *
   * @param sweep whether this instance sweeps (DynamoDB's TTL deletes what no instance ends)
   * @param interval the time between two sweeps of one instance (each jittered by up to 20%)
   * @param maxPerSweep the most sessions one sweep ends; the next sweep goes on
   */
  public record Expiry(boolean sweep, Duration interval, int maxPerSweep) {
    /** Checks the values. */
    public Expiry {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero() || maxPerSweep < 1) {
        throw new IllegalArgumentException("interval and maxPerSweep must be positive");
      }
    }
  }

  /** What a login beyond {@code dysession.login.max-sessions-per-user} does. */
  public enum LoginLimitPolicy {
    /** The login fails as a wrong password would; the caller's other sessions stay. */
    REFUSE,
    /** The login succeeds and the caller's sessions that logged in first are ended. */
    END_OLDEST
  }

  /** The kinds of log output of django-dysession. */
  public enum LoggingType {
    /** Log lines go to the console (standard error), coloured when that is a terminal. */
    CONSOLE,
    /** Log lines go to the file named by {@code dysession.logging.file-path}. */
    FILE
  }

  /** When the session cookie carries the {@code Secure} attribute. */
  public enum SecureMode {
    /** When the request that sets the cookie arrived over HTTPS. */
    AUTO,
    /** Always. */
    ALWAYS,
    /** Never. */
    NEVER
  }

  /**
   * The session cookie's name and attributes.
   *
   * @param name the cookie name
   * @param secure when the cookie is marked {@code Secure}
   * @param sameSite the {@code SameSite} value ({@code Lax}, {@code Strict}, {@code None}), or
   *     {@code null} to send none
   * @param domain the {@code Domain} attribute, or {@code null} for a host-only cookie
   * @param path the {@code Path} attribute, or {@code null} for the application's context path
   * @param httpOnly whether the cookie is hidden from scripts
   */
  public record Cookie(
      String name,
      SecureMode secure,
      String sameSite,
      String domain,
      String path,
      boolean httpOnly) {
    /** Checks that name and secure mode are present. */
    public Cookie {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(secure, "secure");
    }
  }

  /** Returns the settings with every key at its default value. */
  public static DysessionSettings defaultSettings() {
    return from(key -> java.util.Optional.empty());
  }

  /**
   * Reads and validates every dysession key from {@code source}.
   *
   * @throws InvalidSettingsException listing every invalid value with its key and a fix
   */
  public static DysessionSettings from(SettingsSource source) {
    SettingsReader r = new SettingsReader(source);
    boolean enabled = r.read(SettingKeys.ENABLED);
    String tableName = r.read(SettingKeys.TABLE_NAME);
    String pk = r.read(SettingKeys.PARTITION_KEY_NAME);
    String sk = r.read(SettingKeys.SORT_KEY_NAME);
    String ttl = r.read(SettingKeys.TTL_ATTRIBUTE_NAME);
    r.distinct(PARTITION_KEY_NAME, pk, SORT_KEY_NAME, sk);
    r.distinct(PARTITION_KEY_NAME, pk, TTL_ATTRIBUTE_NAME, ttl);
    r.distinct(SORT_KEY_NAME, sk, TTL_ATTRIBUTE_NAME, ttl);
    long cachePeriod = r.read(SettingKeys.CACHE_PERIOD);
    String region = r.read(SettingKeys.REGION);
    URI endpoint = r.read(SettingKeys.ENDPOINT);
    boolean createTable = r.read(SettingKeys.CREATE_TABLE);
    int problemsBefore = r.problemCount();
    long touch = r.read(SettingKeys.TOUCH_INTERVAL);
    boolean touchValid = r.problemCount() == problemsBefore;
    if (touchValid && touch >= cachePeriod && r.isSet(TOUCH_INTERVAL)) {
      r.problem(
          TOUCH_INTERVAL,
          String.valueOf(touch),
          "is not shorter than "
              + CACHE_PERIOD
              + " ("
              + cachePeriod
              + "), so sessions in use would expire; set it below "
              + cachePeriod);
    }
    // An unset touch interval follows a short cache period down instead of failing.
    if (!r.isSet(TOUCH_INTERVAL) && touch >= cachePeriod) {
      touch = cachePeriod / 2;
    }
    boolean consistentReads = r.read(SettingKeys.CONSISTENT_READS);
    String keyPrefix = r.read(SettingKeys.KEY_PREFIX);
    long maxBytes = r.read(SettingKeys.MAX_SESSION_BYTES);
    long apiCallTimeout = r.read(SettingKeys.API_CALL_TIMEOUT);
    long attemptTimeout = r.read(SettingKeys.API_CALL_ATTEMPT_TIMEOUT);
    if (!r.isSet(API_CALL_ATTEMPT_TIMEOUT) && attemptTimeout > apiCallTimeout) {
      attemptTimeout = apiCallTimeout;
    } else if (attemptTimeout > apiCallTimeout) {
      r.problem(
          API_CALL_ATTEMPT_TIMEOUT,
          String.valueOf(attemptTimeout),
          "is longer than "
              + API_CALL_TIMEOUT
              + " ("
              + apiCallTimeout
              + "), so no retry could ever happen; set it to at most "
              + apiCallTimeout);
    }
    long maxRetries = r.read(SettingKeys.MAX_RETRIES);
    List<String> allowed = r.read(SettingKeys.ALLOWED_CLASSES);
    LoggingType loggingType = r.read(SettingKeys.LOGGING_TYPE);
    String filePath = r.read(SettingKeys.LOGGING_FILE_PATH);
    String cookieName = r.read(SettingKeys.COOKIE_NAME);
    SecureMode secure = r.read(SettingKeys.COOKIE_SECURE);
    String sameSite = r.read(SettingKeys.COOKIE_SAME_SITE);
    if ("None".equals(sameSite) && secure == SecureMode.NEVER) {
      r.problem(
          COOKIE_SAME_SITE,
          sameSite,
          "requires a Secure cookie, but "
              + COOKIE_SECURE
              + " is NEVER; set "
              + COOKIE_SECURE
              + " to AUTO or ALWAYS, or choose Lax");
    }
    String domain = r.read(SettingKeys.COOKIE_DOMAIN);
    String path = r.read(SettingKeys.COOKIE_PATH);
    boolean httpOnly = r.read(SettingKeys.COOKIE_HTTP_ONLY);
    boolean loginRotateId = r.read(SettingKeys.LOGIN_ROTATE_ID);
    long maxSessions = r.read(SettingKeys.LOGIN_MAX_SESSIONS);
    LoginLimitPolicy limitPolicy = r.read(SettingKeys.LOGIN_MAX_SESSIONS_POLICY);
    boolean sweep = r.read(SettingKeys.EXPIRY_SWEEP);
    long sweepInterval = r.read(SettingKeys.EXPIRY_SWEEP_INTERVAL);
    long maxPerSweep = r.read(SettingKeys.EXPIRY_MAX_PER_SWEEP);
    r.throwIfInvalid();
    return new DysessionSettings(
        enabled,
        new DynamoDbSettings(
            tableName,
            pk,
            sk,
            ttl,
            Duration.ofSeconds(cachePeriod),
            region,
            endpoint,
            Duration.ofSeconds(touch),
            consistentReads,
            keyPrefix,
            (int) maxBytes,
            Duration.ofMillis(apiCallTimeout),
            Duration.ofMillis(attemptTimeout),
            (int) maxRetries),
        createTable,
        allowed,
        new Logging(loggingType, filePath),
        new Cookie(cookieName, secure, sameSite, domain, path, httpOnly),
        loginRotateId,
        new LoginLimit((int) maxSessions, limitPolicy),
        new Expiry(sweep, Duration.ofSeconds(sweepInterval), (int) maxPerSweep),
        r.explicitKeys());
  }

  /**
   * Returns the effective settings as one line for the start-up log. It holds no secret: dysession
   * never reads credentials from its own keys.
   */
  public String describe() {
    return "table="
        + tableName()
        + " region="
        + region()
        + " endpoint="
        + (endpoint() == null ? "aws" : endpoint())
        + " keys="
        + partitionKeyName()
        + "/"
        + sortKeyName()
        + " ttl-attribute="
        + ttlAttributeName()
        + " cache-period="
        + cachePeriod().toSeconds()
        + "s"
        + " touch-interval="
        + touchInterval().toSeconds()
        + "s"
        + " consistent-reads="
        + consistentReads()
        + " key-prefix="
        + (keyPrefix().isEmpty() ? "none" : keyPrefix())
        + " max-session-bytes="
        + maxSessionBytes()
        + " timeouts="
        + apiCallTimeout().toMillis()
        + "/"
        + apiCallAttemptTimeout().toMillis()
        + "ms"
        + " retries="
        + maxRetries()
        + " create-table="
        + createTable
        + " cookie="
        + cookie.name()
        + " login-rotate-id="
        + loginRotateId
        + (loginLimit.limited()
            ? " max-sessions-per-user=" + loginLimit.maxSessions() + ":" + loginLimit.policy()
            : "")
        + " expiry-sweep="
        + (expiry.sweep() ? expiry.interval().toSeconds() + "s" : "off")
        + " logging="
        + logging.type()
        + (logging.type() == LoggingType.FILE ? ":" + logging.filePath() : "");
  }
}
