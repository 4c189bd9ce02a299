package io.github.dysession.it.login;

import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.authentication.mechanism.http.FormAuthenticationMechanismDefinition;
import jakarta.security.enterprise.authentication.mechanism.http.LoginToContinue;

/**
 * The login test application's security: the server's built-in FORM mechanism with
 * {@code @LoginToContinue} (the protected request is kept while the login page is shown, then
 * continued), and the roles the application declares.
 */
@ApplicationScoped
@DeclareRoles({"user", "admin"})
@FormAuthenticationMechanismDefinition(
    loginToContinue =
        @LoginToContinue(
            loginPage = "/login.html",
            errorPage = "/login-error.html",
            useForwardToLogin = false))
public class LoginSetup {}
