package io.github.dysession.servlet;

import io.github.dysession.codec.CodecException;
import io.github.dysession.store.SessionChanges;
import io.github.dysession.store.SessionData;
import io.github.dysession.store.SessionIds;
import io.github.dysession.store.SessionLogin;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An {@link HttpSession} whose state lives in a {@link io.github.dysession.store.SessionStore}.
 *
 * <p>One instance serves one request. Attribute values are decoded when first read; at save time
 * every value the request set or read is encoded again and written only if its bytes changed, so
 * in-place changes to a value (and to {@code @SessionScoped} beans) are saved without
 * {@code setAttribute}.
 */
final class DysessionHttpSession implements HttpSession {

  private static final Logger LOG = Logger.getLogger(DysessionHttpSession.class.getName());
  private static final Set<Class<?>> IMMUTABLE = Set.of(String.class, Boolean.class, Integer.class,
      Long.class, Short.class, Byte.class, Double.class, Float.class, Character.class,
      BigDecimal.class, BigInteger.class);

  private final SessionManager manager;
  private final boolean isNew;
  private final Instant accessTime;
  private volatile String id;
  private SessionData stored;
  private Duration maxInactiveInterval;
  private final Map<String, byte[]> storedBytes;
  private final Map<String, Object> values = new HashMap<>();
  private final Set<String> names;
  private final Set<String> setThisRequest = new HashSet<>();
  // Stored values that could not be decoded: hidden from the application but kept in the store,
  // so that an instance that can still read them (during a rolling upgrade) loses nothing.
  private final Set<String> unreadable = new HashSet<>();
  private SessionLogin login;
  private boolean persisted;
  private volatile boolean invalid;
  private boolean invalidating;
  // Encodings of the values set in this request, for the size check at setAttribute.
  private final Map<String, byte[]> pendingBytes = new HashMap<>();

  DysessionHttpSession(SessionManager manager, SessionData data, boolean isNew, Instant accessTime) {
    this.manager = manager;
    this.id = data.id();
    this.stored = data;
    this.isNew = isNew;
    this.persisted = !isNew;
    this.accessTime = accessTime;
    this.maxInactiveInterval = data.maxInactiveInterval();
    this.login = data.login();
    this.storedBytes = new HashMap<>(data.attributes());
    this.names = new LinkedHashSet<>(data.attributes().keySet());
  }

  @Override
  public synchronized long getCreationTime() {
    checkValid("getCreationTime");
    return stored.creationTime().toEpochMilli();
  }

  @Override
  public String getId() {
    return id;
  }

  @Override
  public synchronized long getLastAccessedTime() {
    checkValid("getLastAccessedTime");
    return stored.lastAccessedTime().toEpochMilli();
  }

  @Override
  public ServletContext getServletContext() {
    return manager.servletContext();
  }

  @Override
  public synchronized void setMaxInactiveInterval(int interval) {
    checkValid("setMaxInactiveInterval");
    maxInactiveInterval = Duration.ofSeconds(interval);
  }

  @Override
  public synchronized int getMaxInactiveInterval() {
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, maxInactiveInterval.toSeconds()));
  }

  @Override
  public synchronized Object getAttribute(String name) {
    checkValid("getAttribute");
    return read(name);
  }

  @Override
  public synchronized Enumeration<String> getAttributeNames() {
    checkValid("getAttributeNames");
    // Only names with a value: a stored value that cannot be decoded is dropped here too, as by
    // getAttribute, so that no name is listed whose value reads as null.
    for (String name : new ArrayList<>(names)) {
      read(name);
    }
    return Collections.enumeration(new LinkedHashSet<>(names));
  }

  @Override
  public void setAttribute(String name, Object value) {
    if (name == null) {
      throw new IllegalArgumentException("Session attribute name must not be null");
    }
    if (value == null) {
      removeAttribute(name);
      return;
    }
    Object old;
    boolean existed;
    byte[] encoded;
    synchronized (this) {
      checkValid("setAttribute");
      // Encoding now reports an unstorable value to the code that set it, not at the end of the request.
      encoded = manager.codec().encode(name, value);
      Map<String, byte[]> prospective = currentBytes();
      prospective.put(name, encoded);
      manager.store().checkSize(snapshot(prospective));
      existed = names.contains(name);
      old = existed ? read(name) : null;
      // Reading may have found the old value unreadable: then this is an addition, not a replacement.
      existed = names.contains(name);
      unreadable.remove(name);
    }
    manager.listeners().bound(this, name, value);
    synchronized (this) {
      // Value and bytes together: the save reuses the bytes of an immutable value.
      pendingBytes.put(name, encoded);
      values.put(name, value);
      names.add(name);
      setThisRequest.add(name);
    }
    if (old != null && old != value) {
      manager.listeners().unbound(this, name, old);
    }
    if (existed) {
      manager.listeners().replaced(this, name, old);
    } else {
      manager.listeners().added(this, name, value);
    }
  }

  @Override
  public void removeAttribute(String name) {
    Object old;
    synchronized (this) {
      checkValid("removeAttribute");
      if (unreadable.remove(name)) {
        return;
      }
      if (!names.contains(name)) {
        return;
      }
      old = read(name);
      names.remove(name);
      values.remove(name);
      setThisRequest.remove(name);
      pendingBytes.remove(name);
    }
    if (old != null) {
      manager.listeners().unbound(this, name, old);
    }
    manager.listeners().removed(this, name, old);
  }

  @Override
  public void invalidate() {
    synchronized (this) {
      checkValid("invalidate");
      if (invalidating) {
        throw new IllegalStateException("invalidate: session " + SessionIds.fingerprint(id)
            + " is being invalidated already");
      }
      invalidating = true;
    }
    try {
      manager.invalidate(this);
    } finally {
      synchronized (this) {
        invalidating = false;
      }
    }
  }

  @Override
  public synchronized boolean isNew() {
    checkValid("isNew");
    return isNew;
  }

  boolean isInvalid() {
    return invalid;
  }

  void markInvalid() {
    invalid = true;
  }

  synchronized boolean isPersisted() {
    return persisted;
  }

  synchronized void changeId(String newId) {
    this.id = newId;
    this.stored = stored.withId(newId);
  }

  /** Returns the caller this session is logged in as, or null. */
  synchronized SessionLogin login() {
    return login;
  }

  /** Logs this session in as {@code caller} (null: out); written with the request's other changes. */
  synchronized void setLogin(SessionLogin caller) {
    checkValid("setLogin");
    this.login = caller;
  }

  /** Returns the names of all attributes, for invalidation. */
  synchronized Set<String> attributeNames() {
    return new LinkedHashSet<>(names);
  }

  /** Returns the full session as it would be stored now, for a first write. */
  synchronized SessionData toNewData() {
    Map<String, byte[]> attributes = new LinkedHashMap<>(storedBytes);
    attributes.keySet().retainAll(names);
    for (Map.Entry<String, Object> e : values.entrySet()) {
      attributes.put(e.getKey(), encodeForSave(e.getKey(), e.getValue(), attributes.get(e.getKey())));
    }
    attributes.values().removeIf(v -> v == null);
    return new SessionData(id, stored.creationTime(), accessTime, maxInactiveInterval, 0, attributes, login);
  }

  /**
   * Returns what this request changed: values set, values read whose encoding changed, values
   * removed, the interval, and the access time.
   */
  synchronized SessionChanges changes() {
    Map<String, byte[]> set = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : values.entrySet()) {
      String name = e.getKey();
      byte[] before = storedBytes.get(name);
      if (before != null && !setThisRequest.contains(name) && IMMUTABLE.contains(e.getValue().getClass())) {
        continue;
      }
      byte[] now = encodeForSave(name, e.getValue(), before);
      if (now != null && (before == null || !Arrays.equals(before, now))) {
        set.put(name, now);
      }
    }
    Set<String> removed = new LinkedHashSet<>(storedBytes.keySet());
    removed.removeAll(names);
    removed.removeAll(unreadable);
    return new SessionChanges(stored, accessTime, maxInactiveInterval, set, removed, login);
  }

  /** Records that the session was written as {@code data}: later saves write only newer changes. */
  synchronized void saved(SessionData data) {
    stored = data;
    persisted = true;
    for (Map.Entry<String, byte[]> e : data.attributes().entrySet()) {
      // A value set again after the snapshot was taken still differs, so it is written next time.
      if (pendingBytes.get(e.getKey()) == null || Arrays.equals(pendingBytes.get(e.getKey()), e.getValue())) {
        setThisRequest.remove(e.getKey());
        pendingBytes.remove(e.getKey());
      }
    }
    storedBytes.keySet().retainAll(data.attributes().keySet());
    storedBytes.putAll(data.attributes());
  }

  private byte[] encodeForSave(String name, Object value, byte[] fallback) {
    byte[] pending = pendingBytes.get(name);
    if (pending != null && IMMUTABLE.contains(value.getClass())) {
      // Encoded by setAttribute, and a value of an immutable class cannot have changed since.
      return pending;
    }
    manager.listeners().passivating(this, value);
    try {
      return manager.codec().encode(name, value);
    } catch (IllegalArgumentException e) {
      // The value was storable when set; it no longer is (a field changed). Keep what was stored.
      LOG.log(Level.SEVERE, "Session " + SessionIds.fingerprint(id) + ": " + e.getMessage()
          + "; the stored value of the attribute is kept");
      return fallback;
    }
  }

  private Map<String, byte[]> currentBytes() {
    Map<String, byte[]> bytes = new HashMap<>(storedBytes);
    bytes.keySet().retainAll(names);
    bytes.putAll(unreadableBytes());
    bytes.putAll(pendingBytes);
    return bytes;
  }

  private Map<String, byte[]> unreadableBytes() {
    Map<String, byte[]> bytes = new HashMap<>();
    for (String name : unreadable) {
      byte[] b = storedBytes.get(name);
      if (b != null) {
        bytes.put(name, b);
      }
    }
    return bytes;
  }

  private SessionData snapshot(Map<String, byte[]> attributes) {
    return new SessionData(id, stored.creationTime(), accessTime, maxInactiveInterval, stored.version(),
        attributes, login);
  }

  private Object read(String name) {
    if (name == null || !names.contains(name)) {
      return null;
    }
    Object value = values.get(name);
    if (value != null) {
      return value;
    }
    byte[] bytes = storedBytes.get(name);
    if (bytes == null) {
      return null;
    }
    try {
      value = manager.codec().decode(name, bytes);
    } catch (CodecException e) {
      LOG.log(Level.SEVERE, "Session " + SessionIds.fingerprint(id) + ": " + e.getMessage()
          + "; the attribute is dropped and the rest of the session is served");
      names.remove(name);
      unreadable.add(name);
      return null;
    }
    values.put(name, value);
    manager.listeners().activated(this, value);
    return value;
  }

  // Servlet 5 (Tomcat 10.0, TomEE 9) still declares the deprecated methods below in HttpSession;
  // Servlet 6 removed them. Without them an application calling one there would get an
  // AbstractMethodError. They are not @Override, because the API compiled against lacks them.

  /**
   * Returns an attribute: the deprecated Servlet 5 name of {@link #getAttribute(String)}.
   *
   * @deprecated use {@link #getAttribute(String)}
   */
  @Deprecated
  public Object getValue(String name) {
    return getAttribute(name);
  }

  /**
   * Returns the attribute names as an array: the deprecated Servlet 5 form of
   * {@link #getAttributeNames()}.
   *
   * @deprecated use {@link #getAttributeNames()}
   */
  @Deprecated
  public synchronized String[] getValueNames() {
    checkValid("getValueNames");
    return names.toArray(new String[0]);
  }

  /**
   * Sets an attribute: the deprecated Servlet 5 name of {@link #setAttribute(String, Object)}.
   *
   * @deprecated use {@link #setAttribute(String, Object)}
   */
  @Deprecated
  public void putValue(String name, Object value) {
    setAttribute(name, value);
  }

  /**
   * Removes an attribute: the deprecated Servlet 5 name of {@link #removeAttribute(String)}.
   *
   * @deprecated use {@link #removeAttribute(String)}
   */
  @Deprecated
  public void removeValue(String name) {
    removeAttribute(name);
  }

  /**
   * Returns an empty session context, as Servlet 5 containers do: it finds no session by id and
   * lists no ids. Its type exists only in Servlet 5 and earlier, so this method can be called only
   * there; dysession compiles it against a stub of that type that is not packaged.
   *
   * @deprecated Servlet 2.1 deprecated the session context, for security reasons
   */
  @Deprecated
  public jakarta.servlet.http.HttpSessionContext getSessionContext() {
    // A cast rather than a direct return: the JVM resolves a cast only when it runs, whereas
    // verifying a direct return would load the type on Servlet 6 servers, where it is missing.
    return (jakarta.servlet.http.HttpSessionContext) emptySessionContext();
  }

  private static Object emptySessionContext() {
    return new EmptySessionContext();
  }

  /** The session context of Servlet 5's deprecated {@code getSessionContext()}: always empty. */
  @SuppressWarnings("deprecation")
  private static final class EmptySessionContext implements jakarta.servlet.http.HttpSessionContext {
    @Override
    public HttpSession getSession(String sessionId) {
      return null;
    }

    @Override
    public Enumeration<String> getIds() {
      return Collections.emptyEnumeration();
    }
  }

  private void checkValid(String method) {
    if (invalid) {
      throw new IllegalStateException(method + ": session " + SessionIds.fingerprint(id)
          + " has been invalidated");
    }
  }

  @Override
  public String toString() {
    return "DysessionHttpSession[" + SessionIds.fingerprint(id) + "]";
  }
}
