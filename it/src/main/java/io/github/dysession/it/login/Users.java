package io.github.dysession.it.login;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.util.Map;
import java.util.Set;

/**
 * The application's identity store: alice (groups user and admin) and bob (group user). It counts
 * validations, so tests can tell a restored login from a new one.
 */
@ApplicationScoped
public class Users implements IdentityStore {

  private static final Map<String, String> PASSWORDS =
      Map.of("alice", "alice-secret", "bob", "bob-secret");
  private static final Map<String, Set<String>> GROUPS =
      Map.of("alice", Set.of("user", "admin"), "bob", Set.of("user"));
  static final java.util.concurrent.atomic.AtomicLong VALIDATIONS =
      new java.util.concurrent.atomic.AtomicLong();

  @Override
  public CredentialValidationResult validate(Credential credential) {
    if (!(credential instanceof UsernamePasswordCredential login)) {
      return CredentialValidationResult.NOT_VALIDATED_RESULT;
    }
    VALIDATIONS.incrementAndGet();
    String expected = PASSWORDS.get(login.getCaller());
    if (expected == null || !login.compareTo(login.getCaller(), expected)) {
      return CredentialValidationResult.INVALID_RESULT;
    }
    return new CredentialValidationResult(login.getCaller(), GROUPS.get(login.getCaller()));
  }
}
