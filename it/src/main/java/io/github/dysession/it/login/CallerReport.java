package io.github.dysession.it.login;

import io.github.dysession.it.app.CallCounter;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.security.enterprise.SecurityContext;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a request knows of its caller, as JSON: every standard way to ask. */
final class CallerReport {

  private static final Jsonb JSON = JsonbBuilder.create();

  private CallerReport() {}

  static String of(HttpServletRequest req, SecurityContext security, Map<String, Object> extra) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("node", System.getProperty("dysession.it.instance", "?"));
    out.put("remoteUser", req.getRemoteUser());
    Principal principal = req.getUserPrincipal();
    out.put("principal", principal == null ? null : principal.getName());
    out.put("user", req.isUserInRole("user"));
    out.put("admin", req.isUserInRole("admin"));
    try {
      Principal caller = security == null ? null : security.getCallerPrincipal();
      out.put("securityContextCaller", caller == null ? null : caller.getName());
      out.put("securityContextAdmin", security != null && security.isCallerInRole("admin"));
    } catch (RuntimeException e) {
      // Payara 7.2025.1 (Exousia's PolicyContext) threw a NullPointerException here after
      // request.logout() in the same request.
      out.put("securityContextCaller", "failed: " + e.getClass().getSimpleName());
    }
    HttpSession session = req.getSession(false);
    out.put("sessionClass", session == null ? null : session.getClass().getSimpleName());
    out.put("note", session == null ? null : session.getAttribute("note"));
    boolean containerCookie = false;
    if (req.getCookies() != null) {
      for (Cookie c : req.getCookies()) {
        containerCookie |= c.getName().equals("JSESSIONID");
      }
    }
    out.put("jsessionidSent", containerCookie);
    out.put("validations", Users.VALIDATIONS.get());
    out.putAll(extra);
    return JSON.toJson(out);
  }

  static Map<String, Long> calls() {
    return CallCounter.snapshot();
  }
}
