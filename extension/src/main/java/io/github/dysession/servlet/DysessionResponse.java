package io.github.dysession.servlet;

import io.github.dysession.store.SessionStoreException;
import io.github.dysession.store.SessionTooLargeException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.logging.Logger;

/**
 * dysession's response: saves the session just before the response is committed (see {@link
 * OnCommitResponseWrapper}), so a client that follows a redirect to another instance already finds
 * the changes, and keeps the session cookie through {@code reset()} and error dispatches.
 *
 * <p>When that save fails, the response answers the failure at once (503, or 500 for a session too
 * large to store) and discards whatever the application writes afterwards: a framework that is
 * halfway through writing its body (JAX-RS sets the content length, so the save runs inside its
 * write) never sees the failure, so it can neither answer 500 nor commit an empty 200.
 */
final class DysessionResponse extends OnCommitResponseWrapper {

  private static final Logger LOG = Logger.getLogger(DysessionResponse.class.getName());
  private static final String RETRY_AFTER_SECONDS = "5";

  private Runnable beforeCommit = () -> {};
  // Runs first at commit while an authentication mechanism answers (a login that redirects must be
  // recorded, and the id changed, before the redirect leaves).
  private volatile Runnable authenticationHook;
  private String sessionCookie;
  private volatile SessionStoreException saveFailure;
  private volatile boolean discarding;

  DysessionResponse(HttpServletResponse response) {
    super(response);
  }

  void beforeCommit(Runnable callback) {
    this.beforeCommit = callback;
  }

  /** Sets (or, with null, clears) what runs first when the response is committed. */
  void whileAuthenticating(Runnable hook) {
    authenticationHook = hook;
  }

  /** Returns the failure of the save before commit, which this response has answered; or null. */
  SessionStoreException saveFailure() {
    return saveFailure;
  }

  /**
   * Sets the session cookie header, in place of one this response set before (a session created and
   * then given a new id, or invalidated and created again, in one request): a response carries one
   * dysession cookie, as RFC 6265 asks. It survives {@link #reset()}.
   */
  void setSessionCookie(String header) {
    String previous = sessionCookie;
    sessionCookie = header;
    Collection<String> present =
        previous == null || isCommitted() ? null : getHeaders("Set-Cookie");
    if (present == null || !present.contains(previous)) {
      addHeader("Set-Cookie", header);
      return;
    }
    // No way to remove one header value: set them all again, without the previous cookie.
    List<String> kept = new ArrayList<>(present);
    kept.removeIf(previous::equals);
    kept.add(header);
    setHeader("Set-Cookie", kept.get(0));
    for (String value : kept.subList(1, kept.size())) {
      addHeader("Set-Cookie", value);
    }
  }

  /** Returns the session cookie header this response set, or null. */
  String sessionCookie() {
    return sessionCookie;
  }

  /**
   * Sets again the session cookie header an earlier dispatch of the same request set, unless the
   * response still has it: Undertow (WildFly) clears the headers before it dispatches to an error
   * page, so the client would never learn the id of the session the failed request created.
   */
  void restoreSessionCookie(String header) {
    Collection<String> present = getHeaders("Set-Cookie");
    if (present != null && present.contains(header)) {
      sessionCookie = header;
    } else {
      setSessionCookie(header);
    }
  }

  @Override
  void onBeforeCommit() {
    // Changes after this save are written when the request ends.
    try {
      Runnable hook = authenticationHook;
      if (hook != null) {
        hook.run();
      }
      beforeCommit.run();
    } catch (SessionStoreException e) {
      saveFailure = e;
      answer(e);
      discarding = true;
    }
  }

  @Override
  boolean isDiscarding() {
    return discarding;
  }

  @Override
  void afterReset() {
    if (sessionCookie != null) {
      // The client must learn a new or changed id even when the response is rebuilt.
      addHeader("Set-Cookie", sessionCookie);
    }
  }

  /**
   * Answers a store failure instead of the application's response, if nothing is committed yet: 500
   * for a session too large to store, otherwise 503 with Retry-After. The session is not saved
   * again for this answer.
   */
  void answer(SessionStoreException failure) {
    commitHandled();
    if (isCommitted()) {
      return;
    }
    // reset() keeps a session cookie this request issued (after changeSessionId, say).
    reset();
    setContentType("text/plain;charset=UTF-8");
    String body;
    if (failure instanceof SessionTooLargeException) {
      LOG.severe(failure.getMessage());
      setStatus(SC_INTERNAL_SERVER_ERROR);
      body = "The session is too large to be stored.\n";
    } else {
      // DynamoDbErrors logs each outage once; a line per request would flood the log.
      LOG.fine(failure::getMessage);
      setStatus(SC_SERVICE_UNAVAILABLE);
      setHeader("Retry-After", RETRY_AFTER_SECONDS);
      body = "Session storage is temporarily unavailable; try again shortly.\n";
    }
    try {
      // The container's own stream: this wrapper's would count the bytes as the application's.
      getResponse().getOutputStream().write(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (IllegalStateException e) {
      // The application took the writer: write through the container's writer.
      try {
        getResponse().getWriter().write(body);
      } catch (IOException | IllegalStateException again) {
        LOG.fine(() -> "Could not write the body of a " + getStatus() + " answer: " + again);
      }
    } catch (IOException e) {
      LOG.fine(() -> "Could not write the body of a " + getStatus() + " answer: " + e);
    }
    try {
      getResponse().flushBuffer();
    } catch (IOException e) {
      LOG.fine(() -> "The client went away before a " + getStatus() + " answer: " + e);
    }
  }
}
