package io.github.dysession.it.demo;

import io.github.dysession.store.SessionIds;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.SessionScoped;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads what the demo shows of a request's session without creating one: the serving instance, a
 * short hash of the session id, the application's attributes and the {@code @SessionScoped}
 * counter.
 */
@ApplicationScoped
public class DemoState {

  /** System property naming the serving instance, e.g. {@code A (port 8080)}. */
  public static final String NODE_PROPERTY = "dysession.it.instance";

  /** System property with the URL of the same page on the other instance. */
  public static final String OTHER_URL_PROPERTY = "demo.otherUrl";

  /** System property naming the other instance. */
  public static final String OTHER_NODE_PROPERTY = "demo.otherNode";

  /** dysession keeps its own entries (such as {@code @SessionScoped} beans) under this prefix. */
  static final String INTERNAL_PREFIX = "io.github.dysession.";

  @Inject BeanManager beanManager;

  /** Returns the name of this server instance. */
  public static String node() {
    return System.getProperty(NODE_PROPERTY, "?");
  }

  /**
   * Returns the JSON view of the request's session: {@code node}, {@code session} (fingerprint or
   * null), {@code new} (null without a session), {@code attributes} and {@code counter}.
   */
  public Map<String, Object> view(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("node", node());
    out.put("session", session == null ? null : shortHash(session.getId()));
    out.put("new", session == null ? null : session.isNew());
    out.put("attributes", attributes(session));
    out.put("counter", counter(session));
    return out;
  }

  /**
   * Returns the application's attributes of the session, sorted by name (empty without a session).
   */
  public static Map<String, Object> attributes(HttpSession session) {
    Map<String, Object> attributes = new TreeMap<>();
    if (session != null) {
      for (String name : Collections.list(session.getAttributeNames())) {
        if (!name.startsWith(INTERNAL_PREFIX)) {
          attributes.put(name, session.getAttribute(name));
        }
      }
    }
    return attributes;
  }

  /** Returns the counter's value, 0 when this session has none yet; never creates the bean. */
  public int counter(HttpSession session) {
    if (session == null) {
      return 0;
    }
    Bean<?> bean = beanManager.resolve(beanManager.getBeans(Counter.class));
    Object existing = beanManager.getContext(SessionScoped.class).get(bean);
    return existing == null ? 0 : ((Counter) existing).value();
  }

  /**
   * Returns whether {@code name} is one of dysession's own entries, which the demo leaves alone.
   */
  public static boolean isInternal(String name) {
    return name.startsWith(INTERNAL_PREFIX);
  }

  /**
   * Returns the id's fingerprint, the one dysession's log lines show: {@code #} and 8 hex digits of
   * its SHA-256. Enough to compare, useless to steal.
   */
  public static String shortHash(String id) {
    return SessionIds.fingerprint(id);
  }
}
