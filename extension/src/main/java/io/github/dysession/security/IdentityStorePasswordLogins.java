package io.github.dysession.security;

import io.github.dysession.servlet.PasswordLogins;
import io.github.dysession.store.SessionLogin;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.security.enterprise.credential.Password;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStoreHandler;
import java.time.Instant;

/** Checks passwords with the application's Jakarta Security identity stores. */
final class IdentityStorePasswordLogins implements PasswordLogins {

  /** The one instance; it holds nothing. */
  static final IdentityStorePasswordLogins INSTANCE = new IdentityStorePasswordLogins();

  /** The mechanism recorded for a login by {@code HttpServletRequest.login}. */
  private static final String MECHANISM = io.github.dysession.servlet.LoginMechanisms.REQUEST_LOGIN;

  private IdentityStorePasswordLogins() {}

  @Override
  public SessionLogin validate(String user, char[] password) {
    CredentialValidationResult result =
        CDI.current()
            .select(IdentityStoreHandler.class)
            .get()
            .validate(new UsernamePasswordCredential(user, new Password(password)));
    if (result.getStatus() != CredentialValidationResult.Status.VALID
        || result.getCallerPrincipal() == null) {
      return null;
    }
    return new SessionLogin(
        result.getCallerPrincipal().getName(), result.getCallerGroups(), MECHANISM, Instant.now());
  }
}
