package io.github.dysession.servlet;

import io.github.dysession.store.SessionChanges;
import io.github.dysession.store.SessionData;
import io.github.dysession.store.SessionIds;
import io.github.dysession.store.SessionLogin;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@link HttpSession} of one request, whose state ({@link SessionAttributes}) lives in a {@link
 * io.github.dysession.store.SessionStore}: checks validity, calls the listeners and {@code
 * HttpSessionBindingListener}/{@code HttpSessionActivationListener} values, and encodes values for
 * the save.
 *
 * <p>Locking: the state guards itself (see {@link SessionAttributes}); this class holds no lock
 * while it calls listeners, values' callbacks or the codec. {@link #saveLock()} serializes the
 * saves, the deletion and the id change of this session (a new session's first write must land
 * before any later one); only {@link SessionManager} takes it, it guards no field, and attribute
 * access never waits for it. This object's own monitor guards nothing of it: dysession's
 * {@code @SessionScoped} context takes it to create a session's beans once.
 */
final class DysessionHttpSession implements HttpSession {

  private static final Logger LOG = Logger.getLogger(DysessionHttpSession.class.getName());

  private final SessionManager manager;
  private final SessionAttributes state;
  private final boolean isNew;
  private final Instant accessTime;
  private final ReentrantLock saveLock = new ReentrantLock();
  private volatile String id;
  private volatile boolean invalid;
  private final AtomicBoolean invalidating = new AtomicBoolean();

  /**
   * The login the store admitted into this session (caller, and the id it was admitted under) and
   * not yet reported written, or null.
   */
  private final java.util.concurrent.atomic.AtomicReference<Admission> admission =
      new java.util.concurrent.atomic.AtomicReference<>();

  /** A login the store admitted: the caller, and the session id it was admitted under. */
  record Admission(String caller, String id) {}

  DysessionHttpSession(
      SessionManager manager, SessionData data, boolean isNew, Instant accessTime) {
    this.manager = manager;
    this.id = data.id();
    this.isNew = isNew;
    this.accessTime = accessTime;
    this.state = new SessionAttributes(data, !isNew, manager.codec(), manager.operations());
  }

  @Override
  public long getCreationTime() {
    checkValid("getCreationTime");
    return state.stored().creationTime().toEpochMilli();
  }

  @Override
  public String getId() {
    return id;
  }

  @Override
  public long getLastAccessedTime() {
    checkValid("getLastAccessedTime");
    return state.stored().lastAccessedTime().toEpochMilli();
  }

  @Override
  public ServletContext getServletContext() {
    return manager.servletContext();
  }

  @Override
  public void setMaxInactiveInterval(int interval) {
    checkValid("setMaxInactiveInterval");
    state.setMaxInactiveInterval(Duration.ofSeconds(interval));
  }

  @Override
  public int getMaxInactiveInterval() {
    long seconds = state.maxInactiveInterval().toSeconds();
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, seconds));
  }

  @Override
  public Object getAttribute(String name) {
    checkValid("getAttribute");
    return read(name);
  }

  @Override
  public Enumeration<String> getAttributeNames() {
    checkValid("getAttributeNames");
    // Only names with a value: a stored value that cannot be decoded is dropped here too, as by
    // getAttribute, so that no name is listed whose value reads as null.
    for (String name : state.names()) {
      read(name);
    }
    return Collections.enumeration(state.names());
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
    checkValid("setAttribute");
    // Encoding now reports an unstorable value to the code that set it, not at the end of the
    // request.
    byte[] encoded = manager.codec().encode(name, value);
    if (state.needsSizeCheck(name, encoded)) {
      manager.store().checkSize(state.withPending(name, encoded, accessTime));
      state.checkedWithinLimit();
    }
    boolean existed = state.contains(name);
    Object old = existed ? read(name) : null;
    // Reading may have found the old value unreadable: then this is an addition, not a replacement.
    existed = state.contains(name);
    state.dropUnreadable(name);
    manager.listeners().bound(this, name, value);
    // Value and bytes together: the save reuses the bytes of an immutable value.
    state.set(name, value, encoded);
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
    checkValid("removeAttribute");
    if (state.dropUnreadable(name) || !state.contains(name)) {
      return;
    }
    SessionAttributes.Read old = state.remove(name);
    activateIfDecoded(old);
    if (old.value() != null) {
      manager.listeners().unbound(this, name, old.value());
    }
    manager.listeners().removed(this, name, old.value());
  }

  @Override
  public void invalidate() {
    checkValid("invalidate");
    if (!invalidating.compareAndSet(false, true)) {
      throw new IllegalStateException(
          "invalidate: session " + SessionIds.fingerprint(id) + " is being invalidated already");
    }
    try {
      manager.invalidate(this);
    } finally {
      invalidating.set(false);
    }
  }

  @Override
  public boolean isNew() {
    checkValid("isNew");
    return isNew;
  }

  boolean isInvalid() {
    return invalid;
  }

  void markInvalid() {
    invalid = true;
  }

  boolean isPersisted() {
    return state.isPersisted();
  }

  /** Serializes this session's writes to the store; see the class comment. */
  ReentrantLock saveLock() {
    return saveLock;
  }

  void changeId(String newId) {
    state.changeId(newId);
    this.id = newId;
  }

  /** Returns the caller this session is logged in as, or null. */
  SessionLogin login() {
    return state.login();
  }

  /**
   * Logs this session in as {@code caller} (null: out); written with the request's other changes.
   */
  void setLogin(SessionLogin caller) {
    checkValid("setLogin");
    state.setLogin(caller);
  }

  /** Remembers that the store admitted a login of {@code caller} into this session (by its id). */
  void admitted(String caller) {
    admission.set(new Admission(caller, id));
  }

  /** Returns and forgets the admitted login not yet reported written, or null. */
  Admission takeAdmitted() {
    return admission.getAndSet(null);
  }

  /** Returns the names of all attributes, for invalidation. */
  Set<String> attributeNames() {
    return state.names();
  }

  /** Returns the full session as it would be stored now, for a first write. */
  SessionData toNewData() {
    return state.toNewData(encodeForSave(), accessTime);
  }

  /**
   * Returns what this request changed: values set, values read whose encoding changed, values
   * removed, the interval, and the access time.
   */
  SessionChanges changes() {
    return state.changes(encodeForSave(), accessTime);
  }

  /** Records that the session was written as {@code data}: later saves write only newer changes. */
  void saved(SessionData data) {
    state.saved(data);
  }

  /**
   * Encodes the values a save must compare with what is stored, each after its {@code
   * sessionWillPassivate}; outside the state's lock, as both run application code.
   */
  private Map<String, byte[]> encodeForSave() {
    Map<String, byte[]> encoded = new LinkedHashMap<>();
    for (SessionAttributes.ToEncode value : state.valuesToEncode()) {
      if (value.reuse() != null) {
        // Encoded by setAttribute, and a value of an immutable class cannot have changed since.
        encoded.put(value.name(), value.reuse());
        continue;
      }
      manager.listeners().passivating(this, value.value());
      try {
        encoded.put(value.name(), manager.codec().encode(value.name(), value.value()));
      } catch (IllegalArgumentException e) {
        // The value was storable when set; it no longer is (a field changed). Keep what was stored.
        LOG.log(
            Level.SEVERE,
            "Session "
                + SessionIds.fingerprint(id)
                + ": "
                + e.getMessage()
                + "; the stored value of the attribute is kept");
        encoded.put(value.name(), value.fallback());
      }
    }
    return encoded;
  }

  private Object read(String name) {
    SessionAttributes.Read read = state.read(name);
    activateIfDecoded(read);
    return read.value();
  }

  /** Calls {@code sessionDidActivate} of a value just decoded from the store. */
  private void activateIfDecoded(SessionAttributes.Read read) {
    if (read.decoded()) {
      manager.listeners().activated(this, read.value());
    }
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
   * Returns the attribute names as an array: the deprecated Servlet 5 form of {@link
   * #getAttributeNames()}.
   *
   * @deprecated use {@link #getAttributeNames()}
   */
  @Deprecated
  public String[] getValueNames() {
    checkValid("getValueNames");
    return state.names().toArray(new String[0]);
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
  private static final class EmptySessionContext
      implements jakarta.servlet.http.HttpSessionContext {
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
      throw new IllegalStateException(
          method + ": session " + SessionIds.fingerprint(id) + " has been invalidated");
    }
  }

  @Override
  public String toString() {
    return "DysessionHttpSession[" + SessionIds.fingerprint(id) + "]";
  }
}
