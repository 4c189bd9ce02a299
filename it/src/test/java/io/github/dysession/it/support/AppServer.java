package io.github.dysession.it.support;

import java.net.URI;
import java.time.Duration;

/** One running application server process with the test WAR deployed, on 127.0.0.1. */
public interface AppServer extends AutoCloseable {

  /** Returns the instance's name. */
  String name();

  /** Returns a URI relative to the application's context root, e.g. {@code uri("s?op=dump")}. */
  URI uri(String relative);

  /**
   * Returns the test application's {@code s?op=OP&k=v...} URI: the operation and its parameters as
   * name-value pairs (values URL-encoded).
   */
  default URI op(String op, String... params) {
    StringBuilder sb = new StringBuilder("s?op=").append(op);
    for (int i = 0; i + 1 < params.length; i += 2) {
      sb.append('&')
          .append(params[i])
          .append('=')
          .append(
              java.net.URLEncoder.encode(params[i + 1], java.nio.charset.StandardCharsets.UTF_8));
    }
    return uri(sb.toString());
  }

  /** Returns the application's root URI (ends with a slash). */
  URI baseUri();

  /**
   * Returns a URI relative to the login test application's context root ({@code /login/}), where
   * the server deploys it beside the test application.
   */
  default URI loginUri(String relative) {
    return baseUri().resolve("../login/" + relative);
  }

  /**
   * Returns a URI relative to the context root of the login test application with its own mechanism
   * ({@code /login-custom/}).
   */
  default URI customLoginUri(String relative) {
    return baseUri().resolve("../login-custom/" + relative);
  }

  /**
   * Returns a URI relative to the user-sessions test application with policy REFUSE ({@code
   * /users/}).
   */
  default URI usersUri(String relative) {
    return baseUri().resolve("../users/" + relative);
  }

  /**
   * Returns a URI relative to the user-sessions test application with policy END_OLDEST ({@code
   * /users-oldest/}).
   */
  default URI usersOldestUri(String relative) {
    return baseUri().resolve("../users-oldest/" + relative);
  }

  /**
   * Returns the server's MicroProfile Health readiness endpoint that reports the test application's
   * checks, or empty where the server has none in the tested setup.
   */
  default java.util.Optional<URI> readinessUri() {
    return java.util.Optional.empty();
  }

  /**
   * Returns the server's MicroProfile Metrics endpoint of the application scope, in the Prometheus
   * text format, or empty where the server has none in the tested setup.
   */
  default java.util.Optional<URI> metricsUri() {
    return java.util.Optional.empty();
  }

  /**
   * Returns the MicroProfile Metrics endpoint (application scope, Prometheus text format) that
   * shows the metrics of the application at {@code contextRoot} (such as {@code telemetry}), or
   * empty where the server has none in the tested setup: by default {@link #metricsUri()}, the
   * server's one endpoint for all applications.
   */
  default java.util.Optional<URI> applicationMetricsUri(String contextRoot) {
    return metricsUri();
  }

  /** Returns everything the server has logged so far. */
  String log();

  /** Returns how long the last start took, until the application answered. */
  Duration startupTime();

  /** Returns the resident memory of the process in bytes, or -1 when unknown. */
  long rssBytes();

  /** Kills the process at once (SIGKILL). */
  void kill();

  /** Starts the process again on the same port and waits until the application answers. */
  void restart();

  /** Stops the process. */
  @Override
  void close();
}
