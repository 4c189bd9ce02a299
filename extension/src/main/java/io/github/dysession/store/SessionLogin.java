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
 * @param client a short description of the client that logged in (user agent and remote address,
 *     truncated to {@value #MAX_CLIENT_LENGTH} characters), or null when none was recorded
 */
public record SessionLogin(
    String caller, Set<String> groups, String mechanism, Instant authenticatedAt, String client) {

  /** The longest caller name or group name stored; longer ones are refused at login. */
  public static final int MAX_NAME_LENGTH = 1024;

  /** The longest client description stored; longer ones are cut. */
  public static final int MAX_CLIENT_LENGTH = 200;

  /** Creates a login without a client description. */
  public SessionLogin(
      String caller, Set<String> groups, String mechanism, Instant authenticatedAt) {
    this(caller, groups, mechanism, authenticatedAt, null);
  }

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
    if (client != null && client.length() > MAX_CLIENT_LENGTH) {
      int end = MAX_CLIENT_LENGTH;
      if (Character.isHighSurrogate(client.charAt(end - 1))) {
        end--;
      }
      client = client.substring(0, end);
    }
    for (String group : groups) {
      if (group == null || group.isEmpty() || group.length() > MAX_NAME_LENGTH) {
        throw new IllegalArgumentException(
            "A group name must have 1 to " + MAX_NAME_LENGTH + " characters");
      }
    }
  }

  /** Returns this login with {@code description} as its client description (cut if too long). */
  public SessionLogin withClient(String description) {
    return new SessionLogin(caller, groups, mechanism, authenticatedAt, description);
  }

  /** Returns a summary without the caller's name, which identifies a person. */
  @Override
  public String toString() {
    return "SessionLogin[groups=" + groups.size() + ", mechanism=" + mechanism + "]";
  }
}
