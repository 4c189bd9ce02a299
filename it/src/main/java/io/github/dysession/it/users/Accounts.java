package io.github.dysession.it.users;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The identity store of the user-sessions test applications: every caller named by lower-case
 * letters, digits and dashes exists, with the password {@code <name>-pw} and the group {@code
 * user}, so each test logs in users of its own.
 */
@ApplicationScoped
public class Accounts implements IdentityStore {

  private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,40}");

  @Override
  public CredentialValidationResult validate(Credential credential) {
    if (!(credential instanceof UsernamePasswordCredential login)) {
      return CredentialValidationResult.NOT_VALIDATED_RESULT;
    }
    String caller = login.getCaller();
    if (caller == null
        || !NAME.matcher(caller).matches()
        || !login.compareTo(caller, caller + "-pw")) {
      return CredentialValidationResult.INVALID_RESULT;
    }
    return new CredentialValidationResult(caller, Set.of("user"));
  }
}
