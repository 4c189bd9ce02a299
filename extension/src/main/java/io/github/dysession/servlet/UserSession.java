package io.github.dysession.servlet;

import java.time.Instant;
import java.util.Objects;

/**
 * One live session of a user, as {@code io.github.dysession.cdi.UserSessions} lists it for a "your
 * devices" page: never the session id, which would let whoever sees the listing take the session
 * over.
 *
 * @param handle names the session for {@code UserSessions.end}: derived from the id by a one-way
 *     hash, stable for the session's life (a new id after a login or {@code changeSessionId} gives
 *     a new handle), and not the id
 * @param createdAt when the session was created
 * @param lastAccessedAt when a request used it last (as stored: read-only requests write it at most
 *     once per {@code dysession.touch-interval})
 * @param expiresAt when it expires unless used again, or null when it never expires
 * @param loggedInAt when the user logged in to it
 * @param mechanism how the user logged in, as the README's Logins section names mechanisms
 * @param client the user agent and remote address recorded at login (cut short), or null
 * @param current whether it is the session of the request that asked
 */
public record UserSession(
    String handle,
    Instant createdAt,
    Instant lastAccessedAt,
    Instant expiresAt,
    Instant loggedInAt,
    String mechanism,
    String client,
    boolean current) {

  /** Checks that the values are present (the expiry and the client may be null). */
  public UserSession {
    Objects.requireNonNull(handle, "handle");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(lastAccessedAt, "lastAccessedAt");
    Objects.requireNonNull(loggedInAt, "loggedInAt");
    Objects.requireNonNull(mechanism, "mechanism");
  }
}
