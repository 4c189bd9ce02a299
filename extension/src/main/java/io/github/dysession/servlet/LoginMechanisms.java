package io.github.dysession.servlet;

import java.util.List;
import java.util.Locale;

/**
 * Names the way a caller logged in, as stored with a login ({@code ds_login.mechanism}): names
 * every instance of a fleet reads alike, whatever its server kind.
 *
 * <ul>
 *   <li>A server's built-in mechanism is {@code server:} and its kind ({@code server:form}, {@code
 *       server:custom-form}, {@code server:basic}, {@code server:openid}, or the class's simple
 *       name): each server kind has classes of its own for them, and any of them continues the
 *       login.
 *   <li>{@code HttpServletRequest.login} and {@code server:form} for a {@code j_security_check} the
 *       container ran by itself are ways in that every server has.
 *   <li>An application's own mechanism is its class name: a login it made is honoured only while
 *       the application still has that mechanism.
 * </ul>
 */
public final class LoginMechanisms {

  /** The prefix of the names of the servers' built-in mechanisms. */
  public static final String SERVER_PREFIX = "server:";

  /** The name of a login made by {@code HttpServletRequest.login}. */
  public static final String REQUEST_LOGIN = "HttpServletRequest.login";

  /** The name of a FORM login ({@code j_security_check}) the container made by itself. */
  static final String CONTAINER_FORM = SERVER_PREFIX + "form";

  // The packages of the servers' own security implementations: Soteria (Payara, GlassFish,
  // WildFly),
  // Payara's and WildFly's additions, Open Liberty, TomEE.
  private static final List<String> SERVER_PACKAGES =
      List.of(
          "org.glassfish.",
          "fish.payara.",
          "org.wildfly.",
          "org.jboss.",
          "com.ibm.ws.",
          "io.openliberty.",
          "org.apache.tomee.",
          "org.apache.openejb.");

  private LoginMechanisms() {}

  /** Returns the stored name of the mechanism class {@code type}. */
  public static String nameOf(Class<?> type) {
    return nameOf(type.getName());
  }

  /** Returns the stored name of the mechanism class named {@code className}. */
  static String nameOf(String className) {
    if (SERVER_PACKAGES.stream().noneMatch(className::startsWith)) {
      return className;
    }
    String simple =
        className.substring(Math.max(className.lastIndexOf('.'), className.lastIndexOf('$')) + 1);
    String lower = simple.toLowerCase(Locale.ROOT);
    String kind;
    if (lower.contains("customform")) {
      kind = "custom-form";
    } else if (lower.contains("form")) {
      kind = "form";
    } else if (lower.contains("basic")) {
      kind = "basic";
    } else if (lower.contains("openid")) {
      kind = "openid";
    } else {
      kind = simple;
    }
    return SERVER_PREFIX + kind;
  }

  /**
   * Whether a login by {@code name} holds on every server whatever mechanisms the application has:
   * the servers' built-in mechanisms and ways in; an application's own mechanism must still exist.
   */
  public static boolean isServers(String name) {
    return name.startsWith(SERVER_PREFIX) || name.equals(REQUEST_LOGIN);
  }
}
