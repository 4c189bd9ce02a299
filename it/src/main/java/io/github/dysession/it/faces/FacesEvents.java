package io.github.dysession.it.faces;

import io.github.dysession.it.fragment.ListenerEvents;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reports what happened on this instance ({@code viewBeansDestroyed}: {@code @PreDestroy} calls of
 * view-scoped beans; {@code listenerEvents}: the counts of {@link ListenerEvents}) and the
 * session's class. {@code POST ?op=} changes the session: {@code set&name=&value=}, {@code
 * remove&name=}, {@code changeId}, {@code invalidate}; {@code reset} forgets this instance's
 * counts.
 */
@WebServlet("/events")
public class FacesEvents extends HttpServlet {

  private static final long serialVersionUID = 1L;

  /** {@code @PreDestroy} calls of {@link ViewCounter}s on this instance. */
  static final AtomicInteger VIEW_BEANS_DESTROYED = new AtomicInteger();

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    report(req, resp);
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String op = String.valueOf(req.getParameter("op"));
    switch (op) {
      case "set" ->
          req.getSession().setAttribute(req.getParameter("name"), req.getParameter("value"));
      case "remove" -> req.getSession().removeAttribute(req.getParameter("name"));
      case "changeId" -> req.changeSessionId();
      case "invalidate" -> {
        HttpSession session = req.getSession(false);
        if (session != null) {
          session.invalidate();
        }
      }
      case "reset" -> {
        ListenerEvents.reset();
        VIEW_BEANS_DESTROYED.set(0);
      }
      default -> {
        resp.sendError(400, "unknown op");
        return;
      }
    }
    report(req, resp);
  }

  private static void report(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    HttpSession session = req.getSession(false);
    StringBuilder events = new StringBuilder("{");
    for (Map.Entry<String, Integer> e : ListenerEvents.snapshot().entrySet()) {
      events
          .append(events.length() > 1 ? "," : "")
          .append('"')
          .append(e.getKey())
          .append("\":")
          .append(e.getValue());
    }
    events.append('}');
    resp.setContentType("application/json");
    resp.getWriter()
        .write(
            "{\"node\":\""
                + System.getProperty("dysession.it.instance", "?")
                + "\",\"viewBeansDestroyed\":"
                + VIEW_BEANS_DESTROYED.get()
                + ",\"listenerEvents\":"
                + events
                + ",\"sessionClass\":\""
                + (session == null ? "" : session.getClass().getSimpleName())
                + "\"}");
  }
}
