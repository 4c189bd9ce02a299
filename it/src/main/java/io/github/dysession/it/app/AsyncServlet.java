package io.github.dysession.it.app;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Sets a session attribute from an asynchronous task on another thread. */
@WebServlet(urlPatterns = "/async", asyncSupported = true)
public class AsyncServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
    String value = req.getParameter("value");
    AsyncContext async = req.startAsync();
    async.start(
        () -> {
          try {
            HttpServletRequest request = (HttpServletRequest) async.getRequest();
            request.getSession().setAttribute("async", value);
            async.getResponse().setContentType("text/plain");
            async.getResponse().getWriter().write(request.getSession().getClass().getSimpleName());
          } catch (IOException e) {
            throw new IllegalStateException(e);
          } finally {
            async.complete();
          }
        });
  }
}
