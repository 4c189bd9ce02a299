package io.github.dysession.servlet;

import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionActivationListener;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Calls the application's session listeners for dysession sessions, which the container never sees,
 * and the binding and activation callbacks of attribute values. A listener that throws is logged
 * and does not stop the others.
 */
final class SessionListeners {

  private static final Logger LOG = Logger.getLogger(SessionListeners.class.getName());

  private final List<HttpSessionListener> lifecycle = new CopyOnWriteArrayList<>();
  private final List<HttpSessionAttributeListener> attributes = new CopyOnWriteArrayList<>();
  private final List<HttpSessionIdListener> ids = new CopyOnWriteArrayList<>();

  private volatile boolean resolved;

  /**
   * Replaces the listeners collected at deployment with the container's own list, once the
   * application has started (every registration is done by then), and logs what dysession calls.
   * Where the server's list is not readable, keeps those collected at deployment (the
   * {@code @WebListener} classes) and says so once.
   */
  synchronized void resolve(jakarta.servlet.ServletContext context) {
    if (resolved) {
      return;
    }
    resolved = true;
    String path = context.getContextPath().isEmpty() ? "/" : context.getContextPath();
    ContainerListeners.Found found;
    try {
      found = ContainerListeners.read(context);
    } catch (RuntimeException | LinkageError e) {
      LOG.log(Level.FINE, "Reading the container's session listeners failed", e);
      found = null;
    }
    if (found == null) {
      LOG.warning(
          "dysession cannot read this server's session listeners for "
              + path
              + ": it calls the "
              + size()
              + " @WebListener session listener"
              + (size() == 1 ? "" : "s")
              + " of the application "
              + "only, not those of web.xml, web-fragment.xml or ServletContext.addListener");
      return;
    }
    lifecycle.clear();
    attributes.clear();
    ids.clear();
    List<String> names = new java.util.ArrayList<>();
    for (Object listener : found.listeners()) {
      add(listener);
      names.add(listener.getClass().getName());
    }
    List<String> leftOut = found.leftOut();
    LOG.info(
        () ->
            "dysession calls "
                + names.size()
                + " session listener"
                + (names.size() == 1 ? "" : "s")
                + " of "
                + path
                + " for its sessions"
                + (names.isEmpty() ? "" : ": " + String.join(", ", names))
                + (leftOut.isEmpty()
                    ? ""
                    : "; the server's own, left to it: " + String.join(", ", leftOut)));
  }

  /** Adds a listener instance; it may implement any of the three listener interfaces. */
  void add(Object listener) {
    if (listener instanceof HttpSessionListener l) {
      lifecycle.add(l);
    }
    if (listener instanceof HttpSessionAttributeListener l) {
      attributes.add(l);
    }
    if (listener instanceof HttpSessionIdListener l) {
      ids.add(l);
    }
  }

  int size() {
    return lifecycle.size() + attributes.size() + ids.size();
  }

  void created(HttpSession session) {
    HttpSessionEvent event = new HttpSessionEvent(session);
    for (HttpSessionListener l : lifecycle) {
      run(() -> l.sessionCreated(event), l);
    }
  }

  void destroyed(HttpSession session) {
    HttpSessionEvent event = new HttpSessionEvent(session);
    // Destroyed in reverse order of creation notifications, as the servlet specification asks.
    for (int i = lifecycle.size() - 1; i >= 0; i--) {
      HttpSessionListener l = lifecycle.get(i);
      run(() -> l.sessionDestroyed(event), l);
    }
  }

  void idChanged(HttpSession session, String oldId) {
    HttpSessionEvent event = new HttpSessionEvent(session);
    for (HttpSessionIdListener l : ids) {
      run(() -> l.sessionIdChanged(event, oldId), l);
    }
  }

  /** Notifies a value that it is being bound, before it is stored. */
  void bound(HttpSession session, String name, Object value) {
    if (value instanceof HttpSessionBindingListener l) {
      run(() -> l.valueBound(new HttpSessionBindingEvent(session, name, value)), l);
    }
  }

  /** Notifies a value that it was unbound. */
  void unbound(HttpSession session, String name, Object value) {
    if (value instanceof HttpSessionBindingListener l) {
      run(() -> l.valueUnbound(new HttpSessionBindingEvent(session, name, value)), l);
    }
  }

  void added(HttpSession session, String name, Object value) {
    if (attributes.isEmpty()) {
      return;
    }
    HttpSessionBindingEvent event = new HttpSessionBindingEvent(session, name, value);
    for (HttpSessionAttributeListener l : attributes) {
      run(() -> l.attributeAdded(event), l);
    }
  }

  void replaced(HttpSession session, String name, Object oldValue) {
    if (attributes.isEmpty()) {
      return;
    }
    HttpSessionBindingEvent event = new HttpSessionBindingEvent(session, name, oldValue);
    for (HttpSessionAttributeListener l : attributes) {
      run(() -> l.attributeReplaced(event), l);
    }
  }

  void removed(HttpSession session, String name, Object oldValue) {
    if (attributes.isEmpty()) {
      return;
    }
    HttpSessionBindingEvent event = new HttpSessionBindingEvent(session, name, oldValue);
    for (HttpSessionAttributeListener l : attributes) {
      run(() -> l.attributeRemoved(event), l);
    }
  }

  /** Tells a value it was just read from the store. */
  void activated(HttpSession session, Object value) {
    if (value instanceof HttpSessionActivationListener l) {
      run(() -> l.sessionDidActivate(new HttpSessionEvent(session)), l);
    }
  }

  /** Tells a value it is about to be written to the store. */
  void passivating(HttpSession session, Object value) {
    if (value instanceof HttpSessionActivationListener l) {
      run(() -> l.sessionWillPassivate(new HttpSessionEvent(session)), l);
    }
  }

  private static void run(Runnable callback, Object listener) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "Session listener "
              + listener.getClass().getName()
              + " failed: "
              + e.getClass().getName(),
          e);
    }
  }
}
