package io.github.dysession.it.login;

import jakarta.inject.Inject;
import jakarta.security.enterprise.SecurityContext;
import jakarta.servlet.annotation.HttpConstraint;
import jakarta.servlet.annotation.ServletSecurity;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/** A page only callers in the role user may see; it reports who the caller is. */
@WebServlet("/protected")
@ServletSecurity(@HttpConstraint(rolesAllowed = "user"))
public class ProtectedServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  @Inject private SecurityContext security;

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    resp.setContentType("application/json");
    resp.getWriter()
        .write(CallerReport.of(req, security, Map.of("page", req.getServletPath().substring(1))));
  }
}
