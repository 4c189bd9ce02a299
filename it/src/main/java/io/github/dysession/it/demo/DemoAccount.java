package io.github.dysession.it.demo;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.HttpConstraint;
import jakarta.servlet.annotation.ServletSecurity;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The demo's protected part, {@code /account}: only a logged-in user sees it, on whichever instance
 * serves it. A POST logs out ({@code request.logout()}: on every instance) and goes back to the
 * demo's page.
 */
@WebServlet("/account")
@ServletSecurity(@HttpConstraint(rolesAllowed = "user"))
public class DemoAccount extends HttpServlet {

  private static final long serialVersionUID = 1L;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String node = DemoState.node();
    String other = System.getProperty(DemoState.OTHER_URL_PROPERTY);
    StringBuilder html =
        new StringBuilder(1024)
            .append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .append(
                "<title>dysession demo · account</title>\n"
                    + "</head>\n"
                    + "<body>\n"
                    + "<main>\n"
                    + "<h1>Your account</h1>\n")
            .append("<p>Logged in as <strong id=\"caller\">")
            .append(DemoPage.escape(request.getRemoteUser()))
            .append("</strong>, served by <strong id=\"node\">")
            .append(DemoPage.escape(node))
            .append("</strong>.</p>\n");
    if (other != null && !other.isBlank()) {
      html.append("<p><a id=\"other-account\" href=\"")
          .append(DemoPage.escape(other))
          .append("account\">")
          .append("The same page on the other instance &rarr;</a></p>\n");
    }
    html.append(
            "<form method=\"post\"><button id=\"sign-out\" type=\"submit\">Log"
                + " out</button></form>\n")
        .append("<p><a href=\"")
        .append(DemoPage.escape(request.getContextPath()))
        .append("/\">Back to the demo</a></p>\n")
        .append("</main>\n</body>\n</html>\n");
    response.setContentType("text/html;charset=UTF-8");
    response.setHeader("Cache-Control", "no-store");
    response.getWriter().write(html.toString());
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException, ServletException {
    request.logout();
    response.sendRedirect(request.getContextPath() + "/");
  }
}
