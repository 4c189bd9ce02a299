package io.github.dysession.store;

/** Thrown when a session is created under an id that a live session already has. */
public final class DuplicateSessionIdException extends SessionStoreException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception for the session id with the given fingerprint. */
  public DuplicateSessionIdException(String id) {
    super(
        "A session with id "
            + SessionIds.fingerprint(id)
            + " exists already; generate a new id and try again");
  }
}
