package io.github.dysession.it.app;

import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;

/** The application's own session listener: counts what the server tells it. */
@WebListener
public class SessionEventsListener
    implements HttpSessionListener, HttpSessionAttributeListener, HttpSessionIdListener {

  @Override
  public void sessionCreated(HttpSessionEvent se) {
    Events.record("sessionCreated:" + se.getSession().getClass().getSimpleName());
  }

  @Override
  public void sessionDestroyed(HttpSessionEvent se) {
    Events.record("sessionDestroyed");
    // A session a test tagged (attribute expiryTag) is also counted by its tag.
    if (se.getSession().getAttribute("expiryTag") instanceof String tag) {
      Events.record("sessionDestroyed:" + tag);
    }
  }

  @Override
  public void attributeAdded(HttpSessionBindingEvent event) {
    Events.record("attributeAdded:" + event.getName());
  }

  @Override
  public void attributeRemoved(HttpSessionBindingEvent event) {
    Events.record("attributeRemoved:" + event.getName());
  }

  @Override
  public void attributeReplaced(HttpSessionBindingEvent event) {
    Events.record("attributeReplaced:" + event.getName());
  }

  @Override
  public void sessionIdChanged(HttpSessionEvent event, String oldSessionId) {
    Events.record("sessionIdChanged");
  }
}
