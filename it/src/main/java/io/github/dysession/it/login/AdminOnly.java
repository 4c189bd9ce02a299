package io.github.dysession.it.login;

import jakarta.annotation.Resource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;

/** An enterprise bean only callers in the role admin may call: the EJB container checks it. */
@Stateless
public class AdminOnly {

  @Resource private SessionContext context;

  /** Returns the caller's name as the EJB container sees it. */
  @RolesAllowed("admin")
  public String caller() {
    return context.getCallerPrincipal().getName();
  }
}
