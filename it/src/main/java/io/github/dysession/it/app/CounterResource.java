package io.github.dysession.it.app;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A JAX-RS resource using a @SessionScoped bean, an injected HttpSession and the request's session.
 */
@Path("counter")
@Produces(MediaType.APPLICATION_JSON)
public class CounterResource {

  @Inject Counter counter;
  @Inject HttpSession injectedSession;
  @Context HttpServletRequest request;

  @POST
  public Map<String, Object> increment() {
    int value = counter.increment(System.getProperty("dysession.it.instance", "?"));
    return state(value);
  }

  @GET
  public Map<String, Object> read() {
    return state(counter.count());
  }

  /**
   * Increments, then holds the request open for {@code ms} milliseconds before answering (fault
   * tests).
   */
  @POST
  @Path("slow")
  public Map<String, Object> incrementSlowly(@jakarta.ws.rs.QueryParam("ms") long ms)
      throws InterruptedException {
    int value = counter.increment(System.getProperty("dysession.it.instance", "?"));
    Thread.sleep(ms);
    return state(value);
  }

  @POST
  @Path("note")
  public Map<String, Object> note() {
    injectedSession.setAttribute("noted", "via @Inject HttpSession");
    return state(counter.count());
  }

  private Map<String, Object> state(int value) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("node", System.getProperty("dysession.it.instance", "?"));
    out.put("count", value);
    out.put("nodes", counter.nodes());
    out.put("injectedSessionClass", injectedSession.getClass().getName());
    out.put("injectedSessionHash", SessionServlet.hash(injectedSession.getId()));
    HttpSession session = request.getSession(false);
    out.put("requestSessionClass", session == null ? null : session.getClass().getSimpleName());
    out.put("requestSessionHash", session == null ? null : SessionServlet.hash(session.getId()));
    return out;
  }
}
