package io.github.dysession.store;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * A live session that is logged in, as a listing of one caller's sessions finds it.
 *
 * @param id the session id (a secret: never shown to anyone but the store's own callers)
 * @param creationTime when the session was created
 * @param lastAccessedTime when a request used it last
 * @param expiryTime when it expires unless used again, or null when it never expires
 * @param login the caller it is logged in as, with the client description recorded at login
 */
public record LoggedInSession(
    String id,
    Instant creationTime,
    Instant lastAccessedTime,
    Instant expiryTime,
    SessionLogin login) {

  /** Sessions ordered by login time, oldest first (then by id, for a stable order). */
  public static final Comparator<LoggedInSession> OLDEST_LOGIN_FIRST =
      Comparator.comparing((LoggedInSession s) -> s.login().authenticatedAt())
          .thenComparing(LoggedInSession::id);

  /** Checks that the values are present (the expiry may be null). */
  public LoggedInSession {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(creationTime, "creationTime");
    Objects.requireNonNull(lastAccessedTime, "lastAccessedTime");
    Objects.requireNonNull(login, "login");
  }

  /** Returns the listing entry of a logged-in session. */
  public static LoggedInSession of(SessionData session) {
    return new LoggedInSession(
        session.id(),
        session.creationTime(),
        session.lastAccessedTime(),
        session.expiryTime(),
        Objects.requireNonNull(session.login(), "login"));
  }

  /** Returns a summary that names the session by its fingerprint only. */
  @Override
  public String toString() {
    return "LoggedInSession[" + SessionIds.fingerprint(id) + ", " + login + "]";
  }
}
