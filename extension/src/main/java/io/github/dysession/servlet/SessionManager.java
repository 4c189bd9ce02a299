package io.github.dysession.servlet;

import io.github.dysession.codec.AttributeCodec;
import io.github.dysession.config.DysessionSettings;
import io.github.dysession.store.OperationsListener;
import io.github.dysession.store.PartialSaveException;
import io.github.dysession.store.SaveOutcome;
import io.github.dysession.store.SessionChanges;
import io.github.dysession.store.SessionData;
import io.github.dysession.store.SessionIds;
import io.github.dysession.store.SessionStore;
import io.github.dysession.store.SessionStore.SaveResult;
import io.github.dysession.store.SessionStoreException;
import jakarta.servlet.ServletContext;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Creates, loads, saves and invalidates the dysession sessions of one web application, and notifies
 * listeners and the CDI bridge.
 */
final class SessionManager {

  private static final Logger LOG = Logger.getLogger(SessionManager.class.getName());

  private final ServletContext servletContext;
  private final SessionRuntime runtime;
  private final SessionListeners listeners;
  private final SessionCookies cookies;

  /**
   * A new session's max inactive interval: dysession.cache-period, or the application's
   * session-timeout.
   */
  private final Duration maxInactiveInterval;

  private final Clock clock;

  SessionManager(
      ServletContext servletContext,
      SessionRuntime runtime,
      SessionListeners listeners,
      Clock clock) {
    this.servletContext = servletContext;
    this.runtime = runtime;
    this.listeners = listeners;
    ApplicationSessionConfig.Effective effective =
        servletContext == null
            ? ApplicationSessionConfig.ofSettings(runtime.settings())
            : ApplicationSessionConfig.merge(
                runtime.settings(), ApplicationSessionConfig.Application.of(servletContext));
    this.maxInactiveInterval = effective.maxInactiveInterval();
    this.cookies =
        new SessionCookies(effective.cookie(), effective.maxAge(), effective.extraAttributes());
    this.clock = clock;
    if (servletContext != null) {
      logSettings(servletContext, effective);
    }
    runtime
        .operations()
        .applicationStarted(servletContext == null ? "" : servletContext.getContextPath());
  }

  private static void logSettings(
      ServletContext context, ApplicationSessionConfig.Effective effective) {
    String path = context.getContextPath().isEmpty() ? "/" : context.getContextPath();
    Duration interval = effective.maxInactiveInterval();
    LOG.info(
        () ->
            "dysession sessions of "
                + path
                + ": max inactive interval "
                + (interval.isZero() ? "none (never expire)" : interval.toSeconds() + " s")
                + ", cookie "
                + effective.cookie().name()
                + (effective.fromApplication().isEmpty()
                    ? ""
                    : "; from the application's session-config: "
                        + String.join(", ", effective.fromApplication())));
    if (!effective.ignored().isEmpty()) {
      LOG.warning(
          path
              + ": dysession ignores the application's "
              + String.join(", ", effective.ignored())
              + " and keeps its own setting");
    }
    try {
      String tracking =
          ApplicationSessionConfig.trackingWarning(
              path,
              context.getEffectiveSessionTrackingModes(),
              context.getDefaultSessionTrackingModes());
      if (tracking != null) {
        LOG.warning(tracking);
      }
    } catch (RuntimeException e) {
      LOG.log(
          java.util.logging.Level.FINE, "Could not read the session tracking modes of " + path, e);
    }
  }

  ServletContext servletContext() {
    return servletContext;
  }

  /** Where this application's sessions are reported, for metrics. */
  OperationsListener operations() {
    return runtime.operations();
  }

  AttributeCodec codec() {
    return runtime.codec();
  }

  SessionStore store() {
    return runtime.store();
  }

  DysessionSettings settings() {
    return runtime.settings();
  }

  SessionListeners listeners() {
    return listeners;
  }

  SessionCookies cookies() {
    return cookies;
  }

  SessionScopeBridge bridge() {
    return runtime.bridge();
  }

  /** Loads the session with the given id; null when there is none or it has expired. */
  DysessionHttpSession load(String id) {
    Optional<SessionData> data = runtime.store().load(id);
    return data.map(d -> new DysessionHttpSession(this, d, false, clock.instant())).orElse(null);
  }

  /** Creates a new session in memory; it is written when the request saves. */
  DysessionHttpSession create() {
    SessionData data =
        SessionData.newSession(SessionIds.generate(), clock.instant(), maxInactiveInterval);
    return new DysessionHttpSession(this, data, true, data.creationTime());
  }

  /** Notifies the CDI bridge and the listeners of a session {@link #create} made. */
  void created(DysessionHttpSession session) {
    runtime.bridge().sessionCreated(session);
    listeners.created(session);
  }

  /**
   * Writes what the request changed: a new session with one PutItem, an existing one with at most
   * one UpdateItem (none when nothing changed inside the touch interval).
   */
  void save(DysessionHttpSession session) {
    saveOnce(session);
    reportAdmission(session);
  }

  private void saveOnce(DysessionHttpSession session) {
    // One save at a time per session: two threads of one request must not both create it. Held
    // across the store's call; it guards no state and no application code runs under it, except
    // the values' sessionWillPassivate (called while the changes are encoded).
    session.saveLock().lock();
    try {
      if (session.isInvalid()) {
        return;
      }
      // A JDK Flight Recorder event per save, where the JVM has JFR and a recording wants it.
      Object event = SaveEvents.AVAILABLE ? SaveEvents.begin() : null;
      if (!session.isPersisted()) {
        // A collision of 256 random bits (DuplicateSessionIdException) is left to surface as an
        // error: the id is already in the response's cookie, so it cannot be replaced silently.
        SessionData data = session.toNewData();
        try {
          runtime.store().create(data);
        } catch (RuntimeException e) {
          if (event != null) {
            SaveEvents.created(event, data, "FAILED");
          }
          throw e;
        }
        session.saved(data);
        if (event != null) {
          SaveEvents.created(event, data, "WRITTEN");
        }
        runtime.operations().sessionCreated();
        runtime.operations().saved(data.attributes().size(), valueBytes(data.attributes()));
        return;
      }
      SessionChanges changes = session.changes();
      SaveOutcome outcome;
      try {
        outcome = runtime.store().save(changes);
      } catch (PartialSaveException e) {
        // What landed is stored: a later save of this session writes only the rest.
        session.saved(e.stored());
        if (event != null) {
          SaveEvents.updated(event, changes, "PARTIAL");
        }
        throw e;
      } catch (RuntimeException e) {
        if (event != null) {
          SaveEvents.updated(event, changes, "FAILED");
        }
        throw e;
      }
      if (event != null) {
        SaveEvents.updated(event, changes, outcome.result().name());
      }
      if (outcome.result() == SaveResult.WRITTEN) {
        session.saved(outcome.stored());
        if (!changes.setAttributes().isEmpty()) {
          // A touch (only the access time) writes no values: not a sample of what saves write.
          runtime
              .operations()
              .saved(changes.setAttributes().size(), valueBytes(changes.setAttributes()));
        }
      } else if (outcome.result() == SaveResult.GONE) {
        session.markInvalid();
        if (changes.changesContent()) {
          LOG.info(
              () ->
                  "Session "
                      + SessionIds.fingerprint(session.getId())
                      + " was invalidated or "
                      + "expired while a request used it; the request's changes to "
                      + changes.setAttributes().keySet()
                      + " were discarded");
        }
      }
    } finally {
      session.saveLock().unlock();
    }
  }

  /**
   * Tells the store that a login it admitted into {@code session} is written (the save returned) or
   * gone (invalidated), so the admission no longer counts as a login still to be written. A failure
   * is left alone: the admission then counts for {@link SessionStore#ADMISSION_GRACE} at most.
   */
  private void reportAdmission(DysessionHttpSession session) {
    DysessionHttpSession.Admission admitted = session.takeAdmitted();
    if (admitted == null) {
      return;
    }
    try {
      runtime.store().loginWritten(admitted.caller(), admitted.id());
    } catch (SessionStoreException e) {
      LOG.fine(
          () ->
              "Could not mark a login as written ("
                  + e.getMessage()
                  + "); it counts against the limit for "
                  + SessionStore.ADMISSION_GRACE.toSeconds()
                  + " s at most");
    }
  }

  /**
   * Invalidates a session: deletes it from the store first (so no other instance serves it any
   * more, and a failure leaves everything as it was), then notifies listeners, destroys its beans
   * and unbinds its values.
   */
  void invalidate(DysessionHttpSession session) {
    boolean stored;
    session.saveLock().lock();
    try {
      stored = session.isPersisted();
      if (stored) {
        runtime.store().delete(session.getId());
      }
    } finally {
      session.saveLock().unlock();
    }
    reportAdmission(session);
    if (stored) {
      // A session created and invalidated in one request was never stored, nor counted created.
      runtime.operations().sessionInvalidated();
    }
    endCallbacks(session, false);
  }

  /** The bytes of the values, in all. */
  static long valueBytes(java.util.Map<String, byte[]> values) {
    long bytes = 0;
    for (byte[] value : values.values()) {
      bytes += value.length;
    }
    return bytes;
  }

  /**
   * Runs, for a session that another request of this instance ended through the store (its item is
   * deleted already: {@link SessionStore#endLoggedIn}), the callbacks {@link #invalidate} runs: the
   * listeners, the CDI events and {@code @PreDestroy} of its beans, and {@code valueUnbound} of its
   * values, decoded from what was stored. Nothing of it is written.
   */
  void endedElsewhere(SessionData data) {
    DysessionHttpSession session = new DysessionHttpSession(this, data, false, clock.instant());
    endCallbacks(session, true);
  }

  /**
   * Ends the session {@code id} if it is logged in as {@code caller}, as {@link #endedElsewhere}
   * says; returns whether this call ended it (exactly one caller does).
   */
  boolean endLoggedIn(String id, String caller) {
    Optional<SessionData> ended = runtime.store().endLoggedIn(id, caller);
    if (ended.isPresent()) {
      runtime.operations().sessionInvalidated();
    }
    ended.ifPresent(this::endedElsewhere);
    return ended.isPresent();
  }

  private void endCallbacks(DysessionHttpSession session, boolean foreign) {
    try {
      listeners.destroyed(session);
      try {
        if (foreign) {
          runtime.bridge().sessionEndedElsewhere(session);
        } else {
          runtime.bridge().sessionDestroyed(session);
        }
      } catch (RuntimeException e) {
        LOG.log(
            java.util.logging.Level.WARNING,
            "CDI session-destroyed callbacks failed for session "
                + SessionIds.fingerprint(session.getId()),
            e);
      }
      for (String name : session.attributeNames()) {
        try {
          session.removeAttribute(name);
        } catch (IllegalStateException e) {
          // A listener ended or broke the session meanwhile: the rest is still unbound.
          LOG.log(
              java.util.logging.Level.WARNING,
              "Unbinding attribute "
                  + name
                  + " of invalidated "
                  + "session "
                  + SessionIds.fingerprint(session.getId())
                  + " failed: "
                  + e.getMessage(),
              e);
        }
      }
    } finally {
      session.markInvalid();
      if (!foreign) {
        runtime.bridge().sessionInvalidated(session);
      }
    }
  }

  /** Moves a session to a new id and returns the old one. */
  String changeId(DysessionHttpSession session) {
    String oldId;
    String newId = SessionIds.generate();
    session.saveLock().lock();
    try {
      oldId = session.getId();
      if (session.isPersisted()) {
        Optional<SessionData> moved = runtime.store().changeId(oldId, newId);
        if (moved.isEmpty()) {
          session.markInvalid();
          throw new IllegalStateException(
              "changeSessionId: session "
                  + SessionIds.fingerprint(oldId)
                  + " was invalidated or expired meanwhile");
        }
      }
      session.changeId(newId);
    } finally {
      session.saveLock().unlock();
    }
    listeners.idChanged(session, oldId);
    return oldId;
  }
}
