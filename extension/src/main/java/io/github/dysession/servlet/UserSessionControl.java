package io.github.dysession.servlet;

import io.github.dysession.store.LoggedInSession;
import io.github.dysession.store.SessionIds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * Lists and ends the sessions of one user for {@code io.github.dysession.cdi.UserSessions}, with
 * the session manager of the application: the one of the request on this thread, else the one of
 * the application this copy of dysession serves.
 */
public final class UserSessionControl {

  private static final Logger LOG = Logger.getLogger(UserSessionControl.class.getName());

  private UserSessionControl() {}

  /**
   * Returns the sessions of {@code user}, newest login first.
   *
   * @throws IllegalStateException when dysession serves no application here (yet)
   * @throws io.github.dysession.store.MissingIndexException when the table lacks the index
   */
  public static List<UserSession> list(String user) {
    SessionManager manager = manager();
    String currentId = currentId();
    List<UserSession> listed = new ArrayList<>();
    for (LoggedInSession s : manager.store().loggedIn(requireUser(user))) {
      listed.add(
          new UserSession(
              handle(s.id()),
              s.creationTime(),
              s.lastAccessedTime(),
              s.expiryTime(),
              s.login().authenticatedAt(),
              s.login().mechanism(),
              s.login().client(),
              s.id().equals(currentId)));
    }
    listed.sort(Comparator.comparing(UserSession::loggedInAt).reversed());
    return List.copyOf(listed);
  }

  /** Ends the session of {@code user} named by {@code handle}; returns whether one was ended. */
  public static boolean end(String user, String handle) {
    Objects.requireNonNull(handle, "handle");
    SessionManager manager = manager();
    for (LoggedInSession s : manager.store().loggedIn(requireUser(user))) {
      if (handle(s.id()).equals(handle)) {
        return end(manager, s, user);
      }
    }
    return false;
  }

  /** Ends every session of {@code user}, the asking request's too; returns how many it ended. */
  public static int endAll(String user) {
    return endAll(requireUser(user), false);
  }

  /**
   * Ends every session of the user the asking request's session is logged in as, except that
   * session; returns how many it ended.
   *
   * @throws IllegalStateException outside a request, or when its session is not logged in
   */
  public static int endAllButCurrent() {
    DysessionRequest request = DysessionFilter.current();
    var login = request == null ? null : request.storedLogin();
    if (login == null) {
      throw new IllegalStateException(
          "endAllButCurrent: the current request has no logged-in dysession session");
    }
    return endAll(login.caller(), true);
  }

  private static int endAll(String user, boolean keepCurrent) {
    SessionManager manager = manager();
    String currentId = currentId();
    int ended = 0;
    for (LoggedInSession s : manager.store().loggedIn(user)) {
      if (keepCurrent && s.id().equals(currentId)) {
        continue;
      }
      if (end(manager, s, user)) {
        ended++;
      }
    }
    final int count = ended;
    LOG.fine(() -> "Ended " + count + " sessions of a user");
    return ended;
  }

  private static boolean end(SessionManager manager, LoggedInSession session, String user) {
    DysessionHttpSession own = ownSession();
    if (own != null && !own.isInvalid() && own.getId().equals(session.id())) {
      // The asking request's own session: invalidated as the application would, cookie and all.
      own.invalidate();
      return true;
    }
    return manager.endLoggedIn(session.id(), user);
  }

  private static String handle(String id) {
    return SessionIds.handle(id);
  }

  private static String requireUser(String user) {
    if (user == null || user.isEmpty()) {
      throw new IllegalArgumentException("user: give the caller name a login recorded");
    }
    return user;
  }

  private static String currentId() {
    DysessionHttpSession own = ownSession();
    return own == null ? null : own.getId();
  }

  /** The asking request's session, looked up if the request has not asked for it yet. */
  private static DysessionHttpSession ownSession() {
    DysessionRequest request = DysessionFilter.current();
    return request == null ? null : (DysessionHttpSession) request.getSession(false);
  }

  private static SessionManager manager() {
    DysessionRequest request = DysessionFilter.current();
    if (request != null) {
      return request.manager();
    }
    SessionManager registered = DysessionInitializer.applicationManager();
    if (registered == null) {
      throw new IllegalStateException(
          "dysession serves no application here: call UserSessions inside a request of an"
              + " application that dysession serves (enabled, with its filter initialised)");
    }
    return registered;
  }
}
