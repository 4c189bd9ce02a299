package io.github.dysession.servlet;

import io.github.dysession.config.DysessionSettings;
import io.github.dysession.config.DysessionSettings.SecureMode;
import jakarta.servlet.ServletContext;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.SessionTrackingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The application's own session settings — {@code <session-config>} of {@code web.xml}, {@code
 * ServletContext.setSessionTimeout}, {@code SessionCookieConfig} — as defaults under dysession's
 * keys: a {@code dysession.cache-period} or {@code dysession.cookie.*} key the configuration sets
 * explicitly wins; one it leaves unset gives way to the application's value, and where the
 * application has none either, dysession's default applies.
 */
final class ApplicationSessionConfig {

  /**
   * The container's own cookie name: dysession never takes it, so its cookie never collides with a
   * container session's.
   */
  static final String CONTAINER_COOKIE = "JSESSIONID";

  private static final Pattern TOKEN = DysessionSettings.TOKEN_PATTERN;
  private static final Pattern PATH = DysessionSettings.COOKIE_PATH_PATTERN;
  private static final Pattern DOMAIN = DysessionSettings.DOMAIN_PATTERN;
  private static final Pattern ATTRIBUTE_VALUE =
      Pattern.compile("[\\x21-\\x2b\\x2d-\\x3a\\x3c-\\x7e]*");

  /** Cookie attributes dysession writes itself, or that have no place on a session cookie. */
  private static final Set<String> OWN_ATTRIBUTES =
      Set.of("path", "domain", "max-age", "secure", "httponly", "samesite", "comment", "expires");

  private ApplicationSessionConfig() {}

  /** What the application's container reports of its session configuration. */
  record Application(
      int sessionTimeoutMinutes,
      String name,
      String path,
      String domain,
      boolean secure,
      int maxAge,
      Map<String, String> attributes) {

    /**
     * Reads the application's settings from its context; a Servlet 5 container has no cookie
     * attributes.
     */
    static Application of(ServletContext context) {
      SessionCookieConfig c = context.getSessionCookieConfig();
      Map<String, String> attributes = Map.of();
      try {
        attributes = c.getAttributes();
      } catch (LinkageError | RuntimeException e) {
        // Servlet 5 (TomEE 9) has no cookie attributes; Payara 6 and 7 fail on an empty map (NPE).
      }
      // Containers report a default path of their own as the application's: Undertow the context
      // path, Open Liberty "/". Either is taken only when web.xml declares it.
      String contextPath = context.getContextPath().isEmpty() ? "/" : context.getContextPath();
      String path = c.getPath();
      if ((contextPath.equals(path) || "/".equals(path)) && !declaresCookiePath(context)) {
        path = null;
      }
      return new Application(
          context.getSessionTimeout(),
          c.getName(),
          path,
          c.getDomain(),
          c.isSecure(),
          c.getMaxAge(),
          attributes == null ? Map.of() : attributes);
    }
  }

  private static final Pattern COOKIE_PATH =
      Pattern.compile(
          "<session-config>.*?<cookie-config>.*?<path>.*?</cookie-config>.*?</session-config>",
          Pattern.DOTALL);

  /** Whether the application's web.xml names a cookie path in its session-config. */
  static boolean declaresCookiePath(ServletContext context) {
    try (java.io.InputStream in = context.getResourceAsStream("/WEB-INF/web.xml")) {
      return in != null
          && declaresCookiePath(
              new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }

  static boolean declaresCookiePath(String webXml) {
    return COOKIE_PATH.matcher(webXml.replaceAll("(?s)<!--.*?-->", "")).find();
  }

  /**
   * The settings dysession's sessions use in one application.
   *
   * @param maxInactiveInterval a new session's max inactive interval; zero: it never expires
   * @param cookie the session cookie's name and attributes
   * @param maxAge the cookie's {@code Max-Age} in seconds, or -1 for a browser-session cookie
   * @param extraAttributes further cookie attributes of the application's ({@code Partitioned},
   *     say)
   * @param fromApplication what was taken from the application, for the log
   * @param ignored what of the application's was malformed and left out, for the log
   */
  record Effective(
      Duration maxInactiveInterval,
      DysessionSettings.Cookie cookie,
      int maxAge,
      Map<String, String> extraAttributes,
      List<String> fromApplication,
      List<String> ignored) {}

  /** Returns dysession's own settings alone, for a session manager without a servlet context. */
  static Effective ofSettings(DysessionSettings settings) {
    return new Effective(
        settings.cachePeriod(), settings.cookie(), -1, Map.of(), List.of(), List.of());
  }

  /** Merges the application's settings under dysession's explicit keys. */
  static Effective merge(DysessionSettings settings, Application app) {
    List<String> taken = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    Duration maxInactive = settings.cachePeriod();
    if (!settings.isExplicit(DysessionSettings.CACHE_PERIOD)) {
      int minutes = app.sessionTimeoutMinutes();
      maxInactive = minutes <= 0 ? Duration.ZERO : Duration.ofMinutes(minutes);
      taken.add(
          "session-timeout " + (minutes <= 0 ? "none (sessions never expire)" : minutes + " min"));
    }
    DysessionSettings.Cookie own = settings.cookie();
    String name = own.name();
    if (!settings.isExplicit(DysessionSettings.COOKIE_NAME)
        && app.name() != null
        && !app.name().isBlank()
        && !app.name().trim().equalsIgnoreCase(CONTAINER_COOKIE)) {
      if (TOKEN.matcher(app.name().trim()).matches()) {
        name = app.name().trim();
        taken.add("cookie name " + name);
      } else {
        ignored.add("cookie name (not an RFC 6265 token)");
      }
    }
    String path = own.path();
    if (!settings.isExplicit(DysessionSettings.COOKIE_PATH)
        && app.path() != null
        && !app.path().isBlank()) {
      if (PATH.matcher(app.path().trim()).matches()) {
        path = app.path().trim();
        taken.add("cookie path " + path);
      } else {
        ignored.add("cookie path (not a path starting with '/' without ';' or spaces)");
      }
    }
    String domain = own.domain();
    if (!settings.isExplicit(DysessionSettings.COOKIE_DOMAIN)
        && app.domain() != null
        && !app.domain().isBlank()) {
      if (DOMAIN.matcher(app.domain().trim()).matches()) {
        domain = app.domain().trim();
        taken.add("cookie domain " + domain);
      } else {
        ignored.add("cookie domain (not a host name)");
      }
    }
    SecureMode secure = own.secure();
    if (!settings.isExplicit(DysessionSettings.COOKIE_SECURE) && app.secure()) {
      secure = SecureMode.ALWAYS;
      taken.add("cookie secure");
    }
    String sameSite = own.sameSite();
    Map<String, String> extra = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : app.attributes().entrySet()) {
      String key = e.getKey() == null ? "" : e.getKey().trim();
      String value = e.getValue() == null ? "" : e.getValue().trim();
      if (key.equalsIgnoreCase("SameSite")) {
        if (settings.isExplicit(DysessionSettings.COOKIE_SAME_SITE)) {
          continue;
        }
        String canonical = sameSite(value);
        if (canonical == null) {
          ignored.add("cookie SameSite (not Lax, Strict or None)");
        } else if (canonical.equals("None") && secure == SecureMode.NEVER) {
          ignored.add("cookie SameSite=None (needs Secure, and dysession.cookie.secure is NEVER)");
        } else {
          sameSite = canonical;
          taken.add("cookie SameSite=" + canonical);
        }
      } else if (OWN_ATTRIBUTES.contains(key.toLowerCase(Locale.ROOT))) {
        // Attributes dysession sets from its own settings (Path, Domain, Secure, HttpOnly, ...).
        assert !extra.containsKey(key);
      } else if (TOKEN.matcher(key).matches() && ATTRIBUTE_VALUE.matcher(value).matches()) {
        extra.put(key, value);
        taken.add("cookie attribute " + key);
      } else {
        ignored.add(
            "cookie attribute " + (TOKEN.matcher(key).matches() ? key : "with a malformed name"));
      }
    }
    int maxAge = app.maxAge() > 0 ? app.maxAge() : -1;
    if (maxAge > 0) {
      taken.add("cookie max-age " + maxAge + " s");
    }
    // HttpOnly stays dysession's: servers report their own default as the application's (some
    // false).
    DysessionSettings.Cookie cookie =
        new DysessionSettings.Cookie(name, secure, sameSite, domain, path, own.httpOnly());
    return new Effective(
        maxInactive, cookie, maxAge, Map.copyOf(extra), List.copyOf(taken), List.copyOf(ignored));
  }

  /**
   * Returns the WARNING to log when the application asks for a tracking mode other than COOKIE (its
   * effective modes differ from the container's default and hold URL or SSL), or null.
   */
  static String trackingWarning(
      String path, Set<SessionTrackingMode> effective, Set<SessionTrackingMode> defaults) {
    if (effective == null || effective.equals(defaults)) {
      return null;
    }
    List<String> other = new ArrayList<>();
    for (SessionTrackingMode mode : effective) {
      if (mode != SessionTrackingMode.COOKIE) {
        other.add(mode.name());
      }
    }
    if (other.isEmpty()) {
      return null;
    }
    return path
        + " asks for session tracking by "
        + String.join(" and ", other)
        + ": dysession tracks sessions by cookie only. URLs are not rewritten with a session id,"
        + " and a client that refuses cookies gets a new session on every request.";
  }

  private static String sameSite(String value) {
    for (String v : List.of("Lax", "Strict", "None")) {
      if (v.equalsIgnoreCase(value)) {
        return v;
      }
    }
    return null;
  }
}
