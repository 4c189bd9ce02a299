package io.github.dysession.servlet;

import io.github.dysession.config.DysessionSettings;
import io.github.dysession.config.DysessionSettings.SecureMode;
import io.github.dysession.store.SessionIds;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;

/** Reads the session id from the request's cookies and writes the session cookie header. */
final class SessionCookies {

  private final DysessionSettings.Cookie cookie;
  private final int maxAge;
  private final java.util.Map<String, String> extraAttributes;

  SessionCookies(DysessionSettings.Cookie cookie) {
    this(cookie, -1, java.util.Map.of());
  }

  /**
   * @param maxAge the {@code Max-Age} of a cookie that hands out an id, or -1 for none (a
   *     browser-session cookie)
   * @param extraAttributes further attributes, written after dysession's own ({@code Partitioned},
   *     say)
   */
  SessionCookies(
      DysessionSettings.Cookie cookie, int maxAge, java.util.Map<String, String> extraAttributes) {
    this.cookie = cookie;
    this.maxAge = maxAge;
    this.extraAttributes = java.util.Map.copyOf(extraAttributes);
  }

  /** Returns the cookie's name and attributes. */
  DysessionSettings.Cookie cookie() {
    return cookie;
  }

  /**
   * Returns the first well-formed session id among the request's cookies of the configured name, or
   * null. Malformed values are ignored; the {@code Cookie} header is parsed here rather than by the
   * container, so a malformed cookie of another name cannot hide the session.
   */
  String requestedId(HttpServletRequest request) {
    Enumeration<String> headers = request.getHeaders("Cookie");
    if (headers == null) {
      return null;
    }
    String name = cookie.name();
    while (headers.hasMoreElements()) {
      String header = headers.nextElement();
      if (header == null || header.length() > 16 * 1024) {
        continue;
      }
      int pos = 0;
      int length = header.length();
      while (pos < length) {
        int end = header.indexOf(';', pos);
        if (end < 0) {
          end = length;
        }
        int eq = header.indexOf('=', pos);
        if (eq > pos && eq < end && header.substring(pos, eq).trim().equals(name)) {
          String value = header.substring(eq + 1, end).trim();
          if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
          }
          if (SessionIds.isWellFormed(value)) {
            return value;
          }
        }
        pos = end + 1;
      }
    }
    return null;
  }

  /** Returns the {@code Set-Cookie} header value that hands the client a session id. */
  String setCookie(HttpServletRequest request, String id) {
    return header(request, id, false);
  }

  /** Returns the {@code Set-Cookie} header value that makes the client forget its session id. */
  String clearCookie(HttpServletRequest request) {
    return header(request, "", true);
  }

  private String header(HttpServletRequest request, String value, boolean expire) {
    StringBuilder sb = new StringBuilder(128);
    sb.append(cookie.name()).append('=').append(value);
    sb.append("; Path=").append(path(request));
    if (cookie.domain() != null) {
      sb.append("; Domain=").append(cookie.domain());
    }
    if (expire) {
      sb.append("; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
    } else if (maxAge > 0) {
      sb.append("; Max-Age=").append(maxAge);
    }
    if (cookie.secure() == SecureMode.ALWAYS
        || (cookie.secure() == SecureMode.AUTO && request.isSecure())) {
      sb.append("; Secure");
    }
    if (cookie.httpOnly()) {
      sb.append("; HttpOnly");
    }
    if (cookie.sameSite() != null) {
      sb.append("; SameSite=").append(cookie.sameSite());
    }
    extraAttributes.forEach((k, v) -> sb.append("; ").append(k).append(v.isEmpty() ? "" : "=" + v));
    return sb.toString();
  }

  private String path(HttpServletRequest request) {
    if (cookie.path() != null) {
      return cookie.path();
    }
    String contextPath = request.getContextPath();
    return contextPath == null || contextPath.isEmpty() ? "/" : contextPath;
  }
}
