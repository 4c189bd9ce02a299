package io.github.dysession.it.support;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one shared, in-memory {@link Dynalite} per test JVM and injects it into test, lifecycle
 * and constructor parameters of type {@code Dynalite}.
 *
 * <p>The process lives in the root {@link ExtensionContext.Store}, so it is stopped when the whole
 * run ends (and by {@link Dynalite}'s shutdown hook if the JVM ends otherwise). Tests that share it
 * should use their own table names. Tests that kill or restart dynalite should start their own
 * instance with {@link Dynalite#start(java.nio.file.Path)} instead.
 *
 * <pre>
 * &#64;ExtendWith(DynaliteExtension.class)
 * class SomethingIT {
 *     &#64;Test
 *     void works(Dynalite dynalite) {
 *         try (DynamoDbClient client = DynamoDbClients.forEndpoint(dynalite.endpoint())) { ... }
 *     }
 * }
 * </pre>
 */
public final class DynaliteExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(DynaliteExtension.class);
  private static final String KEY = "shared-in-memory-dynalite";

  @Override
  public void beforeAll(ExtensionContext context) {
    shared(context);
  }

  @Override
  public boolean supportsParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == Dynalite.class;
  }

  @Override
  public Object resolveParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    return shared(extensionContext);
  }

  /** The shared instance, started on first use. */
  public static Dynalite shared(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            KEY, key -> new SharedDynalite(Dynalite.start(null)), SharedDynalite.class)
        .dynalite;
  }

  /**
   * Closed by JUnit at the end of the run. {@code CloseableResource} is deprecated since JUnit 5.13
   * in favour of {@code AutoCloseable}; implementing both works with either behaviour (stopping
   * twice is harmless).
   */
  @SuppressWarnings("deprecation")
  private static final class SharedDynalite
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final Dynalite dynalite;

    SharedDynalite(Dynalite dynalite) {
      this.dynalite = dynalite;
    }

    @Override
    public void close() {
      dynalite.stop();
    }
  }
}
