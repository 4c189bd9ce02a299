package io.github.dysession.cdi;

import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.ConversationScoped;
import jakarta.enterprise.context.Destroyed;
import jakarta.enterprise.context.spi.Contextual;
import jakarta.enterprise.context.spi.CreationalContext;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps Weld's long-running conversations in dysession's session. Weld associates its HTTP
 * conversation context with the container's request when the request starts, before dysession's
 * filter, and would keep conversations (and {@code @ConversationScoped} beans) in a container
 * session of that server. For the duration of dysession's filter this re-associates the context
 * with dysession's request, as Weld itself does after a forward (WELD-877), so that conversations
 * are read from and written to dysession's session; and it ends the request's conversation context
 * before dysession's last save (Weld would do it after the response, when the session is saved
 * already).
 *
 * <p>Weld's types are named as strings and called through its public interfaces, as in {@link
 * WeldSessionContextSwitch}: Open Liberty hides Weld's implementation packages.
 */
final class WeldConversations {

  private static final Logger LOG = Logger.getLogger(WeldConversations.class.getName());

  private static final String CONVERSATION_CONTEXT = "org.jboss.weld.context.ConversationContext";
  private static final String BOUND_CONTEXT = "org.jboss.weld.context.BoundContext";
  private static final String SESSION_HOLDER = "org.jboss.weld.module.web.servlet.SessionHolder";
  private static final String HTTP_CONVERSATION_CONTEXT =
      "org.jboss.weld.context.http.HttpConversationContext";

  /**
   * Where Weld leaves the conversations of a session invalidated during a request, to end later.
   */
  private static final String DESTRUCTION_QUEUE = CONVERSATION_CONTEXT + ".destructionQueue";

  private final Object context;
  private final BeanManager beanManager;
  private final Method isActive;
  private final Method associate;
  private final Method dissociate;
  private final Method deactivate;
  private final Method invalidate;
  private final Method currentConversation;
  private final Method parameterName;

  /** {@code SessionHolder.sessionCreated(HttpSession)} and {@code clear()}, null where absent. */
  private final Method holdSession;

  private final Method clearSession;

  /** {@code HttpConversationContext.destroy(HttpSession)}, or null where Weld has none. */
  private final Method destroySession;

  /** {@code LazyHttpConversationContextImpl.isInitialized}, or null for an eager context. */
  private final Method isInitialized;

  /**
   * The container's request the context was associated with, while dysession's request holds it.
   */
  private final ThreadLocal<HttpServletRequest> containers = new ThreadLocal<>();

  private volatile boolean warnedNotLazy;

  /** The session dysession read or created on this thread's request, if any. */
  private final ThreadLocal<HttpSession> announced = new ThreadLocal<>();

  private WeldConversations(
      Object context,
      BeanManager beanManager,
      Class<?> conversationContext,
      Class<?> boundContext,
      Class<?> httpConversationContext)
      throws NoSuchMethodException {
    this.context = context;
    this.beanManager = beanManager;
    this.isActive = jakarta.enterprise.context.spi.Context.class.getMethod("isActive");
    this.associate = boundContext.getMethod("associate", Object.class);
    this.dissociate = boundContext.getMethod("dissociate", Object.class);
    this.deactivate = conversationContext.getMethod("deactivate");
    this.invalidate = conversationContext.getMethod("invalidate");
    this.currentConversation = conversationContext.getMethod("getCurrentConversation");
    this.parameterName = conversationContext.getMethod("getParameterName");
    this.holdSession = sessionHolderMethod(context, "sessionCreated", HttpSession.class);
    this.clearSession = sessionHolderMethod(context, "clear");
    this.destroySession =
        httpConversationContext == null
            ? null
            : httpConversationContext.getMethod("destroy", HttpSession.class);
    // Weld's lazy context (the default) has it; the eager one does not.
    this.isInitialized = method(context, "isInitialized");
  }

  /** Returns the bridge for Weld's HTTP conversation context, or null when this is not Weld. */
  static WeldConversations find(BeanManager beanManager) {
    Class<?> conversationContext = WeldSessionContextSwitch.load(CONVERSATION_CONTEXT, beanManager);
    Class<?> boundContext = WeldSessionContextSwitch.load(BOUND_CONTEXT, beanManager);
    if (conversationContext == null || boundContext == null) {
      return null;
    }
    Object reference = WeldSessionContextSwitch.httpContext(beanManager, conversationContext);
    if (reference == null) {
      return null;
    }
    try {
      return new WeldConversations(
          reference,
          beanManager,
          conversationContext,
          boundContext,
          WeldSessionContextSwitch.load(HTTP_CONVERSATION_CONTEXT, beanManager));
    } catch (NoSuchMethodException e) {
      LOG.warning(
          "Weld's conversation context has no "
              + e.getMessage()
              + ": @ConversationScoped beans "
              + "stay in the container's session");
      return null;
    }
  }

  /** Moves the conversation context from the container's request to dysession's. */
  void requestStarted(HttpServletRequest request) {
    HttpServletRequest container = containerRequest(request);
    if (container == null || !(Boolean) call(isActive)) {
      return;
    }
    if (!lazy()) {
      if (!warnedNotLazy) {
        warnedNotLazy = true;
        LOG.warning(
            "Weld's conversation context is not lazy"
                + " (org.jboss.weld.context.conversation.lazy=false): it has read its conversation"
                + " from the container's session already, so @ConversationScoped beans stay there,"
                + " on one server. Leave that Weld setting at its default (true).");
      }
      return;
    }
    // The lazy context is active but reads the conversation (by the cid parameter of the request it
    // is associated with) only at first use: from now on, that is dysession's request and session.
    call(dissociate, container);
    call(associate, request);
    containers.set(container);
    // A session read while the request was authenticated, before the filter. One announced on this
    // thread by a request that never reached the filter is another client's: it must not be held.
    HttpSession known = announced.get();
    announced.remove();
    if (known != null && request.getSession(false) == known) {
      holdSession(known);
    } else if (continuesAConversation(request)) {
      // Weld reads the conversation from the session it holds, which a container fills at the start
      // of every request; dysession reads its session (one GetItem) only for a request that
      // continues
      // a conversation: the session reaches Weld through sessionAvailable.
      request.getSession(false);
    }
  }

  /**
   * Whether the query string names a conversation to continue. Only the query string: reading
   * parameters here would consume a form body before the application sets its character encoding.
   */
  private boolean continuesAConversation(HttpServletRequest request) {
    String query = request.getQueryString();
    if (query == null) {
      return false;
    }
    // Asked every time: an application may rename it (ConversationContext.setParameterName).
    String name = (String) call(parameterName) + "=";
    // Without split: no array and no strings per request, for a check most requests fail.
    for (int at = query.indexOf(name); at >= 0; at = query.indexOf(name, at + 1)) {
      int end = at + name.length();
      if ((at == 0 || query.charAt(at - 1) == '&')
          && end < query.length()
          && query.charAt(end) != '&') {
        return true;
      }
    }
    return false;
  }

  /**
   * Tells Weld the session of the current request, read or created by dysession: Weld's
   * conversation bean stores take the session from a holder that Weld's own session listener fills,
   * and that listener never hears of dysession's sessions (it would end Weld's session context,
   * which dysession's replaces).
   */
  void sessionAvailable(HttpSession session) {
    announced.set(session);
    if (containers.get() != null) {
      holdSession(session);
    }
  }

  private void holdSession(HttpSession session) {
    if (holdSession != null) {
      invoke(holdSession, null, new Object[] {session});
    }
  }

  /** A static method of Weld's {@code SessionHolder}, or null where it is not there. */
  private static Method sessionHolderMethod(Object context, String name, Class<?>... parameters) {
    try {
      return Class.forName(SESSION_HOLDER, false, context.getClass().getClassLoader())
          .getMethod(name, parameters);
    } catch (ReflectiveOperationException | LinkageError e) {
      LOG.log(Level.FINE, "Weld's session holder is not there", e);
      return null;
    }
  }

  /**
   * Ends the conversations of a session being invalidated, as Weld's own session listener does for
   * a container session: Weld ends them at once, or, while a request is associated, after the
   * request's conversation context ends ({@link #requestCompleting}), each with {@code @PreDestroy}
   * of its beans and its lifecycle events.
   */
  void sessionDestroyed(HttpSession session) {
    if (destroySession == null) {
      return;
    }
    try {
      call(destroySession, session);
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "Ending the conversations of an invalidated session failed: "
              + e.getClass().getName()
              + "; their beans get no @PreDestroy",
          e);
    } finally {
      // As Weld's own listener does: the ended session is no longer the request's.
      if (announced.get() == session) {
        announced.remove();
      }
      if (clearSession != null) {
        invoke(clearSession, null, new Object[0]);
      }
    }
  }

  /**
   * Ends the request's conversation context on dysession's request, so that a conversation begun,
   * continued or ended here is in the session before its last save; leaves nothing for Weld's own
   * end of the request to do.
   */
  void requestCompleting(HttpServletRequest request) {
    announced.remove();
    if (containers.get() == null) {
      return;
    }
    containers.remove();
    try {
      if ((Boolean) call(isActive)) {
        if (!initialized()) {
          call(deactivate);
        } else {
          Object conversation = call(currentConversation);
          // Weld's ManagedConversation is a jakarta.enterprise.context.Conversation.
          boolean isTransient =
              ((jakarta.enterprise.context.Conversation) conversation).isTransient();
          if (isTransient) {
            beanManager
                .getEvent()
                .select(
                    HttpServletRequest.class, BeforeDestroyed.Literal.of(ConversationScoped.class))
                .fire(request);
          }
          call(invalidate);
          call(deactivate);
          if (isTransient) {
            beanManager
                .getEvent()
                .select(HttpServletRequest.class, Destroyed.Literal.of(ConversationScoped.class))
                .fire(request);
          }
        }
      }
      destroyQueued(request);
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "Ending the conversation context of a request failed: " + e.getClass().getName(),
          e);
    } finally {
      call(dissociate, request);
    }
  }

  /**
   * Ends the conversations that Weld queued on the request when its session was invalidated (Weld
   * would do so at its own end of the request, for a context that is still active then).
   */
  private void destroyQueued(HttpServletRequest request) {
    Object queue = request.getAttribute(DESTRUCTION_QUEUE);
    if (!(queue instanceof Map<?, ?> conversations)) {
      return;
    }
    request.removeAttribute(DESTRUCTION_QUEUE);
    synchronized (conversations) {
      for (Map.Entry<?, ?> conversation : conversations.entrySet()) {
        String id = String.valueOf(conversation.getKey());
        beanManager
            .getEvent()
            .select(String.class, BeforeDestroyed.Literal.of(ConversationScoped.class))
            .fire(id);
        if (conversation.getValue() instanceof Iterable<?> instances) {
          for (Object instance : instances) {
            destroyInstance(instance);
          }
        }
        beanManager
            .getEvent()
            .select(String.class, Destroyed.Literal.of(ConversationScoped.class))
            .fire(id);
      }
      conversations.clear();
    }
  }

  /** Destroys one of Weld's {@code ContextualInstance}s, through its public methods. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void destroyInstance(Object contextualInstance) {
    if (contextualInstance == null) {
      return;
    }
    try {
      Contextual contextual =
          (Contextual)
              invoke(
                  method(contextualInstance, "getContextual"), contextualInstance, new Object[0]);
      Object instance =
          invoke(method(contextualInstance, "getInstance"), contextualInstance, new Object[0]);
      CreationalContext creational =
          (CreationalContext)
              invoke(
                  method(contextualInstance, "getCreationalContext"),
                  contextualInstance,
                  new Object[0]);
      contextual.destroy(instance, creational);
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "Destroying a conversation-scoped bean failed: " + e.getClass().getName(),
          e);
    }
  }

  private boolean lazy() {
    return isInitialized != null;
  }

  private boolean initialized() {
    return Boolean.TRUE.equals(invoke(isInitialized, context, new Object[0]));
  }

  private static HttpServletRequest containerRequest(HttpServletRequest request) {
    ServletRequest inner = request instanceof ServletRequestWrapper w ? w.getRequest() : null;
    while (inner instanceof ServletRequestWrapper w) {
      inner = w.getRequest();
    }
    return inner instanceof HttpServletRequest h ? h : null;
  }

  /**
   * A public no-argument method of the object's class (the client proxy's or the context's own).
   */
  private static Method method(Object target, String name) {
    try {
      return target.getClass().getMethod(name);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  /** Calls a method of Weld's conversation context. */
  private Object call(Method method, Object... args) {
    return invoke(method, context, args);
  }

  private static Object invoke(Method method, Object target, Object[] args) {
    try {
      return method.invoke(target, args);
    } catch (IllegalAccessException | RuntimeException e) {
      throw new IllegalStateException("Cannot call Weld's " + method.getName() + ": " + e, e);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("Weld's " + method.getName() + " failed", cause);
    }
  }
}
