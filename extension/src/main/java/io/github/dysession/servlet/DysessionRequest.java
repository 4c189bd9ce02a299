package io.github.dysession.servlet;

import io.github.dysession.store.SessionIds;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpSession;

/**
 * The request the application sees: its sessions come from dysession, never from the container.
 * The session is loaded when the application first asks for it, so a request that never touches
 * its session makes no DynamoDB call.
 */
final class DysessionRequest extends HttpServletRequestWrapper {

  private final SessionManager manager;
  private final DysessionResponse response;
  private final String requestedId;
  private DysessionHttpSession session;
  private boolean lookedUp;
  private boolean requestedIdValid;
  private boolean invalidatedOne;
  private boolean cookieCleared;

  DysessionRequest(HttpServletRequest request, SessionManager manager, DysessionResponse response) {
    super(request);
    this.manager = manager;
    this.response = response;
    this.requestedId = manager.cookies().requestedId(request);
  }

  @Override
  public HttpSession getSession() {
    return getSession(true);
  }

  @Override
  public HttpSession getSession(boolean create) {
    DysessionHttpSession created;
    synchronized (this) {
      if (session != null) {
        if (!session.isInvalid()) {
          return session;
        }
        invalidatedOne = true;
        session = null;
      }
      if (!lookedUp) {
        lookedUp = true;
        if (requestedId != null) {
          // A failure here propagates: a session that cannot be read is never replaced by a new one.
          session = manager.load(requestedId);
          if (session != null) {
            requestedIdValid = true;
            return session;
          }
        }
      }
      if (!create) {
        return null;
      }
      if (response.isCommitted()) {
        throw new IllegalStateException(
            "Cannot create a session after the response has been committed");
      }
      created = manager.create();
      session = created;
      response.addHeader("Set-Cookie", manager.cookies().setCookie(this, created.getId()));
    }
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
    response.addHeader("Set-Cookie", manager.cookies().setCookie(this, current.getId()));
    return current.getId();
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
    synchronized (this) {
      return requestedIdValid && current != null && requestedId.equals(current.getId());
    }
  }

  @Override
  public boolean isRequestedSessionIdFromCookie() {
    return requestedId != null;
  }

  @Override
  public boolean isRequestedSessionIdFromURL() {
    return false;
  }

  /**
   * Saves the session before the response is committed; also run at the end of the request.
   * Clears the client's cookie when the request invalidated its session and made no new one.
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
    synchronized (this) {
      boolean invalidated = invalidatedOne || (current != null && current.isInvalid());
      if (invalidated && requestedId != null && !cookieCleared && !response.isCommitted()) {
        cookieCleared = true;
        response.addHeader("Set-Cookie", manager.cookies().clearCookie(this));
      }
    }
  }

  @Override
  public String toString() {
    return "DysessionRequest[" + SessionIds.fingerprint(requestedId) + "]";
  }
}
