package io.github.dysession.store;

/** Thrown when the store's backing service fails, is unreachable or throttles beyond retries. */
public class SessionStoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that says what failed and what to do. */
  public SessionStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates the exception with a message that says what failed and what to do. */
  public SessionStoreException(String message) {
    super(message);
  }
}
