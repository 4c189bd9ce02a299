package io.github.dysession.store.dynamodb;

import io.github.dysession.config.DynamoDbSettings;
import io.github.dysession.config.DysessionSettings;
import io.github.dysession.store.SessionData;
import io.github.dysession.store.SessionIds;
import io.github.dysession.store.SessionLogin;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Maps a session to its DynamoDB item and back, and computes the item's size.
 *
 * <p>One item per session: the partition key holds the key prefix and the session id, the sort key
 * the constant {@value #SORT_KEY_VALUE}; the TTL attribute the expiry in epoch seconds; the
 * attributes a map from attribute name to the codec's bytes.
 */
final class SessionItem {

  /** The constant sort key value of a session item. */
  static final String SORT_KEY_VALUE = "SESSION";

  /** Creation instant in epoch milliseconds. */
  static final String CREATED = DysessionSettings.RESERVED_ATTRIBUTE_PREFIX + "created";

  /** Last access instant in epoch milliseconds. */
  static final String ACCESSED = DysessionSettings.RESERVED_ATTRIBUTE_PREFIX + "accessed";

  /** Maximum inactive interval in seconds; zero or less: never expires. */
  static final String MAX_INACTIVE = DysessionSettings.RESERVED_ATTRIBUTE_PREFIX + "max_inactive";

  /** Incremented by every write. */
  static final String VERSION = DysessionSettings.RESERVED_ATTRIBUTE_PREFIX + "version";

  /**
   * A random token of the write that wrote the item last: a write whose answer was lost (timed out,
   * then retried) recognises its own effect by it.
   */
  static final String WRITER = DysessionSettings.RESERVED_ATTRIBUTE_PREFIX + "writer";

  /**
   * The newest session version that a write changing content was based on (read by its request): a
   * write based on an older one is a late duplicate or must be applied again on top.
   */
  static final String BASE = DysessionSettings.RESERVED_ATTRIBUTE_PREFIX + "base";

  /** Set (true) on an item whose session is being moved to a new id, just before it is deleted. */
  static final String MOVING = DysessionSettings.RESERVED_ATTRIBUTE_PREFIX + "moving";

  /**
   * The caller the session is logged in as: a map of {@code caller} (S), {@code groups} (L of S),
   * {@code mechanism} (S) and {@code at} (N, epoch milliseconds); absent when not logged in.
   */
  static final String LOGIN = DysessionSettings.RESERVED_ATTRIBUTE_PREFIX + "login";

  /**
   * The key prefix and the caller name of a logged-in session (absent when not logged in): the
   * partition key of the index {@value #USER_INDEX}, which so holds logged-in sessions only.
   */
  static final String USER = DysessionSettings.RESERVED_ATTRIBUTE_PREFIX + "user";

  /** The index of logged-in sessions by {@link #USER}. */
  static final String USER_INDEX = "dysession-user";

  /**
   * The expiry bucket of a session that expires: the key prefix, {@code exp:} and the minute its
   * TTL falls in (epoch seconds / 60). The partition key of the index {@value #EXPIRY_INDEX}, whose
   * sort key is the TTL attribute; absent for a session that never expires. Written with the TTL.
   */
  static final String EXPIRY = DysessionSettings.RESERVED_ATTRIBUTE_PREFIX + "exp";

  /** The index of sessions by {@link #EXPIRY} and TTL, which the expiry sweep queries. */
  static final String EXPIRY_INDEX = "dysession-expiry";

  /** The width of one expiry bucket. */
  static final long EXPIRY_BUCKET_SECONDS = 60;

  private static final String LOGIN_CALLER = "caller";
  private static final String LOGIN_CLIENT = "client";
  private static final String LOGIN_GROUPS = "groups";
  private static final String LOGIN_MECHANISM = "mechanism";
  private static final String LOGIN_AT = "at";

  /** Map of attribute name to encoded bytes. */
  static final String ATTRIBUTES = DysessionSettings.RESERVED_ATTRIBUTE_PREFIX + "attrs";

  // DynamoDB counts a number as up to 21 bytes; a map or list adds 3 bytes plus 1 per element.
  private static final int NUMBER_SIZE = 21;
  private static final int CONTAINER_OVERHEAD = 3;
  private static final int WRITE_TOKEN_LENGTH = 12;

  private static final Logger LOG = Logger.getLogger(SessionItem.class.getName());

  private final DynamoDbSettings settings;

  SessionItem(DynamoDbSettings settings) {
    this.settings = settings;
  }

  Map<String, AttributeValue> key(String id) {
    Map<String, AttributeValue> key = new HashMap<>(4);
    key.put(settings.partitionKeyName(), AttributeValue.fromS(settings.keyPrefix() + id));
    key.put(settings.sortKeyName(), AttributeValue.fromS(SORT_KEY_VALUE));
    return key;
  }

  /** Returns a new random write token (not a secret: it only tells writes apart). */
  static String newWriteToken() {
    byte[] bytes = new byte[9];
    java.util.concurrent.ThreadLocalRandom.current().nextBytes(bytes);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * Returns whether the item holds its attribute map (an item written by dysession always does).
   */
  static boolean hasAttributeMap(Map<String, AttributeValue> item) {
    AttributeValue attributes = item.get(ATTRIBUTES);
    return attributes != null && attributes.hasM();
  }

  /** Returns the token of the write that wrote an item last, or null. */
  static String writeToken(Map<String, AttributeValue> item) {
    AttributeValue value = item.get(WRITER);
    return value == null ? null : value.s();
  }

  /** Returns an item's version (0 when it has none). */
  static long version(Map<String, AttributeValue> item) {
    Long version = longValue(item, VERSION);
    return version == null ? 0 : version;
  }

  /** Returns the full item of a session, written by the write with the given token. */
  Map<String, AttributeValue> toItem(SessionData session, String writeToken) {
    Map<String, AttributeValue> item = key(session.id());
    item.put(WRITER, AttributeValue.fromS(writeToken));
    item.put(CREATED, number(session.creationTime().toEpochMilli()));
    item.put(ACCESSED, number(session.lastAccessedTime().toEpochMilli()));
    item.put(MAX_INACTIVE, number(session.maxInactiveInterval().toSeconds()));
    item.put(VERSION, number(session.version()));
    Long ttl = ttlSeconds(session);
    if (ttl != null) {
      item.put(settings.ttlAttributeName(), number(ttl));
      item.put(EXPIRY, expiryBucket(ttl));
    }
    Map<String, AttributeValue> attributes = new HashMap<>();
    session.attributes().forEach((name, bytes) -> attributes.put(name, binary(bytes)));
    item.put(ATTRIBUTES, AttributeValue.fromM(attributes));
    if (session.login() != null) {
      item.put(LOGIN, login(session.login()));
      item.put(USER, user(session.login().caller()));
    }
    return item;
  }

  /** Returns the value of {@link #EXPIRY} for a TTL (epoch seconds) of this application. */
  AttributeValue expiryBucket(long ttlSeconds) {
    return expiryBucket(settings.keyPrefix(), ttlSeconds);
  }

  /** Returns the value of {@link #EXPIRY} for a TTL (epoch seconds) under a key prefix. */
  static AttributeValue expiryBucket(String keyPrefix, long ttlSeconds) {
    return AttributeValue.fromS(
        keyPrefix + "exp:" + Math.floorDiv(ttlSeconds, EXPIRY_BUCKET_SECONDS));
  }

  /** Returns the value of {@link #USER} for a caller of this application (its key prefix). */
  AttributeValue user(String caller) {
    return AttributeValue.fromS(settings.keyPrefix() + caller);
  }

  /**
   * Returns the id of the session an item (or an index entry) holds, or null when its partition key
   * is not this application's prefix followed by a well-formed id: entries of applications with
   * other prefixes share the index.
   */
  String idOf(Map<String, AttributeValue> item) {
    AttributeValue pk = item.get(settings.partitionKeyName());
    if (pk == null || pk.s() == null || !pk.s().startsWith(settings.keyPrefix())) {
      return null;
    }
    String id = pk.s().substring(settings.keyPrefix().length());
    return SessionIds.isWellFormed(id) ? id : null;
  }

  /** Returns the item attribute that stores a login. */
  static AttributeValue login(SessionLogin login) {
    Map<String, AttributeValue> map = new HashMap<>(4);
    map.put(LOGIN_CALLER, AttributeValue.fromS(login.caller()));
    map.put(
        LOGIN_GROUPS,
        AttributeValue.fromL(login.groups().stream().map(AttributeValue::fromS).toList()));
    map.put(LOGIN_MECHANISM, AttributeValue.fromS(login.mechanism()));
    map.put(LOGIN_AT, number(login.authenticatedAt().toEpochMilli()));
    if (login.client() != null) {
      map.put(LOGIN_CLIENT, AttributeValue.fromS(login.client()));
    }
    return AttributeValue.fromM(map);
  }

  /**
   * Reads a stored login; a malformed one is taken as logged out with one warning, since a session
   * must never be served as some caller it cannot name exactly.
   */
  private static SessionLogin login(String id, AttributeValue value) {
    if (value == null) {
      return null;
    }
    try {
      Map<String, AttributeValue> map = value.m();
      String caller = map.get(LOGIN_CALLER).s();
      String mechanism = map.get(LOGIN_MECHANISM).s();
      List<String> groups = new ArrayList<>();
      for (AttributeValue group : map.get(LOGIN_GROUPS).l()) {
        groups.add(Objects.requireNonNull(group.s()));
      }
      Instant at =
          Instant.ofEpochMilli(new java.math.BigDecimal(map.get(LOGIN_AT).n()).longValueExact());
      AttributeValue client = map.get(LOGIN_CLIENT);
      return new SessionLogin(
          Objects.requireNonNull(caller),
          new java.util.LinkedHashSet<>(groups),
          Objects.requireNonNull(mechanism),
          at,
          client == null ? null : client.s());
    } catch (RuntimeException e) {
      LOG.warning(
          () ->
              "Session "
                  + SessionIds.fingerprint(id)
                  + ": the stored login (item attribute "
                  + LOGIN
                  + ") cannot be read ("
                  + e.getClass().getSimpleName()
                  + "); the session is served "
                  + "as logged out");
      return null;
    }
  }

  /**
   * Returns the session an item holds. Missing or malformed bookkeeping attributes fall back to
   * safe values; an attribute entry that is not binary is dropped alone with one error line.
   */
  SessionData fromItem(String id, Map<String, AttributeValue> item, Instant now) {
    Instant accessed = instant(item, ACCESSED, now);
    Instant created = instant(item, CREATED, accessed);
    Long interval = longValue(item, MAX_INACTIVE);
    Duration maxInactive = interval == null ? settings.cachePeriod() : Duration.ofSeconds(interval);
    long version = version(item);
    Map<String, byte[]> attributes = new LinkedHashMap<>();
    AttributeValue map = item.get(ATTRIBUTES);
    if (map != null && map.hasM()) {
      map.m()
          .forEach(
              (name, value) -> {
                if (value.b() != null) {
                  attributes.put(name, value.b().asByteArrayUnsafe());
                } else {
                  LOG.log(
                      Level.SEVERE,
                      () ->
                          "Session "
                              + SessionIds.fingerprint(id)
                              + ": attribute '"
                              + name
                              + "' is stored as "
                              + value.type()
                              + ", not as binary; it is dropped from the session "
                              + "(was it written by something other than dysession?)");
                }
              });
    } else if (map != null) {
      LOG.severe(
          () ->
              "Session "
                  + SessionIds.fingerprint(id)
                  + ": item attribute "
                  + ATTRIBUTES
                  + " is not a map; the session is served without attributes");
    }
    return new SessionData(
        id, created, accessed, maxInactive, version, attributes, login(id, item.get(LOGIN)));
  }

  /** Returns whether the item's TTL attribute says it has expired at {@code now}. */
  boolean ttlPassed(Map<String, AttributeValue> item, Instant now) {
    Long ttl = longValue(item, settings.ttlAttributeName());
    return ttl != null && ttl <= now.getEpochSecond();
  }

  /**
   * Returns the TTL value (expiry rounded up to whole epoch seconds), or null if it never expires.
   */
  static Long ttlSeconds(SessionData session) {
    Instant expiry = session.expiryTime();
    if (expiry == null) {
      return null;
    }
    long seconds = expiry.getEpochSecond();
    return expiry.getNano() > 0 ? seconds + 1 : seconds;
  }

  /** Returns the item size DynamoDB would count for this session, rounded up. */
  long size(SessionData session) {
    long size = utf8(settings.partitionKeyName()) + utf8(settings.keyPrefix()) + utf8(session.id());
    size += utf8(settings.sortKeyName()) + utf8(SORT_KEY_VALUE);
    size += utf8(CREATED) + utf8(ACCESSED) + utf8(MAX_INACTIVE) + utf8(VERSION) + 4L * NUMBER_SIZE;
    size += utf8(WRITER) + WRITE_TOKEN_LENGTH + utf8(BASE) + NUMBER_SIZE;
    size += utf8(settings.ttlAttributeName()) + NUMBER_SIZE;
    // The expiry bucket: the prefix, "exp:" and a minute number of up to 12 digits.
    size += utf8(EXPIRY) + utf8(settings.keyPrefix()) + 4 + 12;
    size += utf8(ATTRIBUTES) + CONTAINER_OVERHEAD;
    for (Map.Entry<String, byte[]> e : session.attributes().entrySet()) {
      size += utf8(e.getKey()) + e.getValue().length + 1;
    }
    SessionLogin login = session.login();
    if (login != null) {
      size +=
          utf8(LOGIN)
              + CONTAINER_OVERHEAD
              + utf8(LOGIN_CALLER)
              + utf8(login.caller())
              + 1
              + utf8(LOGIN_MECHANISM)
              + utf8(login.mechanism())
              + 1
              + utf8(LOGIN_AT)
              + NUMBER_SIZE
              + 1
              + utf8(LOGIN_GROUPS)
              + CONTAINER_OVERHEAD
              + 1;
      for (String group : login.groups()) {
        size += utf8(group) + 1;
      }
      size += utf8(USER) + utf8(settings.keyPrefix()) + utf8(login.caller());
      if (login.client() != null) {
        size += utf8(LOGIN_CLIENT) + utf8(login.client()) + 1;
      }
    }
    return size;
  }

  /** Returns up to three attribute names with their sizes, largest first, for error messages. */
  static List<String> largest(Map<String, byte[]> attributes) {
    List<Map.Entry<String, byte[]>> entries = new ArrayList<>(attributes.entrySet());
    entries.sort(
        Comparator.comparingInt((Map.Entry<String, byte[]> e) -> e.getValue().length).reversed());
    List<String> result = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : entries.subList(0, Math.min(3, entries.size()))) {
      result.add("'" + e.getKey() + "' (" + e.getValue().length + " bytes)");
    }
    return result;
  }

  static AttributeValue number(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  static AttributeValue binary(byte[] bytes) {
    return AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(bytes));
  }

  private static long utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static Long longValue(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    if (value == null || value.n() == null) {
      return null;
    }
    try {
      return new java.math.BigDecimal(value.n()).longValue();
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Instant instant(Map<String, AttributeValue> item, String name, Instant fallback) {
    Long millis = longValue(item, name);
    return millis == null ? fallback : Instant.ofEpochMilli(millis);
  }
}
