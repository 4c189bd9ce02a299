package io.github.dysession.it.proof;

import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@link ProofCluster} ("proof": dynalite with a data directory, Payara Micro 6 instances a and
 * b, the library's default DynamoDB timeouts) shared by the proof classes that do not break it
 * ({@link LoadIT}, {@link BadInputIT}, {@link SecurityIT}), so its two instances start once per
 * test JVM rather than once per class. It is injected into lifecycle and test parameters of type
 * {@code ProofCluster} and stopped when the whole run ends. {@link FaultIT} kills things, so it
 * starts a cluster of its own.
 */
public final class SharedCluster implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SharedCluster.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == ProofCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent("cluster", key -> new Holder(), Holder.class)
        .cluster;
  }

  /** Closed by JUnit at the end of the run (both interfaces, for JUnit before and after 5.13). */
  @SuppressWarnings("deprecation")
  private static final class Holder
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final ProofCluster cluster;

    Holder() {
      try {
        cluster = ProofCluster.start("proof", Map.of());
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("The proof cluster did not start", e);
      }
    }

    @Override
    public void close() {
      cluster.close();
    }
  }
}
