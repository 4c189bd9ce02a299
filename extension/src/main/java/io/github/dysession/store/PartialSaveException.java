package io.github.dysession.store;

import java.util.Objects;

/**
 * Thrown when a save that the store had to split into several writes failed after some of them
 * landed: {@link #stored()} is the session as the landed writes left it, so that the caller records
 * those as written and a later save writes only the rest.
 */
public class PartialSaveException extends SessionStoreException {

  private static final long serialVersionUID = 1L;

  private final transient SessionData stored;

  /**
   * Creates the exception; the message says which attributes were written and which were not (names
   * only).
   */
  public PartialSaveException(String message, SessionData stored, Throwable cause) {
    super(message, cause);
    this.stored = Objects.requireNonNull(stored, "stored");
  }

  /** Returns the session as the writes that landed stored it. */
  public SessionData stored() {
    return stored;
  }
}
