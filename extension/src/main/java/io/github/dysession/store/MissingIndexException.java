package io.github.dysession.store;

/**
 * Thrown by a feature that needs the table's index of logged-in callers when the table lacks it:
 * the message names the index and the command that adds it.
 */
public class MissingIndexException extends SessionStoreException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that says what to run. */
  public MissingIndexException(String message, Throwable cause) {
    super(message, cause);
  }
}
