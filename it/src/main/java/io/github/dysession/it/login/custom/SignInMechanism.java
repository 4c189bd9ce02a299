package io.github.dysession.it.login.custom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.AutoApplySession;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStoreHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The application's own authentication mechanism: a POST to {@code /signin} with {@code user} and
 * {@code password} logs in, and {@code @AutoApplySession} keeps the caller for the requests after
 * it, as the specification means it (in the container's session, without dysession).
 */
@ApplicationScoped
@AutoApplySession
public class SignInMechanism implements HttpAuthenticationMechanism {

  @Inject private IdentityStoreHandler identityStores;

  @Override
  public AuthenticationStatus validateRequest(
      HttpServletRequest request, HttpServletResponse response, HttpMessageContext context) {
    if ("POST".equals(request.getMethod())
        && request.getRequestURI().endsWith("/signin")
        && request.getParameter("user") != null) {
      CredentialValidationResult result =
          identityStores.validate(
              new UsernamePasswordCredential(
                  request.getParameter("user"), request.getParameter("password")));
      return result.getStatus() == CredentialValidationResult.Status.VALID
          ? context.notifyContainerAboutLogin(result)
          : context.responseUnauthorized();
    }
    return context.isProtected() ? context.responseUnauthorized() : context.doNothing();
  }
}
