package io.github.dysession.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Stands in for dysession's filter when the application lacks an API dysession needs: answers every
 * request with 500, so that sessions never fall back silently into the container's memory on
 * servers that start an application although its initializer failed (Open Liberty only warns).
 */
final class UnavailableFilter implements Filter {

  private final String problem;

  UnavailableFilter(String problem) {
    this.problem = problem;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (res instanceof HttpServletResponse response && !response.isCommitted()) {
      response.reset();
      response.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
      response.setContentType("text/plain;charset=UTF-8");
      response.getWriter().write("Session storage is not available on this server; see its log.\n");
      return;
    }
    throw new ServletException(problem);
  }
}
