package io.github.dysession.servlet;

import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A session value that records when it is bound and unbound. Stored as JSON, so the instance that
 * hears {@code valueUnbound} in a later request is a new one, read from the store.
 *
 * @param label what the tests recognise the value by
 */
public record Ticket(String label) implements HttpSessionBindingListener {

  /** What every ticket heard, in order: {@code "bound <label>"}, {@code "unbound <label>"}. */
  static final List<String> EVENTS = new CopyOnWriteArrayList<>();

  @Override
  public void valueBound(HttpSessionBindingEvent event) {
    EVENTS.add("bound " + label);
  }

  @Override
  public void valueUnbound(HttpSessionBindingEvent event) {
    EVENTS.add("unbound " + label);
  }
}
