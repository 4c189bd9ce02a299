package io.github.dysession.security;

import io.github.dysession.cdi.DysessionExtension;
import io.github.dysession.servlet.AuthenticationScope;
import io.github.dysession.servlet.IdentityCapture;
import io.github.dysession.servlet.LoginMechanisms;
import io.github.dysession.store.LoginLimitException;
import io.github.dysession.store.SessionLogin;
import io.github.dysession.store.SessionStoreException;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.security.enterprise.AuthenticationException;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.CallerPrincipal;
import jakarta.security.enterprise.authentication.mechanism.http.AutoApplySession;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.security.enterprise.authentication.mechanism.http.LoginToContinue;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import jakarta.security.enterprise.identitystore.IdentityStoreHandler;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.Serializable;
import java.lang.reflect.Method;
import java.security.Principal;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Shares logins between instances: around every Jakarta Security authentication mechanism of the
 * application, restores the caller stored in the request's dysession session before the mechanism
 * runs, records the caller a mechanism logged in for the requests that follow (with
 * {@code @AutoApplySession}, Jakarta Authentication's {@code registerSession}, a credential
 * postback, {@code SecurityContext.authenticate}, or a login that continues to another page), and
 * removes it at logout. A mechanism that authenticates every request by itself keeps doing so. The
 * mechanism and the server's own login interceptors (which run inside this one) get a request whose
 * session is dysession's, so the request saved for after a login lives in DynamoDB, not in the
 * server.
 *
 * <p>Around identity stores it notes the caller and groups they validate: some servers tell a
 * mechanism's caller without its groups.
 */
@SharedLogin
@Interceptor
// Outside the servers' own login interceptors (AutoApplySession, RememberMe, LoginToContinue:
// PLATFORM_BEFORE + 200 to 220), so they see dysession's request and a restored caller.
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 190)
public class SharedLoginInterceptor implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = Logger.getLogger(SharedLoginInterceptor.class.getName());
  // The MessageInfo key by which a mechanism asks the container to keep the caller in its own
  // session (Jakarta Authentication); dysession keeps it instead. Open Liberty still reads the
  // javax name.
  private static final Set<String> REGISTER_SESSION =
      Set.of("jakarta.servlet.http.registerSession", "javax.servlet.http.registerSession");
  private static final String MANDATORY = "jakarta.security.auth.message.MessagePolicy.isMandatory";

  private transient volatile DysessionExtension extension;

  /** Dispatches by the intercepted method. */
  @AroundInvoke
  public Object intercept(InvocationContext invocation) throws Exception {
    Object target = invocation.getTarget();
    Method method = invocation.getMethod();
    Object[] parameters = invocation.getParameters();
    if (target instanceof HttpAuthenticationMechanism
        && parameters.length == 3
        && parameters[0] instanceof HttpServletRequest request
        && parameters[1] instanceof HttpServletResponse response
        && parameters[2] instanceof HttpMessageContext context) {
      if (method.getName().equals("validateRequest")) {
        return validateRequest(invocation, request, response, context);
      }
      if (method.getName().equals("cleanSubject")) {
        cleanSubject(request, response);
      }
      return invocation.proceed();
    }
    if ((target instanceof IdentityStoreHandler || target instanceof IdentityStore)
        && method.getName().equals("validate")
        && parameters.length == 1
        && parameters[0] instanceof Credential) {
      Object result = invocation.proceed();
      if (result instanceof CredentialValidationResult validation
          && validation.getStatus() == CredentialValidationResult.Status.VALID
          && validation.getCallerPrincipal() != null) {
        boolean validates =
            target instanceof IdentityStore store
                && store.validationTypes().contains(IdentityStore.ValidationType.VALIDATE);
        if (validates
            && AuthenticationScope.wouldRefuse(validation.getCallerPrincipal().getName())) {
          // dysession.login.max-sessions-per-user: the mechanism answers as for a wrong password.
          return CredentialValidationResult.INVALID_RESULT;
        }
        if (target instanceof IdentityStoreHandler
            || ((IdentityStore) target)
                .validationTypes()
                .contains(IdentityStore.ValidationType.PROVIDE_GROUPS)) {
          IdentityCapture.validated(
              validation.getCallerPrincipal().getName(), validation.getCallerGroups());
        }
      }
      return result;
    }
    if (target instanceof IdentityStore store
        && method.getName().equals("getCallerGroups")
        && parameters.length == 1
        && parameters[0] instanceof CredentialValidationResult validation) {
      Object result = invocation.proceed();
      if (result instanceof Set<?> groups
          && validation.getCallerPrincipal() != null
          && store.validationTypes().contains(IdentityStore.ValidationType.PROVIDE_GROUPS)) {
        Set<String> names = new LinkedHashSet<>();
        groups.forEach(g -> names.add(String.valueOf(g)));
        IdentityCapture.groupsFound(validation.getCallerPrincipal().getName(), names);
      }
      return result;
    }
    return invocation.proceed();
  }

  private Object validateRequest(
      InvocationContext invocation,
      HttpServletRequest request,
      HttpServletResponse response,
      HttpMessageContext context)
      throws Exception {
    AuthenticationScope scope;
    try {
      scope = AuthenticationScope.open(request, response);
    } catch (ServletException e) {
      throw new AuthenticationException(e.getMessage(), e);
    }
    if (scope == null) {
      return invocation.proceed();
    }
    String mechanism = LoginMechanisms.nameOf(invocation.getMethod().getDeclaringClass());
    scope.offerPasswordLogins(IdentityStorePasswordLogins.INSTANCE);
    IdentityCapture.clear();
    boolean closed = false;
    try {
      SessionLogin stored = scope.storedLogin();
      if (stored != null && !honoured(stored)) {
        LOG.warning(
            "A session is logged in by the authentication mechanism "
                + stored.mechanism()
                + ", which this application no longer has: the session is logged out.");
        scope.loggedOut();
        stored = null;
      }
      if (stored != null
          && (scope.handingOverLogin()
              || (!context.isAuthenticationRequest() && !scope.isCredentialPostback()))) {
        // Logged in on some instance: tell this container, and let no mechanism ask again.
        return context.notifyContainerAboutLogin(
            new CallerPrincipal(stored.caller()), stored.groups());
      }
      Object[] parameters = invocation.getParameters();
      parameters[0] = scope.request();
      parameters[1] = scope.response();
      invocation.setParameters(parameters);
      if (!isElytron(context)) {
        // TomEE's login interceptors take the request from the context; WildFly's Elytron refuses a
        // replaced request or response unless the status ends up SUCCESS, and Soteria there keeps
        // its login state through the parameters, which suffice.
        context.setRequest(scope.request());
        context.setResponse(scope.response());
      }
      // A mechanism that answers itself (a redirect to the login page, or after the login) commits
      // the response before it returns: the login is recorded, and the id changed, just before.
      boolean autoApplySession =
          invocation.getTarget().getClass().isAnnotationPresent(AutoApplySession.class);
      // Only a mechanism that continues after a login shows a login page worth a session: one that
      // answers 401 to a request without credentials (an API's) makes none.
      boolean loginToContinue =
          invocation.getTarget().getClass().isAnnotationPresent(LoginToContinue.class);
      boolean[] recordedAtCommit = {false};
      boolean[] registeredAtCommit = {false};
      boolean[] refused = {false};
      scope.beforeCommit(
          () -> {
            registeredAtCommit[0] = registersSession(context);
            try {
              recordedAtCommit[0] = recordCaller(scope, context, request, mechanism, false);
            } catch (LoginLimitException e) {
              refused[0] = true;
              refuse(context, e);
            }
            if (!recordedAtCommit[0] && loginToContinue && context.isProtected()) {
              scope.rememberContinuation();
            }
          });
      Object result = proceedUnprotectedOnTomEE(invocation, context);
      boolean kept =
          result == AuthenticationStatus.SEND_CONTINUE
              || (result == AuthenticationStatus.SUCCESS
                  && (autoApplySession
                      || registeredAtCommit[0]
                      || registersSession(context)
                      || scope.isCredentialPostback()
                      || context.isAuthenticationRequest()));
      boolean recorded = false;
      if (kept && !refused[0]) {
        try {
          recorded =
              recordCaller(
                  scope, context, request, mechanism, result == AuthenticationStatus.SUCCESS);
        } catch (LoginLimitException e) {
          refused[0] = true;
          refuse(context, e);
        }
      }
      if (refused[0]) {
        // dysession.login.max-sessions-per-user refused the login: nothing of it is kept.
        if (!scope.response().isCommitted()) {
          context.responseUnauthorized();
        }
        result = AuthenticationStatus.SEND_FAILURE;
      } else if (kept) {
        if (recorded
            && (scope.isCredentialPostback() || context.isAuthenticationRequest())
            && scope.continueAfterLogin()) {
          // The login page was shown by whichever instance: continue to the page that asked for it.
          result = AuthenticationStatus.SEND_CONTINUE;
        } else if (!recorded
            && loginToContinue
            && result == AuthenticationStatus.SEND_CONTINUE
            && context.isProtected()) {
          scope.rememberContinuation();
        }
      } else if (recordedAtCommit[0]) {
        // The mechanism refused the caller after all, or authenticates every request on its own (a
        // token in each request): that is no login to keep.
        scope.loggedOut();
      }
      closed = true;
      scope.close();
      return result;
    } catch (SessionStoreException e) {
      // Answered already (503 with Retry-After); the container must not add to it.
      scope.answer(e);
      return AuthenticationStatus.SEND_FAILURE;
    } finally {
      if (!closed) {
        try {
          scope.close();
        } catch (SessionStoreException e) {
          LOG.fine(
              () -> "The session of a failed authentication could not be saved: " + e.getMessage());
        }
      }
      if (scope.response().isCommitted()) {
        // Answered here: dysession's filter, which forgets it at the end of a request, will not
        // run.
        IdentityCapture.clear();
      }
      AuthenticationScope.forgetThread();
    }
  }

  /** A refused login: the container must not keep the caller in a session of its own either. */
  private static void refuse(HttpMessageContext context, LoginLimitException e) {
    LOG.info("A login is refused: " + e.getMessage());
    Map<?, ?> map = context.getMessageInfo().getMap();
    REGISTER_SESSION.forEach(map::remove);
  }

  /** Whether the application still honours a login by the stored login's mechanism. */
  private boolean honoured(SessionLogin stored) {
    DysessionExtension found = extension;
    if (found == null) {
      try {
        found = CDI.current().getBeanManager().getExtension(DysessionExtension.class);
      } catch (RuntimeException e) {
        LOG.fine(() -> "dysession's extension is not found; stored logins are honoured: " + e);
        return true;
      }
      extension = found;
    }
    return found.honoursLoginsBy(stored.mechanism());
  }

  /**
   * Proceeds; on TomEE, whose {@code SecurityContext.authenticate} marks the request protected, as
   * an unprotected one. Its LoginToContinue, finding none of the requests it saves (dysession keeps
   * them out of the session), would otherwise take the login page's own POST for a protected page
   * and send the caller to the login page again. dysession continues to the remembered page itself.
   */
  private static Object proceedUnprotectedOnTomEE(
      InvocationContext invocation, HttpMessageContext context) throws Exception {
    if (!context.isAuthenticationRequest()
        || !context.getMessageInfo().getClass().getName().startsWith("org.apache.tomee.")) {
      return invocation.proceed();
    }
    Map<String, Object> map = context.getMessageInfo().getMap();
    Object mandatory = map.put(MANDATORY, "false");
    try {
      return invocation.proceed();
    } finally {
      if (mandatory == null) {
        map.remove(MANDATORY);
      } else {
        map.put(MANDATORY, mandatory);
      }
    }
  }

  /**
   * Records the caller a mechanism authenticated, and returns whether there was one. The caller is
   * the one the mechanism told the container; where the server does not show it (Open Liberty), the
   * request's principal after SUCCESS, or the caller an identity store validated during this very
   * call.
   */
  private static boolean recordCaller(
      AuthenticationScope scope,
      HttpMessageContext context,
      HttpServletRequest request,
      String mechanism,
      boolean success) {
    Principal caller = context.getCallerPrincipal();
    Set<String> groups = new LinkedHashSet<>();
    if (caller != null && context.getGroups() != null) {
      groups.addAll(context.getGroups());
    }
    if (caller == null && success) {
      caller = request.getUserPrincipal();
    }
    String name = caller != null ? caller.getName() : IdentityCapture.lastValidatedCaller();
    if (name == null) {
      return false;
    }
    groups.addAll(IdentityCapture.groupsOf(name));
    scope.loggedIn(name, groups, mechanism);
    // The caller lives in dysession's session now; the container need not make one of its own.
    Map<?, ?> map = context.getMessageInfo().getMap();
    REGISTER_SESSION.forEach(map::remove);
    return true;
  }

  /**
   * Whether the mechanism asked the container to keep the caller for the requests that follow
   * (Jakarta Authentication's {@code registerSession}): the logins dysession keeps. A mechanism
   * that authenticates each request by itself (a token in every request) makes no such login.
   */
  private static boolean registersSession(HttpMessageContext context) {
    Map<?, ?> map = context.getMessageInfo().getMap();
    for (String key : REGISTER_SESSION) {
      if (Boolean.parseBoolean(String.valueOf(map.get(key)))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the container is WildFly's Elytron, which allows no replaced messages but on SUCCESS.
   */
  private static boolean isElytron(HttpMessageContext context) {
    return context.getMessageInfo().getClass().getName().startsWith("org.wildfly.security.");
  }

  private static void cleanSubject(HttpServletRequest request, HttpServletResponse response)
      throws AuthenticationException {
    AuthenticationScope scope;
    try {
      scope = AuthenticationScope.open(request, response);
    } catch (ServletException e) {
      throw new AuthenticationException(e.getMessage(), e);
    }
    if (scope != null) {
      try {
        scope.loggedOut();
        scope.close();
      } catch (SessionStoreException e) {
        scope.answer(e);
        throw new AuthenticationException(
            "dysession could not log the session out: " + e.getMessage(), e);
      }
    }
  }
}
