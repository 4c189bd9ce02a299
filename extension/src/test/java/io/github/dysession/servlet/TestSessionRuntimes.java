package io.github.dysession.servlet;

import io.github.dysession.cdi.CdiSessionRuntimeProvider;
import jakarta.servlet.ServletContext;

/**
 * Hands dysession's filter the runtime a test put into the servlet context, so that the filter runs
 * on a given store without CDI; elsewhere does what the jar's own provider does.
 *
 * <p>Registered in the test classes' {@code META-INF/services}, which come first on the test class
 * path, so that the filter's {@link java.util.ServiceLoader} finds this provider before the jar's.
 */
public final class TestSessionRuntimes implements SessionRuntimeProvider {

  /** The servlet context attribute that holds the {@link SessionRuntime} to use. */
  static final String ATTRIBUTE = TestSessionRuntimes.class.getName();

  @Override
  public SessionRuntime runtime(ServletContext context) {
    if (context.getAttribute(ATTRIBUTE) instanceof SessionRuntime runtime) {
      return runtime;
    }
    return new CdiSessionRuntimeProvider().runtime(context);
  }
}
