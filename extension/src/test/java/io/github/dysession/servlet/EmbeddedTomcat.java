package io.github.dysession.servlet;

import io.github.dysession.codec.AttributeCodec;
import io.github.dysession.config.DysessionSettings;
import io.github.dysession.config.SettingsSource;
import io.github.dysession.store.InMemorySessionStore;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EventListener;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.ErrorPage;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Tomcat in this JVM, on 127.0.0.1 and a free port, with dysession activated as a server
 * activates it (its {@link DysessionInitializer}) on an {@link InMemorySessionStore}: one
 * application at the root context, with the servlets, listeners and error pages a test class
 * declares. Started once per test class: register it as a static {@code @RegisterExtension} field.
 */
final class EmbeddedTomcat implements BeforeAllCallback, AfterAllCallback {

  /** What a test servlet does with a request; the request's session is dysession's. */
  @FunctionalInterface
  interface Handler {
    void handle(HttpServletRequest request, HttpServletResponse response) throws Exception;
  }

  // Tomcat logs every start and stop at INFO; held here, as the log manager keeps loggers weakly.
  private static final Logger TOMCAT_LOG = Logger.getLogger("org.apache");

  private final InMemorySessionStore store = new InMemorySessionStore();
  private final Map<String, Handler> servlets = new LinkedHashMap<>();
  private final List<EventListener> listeners = new ArrayList<>();
  private final List<ErrorPage> errorPages = new ArrayList<>();
  private final Map<String, String> settings = new LinkedHashMap<>();
  private AttributeCodec codec;
  private Tomcat tomcat;
  private StandardContext context;
  private Path baseDir;
  private Jsonb jsonb;

  /** Maps a servlet that runs {@code handler} (asynchronous requests allowed) to {@code path}. */
  EmbeddedTomcat servlet(String path, Handler handler) {
    servlets.put(path, handler);
    return this;
  }

  /** Registers a listener instance as an application would, with {@code addListener}. */
  EmbeddedTomcat listener(EventListener listener) {
    listeners.add(listener);
    return this;
  }

  /** Declares {@code path} as the error page for responses with {@code status}. */
  EmbeddedTomcat errorPage(int status, String path) {
    ErrorPage page = new ErrorPage();
    page.setErrorCode(status);
    page.setLocation(path);
    errorPages.add(page);
    return this;
  }

  /** Declares {@code path} as the error page for requests that fail with {@code type}. */
  EmbeddedTomcat errorPage(Class<? extends Throwable> type, String path) {
    ErrorPage page = new ErrorPage();
    page.setExceptionType(type.getName());
    page.setLocation(path);
    errorPages.add(page);
    return this;
  }

  /** Sets a dysession configuration key for the application (the defaults otherwise). */
  EmbeddedTomcat setting(String key, String value) {
    settings.put(key, value);
    return this;
  }

  /** Returns the store that holds the application's sessions. */
  InMemorySessionStore store() {
    return store;
  }

  /**
   * Returns the attributes the store holds for session {@code id}, decoded, or null when it holds
   * no such session.
   */
  Map<String, Object> stored(String id) {
    return store
        .load(id)
        .map(
            data -> {
              Map<String, Object> values = new LinkedHashMap<>();
              data.attributes()
                  .forEach((name, bytes) -> values.put(name, codec.decode(name, bytes)));
              return values;
            })
        .orElse(null);
  }

  /** Returns the address of {@code path} in the application. */
  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + path);
  }

  /** Returns how many sessions the container itself holds (dysession's never are among them). */
  int containerSessions() {
    return context.getManager().findSessions().length;
  }

  @Override
  public void beforeAll(ExtensionContext extensionContext) throws Exception {
    TOMCAT_LOG.setLevel(Level.WARNING);
    baseDir = Files.createTempDirectory("dysession-tomcat");
    jsonb = JsonbBuilder.create();
    DysessionSettings configured = DysessionSettings.from(SettingsSource.of(settings));
    codec =
        new AttributeCodec(
            jsonb, EmbeddedTomcat.class.getClassLoader(), configured.allowedClasses());
    SessionRuntime runtime = new SessionRuntime(store, codec, configured, SessionScopeBridge.NONE);

    tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    context =
        (StandardContext)
            tomcat.addContext("", Files.createDirectory(baseDir.resolve("webapp")).toString());
    // The leak checks at stop need --add-opens; one JVM per test run leaks nothing worth them.
    context.setClearReferencesObjectStreamClassCaches(false);
    context.setClearReferencesThreadLocals(false);
    context.setClearReferencesRmiTargets(false);
    context.addServletContainerInitializer(new DysessionInitializer(), null);
    context.addServletContainerInitializer(
        (classes, servletContext) -> {
          servletContext.setAttribute(TestSessionRuntimes.ATTRIBUTE, runtime);
          listeners.forEach(servletContext::addListener);
        },
        null);
    int n = 0;
    for (Map.Entry<String, Handler> e : servlets.entrySet()) {
      Wrapper wrapper =
          Tomcat.addServlet(context, "servlet" + n++, new HandlerServlet(e.getValue()));
      wrapper.setAsyncSupported(true);
      context.addServletMappingDecoded(e.getKey(), wrapper.getName());
    }
    errorPages.forEach(context::addErrorPage);
    tomcat.start();
    // Tomcat logs a failed application start rather than throwing it.
    if (!context.getState().isAvailable()) {
      throw new IllegalStateException("the test application did not start: " + context.getState());
    }
  }

  @Override
  public void afterAll(ExtensionContext extensionContext) throws Exception {
    try {
      if (tomcat != null) {
        stop();
      }
    } finally {
      if (jsonb != null) {
        jsonb.close();
      }
      if (baseDir != null) {
        try (Stream<Path> files = Files.walk(baseDir)) {
          for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }

  private void stop() throws LifecycleException {
    try {
      tomcat.stop();
    } finally {
      tomcat.destroy();
    }
  }

  /** A servlet that hands every request to a {@link Handler}. */
  private static final class HandlerServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient Handler handler;

    HandlerServlet(Handler handler) {
      this.handler = handler;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws ServletException, IOException {
      try {
        handler.handle(request, response);
      } catch (ServletException | IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new ServletException(e);
      }
    }
  }
}
