package io.github.dysession.it.login;

import jakarta.ejb.EJBAccessException;
import jakarta.inject.Inject;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

/**
 * JAX-RS in the login test application: the caller as JAX-RS and an {@code @RolesAllowed} EJB see
 * it.
 */
@Path("caller")
public class LoginApi {

  @Inject private AdminOnly adminOnly;

  @Context private SecurityContext security;

  /** The JAX-RS application of the login test application, under {@code /api}. */
  @ApplicationPath("api")
  public static class Api extends Application {}

  /**
   * Answers the caller's name as JAX-RS sees it, and as the admin-only EJB does (403 if refused).
   */
  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Response caller() {
    String jaxrs =
        security.getUserPrincipal() == null ? null : security.getUserPrincipal().getName();
    try {
      String ejb = adminOnly.caller();
      return Response.ok("{\"jaxrs\":\"" + jaxrs + "\",\"ejb\":\"" + ejb + "\"}").build();
    } catch (EJBAccessException e) {
      return Response.status(403).entity("{\"jaxrs\":\"" + jaxrs + "\",\"ejb\":null}").build();
    }
  }
}
