package io.github.dysession.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

/**
 * Connects the session filter to a CDI implementation: switches the {@code @SessionScoped} context
 * to dysession's session around each request and fires the session's CDI events.
 */
public interface SessionScopeBridge {

  /** A bridge that does nothing, for applications without CDI. */
  SessionScopeBridge NONE = new SessionScopeBridge() {};

  /** Called on the request's thread before the filter chain, with dysession's request. */
  default void requestStarted(HttpServletRequest request) {}

  /**
   * Called on the request's thread when the filter chain has returned (or failed), before the
   * request's last save: what the CDI implementation keeps in the session at the end of a request
   * (a conversation begun or ended) is written by that save.
   */
  default void requestCompleting(HttpServletRequest request) {}

  /** Called on the request's thread after the filter chain (or when an async request ends). */
  default void requestEnded(HttpServletRequest request) {}

  /** Called when a request has read an existing session from the store. */
  default void sessionLoaded(HttpSession session) {}

  /** Called when a new session has been created. */
  default void sessionCreated(HttpSession session) {}

  /** Called while a session is being invalidated, before its attributes are removed. */
  default void sessionDestroyed(HttpSession session) {}

  /**
   * Called while a session that is not the request's own is being ended (a user's session ended by
   * {@code UserSessions}), before its attributes are removed: its CDI events and beans, but nothing
   * of the current request's state.
   */
  default void sessionEndedElsewhere(HttpSession session) {
    sessionDestroyed(session);
  }

  /** Called once a session is invalid, so that no cached reference to it is handed out again. */
  default void sessionInvalidated(HttpSession session) {}
}
