package io.github.dysession.servlet;

import io.github.dysession.store.SessionStoreException;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.ServiceLoader;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The first filter of the application: wraps each request so that its session comes from dysession,
 * switches {@code @SessionScoped} to that session, and saves the session before the response is
 * committed. A DynamoDB outage answers 503, never a new empty session.
 */
public final class DysessionFilter implements Filter {

  /** The name the filter is registered under. */
  public static final String NAME = "dysession";

  /** Holds dysession's request while the filter (or an asynchronous request) handles it. */
  static final String ACTIVE = DysessionFilter.class.getName() + ".active";

  /** Holds the session a request used, for later dispatches of the same request. */
  static final String SESSION = DysessionFilter.class.getName() + ".session";

  /** Holds the session cookie header a request set, for later dispatches of the same request. */
  static final String SESSION_COOKIE = DysessionFilter.class.getName() + ".sessionCookie";

  /**
   * Set (true) by the authentication of a request that looked its requested session up already: the
   * filter does not look it up again.
   */
  static final String LOOKED_UP = DysessionFilter.class.getName() + ".lookedUp";

  /** The servlet context attribute that holds the application's dysession filter. */
  static final String INSTANCE = DysessionFilter.class.getName();

  /**
   * The request dysession handles on this thread, so that nested dispatches pass straight through.
   */
  private static final ThreadLocal<DysessionRequest> CURRENT = new ThreadLocal<>();

  private static final Logger LOG = Logger.getLogger(DysessionFilter.class.getName());

  private final SessionListeners listeners;
  private volatile SessionManager manager;
  private volatile boolean disabled;
  private ServletContext servletContext;
  private ExpirySweeper sweeper;

  DysessionFilter(SessionListeners listeners) {
    this.listeners = listeners;
  }

  @Override
  public synchronized void init(FilterConfig config) {
    servletContext = config.getServletContext();
    try {
      // At deployment, so that the expiry sweep runs before the first request arrives.
      manager();
    } catch (ServletException | RuntimeException e) {
      // Reported by the first request, which tries again.
      LOG.log(Level.FINE, "dysession could not start at filter initialisation", e);
    }
  }

  /** Stops the expiry sweep of the application. */
  @Override
  public synchronized void destroy() {
    if (sweeper != null) {
      sweeper.close();
      sweeper = null;
    }
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest httpRequest)
        || !(res instanceof HttpServletResponse httpResponse)
        || CURRENT.get() != null) {
      // Not HTTP, or a FORWARD/INCLUDE inside a request dysession already handles on this thread.
      chain.doFilter(req, res);
      return;
    }
    SessionManager sessions = manager();
    if (sessions == null) {
      chain.doFilter(req, res);
      return;
    }
    if (req.getAttribute(ACTIVE) instanceof DysessionRequest active) {
      // An ASYNC (or ERROR) dispatch of an asynchronous request on another thread.
      runOnThisThread(sessions, active, req, res, chain);
      return;
    }
    DysessionHttpSession adopted =
        req.getAttribute(SESSION) instanceof DysessionHttpSession s ? s : null;
    DysessionResponse response = new DysessionResponse(httpResponse);
    if (req.getAttribute(SESSION_COOKIE) instanceof String issued && !httpResponse.isCommitted()) {
      // An error page: the container may have dropped the cookie with the failed response's
      // headers.
      response.restoreSessionCookie(issued);
    }
    DysessionRequest request =
        new DysessionRequest(
            httpRequest,
            sessions,
            response,
            adopted,
            Boolean.TRUE.equals(req.getAttribute(LOOKED_UP)));
    response.beforeCommit(request::saveSession);
    req.setAttribute(ACTIVE, request);
    boolean async = false;
    CURRENT.set(request);
    try {
      sessions.bridge().requestStarted(request);
      if (!AuthenticationScope.afterContainerLogin(request, response)) {
        chain.doFilter(request, response);
      }
      // Read once: another thread may complete the asynchronous request at any moment.
      async = request.isAsyncStarted() && saveOnCompletion(request, response);
      if (!async) {
        sessions.bridge().requestCompleting(request);
      }
      if (!async && response.saveFailure() == null) {
        // After a failed save before commit the failure is answered already (503), and the
        // request's later changes are not written either.
        request.saveSession();
      }
    } catch (IOException | ServletException | RuntimeException | Error e) {
      SessionStoreException storeFailure = storeFailure(e);
      if (storeFailure == null) {
        completeQuietly(sessions, request);
        if (response.saveFailure() == null) {
          // After a failed save before commit (answered 503), nothing more of the request is
          // written.
          saveAfterFailure(request);
        }
        throw e;
      }
      if (response.isCommitted()) {
        throw e;
      }
      response.answer(storeFailure);
    } finally {
      CURRENT.remove();
      // What identity stores validated for this request must not reach the thread's next one.
      IdentityCapture.clear();
      AuthenticationScope.forgetThread();
      try {
        sessions.bridge().requestEnded(request);
      } finally {
        // Later dispatches of this request (an error page) use the same session.
        handOver(req, request, response);
        if (!async) {
          req.removeAttribute(ACTIVE);
        }
      }
    }
  }

  /**
   * Has the session saved when the asynchronous request completes; false when it has completed
   * already (on another thread, since the check), so that this thread saves it now.
   */
  private static boolean saveOnCompletion(DysessionRequest request, DysessionResponse response) {
    try {
      request.getAsyncContext().addListener(new SaveOnCompletion(request, response));
      return true;
    } catch (IllegalStateException completedMeanwhile) {
      return false;
    }
  }

  /** Leaves the session a request used, and the cookie it set, for later dispatches of it. */
  static void handOver(ServletRequest req, DysessionRequest request, DysessionResponse response) {
    req.setAttribute(SESSION, request.currentSession());
    if (response.sessionCookie() != null) {
      req.setAttribute(SESSION_COOKIE, response.sessionCookie());
    }
  }

  private static void runOnThisThread(
      SessionManager sessions,
      DysessionRequest active,
      ServletRequest req,
      ServletResponse res,
      FilterChain chain)
      throws IOException, ServletException {
    CURRENT.set(active);
    try {
      sessions.bridge().requestStarted(active);
      chain.doFilter(DysessionRequest.unwrap(req) != null ? req : active, res);
    } finally {
      CURRENT.remove();
      sessions.bridge().requestEnded(active);
    }
  }

  /** Returns the request dysession handles on this thread, or null. */
  static DysessionRequest current() {
    return CURRENT.get();
  }

  /** Returns the application's session manager, or null when dysession is switched off. */
  SessionManager manager(ServletContext context) throws ServletException {
    synchronized (this) {
      if (servletContext == null) {
        // Authentication can run before the container initialised the filter.
        servletContext = context;
      }
    }
    return manager();
  }

  private SessionManager manager() throws ServletException {
    SessionManager current = manager;
    if (current != null || disabled) {
      return current;
    }
    synchronized (this) {
      if (manager == null && !disabled) {
        SessionRuntime runtime;
        try {
          SessionRuntimeProvider provider =
              ServiceLoader.load(
                      SessionRuntimeProvider.class, DysessionFilter.class.getClassLoader())
                  .findFirst()
                  .orElseThrow(
                      () ->
                          new IllegalStateException(
                              "no "
                                  + SessionRuntimeProvider.class.getName()
                                  + " service in the dysession jar"));
          runtime = provider.runtime(servletContext);
        } catch (RuntimeException | LinkageError e) {
          throw new ServletException(
              "dysession cannot serve sessions for "
                  + servletContext.getContextPath()
                  + ": "
                  + e.getMessage(),
              e);
        }
        if (runtime == null) {
          disabled = true;
        } else {
          listeners.resolve(servletContext);
          manager = new SessionManager(servletContext, runtime, listeners, Clock.systemUTC());
          String path =
              servletContext.getContextPath().isEmpty() ? "/" : servletContext.getContextPath();
          sweeper =
              ExpirySweeper.start(
                  manager, servletContext.getClassLoader(), path, Clock.systemUTC());
          servletContext.setAttribute(ContainerSessionWarning.ENABLED, true);
        }
      }
      return manager;
    }
  }

  private static void completeQuietly(SessionManager sessions, DysessionRequest request) {
    try {
      sessions.bridge().requestCompleting(request);
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "Completing the CDI state of a failed request failed too", e);
    }
  }

  private static void saveAfterFailure(DysessionRequest request) {
    try {
      request.saveSession();
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "The session of a failed request could not be saved either", e);
    }
  }

  private static SessionStoreException storeFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SessionStoreException s) {
        return s;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  /** Saves an asynchronous request's session when it completes. */
  private static final class SaveOnCompletion implements AsyncListener {
    private final DysessionRequest request;
    private final DysessionResponse response;

    SaveOnCompletion(DysessionRequest request, DysessionResponse response) {
      this.request = request;
      this.response = response;
    }

    @Override
    public void onComplete(AsyncEvent event) {
      finish();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      // onComplete follows.
    }

    @Override
    public void onError(AsyncEvent event) {
      // onComplete follows.
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      event.getAsyncContext().addListener(this);
    }

    private void finish() {
      try {
        if (response.saveFailure() == null) {
          request.saveSession();
        }
      } catch (SessionStoreException e) {
        // DynamoDbErrors logs each outage once.
        LOG.fine(
            () -> "The session of an asynchronous request could not be saved: " + e.getMessage());
      } catch (RuntimeException e) {
        LOG.log(
            Level.SEVERE,
            "The session of an asynchronous request could not be saved: " + e.getMessage(),
            e);
      } finally {
        request.removeAttribute(ACTIVE);
      }
    }
  }
}
