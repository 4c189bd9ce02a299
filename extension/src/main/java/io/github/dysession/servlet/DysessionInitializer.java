package io.github.dysession.servlet;

import io.github.dysession.config.RequiredApis;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.HandlesTypes;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.lang.reflect.Modifier;
import java.util.EnumSet;
import java.util.EventListener;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Activates dysession in every web application that has the jar: registers the session filter ahead
 * of all of the application's filters, collects the application's session listeners, and adds a
 * listener that warns when the container creates a session of its own.
 */
@HandlesTypes({
  HttpSessionListener.class,
  HttpSessionAttributeListener.class,
  HttpSessionIdListener.class
})
public final class DysessionInitializer implements ServletContainerInitializer {

  private static final Logger LOG = Logger.getLogger(DysessionInitializer.class.getName());

  @Override
  public void onStartup(Set<Class<?>> classes, ServletContext context) throws ServletException {
    String missing = RequiredApis.problem(DysessionInitializer.class.getClassLoader(), true);
    if (missing != null) {
      refuseRequests(context, missing);
      throw new ServletException(missing);
    }
    SessionListeners listeners = new SessionListeners();
    // Where the container's own listener list is readable, dysession calls its instances once the
    // application has started; elsewhere it makes instances of the @WebListener classes now (a
    // listener can be created only while the application initializes).
    if (classes != null && !ContainerListeners.readable(context)) {
      for (Class<?> type : classes) {
        if (isApplicationListener(type)) {
          addListener(context, listeners, type);
        }
      }
    }
    DysessionFilter sessionFilter = new DysessionFilter(listeners);
    FilterRegistration.Dynamic filter = context.addFilter(DysessionFilter.NAME, sessionFilter);
    if (filter == null) {
      LOG.warning(
          "A filter named '"
              + DysessionFilter.NAME
              + "' exists already in "
              + context.getContextPath()
              + "; dysession's own filter was not registered");
      return;
    }
    filter.setAsyncSupported(true);
    // Authentication runs before any filter: it finds the filter's sessions here.
    context.setAttribute(DysessionFilter.INSTANCE, sessionFilter);
    register(context, sessionFilter);
    // isMatchAfter=false puts the filter ahead of the filters of web.xml and annotations.
    filter.addMappingForUrlPatterns(
        EnumSet.of(
            DispatcherType.REQUEST,
            DispatcherType.FORWARD,
            DispatcherType.INCLUDE,
            DispatcherType.ERROR,
            DispatcherType.ASYNC),
        false,
        "/*");
    context.addListener(new ContainerSessionWarning());
    warnOfContainerFormLogin(context);
    LOG.info(
        () ->
            "dysession's session filter is registered first for "
                + (context.getContextPath().isEmpty() ? "/" : context.getContextPath()));
  }

  // The application this copy of dysession's classes serves (the jar is in WEB-INF/lib): for
  // UserSessions called outside a request. Null when they serve several (an EAR's library).
  private static final java.util.Map<ServletContext, DysessionFilter> REGISTERED =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  private static void register(ServletContext context, DysessionFilter filter) {
    REGISTERED.put(context, filter);
  }

  /**
   * Returns the session manager of the one application these classes serve, or null when they serve
   * none or several, or dysession is switched off there.
   */
  static SessionManager applicationManager() {
    java.util.Map.Entry<ServletContext, DysessionFilter> only;
    synchronized (REGISTERED) {
      if (REGISTERED.size() != 1) {
        return null;
      }
      only = REGISTERED.entrySet().iterator().next();
    }
    try {
      return only.getValue().manager(only.getKey());
    } catch (jakarta.servlet.ServletException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /**
   * Fails the deployment where the server honours an initializer's exception; where it only warns
   * and starts the application anyway (Open Liberty), a filter ahead of all others answers 500 to
   * every request rather than letting sessions fall back into the container's memory.
   */
  private static void refuseRequests(ServletContext context, String problem) {
    LOG.severe(problem);
    FilterRegistration.Dynamic filter =
        context.addFilter(DysessionFilter.NAME, new UnavailableFilter(problem));
    if (filter != null) {
      filter.setAsyncSupported(true);
      filter.addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/*");
    }
  }

  private static final java.util.regex.Pattern FORM_LOGIN =
      java.util.regex.Pattern.compile("<auth-method>\\s*FORM\\s*</auth-method>");

  /**
   * Warns once when {@code web.xml} declares a FORM login: the container handles it itself and
   * keeps the caller in its own session, where dysession cannot share it (unless a Jakarta Security
   * mechanism of the application replaces it, which Jakarta Security then does).
   */
  private static void warnOfContainerFormLogin(ServletContext context) {
    try (java.io.InputStream in = context.getResourceAsStream("/WEB-INF/web.xml")) {
      if (in == null) {
        return;
      }
      String xml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (FORM_LOGIN.matcher(xml).find()) {
        String path = context.getContextPath().isEmpty() ? "/" : context.getContextPath();
        LOG.warning(
            path
                + " declares a FORM login in web.xml (<login-config>): the container handles it and"
                + " keeps the caller in its own session on this server only, so the login does not"
                + " hold on other instances. Use Jakarta Security's"
                + " @FormAuthenticationMechanismDefinition (with @LoginToContinue) instead, whose"
                + " logins dysession shares; if the application has a Jakarta Security mechanism"
                + " already, that one replaces the web.xml login.");
      }
    } catch (java.io.IOException | RuntimeException e) {
      LOG.fine(() -> "Could not read web.xml of " + context.getContextPath() + ": " + e);
    }
  }

  private static boolean isApplicationListener(Class<?> type) {
    return type.isAnnotationPresent(WebListener.class)
        && !type.isInterface()
        && !Modifier.isAbstract(type.getModifiers());
  }

  private static void addListener(
      ServletContext context, SessionListeners listeners, Class<?> type) {
    try {
      @SuppressWarnings("unchecked")
      Class<? extends EventListener> listenerType = (Class<? extends EventListener>) type;
      listeners.add(context.createListener(listenerType));
    } catch (ServletException | RuntimeException e) {
      LOG.warning(
          "Session listener "
              + type.getName()
              + " could not be created for dysession "
              + "sessions and will not be called: "
              + e.getMessage());
    }
  }
}
