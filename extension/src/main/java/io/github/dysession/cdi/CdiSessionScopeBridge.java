package io.github.dysession.cdi;

import io.github.dysession.servlet.SessionScopeBridge;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.context.Destroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.context.SessionScoped;
import jakarta.enterprise.context.spi.AlterableContext;
import jakarta.enterprise.context.spi.Context;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.Set;

/**
 * Connects dysession's filter to CDI: activates dysession's {@code @SessionScoped} context (with
 * the CDI implementation's own session context switched off) for each request, fires
 * {@code @Initialized}, {@code @BeforeDestroyed} and {@code @Destroyed(SessionScoped.class)}, and
 * destroys session-scoped beans when a session is invalidated.
 */
final class CdiSessionScopeBridge implements SessionScopeBridge {

  private final DysessionSessionContext context;
  private final BeanManager beanManager;
  private final BuiltInSessionContextSwitch builtIn;
  private final ThreadLocal<Boolean> resumeBuiltIn = new ThreadLocal<>();

  /** Whether dysession read or created a session on this thread's request. */
  private final ThreadLocal<Boolean> sessionInUse = new ThreadLocal<>();

  /** Weld's conversations, kept in dysession's session; null on OpenWebBeans. */
  private final WeldConversations conversations;

  CdiSessionScopeBridge(
      DysessionSessionContext context,
      BeanManager beanManager,
      BuiltInSessionContextSwitch builtIn,
      WeldConversations conversations) {
    this.context = context;
    this.beanManager = beanManager;
    this.builtIn = builtIn;
    this.conversations = conversations;
  }

  @Override
  public void requestStarted(HttpServletRequest request) {
    resumeBuiltIn.set(builtIn.suspend());
    sessionInUse.remove();
    context.enter(request);
    builtIn.requestStarted(request);
    if (conversations != null) {
      conversations.requestStarted(request);
    }
  }

  @Override
  public void requestCompleting(HttpServletRequest request) {
    if (conversations != null) {
      conversations.requestCompleting(request);
    }
    // Only for a session the request used (asking for one would read it, a GetItem), and once:
    // requestEnded completes again, after the last save, for requests the filter did not complete.
    if (context.isActive() && Boolean.TRUE.equals(sessionInUse.get())) {
      sessionInUse.remove();
      builtIn.requestCompleting();
    }
  }

  @Override
  public void requestEnded(HttpServletRequest request) {
    // Where the filter could not complete the request (an asynchronous one), the conversation
    // context goes back to the container's request here.
    requestCompleting(request);
    context.exit();
    sessionInUse.remove();
    boolean resume = Boolean.TRUE.equals(resumeBuiltIn.get());
    resumeBuiltIn.remove();
    if (resume) {
      builtIn.resume();
    }
  }

  @Override
  public void sessionLoaded(HttpSession session) {
    sessionInUse.set(Boolean.TRUE);
    if (conversations != null) {
      conversations.sessionAvailable(session);
    }
  }

  @Override
  public void sessionCreated(HttpSession session) {
    sessionInUse.set(Boolean.TRUE);
    if (conversations != null) {
      conversations.sessionAvailable(session);
    }
    beanManager
        .getEvent()
        .select(HttpSession.class, Initialized.Literal.of(SessionScoped.class))
        .fire(session);
  }

  @Override
  public void sessionDestroyed(HttpSession session) {
    beanManager
        .getEvent()
        .select(HttpSession.class, BeforeDestroyed.Literal.of(SessionScoped.class))
        .fire(session);
    context.destroyAll(session);
    if (conversations != null) {
      conversations.sessionDestroyed(session);
    }
    beanManager
        .getEvent()
        .select(HttpSession.class, Destroyed.Literal.of(SessionScoped.class))
        .fire(session);
  }

  @Override
  public void sessionEndedElsewhere(HttpSession session) {
    beanManager
        .getEvent()
        .select(HttpSession.class, BeforeDestroyed.Literal.of(SessionScoped.class))
        .fire(session);
    // Its long-running conversations are not ended here: the CDI implementation's conversation
    // state belongs to the current request's session, which must stay as it is.
    context.destroyAll(session);
    beanManager
        .getEvent()
        .select(HttpSession.class, Destroyed.Literal.of(SessionScoped.class))
        .fire(session);
  }

  @Override
  public void sessionInvalidated(HttpSession session) {
    forgetInjectedSession();
  }

  /**
   * Returns the session of dysession's current request, creating it: backs {@code @Inject
   * HttpSession}.
   */
  HttpSession currentSession() {
    HttpServletRequest request = context.currentRequest();
    if (request == null) {
      throw new IllegalStateException(
          "@Inject HttpSession is available only inside an HTTP request "
              + "that passed dysession's filter");
    }
    return request.getSession(true);
  }

  /**
   * Drops the request-scoped injected session, so one created after invalidation is injected next.
   */
  private void forgetInjectedSession() {
    Set<Bean<?>> beans = beanManager.getBeans(HttpSession.class, Dysession.Literal.INSTANCE);
    if (beans.isEmpty() || !context.isActive()) {
      return;
    }
    try {
      Context requestContext = beanManager.getContext(RequestScoped.class);
      if (requestContext instanceof AlterableContext alterable) {
        alterable.destroy(beanManager.resolve(beans));
      }
    } catch (ContextNotActiveException e) {
      // No request context on this thread: nothing was cached.
    }
  }
}
