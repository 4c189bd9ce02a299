package io.github.dysession.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.cdi.DysessionExtension;
import io.github.dysession.cdi.ForgetShutDownContainer;
import io.github.dysession.servlet.IdentityCapture;
import io.github.dysession.servlet.LoginMechanisms;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.EnumSet;
import java.util.Set;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The extension binds the login interceptor to the application's identity stores (which carry no
 * binding of their own), and the interceptor notes what they validate: in Weld SE, without servers.
 */
@ExtendWith(ForgetShutDownContainer.class) // must precede @EnableWeld
@EnableWeld
class SharedLoginInterceptorTest {

  @WeldSetup
  WeldInitiator weld =
      WeldInitiator.from(
              WeldInitiator.createWeld()
                  .addExtension(new DysessionExtension())
                  .addBeanClasses(
                      SharedLoginInterceptor.class,
                      PasswordStore.class,
                      ValidateOnlyStore.class,
                      OwnMechanism.class))
          .build();

  @Inject PasswordStore passwords;

  @Inject ValidateOnlyStore validateOnly;

  @Inject DysessionExtension extension;

  @AfterEach
  void forget() {
    IdentityCapture.clear();
  }

  @Test
  void validIdentityStoreResult_isNotedWithItsGroupsForTheThread() {
    assertThat(passwords.validate(new UsernamePasswordCredential("alice", "right")).getStatus())
        .isEqualTo(CredentialValidationResult.Status.VALID);

    assertThat(IdentityCapture.lastValidatedCaller()).isEqualTo("alice");
    assertThat(IdentityCapture.groupsOf("alice")).containsExactlyInAnyOrder("user", "admin");
    assertThat(IdentityCapture.groupsOf("bob")).isEmpty();
  }

  @Test
  void refusedCredentials_areNotNoted_andANewValidationReplacesTheOld() throws Exception {
    passwords.validate(new UsernamePasswordCredential("alice", "wrong"));
    assertThat(IdentityCapture.lastValidatedCaller()).isNull();

    passwords.validate(new UsernamePasswordCredential("alice", "right"));
    passwords.validate(new UsernamePasswordCredential("bob", "right"));
    assertThat(IdentityCapture.lastValidatedCaller()).isEqualTo("bob");
    assertThat(IdentityCapture.groupsOf("alice")).isEmpty();

    // Another thread notes nothing of this one's.
    Thread other = new Thread(() -> assertThat(IdentityCapture.lastValidatedCaller()).isNull());
    other.start();
    other.join();
  }

  @Test
  void storeThatOnlyValidates_givesNoGroups() {
    validateOnly.validate(new UsernamePasswordCredential("carol", "right"));
    assertThat(IdentityCapture.lastValidatedCaller()).isNull();
  }

  @Test
  void storedLogins_holdForTheServersMechanismsAndTheApplicationsOwn_notForOnesItNoLongerHas() {
    assertThat(extension.honoursLoginsBy(OwnMechanism.class.getName())).isTrue();
    // The mechanism's method may be declared by its superclass.
    assertThat(extension.honoursLoginsBy(BaseMechanism.class.getName())).isTrue();
    assertThat(extension.honoursLoginsBy("server:form")).isTrue();
    assertThat(extension.honoursLoginsBy(LoginMechanisms.REQUEST_LOGIN)).isTrue();
    assertThat(extension.honoursLoginsBy("com.example.RemovedMechanism")).isFalse();
    // An identity store is no mechanism.
    assertThat(extension.honoursLoginsBy(PasswordStore.class.getName())).isFalse();
  }

  /** An application's mechanism whose methods its superclass declares. */
  abstract static class BaseMechanism implements HttpAuthenticationMechanism {
    @Override
    public AuthenticationStatus validateRequest(
        HttpServletRequest request, HttpServletResponse response, HttpMessageContext context) {
      return context.doNothing();
    }
  }

  @ApplicationScoped
  static class OwnMechanism extends BaseMechanism {}

  /** Validates "right" as every user's password; alice is in user and admin. */
  @ApplicationScoped
  static class PasswordStore implements IdentityStore {
    @Override
    public CredentialValidationResult validate(Credential credential) {
      UsernamePasswordCredential login = (UsernamePasswordCredential) credential;
      if (!login.getPasswordAsString().equals("right")) {
        return CredentialValidationResult.INVALID_RESULT;
      }
      return new CredentialValidationResult(
          login.getCaller(),
          login.getCaller().equals("alice") ? Set.of("user", "admin") : Set.of("user"));
    }
  }

  /**
   * A store that only validates: its groups are not the caller's (Jakarta Security ignores them).
   */
  @ApplicationScoped
  static class ValidateOnlyStore implements IdentityStore {
    @Override
    public CredentialValidationResult validate(Credential credential) {
      return new CredentialValidationResult(
          ((UsernamePasswordCredential) credential).getCaller(), Set.of("ignored"));
    }

    @Override
    public Set<ValidationType> validationTypes() {
      return EnumSet.of(ValidationType.VALIDATE);
    }
  }
}
