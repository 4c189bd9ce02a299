package io.github.dysession.it.fragment;

import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;

/**
 * A session listener of every kind that counts its events in {@link ListenerEvents}: created,
 * destroyed, id changed, and added/replaced/removed of attributes whose name starts with {@code
 * probe} (Faces keeps attributes of its own in the session too). Subclasses differ only in how they
 * are registered.
 */
public abstract class RecordingListener
    implements HttpSessionListener, HttpSessionAttributeListener, HttpSessionIdListener {

  @Override
  public void sessionCreated(HttpSessionEvent se) {
    ListenerEvents.record(this, "created");
  }

  @Override
  public void sessionDestroyed(HttpSessionEvent se) {
    ListenerEvents.record(this, "destroyed");
  }

  @Override
  public void sessionIdChanged(HttpSessionEvent event, String oldSessionId) {
    ListenerEvents.record(this, "idChanged");
  }

  @Override
  public void attributeAdded(HttpSessionBindingEvent event) {
    attribute("added", event);
  }

  @Override
  public void attributeRemoved(HttpSessionBindingEvent event) {
    attribute("removed", event);
  }

  @Override
  public void attributeReplaced(HttpSessionBindingEvent event) {
    attribute("replaced", event);
  }

  private void attribute(String what, HttpSessionBindingEvent event) {
    if (event.getName().startsWith("probe")) {
      ListenerEvents.record(this, what);
    }
  }
}
