package io.github.dysession.it.app;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Creates a session, then fails: the error page must see the same session. */
@WebServlet("/fail")
public class FailingServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws ServletException {
    req.getSession().setAttribute("beforeFailure", "set");
    throw new ServletException("deliberate failure");
  }
}
