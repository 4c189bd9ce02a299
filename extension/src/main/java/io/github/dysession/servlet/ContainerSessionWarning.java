package io.github.dysession.servlet;

import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Logs one warning when the container creates a session of its own, which lives only on this
 * server: something reached the container's session without going through dysession.
 */
final class ContainerSessionWarning implements HttpSessionListener {

  private static final Logger LOG = Logger.getLogger(ContainerSessionWarning.class.getName());

  /** Servlet context attribute set once dysession serves the application's sessions. */
  static final String ENABLED = ContainerSessionWarning.class.getName() + ".enabled";

  private final AtomicBoolean warned = new AtomicBoolean();

  @Override
  public void sessionCreated(HttpSessionEvent event) {
    if (event.getSession().getServletContext().getAttribute(ENABLED) == null) {
      // dysession is switched off (or has not served a request yet): container sessions are
      // expected.
      return;
    }
    if (warned.compareAndSet(false, true)) {
      String path = event.getSession().getServletContext().getContextPath();
      LOG.warning(
          "The container created an HttpSession of its own in "
              + (path.isEmpty() ? "/" : path)
              + ", which lives only on this server and is not shared: code reached the container's"
              + " session without going through dysession (a filter or listener running before"
              + " dysession's filter, a component holding the unwrapped request, or @SessionScoped"
              + " used outside a request). Logged once.");
    }
  }
}
