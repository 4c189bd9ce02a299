package io.github.dysession.metrics;

import io.github.dysession.cdi.Dysession;
import io.github.dysession.store.Operations;
import io.github.dysession.store.OperationsListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.logging.Logger;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Histogram;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * Keeps dysession's metrics in MicroProfile Metrics' application registry, each tagged {@code app}
 * with the application's context path (several applications of one server share that registry):
 * DynamoDB calls by operation and outcome, their duration, the capacity they consumed, sessions
 * created, invalidated and ended by the expiry sweep, conflicts re-applied, values dropped as
 * undecodable, and the bytes each save wrote.
 */
@ApplicationScoped
public class DysessionMetrics implements OperationsListener {

  private static final Logger LOG = Logger.getLogger(DysessionMetrics.class.getName());

  /** Prefix of every metric name. */
  static final String PREFIX = "dysession.";

  @Inject Instance<MetricRegistry> registries;

  @Inject @Dysession Instance<Operations> operationsBean;

  private Operations operations;

  // Created once the application's context path is known (the filter reports it at start-up);
  // reports before that (the table's creation at deployment) are not counted.
  private volatile Meters meters;

  /** The metrics of one application, tagged with its context path. */
  private static final class Meters {
    final MetricRegistry registry;
    final String appName;
    final Tag app;
    final Map<String, Counter> calls = new ConcurrentHashMap<>();
    final Map<String, Timer> durations = new ConcurrentHashMap<>();
    final DoubleAdder capacity = new DoubleAdder();
    final Counter created;
    final Counter invalidated;
    final Counter expired;
    final Counter reapplied;
    final Counter dropped;
    final Histogram savedBytes;

    Meters(MetricRegistry registry, String contextPath) {
      this.registry = registry;
      this.appName = contextPath.isEmpty() ? "/" : contextPath;
      this.app = new Tag("app", appName);
      created = registry.counter(PREFIX + "sessions.created", app);
      invalidated = registry.counter(PREFIX + "sessions.invalidated", app);
      expired = registry.counter(PREFIX + "sessions.expired", app);
      reapplied = registry.counter(PREFIX + "conflicts.reapplied", app);
      dropped = registry.counter(PREFIX + "values.dropped", app);
      savedBytes = registry.histogram(PREFIX + "save.bytes", app);
      registry.gauge(PREFIX + "dynamodb.consumed.capacity", capacity, DoubleAdder::sum, app);
    }

    Counter calls(String operation, String outcome) {
      return calls.computeIfAbsent(
          operation + '/' + outcome,
          k ->
              registry.counter(
                  PREFIX + "dynamodb.calls",
                  app,
                  new Tag("operation", operation),
                  new Tag("outcome", outcome)));
    }

    Timer duration(String operation) {
      return durations.computeIfAbsent(
          operation,
          k -> registry.timer(PREFIX + "dynamodb.call.duration", app, new Tag("operation", k)));
    }
  }

  /** Starts hearing the application's operations. */
  void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
    if (!registries.isResolvable() || !operationsBean.isResolvable()) {
      // dysession switched off (no operations), or a server with the API but no registry.
      return;
    }
    operations = operationsBean.get();
    operations.listen(this);
  }

  /**
   * Stops hearing before the application ends, and removes its metrics: a registry that outlives
   * the deployment would otherwise hand a redeployed application the old gauge.
   */
  void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object event) {
    if (operations != null) {
      operations.stopListening(this);
    }
    Meters m = meters;
    if (m != null) {
      m.registry.removeMatching(
          (id, metric) ->
              id.getName().startsWith(PREFIX) && m.appName.equals(id.getTags().get("app")));
    }
  }

  @Override
  public synchronized void applicationStarted(String contextPath) {
    if (meters == null) {
      meters = new Meters(registries.get(), contextPath);
      LOG.fine(() -> "dysession's metrics are in the application registry, tagged " + meters.app);
    }
  }

  @Override
  public void dynamoDbCall(String operation, Outcome outcome, long nanos, double capacityUnits) {
    Meters m = meters;
    if (m == null) {
      return;
    }
    m.calls(operation, outcome.name().toLowerCase(Locale.ROOT)).inc();
    m.duration(operation).update(Duration.ofNanos(nanos));
    if (capacityUnits > 0) {
      m.capacity.add(capacityUnits);
    }
  }

  @Override
  public void sessionCreated() {
    Meters m = meters;
    if (m != null) {
      m.created.inc();
    }
  }

  @Override
  public void sessionInvalidated() {
    Meters m = meters;
    if (m != null) {
      m.invalidated.inc();
    }
  }

  @Override
  public void sessionExpired() {
    Meters m = meters;
    if (m != null) {
      m.expired.inc();
    }
  }

  @Override
  public void conflictReapplied() {
    Meters m = meters;
    if (m != null) {
      m.reapplied.inc();
    }
  }

  @Override
  public void valueDropped() {
    Meters m = meters;
    if (m != null) {
      m.dropped.inc();
    }
  }

  @Override
  public void saved(int attributes, long bytes) {
    Meters m = meters;
    if (m != null) {
      m.savedBytes.update(bytes);
    }
  }
}
