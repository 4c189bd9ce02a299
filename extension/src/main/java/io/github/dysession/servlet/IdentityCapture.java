package io.github.dysession.servlet;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Remembers, per thread, the caller and groups that the application's identity stores validated
 * last: some servers (Open Liberty) tell an authentication mechanism's caller only as the request's
 * principal, without its groups, and {@code HttpServletRequest.login} tells no groups at all.
 */
public final class IdentityCapture {

  private static final ThreadLocal<Validated> LAST = new ThreadLocal<>();

  private IdentityCapture() {}

  /**
   * Records that an identity store validated {@code caller} with {@code groups} on this thread; it
   * replaces what was recorded before.
   */
  public static void validated(String caller, Set<String> groups) {
    LAST.set(new Validated(caller, new LinkedHashSet<>(groups == null ? Set.of() : groups)));
  }

  /** Adds groups that a groups-only identity store found for {@code caller} on this thread. */
  public static void groupsFound(String caller, Set<String> groups) {
    Validated last = LAST.get();
    if (last != null && last.caller.equals(caller)) {
      last.groups.addAll(groups);
    }
  }

  /** Returns the groups validated for {@code caller} on this thread, or an empty set. */
  public static Set<String> groupsOf(String caller) {
    Validated last = LAST.get();
    return last != null && last.caller.equals(caller) ? Set.copyOf(last.groups) : Set.of();
  }

  /** Returns the caller an identity store validated last on this thread, or null. */
  public static String lastValidatedCaller() {
    Validated last = LAST.get();
    return last == null ? null : last.caller;
  }

  /** Forgets what this thread recorded. */
  public static void clear() {
    LAST.remove();
  }

  private record Validated(String caller, Set<String> groups) {}
}
