package io.github.dysession.it.login;

import jakarta.inject.Inject;
import jakarta.security.enterprise.SecurityContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Map;

/**
 * An unprotected page: reports the caller, and by {@code op} sets a session attribute ({@code
 * note}), logs in ({@code request.login(user, password)}; 403 when refused), logs out ({@code
 * request.logout()}), invalidates the session, or answers the DynamoDB calls this application made
 * ({@code calls}, {@code reset}).
 */
@WebServlet("/who")
public class WhoServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  @Inject private SecurityContext security;

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp)
      throws IOException, ServletException {
    handle(req, resp);
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp)
      throws IOException, ServletException {
    handle(req, resp);
  }

  private void handle(HttpServletRequest req, HttpServletResponse resp)
      throws IOException, ServletException {
    String op = req.getParameter("op");
    resp.setContentType("application/json");
    switch (op == null ? "" : op) {
      case "note" -> req.getSession().setAttribute("note", req.getParameter("value"));
      case "logout" -> req.logout();
      case "login" -> {
        try {
          req.login(req.getParameter("user"), req.getParameter("password"));
        } catch (ServletException e) {
          resp.setStatus(HttpServletResponse.SC_FORBIDDEN);
        }
      }
      case "invalidate" -> {
        HttpSession session = req.getSession(false);
        if (session != null) {
          session.invalidate();
        }
      }
      case "calls" -> {
        resp.getWriter()
            .write(
                jakarta.json.bind.JsonbBuilder.create()
                    .toJson(Map.of("calls", CallerReport.calls())));
        return;
      }
      case "reset" -> io.github.dysession.it.app.CallCounter.reset();
      default -> {
        // Only report.
      }
    }
    resp.getWriter().write(CallerReport.of(req, security, Map.of("page", "who")));
  }
}
