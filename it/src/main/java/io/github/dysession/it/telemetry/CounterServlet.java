package io.github.dysession.it.telemetry;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;

/**
 * The telemetry test application's one page, {@code counter?do=...}: {@code new} starts a session
 * holding a counter, {@code read} shows it, {@code increment} adds one, {@code invalidate} ends the
 * session. Each answers the counter in plain text, or 404 without a session.
 */
@WebServlet("/counter")
public class CounterServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String action = request.getParameter("do");
    HttpSession session = request.getSession("new".equals(action));
    if (session == null) {
      response.sendError(HttpServletResponse.SC_NOT_FOUND, "no session");
      return;
    }
    Integer counter = (Integer) session.getAttribute("counter");
    switch (action == null ? "read" : action) {
      case "new" -> counter = 0;
      case "increment" -> counter = counter == null ? 1 : counter + 1;
      case "invalidate" -> session.invalidate();
      case "read" -> {}
      default -> {
        response.sendError(
            HttpServletResponse.SC_BAD_REQUEST, "do: new, read, increment, invalidate");
        return;
      }
    }
    if (!"read".equals(action) && !"invalidate".equals(action)) {
      session.setAttribute("counter", counter);
    }
    response.setContentType("text/plain");
    response.getWriter().print(counter);
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    doGet(request, response);
  }
}
