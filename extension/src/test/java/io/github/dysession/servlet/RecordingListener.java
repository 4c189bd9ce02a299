package io.github.dysession.servlet;

import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An application's session listener of all three kinds, which writes down every call it gets:
 * {@code "created <id>"}, {@code "destroyed <id> user=<user attribute>"}, {@code "added <name>"},
 * {@code "replaced <name> was <old value>"}, {@code "removed <name>"} and {@code "id <old id> ->
 * <new id>"}.
 */
final class RecordingListener
    implements HttpSessionListener, HttpSessionAttributeListener, HttpSessionIdListener {

  private final List<String> events = new CopyOnWriteArrayList<>();

  /** Returns what was heard so far, in order. */
  List<String> events() {
    return List.copyOf(events);
  }

  /** Forgets what was heard, by this listener and by every {@link Ticket}. */
  void clear() {
    events.clear();
    Ticket.EVENTS.clear();
  }

  @Override
  public void sessionCreated(HttpSessionEvent event) {
    events.add("created " + event.getSession().getId());
  }

  @Override
  public void sessionDestroyed(HttpSessionEvent event) {
    // The session's values are still there while it is being destroyed.
    events.add(
        "destroyed "
            + event.getSession().getId()
            + " user="
            + event.getSession().getAttribute("user"));
  }

  @Override
  public void attributeAdded(HttpSessionBindingEvent event) {
    events.add("added " + event.getName());
  }

  @Override
  public void attributeReplaced(HttpSessionBindingEvent event) {
    events.add("replaced " + event.getName() + " was " + event.getValue());
  }

  @Override
  public void attributeRemoved(HttpSessionBindingEvent event) {
    events.add("removed " + event.getName());
  }

  @Override
  public void sessionIdChanged(HttpSessionEvent event, String oldSessionId) {
    events.add("id " + oldSessionId + " -> " + event.getSession().getId());
  }
}
