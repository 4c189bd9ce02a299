package io.github.dysession.servlet;

import io.github.dysession.config.DysessionSettings.LoginLimit;
import io.github.dysession.config.DysessionSettings.LoginLimitPolicy;
import io.github.dysession.store.LoggedInSession;
import io.github.dysession.store.LoginLimitException;
import io.github.dysession.store.SessionIds;
import io.github.dysession.store.SessionLogin;
import io.github.dysession.store.SessionStoreException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpSession;
import java.util.List;

/**
 * The request the application sees: its sessions come from dysession, never from the container. The
 * session is loaded when the application first asks for it, so a request that never touches its
 * session makes no DynamoDB call.
 *
 * <p>Lock order: this request's monitor is never held while a session method is called.
 */
final class DysessionRequest extends HttpServletRequestWrapper {

  /** The mechanism recorded for a login by {@link #login(String, String)}. */
  static final String LOGIN_METHOD = LoginMechanisms.REQUEST_LOGIN;

  private final SessionManager manager;
  private final DysessionResponse response;
  private final String requestedId;
  private DysessionHttpSession session;
  private SessionStoreException loadFailure;
  private boolean lookedUp;
  private boolean requestedIdValid;
  private boolean invalidatedOne;
  private boolean issuedCookie;
  private boolean cookieCleared;
  // True while request.login hands the login it just recorded to the container (authenticate).
  private boolean handingOverLogin;

  /**
   * Wraps a request.
   *
   * @param adopted the session an earlier dispatch of the same request used (for error pages and
   *     async dispatches), or null
   * @param lookedUp whether the authentication of the same request looked the requested id up
   *     already (and found no session, when {@code adopted} is null)
   */
  DysessionRequest(
      HttpServletRequest request,
      SessionManager manager,
      DysessionResponse response,
      DysessionHttpSession adopted,
      boolean lookedUp) {
    super(request);
    this.manager = manager;
    this.response = response;
    this.requestedId = manager.cookies().requestedId(request);
    if (adopted != null && !adopted.isInvalid()) {
      this.session = adopted;
      this.lookedUp = true;
      this.requestedIdValid = adopted.getId().equals(requestedId);
    } else if (adopted == null && lookedUp) {
      this.lookedUp = true;
    }
  }

  @Override
  public HttpSession getSession() {
    return getSession(true);
  }

  @Override
  public HttpSession getSession(boolean create) {
    String toLoad = null;
    synchronized (this) {
      if (loadFailure != null) {
        // A session that could not be read is never replaced by a new one later in the request.
        throw loadFailure;
      }
      if (!lookedUp && session == null) {
        toLoad = requestedId;
      }
    }
    if (toLoad != null) {
      DysessionHttpSession loaded;
      try {
        loaded = manager.load(toLoad);
      } catch (SessionStoreException e) {
        synchronized (this) {
          loadFailure = e;
        }
        throw e;
      }
      boolean announce = false;
      synchronized (this) {
        if (!lookedUp) {
          lookedUp = true;
          session = loaded;
          requestedIdValid = loaded != null;
          announce = loaded != null;
        }
      }
      if (announce) {
        manager.bridge().sessionLoaded(loaded);
      }
    }
    DysessionHttpSession created;
    synchronized (this) {
      lookedUp = true;
      if (session != null && session.isInvalid()) {
        invalidatedOne = true;
        session = null;
      }
      if (session != null || !create) {
        return session;
      }
      if (response.isCommitted()) {
        throw new IllegalStateException(
            "Cannot create a session after the response has been committed");
      }
      created = manager.create();
      session = created;
      issuedCookie = true;
    }
    response.setSessionCookie(manager.cookies().setCookie(this, created.getId()));
    manager.created(created);
    return created;
  }

  @Override
  public String changeSessionId() {
    DysessionHttpSession current = (DysessionHttpSession) getSession(false);
    if (current == null) {
      throw new IllegalStateException("changeSessionId: this request has no session");
    }
    if (response.isCommitted()) {
      throw new IllegalStateException(
          "changeSessionId: the response is committed, so the client could not learn the new id");
    }
    manager.changeId(current);
    synchronized (this) {
      issuedCookie = true;
    }
    response.setSessionCookie(manager.cookies().setCookie(this, current.getId()));
    return current.getId();
  }

  /**
   * Logs the session in as {@code login}: creates a session if there is none, and moves it to a new
   * id unless it was created by this request (against session fixation; see {@code
   * dysession.login.rotate-id}). The login is written with the request's other changes.
   */
  void logIn(SessionLogin login) {
    DysessionHttpSession current = (DysessionHttpSession) getSession(true);
    SessionLogin before = current.login();
    if (login.equals(before)) {
      return;
    }
    boolean fromClient;
    synchronized (this) {
      fromClient = requestedIdValid && current.getId().equals(requestedId);
    }
    if (fromClient && manager.settings().loginRotateId()) {
      changeSessionId();
    }
    SessionLogin described =
        login.client() != null ? login : login.withClient(clientDescription(this));
    LoginLimit limit = manager.settings().loginLimit();
    List<LoggedInSession> toEnd = List.of();
    if (limit.limited() && (before == null || !before.caller().equals(login.caller()))) {
      // Throws LoginLimitException (REFUSE) before anything of the login is kept.
      toEnd =
          manager
              .store()
              .admitLogin(
                  login.caller(),
                  current.getId(),
                  limit.maxSessions(),
                  limit.policy() == LoginLimitPolicy.END_OLDEST);
      current.admitted(login.caller());
    }
    current.setLogin(described);
    for (LoggedInSession oldest : toEnd) {
      if (!oldest.id().equals(current.getId())) {
        manager.endLoggedIn(oldest.id(), login.caller());
      }
    }
  }

  /**
   * The short description of the client a login came from, kept with the login for a listing of the
   * caller's sessions: the User-Agent header and the remote address, cut to fit. Never logged.
   */
  static String clientDescription(HttpServletRequest request) {
    String agent = request.getHeader("User-Agent");
    String address = request.getRemoteAddr();
    StringBuilder text = new StringBuilder();
    if (agent != null && !agent.isBlank()) {
      // Control characters would garble a listing; a long agent string is cut (at 160).
      String clean = agent.strip().replaceAll("\\p{Cntrl}", " ");
      text.append(clean, 0, Math.min(clean.length(), 160));
    } else {
      text.append("unknown client");
    }
    if (address != null && !address.isBlank()) {
      text.append(" from ").append(address.strip());
    }
    return text.toString();
  }

  /** Logs the session out (its other attributes stay); nothing happens without a login. */
  void logOut() {
    DysessionHttpSession current = (DysessionHttpSession) getSession(false);
    if (current != null && current.login() != null) {
      current.setLogin(null);
    }
  }

  /** Returns the caller the session is logged in as, or null (looks the session up if needed). */
  /**
   * Whether {@code request.login} is handing the login it has just recorded to the container: the
   * mechanism must not run then (a FORM mechanism would answer with its login page, as TomEE's does
   * when {@code authenticate} marks the request an authentication request).
   */
  boolean handingOverLogin() {
    return handingOverLogin;
  }

  SessionLogin storedLogin() {
    DysessionHttpSession current = (DysessionHttpSession) getSession(false);
    return current == null ? null : current.login();
  }

  /** Logs the container out, then the session: on every instance at once. */
  @Override
  public void logout() throws ServletException {
    try {
      super.logout();
    } finally {
      logOut();
    }
  }

  /**
   * Logs in, so that every instance knows the caller: where the application authenticates with
   * Jakarta Security, by its identity stores (then the container learns the caller from dysession's
   * login interceptor, as on any later request); otherwise with the container, recording the caller
   * it found with the groups an identity store validated on this thread.
   *
   * @throws ServletException when the credentials prove no caller, or the request is authenticated
   *     already
   */
  @Override
  public void login(String username, String password) throws ServletException {
    PasswordLogins logins =
        getServletContext().getAttribute(AuthenticationScope.PASSWORD_LOGINS)
                instanceof PasswordLogins p
            ? p
            : null;
    if (logins == null) {
      super.login(username, password);
      java.security.Principal principal = getUserPrincipal();
      SessionLogin stored = principal == null ? null : storedLogin();
      if (principal != null && (stored == null || !stored.caller().equals(principal.getName()))) {
        try {
          logIn(
              new SessionLogin(
                  principal.getName(),
                  IdentityCapture.groupsOf(principal.getName()),
                  LOGIN_METHOD,
                  java.time.Instant.now()));
        } catch (LoginLimitException e) {
          super.logout();
          throw new ServletException("login: " + e.getMessage(), e);
        }
      }
      return;
    }
    if (getUserPrincipal() != null) {
      throw new ServletException("login: the request is authenticated already; log out first");
    }
    SessionLogin login =
        username == null || password == null
            ? null
            : logins.validate(username, password.toCharArray());
    if (login == null) {
      throw new ServletException("login: the user name and password were not accepted");
    }
    try {
      logIn(login);
    } catch (LoginLimitException e) {
      throw new ServletException("login: " + e.getMessage(), e);
    }
    handingOverLogin = true;
    try {
      // The container takes the caller from the session now, through dysession's interceptor.
      super.authenticate(response);
    } catch (java.io.IOException e) {
      throw new ServletException("login: the container could not take over the login", e);
    } finally {
      handingOverLogin = false;
    }
  }

  @Override
  public String getRequestedSessionId() {
    return requestedId;
  }

  @Override
  public boolean isRequestedSessionIdValid() {
    if (requestedId == null) {
      return false;
    }
    DysessionHttpSession current = (DysessionHttpSession) getSession(false);
    boolean valid;
    synchronized (this) {
      valid = requestedIdValid;
    }
    return valid && current != null && requestedId.equals(current.getId());
  }

  @Override
  public boolean isRequestedSessionIdFromCookie() {
    return requestedId != null;
  }

  @Override
  public boolean isRequestedSessionIdFromURL() {
    return false;
  }

  @Override
  public AsyncContext startAsync() {
    // The default would hand the container's own request and response to asynchronous code.
    return startAsync(this, response);
  }

  /** Returns the session this request uses now, or null. */
  synchronized DysessionHttpSession currentSession() {
    return session;
  }

  /** Returns the manager of this request's sessions. */
  SessionManager manager() {
    return manager;
  }

  /** Returns the response this request sets its session cookie on. */
  DysessionResponse response() {
    return response;
  }

  /** Returns whether the requested session was looked up already. */
  synchronized boolean lookedUp() {
    return lookedUp;
  }

  /**
   * Saves the session before the response is committed; also run at the end of the request. Clears
   * the client's cookie when the request invalidated its session and made no new one.
   */
  void saveSession() {
    DysessionHttpSession current;
    synchronized (this) {
      current = session;
    }
    if (current != null && !current.isInvalid()) {
      manager.save(current);
      return;
    }
    boolean clear;
    synchronized (this) {
      boolean invalidated = invalidatedOne || current != null;
      clear =
          invalidated
              && (requestedId != null || issuedCookie)
              && !cookieCleared
              && !response.isCommitted();
      cookieCleared |= clear;
    }
    if (clear) {
      response.setSessionCookie(manager.cookies().clearCookie(this));
    }
  }

  @Override
  public String toString() {
    return "DysessionRequest[" + SessionIds.fingerprint(requestedId) + "]";
  }

  /** Returns the dysession request inside a chain of wrappers, or null. */
  static DysessionRequest unwrap(ServletRequest request) {
    for (ServletRequest r = request; r != null; ) {
      if (r instanceof DysessionRequest d) {
        return d;
      }
      r = r instanceof jakarta.servlet.ServletRequestWrapper w ? w.getRequest() : null;
    }
    return null;
  }
}
