package io.github.dysession.it.login.customform;

import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.SecurityContext;
import jakarta.security.enterprise.authentication.mechanism.http.AuthenticationParameters;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The application's own login page: GET shows the form, POST authenticates with {@code
 * SecurityContext.authenticate}. After SEND_CONTINUE the response is answered (the login continues
 * to the page that asked for it); after SEND_FAILURE the page says so with 401.
 */
@WebServlet("/signin-page")
public class SignInPage extends HttpServlet {

  private static final long serialVersionUID = 1L;

  @Inject private SecurityContext security;

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    resp.setContentType("text/html");
    resp.getWriter()
        .write(
            "<!DOCTYPE html><html><body><form method=\"post\"><input name=\"user\"><input"
                + " name=\"password\" type=\"password\"><button>Sign in</button>"
                + "</form></body></html>");
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    AuthenticationStatus status =
        security.authenticate(
            req,
            resp,
            AuthenticationParameters.withParams()
                .credential(
                    new UsernamePasswordCredential(
                        req.getParameter("user"), req.getParameter("password"))));
    if (status == AuthenticationStatus.SEND_CONTINUE || resp.isCommitted()) {
      return;
    }
    resp.setContentType("application/json");
    if (status == AuthenticationStatus.SEND_FAILURE) {
      resp.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
    }
    resp.getWriter().write("{\"status\":\"" + status + "\"}");
  }
}
