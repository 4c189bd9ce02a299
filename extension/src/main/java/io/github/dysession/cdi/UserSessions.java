package io.github.dysession.cdi;

import io.github.dysession.servlet.UserSession;
import io.github.dysession.servlet.UserSessionControl;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * A user's sessions across every instance: list them (a "your devices" page), end one, end all
 * (after a password change, a locked account, a lost device), or end all but the asking one. Inject
 * it where the application needs it:
 *
 * <pre>{@code
 * @Inject UserSessions sessions;
 *
 * for (UserSession s : sessions.list(request.getRemoteUser())) { ... s.handle(), s.client() ... }
 * sessions.endAllButCurrent();
 * }</pre>
 *
 * <p>A user is the caller name a login recorded (the principal's name), counted per {@code
 * dysession.key-prefix}: applications sharing a table never see each other's users. Sessions are
 * found through the table's index {@code dysession-user} (the CLI's {@code init} creates it); a
 * table without it makes every method here throw {@link
 * io.github.dysession.store.MissingIndexException}, whose message says to run {@code init}.
 *
 * <p>Ending a session means what {@code invalidate()} means: its item is deleted at once, so that
 * no instance serves it afterwards, and this instance runs its {@code HttpSessionListener}s, the
 * CDI {@code @Destroyed(SessionScoped.class)} events, the {@code @PreDestroy} methods of its
 * session-scoped beans and its values' {@code valueUnbound}, each exactly once across the fleet. A
 * request that uses the session on another instance at that moment finishes, but what it changes is
 * not written, and the next request with that cookie has no session. The asking request's own
 * session is invalidated as the application would do it. Its long-running conversations are dropped
 * without {@code @PreDestroy}.
 *
 * <p>Listing costs one DynamoDB Query on the index (eventually consistent on DynamoDB: a login or
 * an ending of the last second may be missing or still shown); ending N sessions one Query and N
 * conditional DeleteItems. Store failures surface as {@link
 * io.github.dysession.store.SessionStoreException}. Call it inside a request of the application;
 * outside one (a timer) it works when dysession's jar serves one application.
 */
@ApplicationScoped
public class UserSessions {

  /**
   * Returns the live sessions of {@code user}, newest login first, without their ids.
   *
   * @throws IllegalArgumentException when {@code user} is null or empty
   */
  public List<UserSession> list(String user) {
    return UserSessionControl.list(user);
  }

  /**
   * Ends the session of {@code user} that {@code handle} (from {@link #list}) names; returns false
   * when there is no such live session (ended or expired meanwhile, or another user's).
   */
  public boolean end(String user, String handle) {
    return UserSessionControl.end(user, handle);
  }

  /** Ends every session of {@code user}, the asking request's own too; returns how many. */
  public int endAll(String user) {
    return UserSessionControl.endAll(user);
  }

  /**
   * Ends every other session of the user the asking request is logged in as; returns how many.
   *
   * @throws IllegalStateException outside a request, or when its session is not logged in
   */
  public int endAllButCurrent() {
    return UserSessionControl.endAllButCurrent();
  }
}
