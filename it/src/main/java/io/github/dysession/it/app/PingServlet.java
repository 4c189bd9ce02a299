package io.github.dysession.it.app;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Readiness probe of the test application: {@code GET /ping} answers {@code pong <instance name>},
 * the instance name being the system property {@value #INSTANCE_PROPERTY} of the server process
 * ({@code ?} when it is not set). It never touches the session.
 */
@WebServlet(urlPatterns = "/ping")
public class PingServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  /** System property naming the server instance, set by the test harness. */
  public static final String INSTANCE_PROPERTY = "dysession.it.instance";

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setContentType("text/plain;charset=UTF-8");
    response.setHeader("Cache-Control", "no-store");
    response.getWriter().print("pong " + System.getProperty(INSTANCE_PROPERTY, "?"));
  }
}
