package io.github.dysession.servlet;

import io.github.dysession.store.SessionIds;
import io.github.dysession.store.SessionLogin;
import io.github.dysession.store.SessionStoreException;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The dysession session of a request while the container authenticates it: authentication runs
 * before any filter, so this opens the session from the cookie itself, with the same single read
 * the request then goes on with, and hands it to dysession's filter afterwards.
 *
 * <p>Used by dysession's interceptor of Jakarta Security's authentication mechanisms: it restores
 * a stored caller before a mechanism runs, records the caller a mechanism authenticated, and gives
 * the mechanism (and the server's login interceptors) a request whose session is dysession's, so
 * that a request saved for after the login lives in DynamoDB too.
 */
public final class AuthenticationScope {

  private static final Logger LOG = Logger.getLogger(AuthenticationScope.class.getName());

  private final HttpServletRequest original;
  private final DysessionRequest request;
  private final DysessionResponse response;
  // Whether this scope made the request and must save it: false inside dysession's filter (a
  // request that calls authenticate or login while it runs), whose end saves it.
  private final boolean owner;

  private AuthenticationScope(HttpServletRequest original, DysessionRequest request,
      DysessionResponse response, boolean owner) {
    this.original = original;
    this.request = request;
    this.response = response;
    this.owner = owner;
  }

  /**
   * Opens the scope of a request being authenticated; returns null when dysession does not serve
   * the request's application (switched off, or not deployed in it).
   *
   * @throws ServletException when dysession cannot serve the application (invalid settings)
   */
  public static AuthenticationScope open(HttpServletRequest request, HttpServletResponse response)
      throws ServletException {
    DysessionRequest inFilter = DysessionRequest.unwrap(request);
    if (inFilter == null && request.getAttribute(DysessionFilter.ACTIVE) instanceof DysessionRequest active) {
      inFilter = active;
    }
    if (inFilter != null) {
      return new AuthenticationScope(request, inFilter, inFilter.response(), false);
    }
    if (!(request.getServletContext().getAttribute(DysessionFilter.INSTANCE) instanceof DysessionFilter filter)) {
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
    DysessionRequest wrapper = new DysessionRequest(request, manager, wrapped, adopted,
        Boolean.TRUE.equals(request.getAttribute(DysessionFilter.LOOKED_UP)));
    wrapped.beforeCommit(wrapper::saveSession);
    return new AuthenticationScope(request, wrapper, wrapped, true);
  }

  /** Returns the request to authenticate: its session is dysession's. */
  public HttpServletRequest request() {
    return request;
  }

  /** Returns the response to authenticate with: the session is saved before it is committed. */
  public HttpServletResponse response() {
    return response;
  }

  /**
   * Lets the session's values also be read with classes of {@code loader} (a server component's,
   * such as the authentication mechanism's); the allow-list still decides what may be read.
   */
  public void trustClassesOf(ClassLoader loader) {
    request.manager().codec().addComponentClassLoader(loader);
  }

  /**
   * Returns the caller the request's session is logged in as, or null; reads the session (one
   * read, which the rest of the request uses too) when the request carries a session cookie.
   */
  public SessionLogin storedLogin() {
    return request.storedLogin();
  }

  /**
   * Records that a mechanism authenticated {@code caller}: the session (created if there is none)
   * is logged in as the caller on every instance, and gets a new id unless it was created by this
   * request.
   */
  public void loggedIn(String caller, Set<String> groups, String mechanism) {
    SessionLogin login;
    try {
      login = new SessionLogin(caller, groups, mechanism, Instant.now());
    } catch (IllegalArgumentException e) {
      LOG.warning("A login by " + mechanism + " is not shared with other instances: " + e.getMessage());
      return;
    }
    SessionLogin stored = request.storedLogin();
    if (stored != null && stored.caller().equals(caller) && stored.groups().equals(login.groups())) {
      return;
    }
    request.logIn(login);
    LOG.fine(() -> "Session " + SessionIds.fingerprint(request.currentSession().getId()) + " logged in by "
        + mechanism);
  }

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
        original.setAttribute(DysessionFilter.LOOKED_UP, Boolean.TRUE);
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
