package io.github.dysession.it.app;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test servlet: every session operation the integration tests need, chosen by the {@code op}
 * parameter. Answers JSON.
 */
@WebServlet("/s")
public class SessionServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private static final Jsonb JSON = JsonbBuilder.create();

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    handle(req, resp);
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    handle(req, resp);
  }

  private void handle(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String op = req.getParameter("op");
    String name = req.getParameter("name");
    String value = req.getParameter("value");
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("node", System.getProperty("dysession.it.instance", "?"));
    switch (op == null ? "" : op) {
      case "none" -> out.put("ok", true);
      case "touch" -> out.put("hasSession", req.getSession(false) != null);
      case "set" -> req.getSession().setAttribute(name, value);
      case "setInt" -> req.getSession().setAttribute(name, Integer.valueOf(value));
      case "append" -> {
        HttpSession session = req.getSession();
        @SuppressWarnings("unchecked")
        List<String> list = (List<String>) session.getAttribute(name);
        if (list == null) {
          list = new ArrayList<>();
          session.setAttribute(name, list);
        }
        // No setAttribute for an existing list: the change must be saved all the same.
        list.add(value);
      }
      case "incr" -> {
        HttpSession session = req.getSession();
        Integer current = (Integer) session.getAttribute(name);
        session.setAttribute(name, current == null ? 1 : current + 1);
        out.put("value", current == null ? 1 : current + 1);
      }
      case "setSlow" -> {
        // Sets, then holds the request open so that another instance can act meanwhile.
        req.getSession().setAttribute(name, value);
        try {
          Thread.sleep(Long.parseLong(req.getParameter("ms")));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      case "remove" -> req.getSession().removeAttribute(name);
      case "invalidate" -> {
        HttpSession session = req.getSession(false);
        if (session != null) {
          session.invalidate();
        }
        out.put("invalidated", session != null);
      }
      case "rotateThenReset" -> {
        req.getSession().setAttribute(name, value);
        req.changeSessionId();
        // A framework rebuilding the response must not make the client lose the new id.
        resp.reset();
      }
      case "rotate" -> {
        String before = hash(req.getSession().getId());
        req.changeSessionId();
        out.put("before", before);
        out.put("after", hash(req.getSession().getId()));
      }
      case "redirect" -> {
        req.getSession().setAttribute(name, value);
        String status = req.getParameter("status");
        if (status == null) {
          resp.sendRedirect(req.getParameter("to"));
        } else {
          // Servlet 6.1's sendRedirect(String, int), called reflectively: this app builds on 6.0.
          try {
            HttpServletResponse.class
                .getMethod("sendRedirect", String.class, int.class)
                .invoke(resp, req.getParameter("to"), Integer.parseInt(status));
          } catch (NoSuchMethodException e) {
            resp.sendRedirect(req.getParameter("to"));
          } catch (ReflectiveOperationException e) {
            throw new IOException(e);
          }
        }
        return;
      }
      case "unserializable" -> {
        try {
          req.getSession().setAttribute(name, new Object());
          out.put("error", null);
        } catch (IllegalArgumentException e) {
          out.put("error", e.getClass().getName() + ": " + e.getMessage());
        }
      }
      case "big" -> {
        int kb = Integer.parseInt(req.getParameter("kb"));
        StringBuilder sb = new StringBuilder(kb * 1024);
        java.util.Random random = new java.util.Random(kb);
        while (sb.length() < kb * 1024) {
          sb.append(Long.toString(random.nextLong(), 36));
        }
        req.getSession().setAttribute(name, sb.toString());
      }
      case "binding" -> req.getSession().setAttribute(name, new BindingValue());
      case "maxInactive" -> req.getSession().setMaxInactiveInterval(Integer.parseInt(value));
      case "servlet5" -> {
        // Servlet 5's deprecated HttpSession methods (TomEE 9), called through the server's own
        // interface: this application compiles against Servlet 6, which removed them.
        HttpSession session = req.getSession();
        try {
          HttpSession.class
              .getMethod("putValue", String.class, Object.class)
              .invoke(session, name, value);
          HttpSession.class
              .getMethod("putValue", String.class, Object.class)
              .invoke(session, name + "-gone", value);
          HttpSession.class.getMethod("removeValue", String.class).invoke(session, name + "-gone");
          out.put(
              "getValue",
              HttpSession.class.getMethod("getValue", String.class).invoke(session, name));
          out.put(
              "valueNames",
              List.of((String[]) HttpSession.class.getMethod("getValueNames").invoke(session)));
          Object context = HttpSession.class.getMethod("getSessionContext").invoke(session);
          Class<?> contextType = Class.forName("jakarta.servlet.http.HttpSessionContext");
          out.put(
              "contextIds",
              Collections.list(
                      (java.util.Enumeration<?>) contextType.getMethod("getIds").invoke(context))
                  .size());
          out.put(
              "contextSession",
              contextType.getMethod("getSession", String.class).invoke(context, session.getId()));
          out.put("servlet5", "present");
        } catch (NoSuchMethodException | ClassNotFoundException e) {
          out.put("servlet5", "absent");
        } catch (ReflectiveOperationException e) {
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          out.put("servlet5", "failed: " + cause.getClass().getName());
        }
      }
      case "events" -> out.put("events", Events.snapshot());
      case "jmx" -> out.put("jmx", jmxMetrics(req.getContextPath()));
      case "calls" -> {
        out.put("calls", CallCounter.snapshot());
        out.put("details", CallCounter.details());
      }
      case "get" -> {
        // Reads one attribute, without creating a session or reading the others.
        HttpSession session = req.getSession(false);
        out.put("value", session == null ? null : session.getAttribute(name));
        out.put("hasSession", session != null);
      }
      case "fill" -> {
        // Sets `count` string attributes f0, f1, ... of `bytes` characters each (benchmarks).
        HttpSession session = req.getSession();
        int count = Integer.parseInt(req.getParameter("count"));
        int bytes = Integer.parseInt(req.getParameter("bytes"));
        for (int i = 0; i < count; i++) {
          session.setAttribute("f" + i, filler(i, bytes));
        }
        out.put("filled", count);
      }
      case "reset" -> {
        Events.reset();
        CallCounter.reset();
      }
      case "dump" -> {}
      default -> {
        resp.sendError(400, "unknown op");
        return;
      }
    }
    if (!List.of("events", "calls", "reset", "none", "touch", "get", "fill").contains(op)) {
      dump(req.getSession(false), out);
    }
    resp.setContentType("application/json;charset=UTF-8");
    resp.getWriter().write(JSON.toJson(out));
  }

  /** A deterministic string of {@code length} characters. */
  static String filler(int seed, int length) {
    StringBuilder sb = new StringBuilder(length);
    java.util.Random random = new java.util.Random(seed);
    while (sb.length() < length) {
      sb.append((char) ('a' + random.nextInt(26)));
    }
    return sb.toString();
  }

  private static void dump(HttpSession session, Map<String, Object> out) {
    if (session == null) {
      out.put("session", null);
      return;
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("idHash", hash(session.getId()));
    s.put("class", session.getClass().getSimpleName());
    s.put("new", session.isNew());
    s.put("maxInactive", session.getMaxInactiveInterval());
    Map<String, Object> attributes = new LinkedHashMap<>();
    for (String n : Collections.list(session.getAttributeNames())) {
      Object v = session.getAttribute(n);
      attributes.put(
          n,
          v == null || n.startsWith("io.github.dysession.bean.")
              ? String.valueOf(v == null ? null : v.getClass().getSimpleName())
              : v);
    }
    s.put("attributes", attributes);
    out.put("session", s);
  }

  /** The short hash of a session id the application shows (first 6 bytes of SHA-256, hex). */
  public static String hash(String id) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * dysession's JMX metrics of this application, read from the platform MBean server as a JMX
   * console would: the numeric attributes, and the calls by operation and outcome.
   */
  private static Map<String, Object> jmxMetrics(String contextPath) {
    Map<String, Object> result = new java.util.TreeMap<>();
    try {
      javax.management.MBeanServer server =
          java.lang.management.ManagementFactory.getPlatformMBeanServer();
      javax.management.ObjectName name =
          new javax.management.ObjectName(
              "io.github.dysession:type=Metrics,app="
                  + javax.management.ObjectName.quote(contextPath.isEmpty() ? "/" : contextPath));
      for (javax.management.MBeanAttributeInfo attribute :
          server.getMBeanInfo(name).getAttributes()) {
        Object value = server.getAttribute(name, attribute.getName());
        if (value instanceof Number || value instanceof String) {
          result.put(attribute.getName(), value);
        } else if (value instanceof javax.management.openmbean.TabularData table) {
          Map<String, Object> rows = new java.util.TreeMap<>();
          for (Object row : table.values()) {
            javax.management.openmbean.CompositeData data =
                (javax.management.openmbean.CompositeData) row;
            rows.put(String.valueOf(data.get("key")), data.get("value"));
          }
          result.put(attribute.getName(), rows);
        }
      }
    } catch (javax.management.JMException e) {
      result.put("error", e.toString());
    }
    return result;
  }
}
