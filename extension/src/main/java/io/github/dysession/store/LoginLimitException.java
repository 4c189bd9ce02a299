package io.github.dysession.store;

/**
 * Thrown when a login is refused because its caller has as many live sessions as {@code
 * dysession.login.max-sessions-per-user} allows (policy {@code REFUSE}). The message names no
 * caller.
 */
public class LoginLimitException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception for a caller with {@code live} sessions where {@code max} are allowed.
   */
  public LoginLimitException(int live, int max) {
    super(
        "the caller has "
            + live
            + " live "
            + (live == 1 ? "session" : "sessions")
            + " already, the most dysession.login.max-sessions-per-user allows ("
            + max
            + "); the login is refused");
  }
}
