package io.github.dysession.cdi;

import jakarta.enterprise.context.SessionScoped;
import jakarta.enterprise.context.spi.AlterableContext;
import jakarta.enterprise.context.spi.Context;
import jakarta.enterprise.context.spi.Contextual;
import jakarta.enterprise.context.spi.CreationalContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.lang.reflect.Proxy;
import java.util.Iterator;
import java.util.Set;
import org.apache.webbeans.config.WebBeansContext;
import org.apache.webbeans.context.ConversationContext;
import org.apache.webbeans.context.SessionContext;
import org.apache.webbeans.conversation.ConversationManager;
import org.apache.webbeans.intercept.SessionScopedBeanInterceptorHandler;
import org.apache.webbeans.spi.ContextsService;
import org.apache.webbeans.web.context.ServletRequestContext;
import org.apache.webbeans.web.context.WebContextsService;

/**
 * Switches OpenWebBeans' own session context off while dysession's {@code @SessionScoped} context
 * serves a request (TomEE). OpenWebBeans asks its own context first and ignores a second active
 * one; with no session context on the thread it starts one from the container's request, which
 * creates a container session. So this class parks an inactive OpenWebBeans session context in
 * OpenWebBeans' per-thread slot for the request (OpenWebBeans then falls back to dysession's
 * context) and clears OpenWebBeans' per-thread cache of session-scoped instances.
 *
 * <p>The parked context reports itself inactive, but hands what is asked of it directly to
 * dysession's context: OpenWebBeans' conversation manager keeps the long-running conversations of a
 * session in a session-scoped bean of its own, which it reads from its per-thread session context
 * without asking whether it is active. So conversations live in dysession's session.
 *
 * <p>Loaded only when OpenWebBeans' classes are visible (see {@link #isAvailable(ClassLoader)}), so
 * that its references to them can never break a server with another CDI implementation.
 */
final class OwbSessionContextSwitch implements BuiltInSessionContextSwitch {

  /** The OpenWebBeans SPI type whose presence means this switch applies. */
  static final String CONTEXTS_SERVICE = "org.apache.webbeans.spi.ContextsService";

  /** The session attribute under which OpenWebBeans keeps a session's context. */
  private static final String OWB_CONTEXT_ATTRIBUTE = "openWebBeansSessionContext";

  private final WebBeansContext owb;
  private final ContextsService contexts;
  private final AlterableContext dysession;
  private final ThreadLocal<Context> previous = new ThreadLocal<>();

  /** The container's request that OpenWebBeans' request context held before dysession's. */
  private final ThreadLocal<HttpServletRequest> containerRequest = new ThreadLocal<>();

  OwbSessionContextSwitch(
      WebBeansContext owb, ContextsService contexts, AlterableContext dysession) {
    this.owb = owb;
    this.contexts = contexts;
    this.dysession = dysession;
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

  /**
   * Returns the switch for the OpenWebBeans container of the calling application, whose parked
   * context hands its work to {@code dysession}.
   */
  static OwbSessionContextSwitch find(AlterableContext dysession) {
    WebBeansContext owb = WebBeansContext.currentInstance();
    return new OwbSessionContextSwitch(owb, owb.getContextsService(), dysession);
  }

  @Override
  public boolean suspend() {
    SessionScopedBeanInterceptorHandler.removeThreadLocals();
    // Without creating one: getCurrentContext(scope) would start a context from a container
    // session.
    previous.set(contexts.getCurrentContext(SessionScoped.class, false));
    SessionContext parked = new Parked(dysession);
    install(contexts, parked);
    // Always resumed: the slot must be restored whatever it held.
    return true;
  }

  /**
   * Hands dysession's request to OpenWebBeans' request context for the filter: OpenWebBeans takes
   * the session for a conversation's id counter (and {@code @Inject HttpServletRequest}) from it,
   * and the container's request would create a container session.
   */
  @Override
  public void requestStarted(HttpServletRequest request) {
    ServletRequestContext owbRequest = requestContext();
    if (owbRequest != null && owbRequest.getServletRequest() != null) {
      containerRequest.set(owbRequest.getServletRequest());
      owbRequest.setServletRequest(request);
    }
  }

  /**
   * Ends the session's conversations that timed out, as OpenWebBeans does at the end of a request
   * for its own session context (it skips an inactive one): each gets its {@code @PreDestroy}
   * callbacks and lifecycle events and leaves the stored session. Runs while dysession's context is
   * still active, before the last save; never creates a session.
   */
  @Override
  public void requestCompleting() {
    ConversationManager manager = owb.getConversationManager();
    Set<ConversationContext> conversations =
        manager.getSessionConversations(new Parked(dysession), false);
    if (conversations == null) {
      return;
    }
    for (Iterator<ConversationContext> it = conversations.iterator(); it.hasNext(); ) {
      ConversationContext conversation = it.next();
      if (manager.conversationTimedOut(conversation.getConversation())) {
        manager.destroyConversationContext(conversation);
        it.remove();
      }
    }
  }

  @Override
  public void resume() {
    HttpServletRequest container = containerRequest.get();
    if (container != null) {
      containerRequest.remove();
      ServletRequestContext owbRequest = requestContext();
      if (owbRequest != null) {
        owbRequest.setServletRequest(container);
      }
    }
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

  private ServletRequestContext requestContext() {
    return contexts instanceof WebContextsService web ? web.getRequestContext(false) : null;
  }

  /**
   * Puts {@code context} into OpenWebBeans' per-thread slot through its SPI: {@code startContext}
   * adopts the context that the given session holds, here a throwaway stand-in session, so no real
   * session is touched and no {@code @Initialized} event fires. It also activates the context.
   */
  static void install(ContextsService contexts, SessionContext context) {
    contexts.startContext(SessionScoped.class, holderOf(context));
  }

  private static HttpSession holderOf(SessionContext context) {
    return (HttpSession)
        Proxy.newProxyInstance(
            OwbSessionContextSwitch.class.getClassLoader(),
            new Class<?>[] {HttpSession.class},
            (proxy, method, args) -> {
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

  /**
   * The context parked in OpenWebBeans' slot: inactive, so that OpenWebBeans resolves
   * {@code @SessionScoped} beans in dysession's context, and a pass-through to that context for
   * OpenWebBeans' internal callers that use the slot's context directly (the conversation manager).
   * Outside dysession's filter dysession's context is inactive and refuses as well.
   */
  private static final class Parked extends SessionContext {
    private static final long serialVersionUID = 1L;

    private final transient AlterableContext dysession;

    Parked(AlterableContext dysession) {
      this.dysession = dysession;
    }

    @Override
    public boolean isActive() {
      return false;
    }

    @Override
    public <T> T get(Contextual<T> contextual, CreationalContext<T> creationalContext) {
      return dysession.get(contextual, creationalContext);
    }

    @Override
    public <T> T get(Contextual<T> contextual) {
      return dysession.get(contextual);
    }

    @Override
    public void destroy(Contextual<?> contextual) {
      dysession.destroy(contextual);
    }
  }
}
