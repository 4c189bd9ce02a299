package io.github.dysession.it.app;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;

/**
 * The application's own filter, declared in web.xml: it reports which session class it sees, which
 * proves dysession's filter ran before it.
 */
public class AppFilter implements Filter {

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpSession session = ((HttpServletRequest) request).getSession(false);
    ((HttpServletResponse) response)
        .setHeader("X-App-Filter-Request", request.getClass().getSimpleName());
    if (session != null) {
      ((HttpServletResponse) response)
          .setHeader("X-App-Filter-Session", session.getClass().getSimpleName());
    }
    chain.doFilter(request, response);
  }
}
