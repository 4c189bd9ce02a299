package io.github.dysession.it.login;

import jakarta.servlet.annotation.HttpConstraint;
import jakarta.servlet.annotation.ServletSecurity;
import jakarta.servlet.annotation.WebServlet;

/**
 * The same report as {@link ProtectedServlet}, for callers in the role admin only (alice, not bob).
 */
@WebServlet("/admin")
@ServletSecurity(@HttpConstraint(rolesAllowed = "admin"))
public class AdminServlet extends ProtectedServlet {

  private static final long serialVersionUID = 1L;
}
