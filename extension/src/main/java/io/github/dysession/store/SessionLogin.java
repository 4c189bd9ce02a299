package io.github.dysession.store;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Holds the caller a session is logged in as: stored with the session, so that every instance
 * serving the session knows the same caller, and gone with the session.
 *
 * @param caller the caller principal's name
 * @param groups the caller's groups (roles are mapped from them as the application declares)
 * @param mechanism the class name of the authentication mechanism that authenticated the caller, or
 *     the name of the way in ({@code request.login})
 * @param authenticatedAt when the caller logged in
 */
public record SessionLogin(
    String caller, Set<String> groups, String mechanism, Instant authenticatedAt) {

  /** The longest caller name or group name stored; longer ones are refused at login. */
  public static final int MAX_NAME_LENGTH = 1024;

  /** Checks the values and makes the group set unmodifiable (keeping its order). */
  public SessionLogin {
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(mechanism, "mechanism");
    Objects.requireNonNull(authenticatedAt, "authenticatedAt");
    if (caller.isEmpty() || caller.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "A caller name must have 1 to "
              + MAX_NAME_LENGTH
              + " characters, not "
              + caller.length());
    }
    groups = Collections.unmodifiableSet(new LinkedHashSet<>(groups));
    for (String group : groups) {
      if (group == null || group.isEmpty() || group.length() > MAX_NAME_LENGTH) {
        throw new IllegalArgumentException(
            "A group name must have 1 to " + MAX_NAME_LENGTH + " characters");
      }
    }
  }

  /** Returns a summary without the caller's name, which identifies a person. */
  @Override
  public String toString() {
    return "SessionLogin[groups=" + groups.size() + ", mechanism=" + mechanism + "]";
  }
}
