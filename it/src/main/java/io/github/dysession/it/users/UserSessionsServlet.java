package io.github.dysession.it.users;

import io.github.dysession.cdi.UserSessions;
import io.github.dysession.servlet.UserSession;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The user-sessions test page, {@code sessions?op=...}: {@code login} ({@code request.login(user,
 * password)}; 403 when refused), {@code whoami}, {@code list} ({@code user}), {@code end} ({@code
 * user}, {@code handle}), {@code endAll} ({@code user}), {@code endOthers}, {@code logout}, {@code
 * changeId}, {@code shortLife} (the session expires after {@code seconds}), {@code ends} (the ends
 * counted on this instance), {@code reset}. Answers JSON with the instance's name ({@code node}).
 */
@WebServlet("/sessions")
public class UserSessionsServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  private static final Jsonb JSON = JsonbBuilder.create();

  @Inject private transient UserSessions sessions;

  @Inject private transient Visits visits;

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp)
      throws IOException, ServletException {
    doPost(req, resp);
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp)
      throws IOException, ServletException {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("node", System.getProperty("dysession.it.instance", "?"));
    String op = req.getParameter("op");
    switch (op == null ? "" : op) {
      case "login" -> {
        try {
          req.login(req.getParameter("user"), req.getParameter("password"));
          answer.put("visits", visits.visit());
        } catch (ServletException e) {
          resp.setStatus(HttpServletResponse.SC_FORBIDDEN);
          answer.put("refused", String.valueOf(e.getMessage()));
        }
      }
      case "list" -> answer.put("sessions", listed(sessions.list(req.getParameter("user"))));
      case "end" ->
          answer.put("ended", sessions.end(req.getParameter("user"), req.getParameter("handle")));
      case "endAll" -> answer.put("ended", sessions.endAll(req.getParameter("user")));
      case "endOthers" -> answer.put("ended", sessions.endAllButCurrent());
      case "logout" -> req.logout();
      case "changeId" -> req.changeSessionId();
      case "shortLife" ->
          req.getSession().setMaxInactiveInterval(Integer.parseInt(req.getParameter("seconds")));
      case "tag" -> {
        // A session that ends when it expires, counted under its tag (ExpiryWitness).
        String tag = req.getParameter("value");
        HttpSession tagged = req.getSession();
        tagged.setAttribute(ExpiryWitness.TAG, tag);
        tagged.setAttribute("unbinder", new Unbinder(tag));
        visits.tag(tag);
        visits.visit();
        tagged.setMaxInactiveInterval(Integer.parseInt(req.getParameter("seconds")));
      }
      case "expiryEnds" -> {
        Map<String, Object> byTag = new LinkedHashMap<>();
        for (String tag : req.getParameter("tags").split(",")) {
          byTag.put(tag, ExpiryWitness.seen(tag));
        }
        answer.put("ends", byTag);
      }
      case "ends" -> {
        answer.put("destroyed", Ends.DESTROYED.get());
        answer.put("preDestroyed", Ends.PRE_DESTROYED.get());
      }
      case "reset" -> Ends.reset();
      default -> {
        // whoami: only report.
      }
    }
    answer.put("caller", req.getRemoteUser());
    HttpSession session = req.getSession(false);
    answer.put("session", session != null);
    resp.setContentType("application/json");
    resp.getWriter().write(JSON.toJson(answer));
  }

  private static List<Map<String, Object>> listed(List<UserSession> list) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (UserSession s : list) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("handle", s.handle());
      m.put("client", s.client());
      m.put("current", s.current());
      m.put("mechanism", s.mechanism());
      m.put("createdAt", String.valueOf(s.createdAt()));
      m.put("lastAccessedAt", String.valueOf(s.lastAccessedAt()));
      m.put("expiresAt", String.valueOf(s.expiresAt()));
      m.put("loggedInAt", String.valueOf(s.loggedInAt()));
      out.add(m);
    }
    return out;
  }
}
