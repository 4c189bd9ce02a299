package io.github.dysession.cdi;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Switches the CDI implementation's own {@code @SessionScoped} context off while dysession's
 * context serves a request, and back on afterwards. One implementation per CDI implementation, each
 * loaded only when that implementation is present.
 */
interface BuiltInSessionContextSwitch {

  /** Switches the built-in context off if it is on; returns whether it was on. */
  boolean suspend();

  /** Switches the built-in context on again after {@link #suspend()} returned true. */
  void resume();

  /** Called once dysession's context is active for {@code request}, dysession's request. */
  default void requestStarted(HttpServletRequest request) {}

  /**
   * Called while dysession's context is still active, before the request's last save: work the CDI
   * implementation would do at the end of the request in its own session context.
   */
  default void requestCompleting() {}
}
