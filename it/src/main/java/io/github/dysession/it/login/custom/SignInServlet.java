package io.github.dysession.it.login.custom;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Where the sign-in form posts to: the mechanism has logged the caller in (or refused) by now. */
@WebServlet("/signin")
public class SignInServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    resp.setContentType("application/json");
    resp.getWriter().write("{\"signedIn\":" + (req.getRemoteUser() != null) + "}");
  }
}
