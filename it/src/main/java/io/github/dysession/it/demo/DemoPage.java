package io.github.dysession.it.demo;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The demo's page at the context root: which instance served it, the session's fingerprint, every
 * attribute, the {@code @SessionScoped} counter, buttons for the API and a link to the same page on
 * the other instance. Reading the page never creates a session.
 */
@WebServlet(urlPatterns = "")
public class DemoPage extends HttpServlet {

  private static final long serialVersionUID = 1L;

  @Inject transient DemoState state;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Map<String, Object> view = state.view(request);
    String api = request.getContextPath() + "/api/";
    String node = DemoState.node();
    String otherUrl = System.getProperty(DemoState.OTHER_URL_PROPERTY);
    String otherNode = System.getProperty(DemoState.OTHER_NODE_PROPERTY, "the other instance");
    @SuppressWarnings("unchecked")
    Map<String, Object> attributes = (Map<String, Object>) view.get("attributes");

    StringBuilder html = new StringBuilder(4096);
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>dysession demo · ")
        .append(escape(node))
        .append("</title>\n")
        .append(STYLE)
        .append("</head>\n<body>\n<main>\n<h1>dysession demo</h1>\n")
        .append("<p class=\"lead\">Served by <strong id=\"node\">")
        .append(escape(node))
        .append("</strong>.");
    if (otherUrl != null && !otherUrl.isBlank()) {
      html.append(" <a id=\"other\" href=\"")
          .append(escape(otherUrl))
          .append("\">Open this page on ")
          .append(escape(otherNode))
          .append(" &rarr;</a>");
    }
    html.append(
            "</p>\n"
                + "<p>Both instances keep their sessions in one DynamoDB table, so the session"
                + " below is ")
        .append(
            "the same on either of them: the browser sends the same cookie to both ports of"
                + " 127.0.0.1.</p>\n");

    html.append("<table class=\"facts\">\n<tr><th>Session</th><td id=\"session\">");
    if (view.get("session") == null) {
      html.append("none yet (any button below starts one)");
    } else {
      html.append("<code>")
          .append(escape((String) view.get("session")))
          .append("</code>")
          .append(
              " <span class=\"hint\">fingerprint of the id (SHA-256), as in dysession's log"
                  + " lines</span>");
    }
    html.append("</td></tr>\n<tr><th>New</th><td id=\"new\">")
        .append(view.get("new") == null ? "&ndash;" : view.get("new"))
        .append("</td></tr>\n<tr><th>Counter</th><td><span id=\"counter\">")
        .append(view.get("counter"))
        .append(
            "</span> <span class=\"hint\">a <code>@SessionScoped</code> CDI bean</span></td></tr>\n"
                + "</table>\n");

    String caller = request.getRemoteUser();
    html.append("<h2>Login</h2>\n<p id=\"login\">");
    if (caller == null) {
      html.append("Not logged in. <a id=\"account\" href=\"")
          .append(escape(request.getContextPath()))
          .append("/account\">Log in</a> <span class=\"hint\">as <code>")
          .append(DemoSecurity.USER)
          .append("</code>, password <code>")
          .append(DemoSecurity.PASSWORD)
          .append("</code>; the login holds on both instances</span>");
    } else {
      html.append("Logged in as <strong id=\"caller\">")
          .append(escape(caller))
          .append("</strong>. <a id=\"account\" href=\"")
          .append(escape(request.getContextPath()))
          .append("/account\">Your account</a>");
    }
    html.append("</p>\n");

    html.append("<h2>Session attributes</h2>\n");
    if (attributes.isEmpty()) {
      html.append("<p id=\"no-attributes\">None.</p>\n");
    } else {
      html.append(
          "<table id=\"attributes\">\n<tr><th>name</th><th>value (JSON)</th><th></th></tr>\n");
      attributes.forEach(
          (name, value) ->
              html.append("<tr data-name=\"")
                  .append(escape(name))
                  .append("\"><td><code>")
                  .append(escape(name))
                  .append("</code></td><td><code class=\"value\">")
                  .append(escape(json(value)))
                  .append(
                      "</code></td><td><button type=\"button\" data-method=\"DELETE\" data-url=\"")
                  .append(escape(api + "session/attributes/" + pathSegment(name)))
                  .append("\">Remove</button></td></tr>\n"));
      html.append("</table>\n");
    }

    html.append("<h2>Actions</h2>\n<p class=\"actions\">\n")
        .append(button("store-example", "POST", api + "session", "Store the example"))
        .append(button("increment-counter", "POST", api + "counter", "Counter + 1"))
        .append(button("rotate", "POST", api + "rotate", "Change session id"))
        .append(button("logout", "POST", api + "logout", "Log out (invalidate)"))
        .append(
            "</p>\n"
                + "<p class=\"hint\">&ldquo;Store the example&rdquo; sets what django-dysession's"
                + " README sets: ")
        .append("<code>is_admin=true</code>, <code>bottle_of_milks=20</code>, ")
        .append("<code>planet_have_been_to=[\"Earth\",\"Jupiter\",\"Saturn\"]</code>.</p>\n")
        .append("<form id=\"set-attribute\" data-url=\"")
        .append(escape(api + "session/attributes/"))
        .append("\">\n")
        .append("<label>name <input name=\"name\" required value=\"greeting\"></label>\n")
        .append(
            "<label>value (JSON) <input name=\"value\" required"
                + " value=\"&quot;hello&quot;\"></label>\n")
        .append("<button id=\"set\" type=\"submit\">Set attribute</button>\n</form>\n")
        .append("<p id=\"status\" role=\"status\"></p>\n")
        .append("<p class=\"hint\">JSON API: <code>GET ")
        .append(escape(api))
        .append("session</code>, ")
        .append("<code>POST session</code>, <code>PUT/DELETE session/attributes/{name}</code>, ")
        .append(
            "<code>POST counter</code>, <code>POST rotate</code>, <code>POST logout</code>.</p>\n")
        .append("</main>\n")
        .append(SCRIPT)
        .append("</body>\n</html>\n");

    response.setContentType("text/html;charset=UTF-8");
    response.setHeader("Cache-Control", "no-store");
    response.getWriter().write(html.toString());
  }

  private static String button(String id, String method, String url, String label) {
    return "<button type=\"button\" id=\""
        + id
        + "\" data-method=\""
        + method
        + "\" data-url=\""
        + escape(url)
        + "\">"
        + escape(label)
        + "</button>\n";
  }

  private static String json(Object value) {
    try {
      return JsonValues.write(value);
    } catch (RuntimeException e) {
      return String.valueOf(value);
    }
  }

  private static String pathSegment(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  private static final String STYLE =
      """
      <style>
      body { font-family: system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2330; }
      main { max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
      .lead { font-size: 1.15rem; }
      table { border-collapse: collapse; margin: .5rem 0 1rem; background: #fff; }
      th, td { border: 1px solid #d5d9e0; padding: .35rem .6rem; text-align: left; vertical-align: top; }
      .facts th { width: 7rem; }
      #counter { font-size: 1.3rem; font-weight: bold; }
      .hint { color: #5b6475; font-size: .9rem; }
      .actions button, form button { margin: 0 .4rem .4rem 0; }
      button { padding: .35rem .8rem; cursor: pointer; }
      input { padding: .3rem; }
      #status { min-height: 1.2rem; color: #a3261b; }
      </style>
      """;

  /**
   * Sends a button's request, then reloads the page to show the session as the server now has it.
   */
  private static final String SCRIPT =
      """
      <script>
      (function () {
        var status = document.getElementById('status');
        function send(method, url, body) {
          status.textContent = '';
          var options = { method: method, credentials: 'same-origin' };
          if (body !== undefined) {
            options.body = body;
            options.headers = { 'Content-Type': 'application/json' };
          }
          return fetch(url, options).then(function (response) {
            if (response.ok) {
              window.location.reload();
              return;
            }
            return response.text().then(function (text) {
              var message = text;
              try { message = JSON.parse(text).error || text; } catch (e) { /* not JSON */ }
              status.textContent = 'HTTP ' + response.status + ': ' + message;
            });
          }).catch(function (e) { status.textContent = 'Request failed: ' + e; });
        }
        document.querySelectorAll('button[data-url]').forEach(function (button) {
          button.addEventListener('click', function () {
            send(button.dataset.method, button.dataset.url);
          });
        });
        var form = document.getElementById('set-attribute');
        form.addEventListener('submit', function (event) {
          event.preventDefault();
          var name = form.elements.name.value;
          send('PUT', form.dataset.url + encodeURIComponent(name), form.elements.value.value);
        });
      })();
      </script>
      """;
}
