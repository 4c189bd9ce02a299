package io.github.dysession.it.demo;

import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.authentication.mechanism.http.FormAuthenticationMechanismDefinition;
import jakarta.security.enterprise.authentication.mechanism.http.LoginToContinue;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.util.Set;

/**
 * The demo's login: Jakarta Security's FORM mechanism with {@code @LoginToContinue}, and one demo
 * user, {@value #USER} with the password {@value #PASSWORD} (group and role {@code user}).
 */
@ApplicationScoped
@DeclareRoles("user")
@FormAuthenticationMechanismDefinition(
    loginToContinue =
        @LoginToContinue(
            loginPage = "/login.html",
            errorPage = "/login.html?error",
            useForwardToLogin = false))
public class DemoSecurity implements IdentityStore {

  /** The demo user's name. */
  public static final String USER = "demo";

  /** The demo user's password: a demo, not a secret. */
  public static final String PASSWORD = "dysession";

  @Override
  public CredentialValidationResult validate(Credential credential) {
    if (credential instanceof UsernamePasswordCredential login && login.compareTo(USER, PASSWORD)) {
      return new CredentialValidationResult(USER, Set.of("user"));
    }
    return CredentialValidationResult.INVALID_RESULT;
  }
}
