package io.github.dysession.it.app;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;

/** The error page: reports what the failed request left in its session, and adds to it. */
@WebServlet("/error-page")
public class ErrorPageServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    HttpSession session = req.getSession();
    session.setAttribute("errorPageSaw", String.valueOf(session.getAttribute("beforeFailure")));
    resp.setContentType("text/plain");
    resp.getWriter().write("error page: " + session.getAttribute("beforeFailure"));
  }
}
