package io.github.dysession.it.demo;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The demo's JSON API. Every answer is the view of {@link DemoState#view}: {@code node}, {@code
 * session}, {@code new}, {@code attributes}, {@code counter}; errors add {@code error}.
 */
@Path("/")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class DemoResource {

  @Context HttpServletRequest request;
  @Inject DemoState state;
  @Inject Counter counter;

  /** Returns the session as this instance sees it; never creates one. */
  @GET
  @Path("session")
  public Response read() {
    return ok();
  }

  /** Stores the example of django-dysession's README in the session. */
  @POST
  @Path("session")
  public Response storeExample() {
    HttpSession session = request.getSession();
    session.setAttribute("is_admin", true);
    session.setAttribute("bottle_of_milks", 20);
    session.setAttribute(
        "planet_have_been_to", new ArrayList<>(List.of("Earth", "Jupiter", "Saturn")));
    return ok();
  }

  /** Sets one attribute to the JSON value of the body ({@code null} removes it). */
  @PUT
  @Path("session/attributes/{name}")
  @Consumes(MediaType.WILDCARD)
  public Response setAttribute(@PathParam("name") String name, String body) {
    Response refused = refuseName(name);
    if (refused != null) {
      return refused;
    }
    Object value;
    try {
      value = JsonValues.parse(body);
    } catch (IllegalArgumentException e) {
      return error(Response.Status.BAD_REQUEST, e.getMessage());
    }
    request.getSession().setAttribute(name, value);
    return ok();
  }

  /** Removes one attribute; without a session, does nothing. */
  @DELETE
  @Path("session/attributes/{name}")
  public Response removeAttribute(@PathParam("name") String name) {
    Response refused = refuseName(name);
    if (refused != null) {
      return refused;
    }
    HttpSession session = request.getSession(false);
    if (session != null) {
      session.removeAttribute(name);
    }
    return ok();
  }

  /** Adds one to the {@code @SessionScoped} counter (creating the session if needed). */
  @POST
  @Path("counter")
  public Response increment() {
    counter.increment();
    return ok();
  }

  /** Gives the session a new id ({@code changeSessionId}); 409 without a session. */
  @POST
  @Path("rotate")
  public Response rotate() {
    if (request.getSession(false) == null) {
      return error(Response.Status.CONFLICT, "There is no session whose id could change.");
    }
    request.changeSessionId();
    return ok();
  }

  /** Invalidates the session, if there is one. */
  @POST
  @Path("logout")
  public Response logout() {
    HttpSession session = request.getSession(false);
    if (session != null) {
      session.invalidate();
    }
    return ok();
  }

  private Response ok() {
    return Response.ok(JsonValues.write(state.view(request)), MediaType.APPLICATION_JSON_TYPE)
        .header("Cache-Control", "no-store")
        .build();
  }

  private Response error(Response.Status status, String message) {
    Map<String, Object> view = state.view(request);
    view.put("error", message);
    return Response.status(status)
        .entity(JsonValues.write(view))
        .type(MediaType.APPLICATION_JSON_TYPE)
        .header("Cache-Control", "no-store")
        .build();
  }

  private Response refuseName(String name) {
    if (name == null || name.isBlank()) {
      return error(Response.Status.BAD_REQUEST, "The attribute name must not be empty.");
    }
    if (DemoState.isInternal(name)) {
      return error(
          Response.Status.BAD_REQUEST,
          "Names starting with '"
              + DemoState.INTERNAL_PREFIX
              + "' are dysession's own; choose another name.");
    }
    return null;
  }
}
