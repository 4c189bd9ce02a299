package io.github.dysession.servlet;

import io.github.dysession.store.SessionLogin;

/**
 * Checks a user name and password the way the application's own authentication does (its Jakarta
 * Security identity stores), for {@code HttpServletRequest.login}: with it, dysession logs the
 * session in on every instance, where servers with a Jakarta Security mechanism refuse or keep to
 * themselves a container login.
 */
@FunctionalInterface
public interface PasswordLogins {

  /**
   * Returns the login of the caller these credentials prove, or null when they prove none.
   *
   * @param user the user name
   * @param password the password; not kept
   */
  SessionLogin validate(String user, char[] password);
}
