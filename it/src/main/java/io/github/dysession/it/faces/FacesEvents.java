package io.github.dysession.it.faces;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reports what happened on this instance ({@code viewBeansDestroyed}: {@code @PreDestroy} calls of
 * view-scoped beans) and the session's class; {@code POST ?op=invalidate} invalidates the session.
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
    if ("invalidate".equals(req.getParameter("op"))) {
      HttpSession session = req.getSession(false);
      if (session != null) {
        session.invalidate();
      }
    }
    report(req, resp);
  }

  private static void report(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    HttpSession session = req.getSession(false);
    resp.setContentType("application/json");
    resp.getWriter().write("{\"node\":\"" + System.getProperty("dysession.it.instance", "?")
        + "\",\"viewBeansDestroyed\":" + VIEW_BEANS_DESTROYED.get()
        + ",\"sessionClass\":\"" + (session == null ? "" : session.getClass().getSimpleName()) + "\"}");
  }
}
