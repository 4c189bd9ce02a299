package io.github.dysession.servlet;

import io.github.dysession.store.SessionChanges;
import io.github.dysession.store.SessionData;

/**
 * Records {@link SessionSaveEvent}s. Callers check {@link #AVAILABLE} first: only this class refers
 * to the event, so a JVM or server without {@code jdk.jfr} never loads it.
 */
final class SaveEvents {

  /** Whether the JVM gives the application {@code jdk.jfr}. */
  static final boolean AVAILABLE = available();

  private SaveEvents() {}

  private static boolean available() {
    try {
      Class.forName("jdk.jfr.Event", false, SaveEvents.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Begins an event, or returns null when no recording wants it. */
  static Object begin() {
    SessionSaveEvent event = new SessionSaveEvent();
    if (!event.isEnabled()) {
      return null;
    }
    event.begin();
    return event;
  }

  /** Ends and commits the event of a new session's save. */
  static void created(Object handle, SessionData data, String result) {
    if (handle instanceof SessionSaveEvent event) {
      event.end();
      if (event.shouldCommit()) {
        event.kind = "create";
        event.result = result;
        event.attributesSet = data.attributes().size();
        event.valueBytes = SessionManager.valueBytes(data.attributes());
        event.commit();
      }
    }
  }

  /** Ends and commits the event of a save of changes. */
  static void updated(Object handle, SessionChanges changes, String result) {
    if (handle instanceof SessionSaveEvent event) {
      event.end();
      if (event.shouldCommit()) {
        event.kind = "update";
        event.result = result;
        event.attributesSet = changes.setAttributes().size();
        event.attributesRemoved = changes.removedAttributes().size();
        event.valueBytes = SessionManager.valueBytes(changes.setAttributes());
        event.commit();
      }
    }
  }
}
