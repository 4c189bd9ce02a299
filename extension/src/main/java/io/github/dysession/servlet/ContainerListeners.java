package io.github.dysession.servlet;

import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EventListener;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the session listeners a container registered for an application: every listener however it
 * was registered ({@code @WebListener}, {@code <listener>} in {@code web.xml} or a {@code
 * web-fragment.xml}, {@code ServletContext.addListener} from an initializer or a context listener),
 * as the very instances the container calls for its own sessions. The Servlet API has no such call,
 * so this reads each server's own list by reflection:
 *
 * <ul>
 *   <li>Tomcat and TomEE: {@code StandardContext.getApplicationEventListeners()} and {@code
 *       getApplicationLifecycleListeners()};
 *   <li>GlassFish and Payara: {@code StandardContext.getApplicationEventListeners()} and {@code
 *       getSessionListeners()};
 *   <li>WildFly (Undertow): {@code Deployment.getApplicationListeners()}, its managed listeners'
 *       {@code instance()};
 *   <li>Open Liberty: {@code WebApp}'s session listener lists.
 * </ul>
 *
 * Each is reached from the {@code ServletContext} through the facades' {@code context} fields. The
 * list is read once the application has started (at its first request), when every registration is
 * done.
 */
final class ContainerListeners {

  /**
   * Listener classes of these packages belong to the server or its CDI implementation, not to the
   * application.
   */
  private static final List<String> SERVER_PACKAGES =
      List.of(
          // The CDI implementations' own session listeners would end their built-in session
          // context,
          // which dysession's context replaces, and fire @Destroyed(SessionScoped) a second time.
          "org.jboss.weld.",
          "org.apache.webbeans.",
          "org.apache.openejb.",
          "org.apache.tomee.",
          "org.apache.catalina.",
          "org.apache.tomcat.",
          "io.undertow.",
          "org.wildfly.",
          "org.jboss.as.",
          "com.ibm.ws.",
          "com.ibm.wsspi.",
          "io.openliberty.",
          "org.glassfish.",
          "com.sun.enterprise.",
          "fish.payara.");

  private static final int MAX_DEPTH = 4;

  private ContainerListeners() {}

  /** What was found: the application's listeners, and the server's own that were left out. */
  record Found(String server, List<EventListener> listeners, List<String> leftOut) {}

  /**
   * Returns the session listeners of the application from its {@code ServletContext}, or null when
   * this server's list is not one of those known.
   */
  static Found read(Object context) {
    IdentityHashMap<Object, Boolean> visited = new IdentityHashMap<>();
    List<Object> frontier = List.of(context);
    for (int depth = 0; depth < MAX_DEPTH && !frontier.isEmpty(); depth++) {
      List<Object> next = new ArrayList<>();
      for (Object candidate : frontier) {
        if (candidate == null || visited.put(candidate, Boolean.TRUE) != null) {
          continue;
        }
        Found found = readFrom(candidate);
        if (found != null) {
          return found;
        }
        Object inner = field(candidate, "context");
        if (inner != null) {
          next.add(inner);
        }
      }
      frontier = next;
    }
    return null;
  }

  /** Returns whether the server's list is readable from this context (it may still grow). */
  static boolean readable(Object context) {
    return read(context) != null;
  }

  private static Found readFrom(Object candidate) {
    List<Object> raw = new ArrayList<>();
    String server;
    Object deployment = call(candidate, "getDeployment");
    Object applicationListeners =
        deployment == null ? null : call(deployment, "getApplicationListeners");
    if (applicationListeners != null
        && field(applicationListeners, "allListeners") instanceof Collection<?> all) {
      server = "Undertow";
      for (Object managed : all) {
        raw.add(call(managed, "instance"));
      }
    } else if (hasMethod(candidate, "getApplicationEventListeners")
        && (hasMethod(candidate, "getApplicationLifecycleListeners")
            || hasMethod(candidate, "getSessionListeners"))) {
      server = "Catalina";
      for (String getter :
          List.of(
              "getApplicationLifecycleListeners",
              "getSessionListeners",
              "getApplicationEventListeners")) {
        if (hasMethod(candidate, getter)) {
          addAll(raw, call(candidate, getter));
        }
      }
    } else if (field(candidate, "sessionListeners") instanceof Collection<?>
        && field(candidate, "sessionAttrListeners") instanceof Collection<?>) {
      server = "Liberty";
      addAll(raw, field(candidate, "sessionListeners"));
      addAll(raw, field(candidate, "sessionAttrListeners"));
      addAll(raw, field(candidate, "sessionIdListeners"));
    } else {
      return null;
    }
    return select(server, raw);
  }

  /**
   * Keeps the session listeners that are not the server's own, each once: a listener registered two
   * ways (by two lists of the server, or one class declared twice) is called once.
   */
  static Found select(String server, List<Object> raw) {
    Map<Class<?>, EventListener> byClass = new LinkedHashMap<>();
    List<String> leftOut = new ArrayList<>();
    for (Object o : raw) {
      if (!(o instanceof HttpSessionListener
          || o instanceof HttpSessionAttributeListener
          || o instanceof HttpSessionIdListener)) {
        continue;
      }
      String name = o.getClass().getName();
      if (o instanceof ContainerSessionWarning) {
        continue;
      }
      if (isServersOwn(name)) {
        if (!leftOut.contains(name)) {
          leftOut.add(name);
        }
        continue;
      }
      byClass.putIfAbsent(o.getClass(), (EventListener) o);
    }
    return new Found(server, List.copyOf(byClass.values()), List.copyOf(leftOut));
  }

  /** Returns whether a listener class belongs to the server or its CDI implementation. */
  static boolean isServersOwn(String className) {
    return SERVER_PACKAGES.stream().anyMatch(className::startsWith);
  }

  private static void addAll(List<Object> out, Object listOrArray) {
    if (listOrArray instanceof Object[] array) {
      out.addAll(Arrays.asList(array));
    } else if (listOrArray instanceof Collection<?> c) {
      out.addAll(c);
    }
  }

  private static boolean hasMethod(Object target, String name) {
    for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        if (m.getName().equals(name) && m.getParameterCount() == 0) {
          return true;
        }
      }
    }
    return false;
  }

  private static Object call(Object target, String name) {
    for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Method m = c.getDeclaredMethod(name);
        m.setAccessible(true);
        return m.invoke(target);
      } catch (NoSuchMethodException e) {
        // Look in the superclass.
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
    return null;
  }

  private static Object field(Object target, String name) {
    for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(target);
      } catch (NoSuchFieldException e) {
        // Look in the superclass.
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
    return null;
  }
}
