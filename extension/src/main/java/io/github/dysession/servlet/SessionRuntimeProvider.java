package io.github.dysession.servlet;

import jakarta.servlet.ServletContext;

/**
 * Supplies dysession's filter with its {@link SessionRuntime}; found with {@link
 * java.util.ServiceLoader}, so that the servlet layer does not depend on a CDI implementation.
 */
public interface SessionRuntimeProvider {

  /**
   * Returns the runtime for a web application, or null when dysession is switched off there.
   *
   * @throws IllegalStateException when dysession cannot serve the application; the message says why
   */
  SessionRuntime runtime(ServletContext context);
}
