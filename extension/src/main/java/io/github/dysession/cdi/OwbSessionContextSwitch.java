package io.github.dysession.cdi;

import jakarta.enterprise.context.SessionScoped;
import jakarta.enterprise.context.spi.Context;
import jakarta.servlet.http.HttpSession;
import java.lang.reflect.Proxy;
import org.apache.webbeans.config.WebBeansContext;
import org.apache.webbeans.context.SessionContext;
import org.apache.webbeans.intercept.SessionScopedBeanInterceptorHandler;
import org.apache.webbeans.spi.ContextsService;

/**
 * Switches OpenWebBeans' own session context off while dysession's {@code @SessionScoped} context
 * serves a request (TomEE). OpenWebBeans asks its own context first and ignores a second active
 * one; with no session context on the thread it starts one from the container's request, which
 * creates a container session. So this class parks an inactive OpenWebBeans session context in
 * OpenWebBeans' per-thread slot for the request (OpenWebBeans then falls back to dysession's
 * context) and clears OpenWebBeans' per-thread cache of session-scoped instances.
 *
 * <p>Loaded only when OpenWebBeans' classes are visible (see {@link #isAvailable(ClassLoader)}), so
 * that its references to them can never break a server with another CDI implementation.
 */
final class OwbSessionContextSwitch implements BuiltInSessionContextSwitch {

  /** The OpenWebBeans SPI type whose presence means this switch applies. */
  static final String CONTEXTS_SERVICE = "org.apache.webbeans.spi.ContextsService";

  /** The session attribute under which OpenWebBeans keeps a session's context. */
  private static final String OWB_CONTEXT_ATTRIBUTE = "openWebBeansSessionContext";

  private final ContextsService contexts;
  private final ThreadLocal<Context> previous = new ThreadLocal<>();

  OwbSessionContextSwitch(ContextsService contexts) {
    this.contexts = contexts;
  }

  /** Returns whether OpenWebBeans is the CDI implementation visible to {@code loader}. */
  static boolean isAvailable(ClassLoader loader) {
    try {
      Class.forName(CONTEXTS_SERVICE, false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Returns the switch for the OpenWebBeans container of the calling application. */
  static OwbSessionContextSwitch find() {
    return new OwbSessionContextSwitch(WebBeansContext.currentInstance().getContextsService());
  }

  @Override
  public boolean suspend() {
    SessionScopedBeanInterceptorHandler.removeThreadLocals();
    // Without creating one: getCurrentContext(scope) would start a context from a container session.
    previous.set(contexts.getCurrentContext(SessionScoped.class, false));
    SessionContext parked = new SessionContext();
    install(contexts, parked);
    parked.setActive(false);
    // Always resumed: the slot must be restored whatever it held.
    return true;
  }

  @Override
  public void resume() {
    Context before = previous.get();
    previous.remove();
    SessionScopedBeanInterceptorHandler.removeThreadLocals();
    if (before instanceof SessionContext owb) {
      boolean active = owb.isActive();
      install(contexts, owb);
      owb.setActive(active);
    }
    // Else the slot was empty: the inactive context stays parked, so @SessionScoped used later on
    // this thread outside dysession's filter fails instead of creating a container session.
  }

  /**
   * Puts {@code context} into OpenWebBeans' per-thread slot through its SPI: {@code startContext}
   * adopts the context that the given session holds, here a throwaway stand-in session, so no
   * real session is touched and no {@code @Initialized} event fires. It also activates the context.
   */
  static void install(ContextsService contexts, SessionContext context) {
    contexts.startContext(SessionScoped.class, holderOf(context));
  }

  private static HttpSession holderOf(SessionContext context) {
    return (HttpSession) Proxy.newProxyInstance(OwbSessionContextSwitch.class.getClassLoader(),
        new Class<?>[] {HttpSession.class}, (proxy, method, args) -> {
          switch (method.getName()) {
            case "getAttribute":
              return OWB_CONTEXT_ATTRIBUTE.equals(args[0]) ? context : null;
            case "hashCode":
              return System.identityHashCode(proxy);
            case "equals":
              return proxy == args[0];
            case "toString":
              return "dysession's stand-in session for OpenWebBeans";
            default:
              // setAttribute and the rest: nothing to keep.
              Class<?> type = method.getReturnType();
              if (type == boolean.class) {
                return false;
              }
              if (type == int.class) {
                return 0;
              }
              if (type == long.class) {
                return 0L;
              }
              return null;
          }
        });
  }
}
