package io.github.dysession.cdi;

/**
 * Switches the CDI implementation's own {@code @SessionScoped} context off while dysession's
 * context serves a request, and back on afterwards. One implementation per CDI implementation,
 * each loaded only when that implementation is present.
 */
interface BuiltInSessionContextSwitch {

  /** Switches the built-in context off if it is on; returns whether it was on. */
  boolean suspend();

  /** Switches the built-in context on again after {@link #suspend()} returned true. */
  void resume();
}
