package io.github.dysession.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Holds the validated dysession settings, read once from configuration.
 *
 * <p>The eight settings of django-dysession keep their names and meaning; the others are listed
 * in the README. Build an instance with {@link #from(SettingsSource)}, which reports every invalid
 * value at once.
 *
 * @param enabled whether dysession replaces the container's sessions at all
 * @param tableName the DynamoDB table that holds the sessions
 * @param partitionKeyName the name of the table's partition key attribute (a string)
 * @param sortKeyName the name of the table's sort key attribute (a string)
 * @param ttlAttributeName the attribute holding the expiry instant in epoch seconds
 * @param cachePeriod how long a session lives after its last access unless the application sets
 *     another interval
 * @param region the AWS region of the table
 * @param endpoint an endpoint override such as {@code http://127.0.0.1:8000}, or {@code null} for
 *     the region's AWS endpoint
 * @param createTable whether the table is created (and TTL enabled) at deployment
 * @param touchInterval how long a read-only session goes without a write of its access time
 * @param consistentReads whether sessions are read with strongly consistent reads
 * @param keyPrefix a prefix put before every session id in the partition key, so that several
 *     applications can share a table
 * @param maxSessionBytes the largest item a session may occupy, at most DynamoDB's 400 KB
 * @param apiCallTimeout the time limit of one DynamoDB call, retries included
 * @param apiCallAttemptTimeout the time limit of one attempt of a DynamoDB call
 * @param maxRetries how often the SDK retries a failed or throttled call
 * @param allowedClasses extra {@link java.io.ObjectInputFilter} patterns of classes that may be
 *     deserialized besides the JDK's and the application's own
 * @param logging where dysession writes its log
 * @param cookie the session cookie's name and attributes
 * @param loginRotateId whether a login gives the session a new id (against session fixation)
 * @param explicitKeys the keys the configuration set (not left at their defaults): an explicit
 *     {@code dysession.cache-period} or {@code dysession.cookie.*} key wins over the application's
 *     own {@code session-config}
 */
public record DysessionSettings(
    boolean enabled,
    String tableName,
    String partitionKeyName,
    String sortKeyName,
    String ttlAttributeName,
    Duration cachePeriod,
    String region,
    URI endpoint,
    boolean createTable,
    Duration touchInterval,
    boolean consistentReads,
    String keyPrefix,
    int maxSessionBytes,
    Duration apiCallTimeout,
    Duration apiCallAttemptTimeout,
    int maxRetries,
    List<String> allowedClasses,
    Logging logging,
    Cookie cookie,
    boolean loginRotateId,
    java.util.Set<String> explicitKeys) {

  /** The prefix of every dysession configuration key. */
  public static final String PREFIX = "dysession.";

  /** Every item attribute that dysession names itself starts with this prefix. */
  public static final String RESERVED_ATTRIBUTE_PREFIX = "ds_";

  /** DynamoDB's item size limit in bytes. */
  public static final int DYNAMODB_ITEM_LIMIT = 400 * 1024;

  public static final String ENABLED = "dysession.enabled";
  public static final String TABLE_NAME = "dysession.dynamodb-tablename";
  public static final String PARTITION_KEY_NAME = "dysession.partition-key-name";
  public static final String SORT_KEY_NAME = "dysession.sort-key-name";
  public static final String TTL_ATTRIBUTE_NAME = "dysession.ttl-attribute-name";
  public static final String CACHE_PERIOD = "dysession.cache-period";
  public static final String REGION = "dysession.dynamodb-region";
  public static final String ENDPOINT = "dysession.dynamodb-endpoint";
  public static final String CREATE_TABLE = "dysession.create-table";
  public static final String TOUCH_INTERVAL = "dysession.touch-interval";
  public static final String CONSISTENT_READS = "dysession.consistent-reads";
  public static final String KEY_PREFIX = "dysession.key-prefix";
  public static final String MAX_SESSION_BYTES = "dysession.max-session-bytes";
  public static final String API_CALL_TIMEOUT = "dysession.api-call-timeout-ms";
  public static final String API_CALL_ATTEMPT_TIMEOUT = "dysession.api-call-attempt-timeout-ms";
  public static final String MAX_RETRIES = "dysession.max-retries";
  public static final String ALLOWED_CLASSES = "dysession.serialization.allowed-classes";
  public static final String LOGGING_TYPE = "dysession.logging.type";
  public static final String LOGGING_FILE_PATH = "dysession.logging.file-path";
  public static final String COOKIE_NAME = "dysession.cookie.name";
  public static final String COOKIE_SECURE = "dysession.cookie.secure";
  public static final String COOKIE_SAME_SITE = "dysession.cookie.same-site";
  public static final String COOKIE_DOMAIN = "dysession.cookie.domain";
  public static final String COOKIE_PATH = "dysession.cookie.path";
  public static final String COOKIE_HTTP_ONLY = "dysession.cookie.http-only";
  public static final String LOGIN_ROTATE_ID = "dysession.login.rotate-id";

  /** Every key with its default value (empty where there is none), in documentation order. */
  public static final Map<String, String> DEFAULTS = defaults();

  private static final Pattern TABLE_NAME_PATTERN = Pattern.compile("[A-Za-z0-9_.-]{3,255}");
  private static final Pattern REGION_PATTERN = Pattern.compile("[a-z]{2}(-[a-z0-9]+)+-\\d+");
  // RFC 6265 cookie-name is an RFC 2616 token.
  /** A cookie name: an RFC 2616 token, as RFC 6265 asks. */
  public static final Pattern TOKEN_PATTERN =
      Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
  private static final Pattern KEY_PREFIX_PATTERN = Pattern.compile("[\\x21-\\x7e]{0,64}");
  /** A cookie path: starts with '/', without ';', spaces or control characters. */
  public static final Pattern COOKIE_PATH_PATTERN = Pattern.compile("/[\\x21-\\x3a\\x3c-\\x7e]*");
  /** A cookie domain: a host name, with an optional leading dot. */
  public static final Pattern DOMAIN_PATTERN = Pattern.compile("\\.?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");

  /** Validates the record's invariants; use {@link #from(SettingsSource)} for readable errors. */
  public DysessionSettings {
    Objects.requireNonNull(tableName, "tableName");
    Objects.requireNonNull(partitionKeyName, "partitionKeyName");
    Objects.requireNonNull(sortKeyName, "sortKeyName");
    Objects.requireNonNull(ttlAttributeName, "ttlAttributeName");
    Objects.requireNonNull(cachePeriod, "cachePeriod");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(touchInterval, "touchInterval");
    Objects.requireNonNull(keyPrefix, "keyPrefix");
    Objects.requireNonNull(apiCallTimeout, "apiCallTimeout");
    Objects.requireNonNull(apiCallAttemptTimeout, "apiCallAttemptTimeout");
    Objects.requireNonNull(logging, "logging");
    Objects.requireNonNull(cookie, "cookie");
    allowedClasses = List.copyOf(allowedClasses);
    explicitKeys = java.util.Set.copyOf(explicitKeys);
  }

  /** Returns whether the configuration set {@code key} itself rather than leaving its default. */
  public boolean isExplicit(String key) {
    return explicitKeys.contains(key);
  }

  /** Where the dysession log goes: the seed's {@code LOGGING.TYPE} and {@code LOGGING.FILE_PATH}. */
  public record Logging(LoggingType type, String filePath) {
    /** Checks that both values are present. */
    public Logging {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(filePath, "filePath");
    }
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
      String name, SecureMode secure, String sameSite, String domain, String path, boolean httpOnly) {
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
    Reader r = new Reader(source);
    boolean enabled = r.bool(ENABLED);
    String tableName = r.matching(TABLE_NAME, TABLE_NAME_PATTERN,
        "use 3 to 255 characters from A-Z, a-z, 0-9, '_', '-' and '.', as DynamoDB requires");
    String pk = r.attributeName(PARTITION_KEY_NAME);
    String sk = r.attributeName(SORT_KEY_NAME);
    String ttl = r.attributeName(TTL_ATTRIBUTE_NAME);
    r.distinct(PARTITION_KEY_NAME, pk, SORT_KEY_NAME, sk);
    r.distinct(PARTITION_KEY_NAME, pk, TTL_ATTRIBUTE_NAME, ttl);
    r.distinct(SORT_KEY_NAME, sk, TTL_ATTRIBUTE_NAME, ttl);
    long cachePeriod = r.longInRange(CACHE_PERIOD, 1, Integer.MAX_VALUE, "seconds");
    String region = r.matching(REGION, REGION_PATTERN,
        "use an AWS region code such as ap-northeast-1 or us-east-1");
    URI endpoint = r.endpoint(ENDPOINT);
    boolean createTable = r.bool(CREATE_TABLE);
    int problemsBefore = r.problemCount();
    long touch = r.longInRange(TOUCH_INTERVAL, 0, Integer.MAX_VALUE, "seconds");
    boolean touchValid = r.problemCount() == problemsBefore;
    if (touchValid && touch >= cachePeriod && r.isSet(TOUCH_INTERVAL)) {
      r.problem(TOUCH_INTERVAL, String.valueOf(touch),
          "is not shorter than " + CACHE_PERIOD + " (" + cachePeriod
              + "), so sessions in use would expire; set it below " + cachePeriod);
    }
    // An unset touch interval follows a short cache period down instead of failing.
    if (!r.isSet(TOUCH_INTERVAL) && touch >= cachePeriod) {
      touch = cachePeriod / 2;
    }
    boolean consistentReads = r.bool(CONSISTENT_READS);
    String keyPrefix = r.matching(KEY_PREFIX, KEY_PREFIX_PATTERN,
        "use at most 64 printable ASCII characters without spaces, for example myapp#");
    long maxBytes = r.longInRange(MAX_SESSION_BYTES, 1024, DYNAMODB_ITEM_LIMIT, "bytes");
    long apiCallTimeout = r.longInRange(API_CALL_TIMEOUT, 1, 600_000, "milliseconds");
    long attemptTimeout = r.longInRange(API_CALL_ATTEMPT_TIMEOUT, 1, 600_000, "milliseconds");
    if (!r.isSet(API_CALL_ATTEMPT_TIMEOUT) && attemptTimeout > apiCallTimeout) {
      attemptTimeout = apiCallTimeout;
    } else if (attemptTimeout > apiCallTimeout) {
      r.problem(API_CALL_ATTEMPT_TIMEOUT, String.valueOf(attemptTimeout),
          "is longer than " + API_CALL_TIMEOUT + " (" + apiCallTimeout
              + "), so no retry could ever happen; set it to at most " + apiCallTimeout);
    }
    long maxRetries = r.longInRange(MAX_RETRIES, 0, 20, "retries");
    List<String> allowed = r.patterns(ALLOWED_CLASSES);
    LoggingType loggingType = r.enumValue(LOGGING_TYPE, LoggingType.class);
    String filePath = r.nonBlank(LOGGING_FILE_PATH, "give a file path such as session.log");
    String cookieName = r.matching(COOKIE_NAME, TOKEN_PATTERN,
        "use a cookie name of letters, digits and !#$%&'*+-.^_`|~ only (RFC 6265)");
    SecureMode secure = r.enumValue(COOKIE_SECURE, SecureMode.class);
    String sameSite = r.sameSite(COOKIE_SAME_SITE);
    if ("None".equals(sameSite) && secure == SecureMode.NEVER) {
      r.problem(COOKIE_SAME_SITE, sameSite,
          "requires a Secure cookie, but " + COOKIE_SECURE + " is NEVER; set "
              + COOKIE_SECURE + " to AUTO or ALWAYS, or choose Lax");
    }
    String domain = r.optionalMatching(COOKIE_DOMAIN, DOMAIN_PATTERN,
        "use a host name such as example.com, or leave it unset for a host-only cookie");
    String path = r.optionalMatching(COOKIE_PATH, COOKIE_PATH_PATTERN,
        "use a path starting with '/' without ';' or spaces, or leave it unset for the context path");
    boolean httpOnly = r.bool(COOKIE_HTTP_ONLY);
    boolean loginRotateId = r.bool(LOGIN_ROTATE_ID);
    r.throwIfInvalid();
    return new DysessionSettings(
        enabled,
        tableName,
        pk,
        sk,
        ttl,
        Duration.ofSeconds(cachePeriod),
        region,
        endpoint,
        createTable,
        Duration.ofSeconds(touch),
        consistentReads,
        keyPrefix,
        (int) maxBytes,
        Duration.ofMillis(apiCallTimeout),
        Duration.ofMillis(attemptTimeout),
        (int) maxRetries,
        allowed,
        new Logging(loggingType, filePath),
        new Cookie(cookieName, secure, sameSite, domain, path, httpOnly),
        loginRotateId,
        r.explicitKeys());
  }

  /**
   * Returns the effective settings as one line for the start-up log. It holds no secret: dysession
   * never reads credentials from its own keys.
   */
  public String describe() {
    return "table=" + tableName
        + " region=" + region
        + " endpoint=" + (endpoint == null ? "aws" : endpoint)
        + " keys=" + partitionKeyName + "/" + sortKeyName
        + " ttl-attribute=" + ttlAttributeName
        + " cache-period=" + cachePeriod.toSeconds() + "s"
        + " touch-interval=" + touchInterval.toSeconds() + "s"
        + " consistent-reads=" + consistentReads
        + " key-prefix=" + (keyPrefix.isEmpty() ? "none" : keyPrefix)
        + " max-session-bytes=" + maxSessionBytes
        + " timeouts=" + apiCallTimeout.toMillis() + "/" + apiCallAttemptTimeout.toMillis() + "ms"
        + " retries=" + maxRetries
        + " create-table=" + createTable
        + " cookie=" + cookie.name()
        + " login-rotate-id=" + loginRotateId
        + " logging=" + logging.type()
        + (logging.type() == LoggingType.FILE ? ":" + logging.filePath() : "");
  }

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(TABLE_NAME, "sessions");
    d.put(PARTITION_KEY_NAME, "PK");
    d.put(SORT_KEY_NAME, "SK");
    d.put(TTL_ATTRIBUTE_NAME, "ttl");
    d.put(CACHE_PERIOD, "3600");
    d.put(REGION, "ap-northeast-1");
    d.put(LOGGING_TYPE, "CONSOLE");
    d.put(LOGGING_FILE_PATH, "session.log");
    d.put(ENDPOINT, "");
    d.put(CREATE_TABLE, "false");
    d.put(COOKIE_NAME, "DYSESSION");
    d.put(ENABLED, "true");
    d.put(TOUCH_INTERVAL, "60");
    d.put(CONSISTENT_READS, "true");
    d.put(KEY_PREFIX, "");
    d.put(MAX_SESSION_BYTES, String.valueOf(DYNAMODB_ITEM_LIMIT));
    d.put(API_CALL_TIMEOUT, "5000");
    d.put(API_CALL_ATTEMPT_TIMEOUT, "2000");
    d.put(MAX_RETRIES, "3");
    d.put(ALLOWED_CLASSES, "");
    d.put(COOKIE_SECURE, "AUTO");
    d.put(COOKIE_SAME_SITE, "Lax");
    d.put(COOKIE_DOMAIN, "");
    d.put(COOKIE_PATH, "");
    d.put(COOKIE_HTTP_ONLY, "true");
    d.put(LOGIN_ROTATE_ID, "true");
    return java.util.Collections.unmodifiableMap(d);
  }

  /** Reads raw values, applies defaults and collects problems. */
  private static final class Reader {
    private final SettingsSource source;
    private final List<String> problems = new ArrayList<>();

    Reader(SettingsSource source) {
      this.source = Objects.requireNonNull(source, "source");
    }

    boolean isSet(String key) {
      return source.get(key).map(String::trim).filter(v -> !v.isEmpty()).isPresent();
    }

    java.util.Set<String> explicitKeys() {
      java.util.Set<String> set = new java.util.HashSet<>();
      for (String key : DEFAULTS.keySet()) {
        if (isSet(key)) {
          set.add(key);
        }
      }
      return set;
    }

    String raw(String key) {
      return source.get(key).map(String::trim).filter(v -> !v.isEmpty()).orElse(DEFAULTS.get(key));
    }

    int problemCount() {
      return problems.size();
    }

    void problem(String key, String value, String text) {
      problems.add(key + "=\"" + printable(value) + "\" " + text);
    }

    void throwIfInvalid() {
      if (!problems.isEmpty()) {
        throw new InvalidSettingsException(problems);
      }
    }

    boolean bool(String key) {
      String v = raw(key);
      if (v.equalsIgnoreCase("true")) {
        return true;
      }
      if (!v.equalsIgnoreCase("false")) {
        problem(key, v, "is not a boolean; use true or false");
      }
      return false;
    }

    String matching(String key, Pattern pattern, String fix) {
      String v = raw(key);
      if (!pattern.matcher(v).matches()) {
        problem(key, v, "is invalid; " + fix);
      }
      return v;
    }

    String optionalMatching(String key, Pattern pattern, String fix) {
      String v = raw(key);
      if (v.isEmpty()) {
        return null;
      }
      return matching(key, pattern, fix);
    }

    String nonBlank(String key, String fix) {
      String v = raw(key);
      if (v.isBlank()) {
        problem(key, v, "is empty; " + fix);
      }
      return v;
    }

    String attributeName(String key) {
      String v = raw(key);
      if (v.isEmpty() || v.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
        problem(key, v, "is not a valid DynamoDB key attribute name; use 1 to 255 bytes");
      } else if (v.startsWith(RESERVED_ATTRIBUTE_PREFIX)) {
        problem(key, v, "collides with dysession's own attributes (prefix "
            + RESERVED_ATTRIBUTE_PREFIX + "); choose another name");
      }
      return v;
    }

    void distinct(String keyA, String a, String keyB, String b) {
      if (a.equals(b)) {
        problem(keyB, b, "is the same as " + keyA + "; give the two attributes different names");
      }
    }

    long longInRange(String key, long min, long max, String unit) {
      String v = raw(key);
      long parsed;
      try {
        parsed = Long.parseLong(v);
      } catch (NumberFormatException e) {
        problem(key, v, "is not a whole number of " + unit + "; use a number from " + min
            + " to " + max);
        return Long.parseLong(DEFAULTS.get(key));
      }
      if (parsed < min || parsed > max) {
        problem(key, v, "is out of range; use a number of " + unit + " from " + min + " to "
            + max);
        return Long.parseLong(DEFAULTS.get(key));
      }
      return parsed;
    }

    <E extends Enum<E>> E enumValue(String key, Class<E> type) {
      String v = raw(key);
      try {
        return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
          names.add(constant.name());
        }
        problem(key, v, "is not one of " + String.join(", ", names) + "; use one of them");
        return Enum.valueOf(type, DEFAULTS.get(key));
      }
    }

    String sameSite(String key) {
      String v = raw(key);
      for (String allowed : new String[] {"Lax", "Strict", "None"}) {
        if (allowed.equalsIgnoreCase(v)) {
          return allowed;
        }
      }
      if (v.equalsIgnoreCase("Unset")) {
        return null;
      }
      problem(key, v, "is not a SameSite value; use Lax, Strict, None, or Unset to send none");
      return "Lax";
    }

    URI endpoint(String key) {
      String v = raw(key);
      if (v.isEmpty()) {
        return null;
      }
      try {
        URI uri = new URI(v);
        boolean http = uri.getScheme() != null
            && (uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"));
        if (!http) {
          String rest = uri.getScheme() != null && uri.getHost() != null
              ? uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
              : v;
          problem(key, v, "has no http:// or https:// scheme; write it as http://" + rest
              + " or https://" + rest);
          return null;
        }
        if (uri.getHost() == null) {
          problem(key, v, "has no host; write it as http://HOST:PORT, for example http://127.0.0.1:8000");
          return null;
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
            || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))) {
          problem(key, uri.getScheme() + "://" + uri.getHost()
              + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + "/...",
              "has a user, path, query or fragment, which DynamoDB endpoints never have; give only "
                  + "scheme, host and port, for example http://127.0.0.1:8000");
          return null;
        }
        return uri;
      } catch (URISyntaxException e) {
        problem(key, v, "is not a URI; write it as http://HOST:PORT, for example http://127.0.0.1:8000");
        return null;
      }
    }

    List<String> patterns(String key) {
      String v = raw(key);
      List<String> result = new ArrayList<>();
      for (String part : v.split("[;,]")) {
        String p = part.trim();
        if (p.isEmpty()) {
          continue;
        }
        if (p.startsWith("!") || p.contains("=") || p.contains(" ")) {
          problem(key, p, "is not a class pattern; use class names, package.* or package.** "
              + "separated by ';' (rejections and limits are dysession's own)");
          continue;
        }
        result.add(p);
      }
      return result;
    }

    private static String printable(String value) {
      StringBuilder sb = new StringBuilder();
      value.codePoints().limit(200).forEach(cp -> {
        if (cp < 0x20 || cp == 0x7f) {
          sb.append(String.format("\\u%04x", cp));
        } else {
          sb.appendCodePoint(cp);
        }
      });
      return value.codePointCount(0, value.length()) > 200 ? sb + "..." : sb.toString();
    }
  }
}
