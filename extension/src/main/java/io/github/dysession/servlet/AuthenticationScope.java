package io.github.dysession.servlet;

import io.github.dysession.config.DysessionSettings;
import io.github.dysession.store.LoginLimitException;
import io.github.dysession.store.SessionIds;
import io.github.dysession.store.SessionLogin;
import io.github.dysession.store.SessionStoreException;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.time.Instant;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The dysession session of a request while the container authenticates it: authentication runs
 * before any filter, so this opens the session from the cookie itself, with the same single read
 * the request then goes on with, and hands it to dysession's filter afterwards.
 *
 * <p>Used by dysession's interceptor of Jakarta Security's authentication mechanisms: it restores a
 * stored caller before a mechanism runs, records the caller a mechanism authenticated, and gives
 * the mechanism (and the server's login interceptors) a request whose session is dysession's, so
 * that a request saved for after the login lives in DynamoDB too.
 */
public final class AuthenticationScope {

  private static final Logger LOG = Logger.getLogger(AuthenticationScope.class.getName());

  /**
   * The session attribute that holds the path (and query) of the request a login was asked for, so
   * that the login continues to it on whichever instance the credentials reach.
   */
  static final String CONTINUATION = "io.github.dysession.login.continue";

  private static final String CREDENTIAL_POSTBACK = "/j_security_check";

  /** The request of the scope open on this thread (its mechanism runs), for the limit's check. */
  private static final ThreadLocal<DysessionRequest> OPEN = new ThreadLocal<>();

  private final HttpServletRequest original;
  private final DysessionRequest request;
  private final MechanismRequest mechanismRequest;
  private final DysessionResponse response;
  // Whether this scope made the request and must save it: false inside dysession's filter (a
  // request that calls authenticate or login while it runs), whose end saves it.
  private final boolean owner;

  private AuthenticationScope(
      HttpServletRequest original,
      DysessionRequest request,
      DysessionResponse response,
      boolean owner) {
    this.original = original;
    this.request = request;
    // The implementation is about to send the caller to the login page, perhaps with a response
    // dysession does not see committed (WildFly): the session, with the request to continue to, is
    // written now, and its cookie set while the response can still take it.
    this.mechanismRequest =
        new MechanismRequest(
            request,
            () -> {
              rememberContinuation();
              request.saveSession();
            });
    this.response = response;
    this.owner = owner;
    OPEN.set(request);
  }

  /** Forgets the scope this thread had open (at the end of a request, whatever happened). */
  public static void forgetThread() {
    OPEN.remove();
  }

  /**
   * Whether a login of {@code caller} on this thread's request would be refused by {@code
   * dysession.login.max-sessions-per-user} (policy {@code REFUSE}): the caller has that many live
   * sessions already, and the request's session is not one of them. Asked where an identity store
   * validated the caller, so that the mechanism treats the refused login as it treats a wrong
   * password. One Query; concurrent logins are decided exactly when the login is recorded.
   */
  public static boolean wouldRefuse(String caller) {
    DysessionRequest request = OPEN.get();
    if (request == null) {
      request = DysessionFilter.current();
    }
    if (request == null || caller == null) {
      return false;
    }
    DysessionSettings.LoginLimit limit = request.manager().settings().loginLimit();
    if (!limit.limited() || limit.policy() != DysessionSettings.LoginLimitPolicy.REFUSE) {
      return false;
    }
    try {
      SessionLogin stored = request.storedLogin();
      if (stored != null && stored.caller().equals(caller)) {
        return false;
      }
      boolean refused = request.manager().store().loggedIn(caller).size() >= limit.maxSessions();
      if (refused) {
        LOG.info(
            "A login is refused: its caller has as many live sessions as "
                + DysessionSettings.LOGIN_MAX_SESSIONS
                + " allows ("
                + limit.maxSessions()
                + ")");
      }
      return refused;
    } catch (RuntimeException e) {
      // The login's own admission decides (and reports a missing index or an outage).
      LOG.fine(() -> "The login limit could not be checked in advance: " + e);
      return false;
    }
  }

  /**
   * Opens the scope of a request being authenticated; returns null when dysession does not serve
   * the request's application (switched off, or not deployed in it).
   *
   * @throws ServletException when dysession cannot serve the application (invalid settings)
   */
  public static AuthenticationScope open(HttpServletRequest request, HttpServletResponse response)
      throws ServletException {
    // The request dysession's filter handles now comes first: where the server authenticated the
    // request before its filters ran (TomEE), the request the filter wrapped holds the scope's
    // earlier request, whose session is not the one the application changed since.
    DysessionRequest inFilter =
        request.getAttribute(DysessionFilter.ACTIVE) instanceof DysessionRequest active
            ? active
            : DysessionRequest.unwrap(request);
    if (inFilter != null) {
      return new AuthenticationScope(request, inFilter, inFilter.response(), false);
    }
    if (!(request.getServletContext().getAttribute(DysessionFilter.INSTANCE)
        instanceof DysessionFilter filter)) {
      return null;
    }
    SessionManager manager = filter.manager(request.getServletContext());
    if (manager == null) {
      return null;
    }
    DysessionHttpSession adopted =
        request.getAttribute(DysessionFilter.SESSION) instanceof DysessionHttpSession s ? s : null;
    DysessionResponse wrapped = new DysessionResponse(response);
    if (request.getAttribute(DysessionFilter.SESSION_COOKIE) instanceof String issued) {
      wrapped.restoreSessionCookie(issued);
    }
    DysessionRequest wrapper =
        new DysessionRequest(
            request,
            manager,
            wrapped,
            adopted,
            Boolean.TRUE.equals(request.getAttribute(DysessionFilter.LOOKED_UP)));
    wrapped.beforeCommit(wrapper::saveSession);
    return new AuthenticationScope(request, wrapper, wrapped, true);
  }

  /**
   * Returns the request to authenticate: its session is dysession's, but the login state the
   * server's security implementation keeps there stays in this request (see {@link
   * MechanismRequest}).
   */
  public HttpServletRequest request() {
    return mechanismRequest;
  }

  /** Returns the response to authenticate with: the session is saved before it is committed. */
  public HttpServletResponse response() {
    return response;
  }

  /**
   * Returns the caller the request's session is logged in as, or null; reads the session (one read,
   * which the rest of the request uses too) when the request carries a session cookie.
   */
  public SessionLogin storedLogin() {
    return request.storedLogin();
  }

  /**
   * Records that a mechanism authenticated {@code caller}: the session (created if there is none)
   * is logged in as the caller on every instance, and gets a new id unless it was created by this
   * request.
   *
   * @throws LoginLimitException when {@code dysession.login.max-sessions-per-user} refuses the
   *     login; nothing of it is kept
   */
  public void loggedIn(String caller, Set<String> groups, String mechanism) {
    SessionLogin login;
    try {
      login = new SessionLogin(caller, groups, mechanism, Instant.now());
    } catch (IllegalArgumentException e) {
      LOG.warning(
          "A login by " + mechanism + " is not shared with other instances: " + e.getMessage());
      return;
    }
    SessionLogin stored = request.storedLogin();
    if (stored != null
        && stored.caller().equals(caller)
        && stored.groups().equals(login.groups())) {
      return;
    }
    request.logIn(login);
    LOG.fine(
        () ->
            "Session "
                + SessionIds.fingerprint(request.currentSession().getId())
                + " logged in by "
                + mechanism);
  }

  /**
   * Runs {@code hook} when the response is about to be committed while the mechanism answers,
   * before the session is saved (a mechanism that redirects after a login commits the response
   * itself).
   */
  public void beforeCommit(Runnable hook) {
    response.whileAuthenticating(hook);
  }

  /**
   * Remembers, in the session (created if need be), the request a mechanism answered with the login
   * page, so that the login continues to it; only for GET requests, whose URL is the whole request.
   */
  public void rememberContinuation() {
    if (!"GET".equals(original.getMethod())) {
      return;
    }
    String query = original.getQueryString();
    String target = original.getRequestURI() + (query == null ? "" : "?" + query);
    HttpSession session = request.getSession(true);
    if (!target.equals(session.getAttribute(CONTINUATION))) {
      session.setAttribute(CONTINUATION, target);
    }
  }

  /**
   * Whether the application's {@code request.login} is handing the login it recorded a moment ago
   * to the container, which then only has to be told the stored caller.
   */
  public boolean handingOverLogin() {
    return request.handingOverLogin();
  }

  /** Returns whether the request posts credentials to the container ({@code j_security_check}). */
  public boolean isCredentialPostback() {
    return isCredentialPostback(original);
  }

  private static boolean isCredentialPostback(HttpServletRequest request) {
    // Also the forward of a refused postback to the login error page.
    Object forwarded = request.getAttribute(jakarta.servlet.RequestDispatcher.FORWARD_REQUEST_URI);
    String uri = forwarded instanceof String f ? f : request.getRequestURI();
    return "POST".equals(request.getMethod()) && uri != null && uri.endsWith(CREDENTIAL_POSTBACK);
  }

  /**
   * After a login: redirects to the request the login was asked for, if one was remembered and the
   * response is not committed yet (the mechanism did not answer itself), and returns whether it
   * did. The remembered request is forgotten either way.
   */
  public boolean continueAfterLogin() throws java.io.IOException {
    return continueAfterLogin(request, response);
  }

  private static boolean continueAfterLogin(DysessionRequest request, DysessionResponse response)
      throws java.io.IOException {
    HttpSession session = request.getSession(false);
    if (session == null || !(session.getAttribute(CONTINUATION) instanceof String target)) {
      return false;
    }
    session.removeAttribute(CONTINUATION);
    if (response.isCommitted()) {
      return false;
    }
    response.sendRedirect(target);
    return true;
  }

  /**
   * Records a login the container made without dysession's interceptor (TomEE runs its built-in
   * FORM mechanism for {@code j_security_check} outside CDI interception): on a credential postback
   * the container authenticated, the caller is stored with the groups an identity store validated
   * on this thread, and the login continues to the request it was asked for. Returns whether the
   * response was answered (a redirect), so that the request goes no further.
   */
  static boolean afterContainerLogin(DysessionRequest request, DysessionResponse response)
      throws java.io.IOException {
    if (!isCredentialPostback(request)) {
      return false;
    }
    endContainerSession(request, response);
    java.security.Principal principal = request.getUserPrincipal();
    if (principal == null) {
      return false;
    }
    SessionLogin stored = request.storedLogin();
    if (stored == null || !stored.caller().equals(principal.getName())) {
      try {
        request.logIn(
            new SessionLogin(
                principal.getName(),
                IdentityCapture.groupsOf(principal.getName()),
                LoginMechanisms.CONTAINER_FORM,
                Instant.now()));
      } catch (IllegalArgumentException e) {
        LOG.warning("A container login is not shared with other instances: " + e.getMessage());
        return false;
      } catch (LoginLimitException e) {
        LOG.info("A container login is refused: " + e.getMessage());
        try {
          request.logout();
        } catch (ServletException | RuntimeException ignored) {
          // The container keeps no session of its own for it (ended above).
        }
        if (!response.isCommitted()) {
          response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
        }
        return true;
      }
    }
    return continueAfterLogin(request, response);
  }

  /**
   * Ends a session the container made for its own login (TomEE keeps the caller there), so that it
   * cannot log the caller in on this server after a logout elsewhere, and tells the client to drop
   * its cookie.
   */
  private static void endContainerSession(DysessionRequest request, DysessionResponse response) {
    if (!(request.getRequest() instanceof HttpServletRequest container)) {
      return;
    }
    HttpSession own = container.getSession(false);
    if (own == null) {
      return;
    }
    try {
      own.invalidate();
    } catch (IllegalStateException e) {
      // Invalidated already.
    }
    jakarta.servlet.SessionCookieConfig config =
        request.getServletContext().getSessionCookieConfig();
    String name = config.getName() == null ? "JSESSIONID" : config.getName();
    String path =
        config.getPath() != null
            ? config.getPath()
            : request.getContextPath().isEmpty() ? "/" : request.getContextPath();
    response.addHeader("Set-Cookie", name + "=; Path=" + path + "; Max-Age=0; HttpOnly");
    LOG.fine(() -> "Ended the session the container made for its own login in " + path);
  }

  /**
   * Offers the application's way of checking passwords to {@code HttpServletRequest.login}; the
   * first offer for an application stays.
   */
  public void offerPasswordLogins(PasswordLogins logins) {
    jakarta.servlet.ServletContext context = original.getServletContext();
    if (context.getAttribute(PASSWORD_LOGINS) == null) {
      context.setAttribute(PASSWORD_LOGINS, logins);
    }
  }

  /** The servlet context attribute that holds the application's {@link PasswordLogins}. */
  static final String PASSWORD_LOGINS = PasswordLogins.class.getName();

  /** Records that the caller logged out: the stored login is removed on every instance. */
  public void loggedOut() {
    request.logOut();
  }

  /**
   * Ends the scope: saves what the authentication changed (a login, a request saved for after the
   * login) unless dysession's filter runs around it, and leaves the session for the filter.
   *
   * @throws SessionStoreException when the session could not be saved; the failure is answered
   *     (503) already if the response was not committed
   */
  public void close() {
    OPEN.remove();
    response.whileAuthenticating(null);
    if (!owner) {
      return;
    }
    try {
      request.saveSession();
    } catch (SessionStoreException e) {
      response.answer(e);
      throw e;
    } finally {
      DysessionFilter.handOver(original, request, response);
      if (request.lookedUp()) {
        original.setAttribute(DysessionFilter.LOOKED_UP, true);
      }
    }
  }

  /**
   * Answers a store failure (503 with Retry-After, or 500 for a session too large) unless the
   * response is committed.
   */
  public void answer(SessionStoreException failure) {
    response.answer(failure);
  }
}
