package io.github.dysession.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Describes what one request changed in a session: attributes set and removed, its access time and
 * its maximum inactive interval.
 *
 * @param base the session as the request loaded (or created) it
 * @param lastAccessedTime the request's access time
 * @param maxInactiveInterval the interval after the request
 * @param setAttributes encoded values of the attributes the request set or changed
 * @param removedAttributes names of the attributes the request removed
 * @param login the caller the session is logged in as after the request, or null; a change from
 *     {@code base.login()} is written
 */
public record SessionChanges(
    SessionData base,
    Instant lastAccessedTime,
    Duration maxInactiveInterval,
    Map<String, byte[]> setAttributes,
    Set<String> removedAttributes,
    SessionLogin login) {

  /** Checks the values; a name may not be both set and removed. */
  public SessionChanges {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(lastAccessedTime, "lastAccessedTime");
    Objects.requireNonNull(maxInactiveInterval, "maxInactiveInterval");
    setAttributes = Collections.unmodifiableMap(new LinkedHashMap<>(setAttributes));
    removedAttributes = Collections.unmodifiableSet(new LinkedHashSet<>(removedAttributes));
    for (String name : removedAttributes) {
      if (setAttributes.containsKey(name)) {
        throw new IllegalArgumentException(
            "Attribute '" + name + "' is both set and removed; pass it in one of the two only");
      }
    }
  }

  /** Creates changes that keep the session's login as it was. */
  public SessionChanges(
      SessionData base,
      Instant lastAccessedTime,
      Duration maxInactiveInterval,
      Map<String, byte[]> setAttributes,
      Set<String> removedAttributes) {
    this(
        base,
        lastAccessedTime,
        maxInactiveInterval,
        setAttributes,
        removedAttributes,
        base.login());
  }

  /** Returns changes that only touch the session at {@code now}. */
  public static SessionChanges touch(SessionData base, Instant now) {
    return new SessionChanges(base, now, base.maxInactiveInterval(), Map.of(), Set.of());
  }

  /** Returns whether the request logged the session in, out, or in as another caller. */
  public boolean changesLogin() {
    return !Objects.equals(login, base.login());
  }

  /** Returns whether any attribute, the interval or the login changed. */
  public boolean changesContent() {
    return !setAttributes.isEmpty()
        || !removedAttributes.isEmpty()
        || !maxInactiveInterval.equals(base.maxInactiveInterval())
        || changesLogin();
  }

  /**
   * Returns whether these changes must be written: when content changed, or when the stored access
   * time is at least {@code touchInterval} old (or half the session's inactive interval, if that is
   * shorter, so a session in use never expires between touches).
   */
  public boolean needsWrite(Duration touchInterval) {
    if (changesContent()) {
      return true;
    }
    Duration interval = touchInterval;
    if (!base.neverExpires() && base.maxInactiveInterval().dividedBy(2).compareTo(interval) < 0) {
      interval = base.maxInactiveInterval().dividedBy(2);
    }
    Duration sinceStored = Duration.between(base.lastAccessedTime(), lastAccessedTime);
    return sinceStored.compareTo(interval) >= 0;
  }

  /** Returns the attributes the session holds once these changes are applied. */
  public Map<String, byte[]> resultingAttributes() {
    Map<String, byte[]> result = new LinkedHashMap<>(base.attributes());
    result.keySet().removeAll(removedAttributes);
    result.putAll(setAttributes);
    return result;
  }

  /** Returns the session as it is once these changes are applied (version not yet incremented). */
  public SessionData result() {
    return result(base.version());
  }

  /** Returns the session as it is once these changes are applied, with the given version. */
  public SessionData result(long version) {
    return new SessionData(
        base.id(),
        base.creationTime(),
        lastAccessedTime,
        maxInactiveInterval,
        version,
        resultingAttributes(),
        login);
  }

  /** Returns a summary without the id or any attribute value. */
  @Override
  public String toString() {
    return "SessionChanges["
        + SessionIds.fingerprint(base.id())
        + ", set="
        + setAttributes.keySet()
        + ", removed="
        + removedAttributes
        + (changesLogin() ? ", login changed" : "")
        + "]";
  }
}
