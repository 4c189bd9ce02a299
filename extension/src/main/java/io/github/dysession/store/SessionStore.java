package io.github.dysession.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Stores sessions outside the application server: the replacement of the container's session
 * manager.
 *
 * <p>Implementations are thread-safe. They never return an expired session, never write a session
 * that was deleted (no resurrection), and never overwrite one session with another. Failures of the
 * backing service surface as {@link SessionStoreException}.
 */
public interface SessionStore {

  /**
   * How long a login that {@link #admitLogin} admitted counts against the limit before its session
   * shows it: the time its request has to write the session.
   */
  Duration ADMISSION_GRACE = Duration.ofSeconds(30);

  /**
   * Returns the session with the given id, or an empty optional when there is none or it has
   * expired.
   */
  Optional<SessionData> load(String id);

  /**
   * Stores a new session.
   *
   * @throws DuplicateSessionIdException when a live session with that id exists already
   * @throws SessionTooLargeException when the session exceeds the store's size limit
   */
  void create(SessionData session);

  /**
   * Writes the changes of one request, only the attributes named in them, conditional on the
   * session still existing.
   *
   * @return whether the changes were written, skipped (nothing to write inside the touch interval),
   *     or lost because the session no longer exists, with the session as the save stored it
   * @throws SessionTooLargeException when the session would exceed the size limit; nothing is
   *     written then
   */
  SaveOutcome save(SessionChanges changes);

  /**
   * Checks that the session fits the store's size limit, without calling the backing service.
   * Called by {@code setAttribute} before a value is accepted; within one request, a value that is
   * not new and no longer than the one it replaces is not checked again after a check passed (a
   * value that does not grow cannot push the session over the limit). {@link #create} and {@link
   * #save} check the whole session again.
   *
   * @throws SessionTooLargeException when it does not
   */
  default void checkSize(SessionData session) {}

  /** Deletes the session; deleting a session that does not exist is not an error. */
  void delete(String id);

  /**
   * Moves the session to a new id: the session under {@code newId} holds everything the old one
   * held, and the old id no longer loads.
   *
   * @return the session under its new id, or an empty optional when the old one no longer exists
   * @throws DuplicateSessionIdException when a live session with {@code newId} exists already
   */
  Optional<SessionData> changeId(String oldId, String newId);

  /**
   * Returns the live sessions logged in as {@code caller}, in no particular order. An expired
   * session is never listed; on DynamoDB a login or an ending of the last moment may be missing or
   * still listed (its index is read eventually consistently).
   *
   * @throws UnsupportedOperationException when the store keeps no index of logins
   * @throws MissingIndexException when the store's table lacks the index
   */
  default List<LoggedInSession> loggedIn(String caller) {
    throw new UnsupportedOperationException(
        getClass().getName() + " keeps no index of the sessions of a caller");
  }

  /**
   * Deletes the session {@code id} when it is logged in as {@code caller}: at once, so that no
   * instance serves it afterwards, and only once, so that exactly one caller of this method gets
   * the session back.
   *
   * @return the session as it was just before, for the callbacks of its end; empty when no live
   *     session with that id is logged in as {@code caller}
   * @throws UnsupportedOperationException when the store keeps no index of logins
   */
  default Optional<SessionData> endLoggedIn(String id, String caller) {
    throw new UnsupportedOperationException(
        getClass().getName() + " keeps no index of the sessions of a caller");
  }

  /**
   * Admits a login of {@code caller} into the session {@code id} under a limit of {@code
   * maxSessions} live sessions per caller, counting the logins admitted a moment ago whose session
   * is not written yet. Concurrent admissions of one caller on several instances are serialised, so
   * the limit holds exactly. The caller of this method then writes the login and ends the sessions
   * returned.
   *
   * @param endOldest whether to make room by ending the oldest logins; otherwise the login is
   *     refused when the limit is reached
   * @return the sessions to end (oldest login first) so that the new one fits; empty when it fits
   * @throws LoginLimitException when the limit is reached and {@code endOldest} is false
   * @throws UnsupportedOperationException when the store keeps no index of logins
   */
  default List<LoggedInSession> admitLogin(
      String caller, String id, int maxSessions, boolean endOldest) {
    throw new UnsupportedOperationException(
        getClass().getName() + " keeps no index of the sessions of a caller");
  }

  /**
   * Tells the store that the login {@link #admitLogin} admitted into the session {@code id} is
   * written (or that session is gone): from now on the admission counts only while that session is
   * live and logged in as {@code caller}, no longer as a login still to be written. Without this
   * call an admission counts for {@link #ADMISSION_GRACE}, so a session logged out, moved to a new
   * id or ended within that time would still hold a place. Does nothing in a store without limits.
   */
  default void loginWritten(String caller, String id) {}

  /**
   * Lists sessions that expired from {@code from} up to {@code until}, for the expiry sweep, which
   * then claims each with {@link #claimExpired}. A store may list in coarse steps: {@link
   * ExpiredSessions#listedUntil} tells how far the listing got (at most {@code until}; less when
   * {@code max} sessions were found, or when the store lists whole steps only and the last step has
   * not ended yet).
   *
   * @param max the most ids to return
   * @throws UnsupportedOperationException when the store keeps no index of expiry times
   * @throws MissingIndexException when the store's table lacks that index
   */
  default ExpiredSessions expired(Instant from, Instant until, int max) {
    throw new UnsupportedOperationException(
        getClass().getName() + " keeps no index of expiry times");
  }

  /**
   * Deletes the session {@code id} if it has expired, and only then: a session touched since it was
   * listed stays. Exactly one of several concurrent callers (on any instance) gets the session
   * back, so that the callbacks of its end run once.
   *
   * @return the session as it was stored, for the callbacks of its end; empty when there is none or
   *     it has not expired
   * @throws UnsupportedOperationException when the store keeps no index of expiry times
   */
  default Optional<SessionData> claimExpired(String id) {
    throw new UnsupportedOperationException(
        getClass().getName() + " keeps no index of expiry times");
  }

  /** What {@link #save} did. */
  enum SaveResult {
    /** The changes were written. */
    WRITTEN,
    /** Nothing changed and the touch interval had not passed: no call was made. */
    SKIPPED,
    /** The session had been deleted or had expired: nothing was written. */
    GONE
  }
}
