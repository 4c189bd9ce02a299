package io.github.dysession.store;

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
