package io.github.dysession.it.login.customform;

import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.authentication.mechanism.http.CustomFormAuthenticationMechanismDefinition;
import jakarta.security.enterprise.authentication.mechanism.http.LoginToContinue;

/**
 * The login test application with the server's built-in custom-FORM mechanism: the application's
 * own login page posts to itself and calls {@code SecurityContext.authenticate}.
 */
@ApplicationScoped
@DeclareRoles({"user", "admin"})
@CustomFormAuthenticationMechanismDefinition(
    loginToContinue =
        @LoginToContinue(loginPage = "/signin-page", errorPage = "", useForwardToLogin = false))
public class CustomFormSetup {}
