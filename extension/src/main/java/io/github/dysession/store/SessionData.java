package io.github.dysession.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Holds one stored session as a store returns it: its times, its version and its attributes as
 * encoded bytes.
 *
 * <p>The byte arrays are shared, not copied: callers must not modify them.
 *
 * @param id the session id (never logged; see {@link SessionIds#fingerprint})
 * @param creationTime when the session was created
 * @param lastAccessedTime when a request last used the session
 * @param maxInactiveInterval how long the session lives after its last access; zero or negative
 *     means it never expires
 * @param version a counter every write increments
 * @param attributes the encoded attribute values by name
 * @param login the caller the session is logged in as, or null
 */
public record SessionData(
    String id,
    Instant creationTime,
    Instant lastAccessedTime,
    Duration maxInactiveInterval,
    long version,
    Map<String, byte[]> attributes,
    SessionLogin login) {

  /** Checks the values and makes the attribute map unmodifiable. */
  public SessionData {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(creationTime, "creationTime");
    Objects.requireNonNull(lastAccessedTime, "lastAccessedTime");
    Objects.requireNonNull(maxInactiveInterval, "maxInactiveInterval");
    attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
  }

  /** Creates a session that is not logged in. */
  public SessionData(
      String id,
      Instant creationTime,
      Instant lastAccessedTime,
      Duration maxInactiveInterval,
      long version,
      Map<String, byte[]> attributes) {
    this(id, creationTime, lastAccessedTime, maxInactiveInterval, version, attributes, null);
  }

  /** Returns a new, empty session created at {@code now}. */
  public static SessionData newSession(String id, Instant now, Duration maxInactiveInterval) {
    return new SessionData(id, now, now, maxInactiveInterval, 0, Map.of());
  }

  /** Returns whether the session never expires by inactivity. */
  public boolean neverExpires() {
    return maxInactiveInterval.isZero() || maxInactiveInterval.isNegative();
  }

  /** Returns the instant the session expires, or {@code null} when it never expires. */
  public Instant expiryTime() {
    return neverExpires() ? null : lastAccessedTime.plus(maxInactiveInterval);
  }

  /** Returns whether the session has expired at {@code now}. */
  public boolean isExpiredAt(Instant now) {
    Instant expiry = expiryTime();
    return expiry != null && !expiry.isAfter(now);
  }

  /** Returns a copy with another id. */
  public SessionData withId(String newId) {
    return new SessionData(
        newId, creationTime, lastAccessedTime, maxInactiveInterval, version, attributes, login);
  }

  /** Returns a copy logged in as {@code newLogin} (null: logged out). */
  public SessionData withLogin(SessionLogin newLogin) {
    return new SessionData(
        id, creationTime, lastAccessedTime, maxInactiveInterval, version, attributes, newLogin);
  }

  /** Returns a summary without the id, the caller or any attribute value. */
  @Override
  public String toString() {
    return "SessionData["
        + SessionIds.fingerprint(id)
        + ", version="
        + version
        + ", attributes="
        + attributes.keySet()
        + (login != null ? ", logged in" : "")
        + "]";
  }
}
