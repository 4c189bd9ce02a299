package io.github.dysession.jmx;

import io.github.dysession.store.OperationsListener;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Counts one application's operations and shows them as the MXBean {@code
 * io.github.dysession:type=Metrics,app="<context path>"} of the platform MBean server, registered
 * when the application starts and unregistered by {@link #close()}. Each report is one or two adder
 * increments. A server that refuses the registration (a security policy) gets one WARNING and the
 * counts stay unregistered.
 */
public final class JmxMetrics implements OperationsListener, DysessionMetricsMXBean, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(JmxMetrics.class.getName());

  /** The JMX domain of dysession's MXBeans. */
  public static final String DOMAIN = "io.github.dysession";

  private volatile String application = "";
  private final String deployment = java.util.UUID.randomUUID().toString();
  private ObjectName registered;

  private final LongAdder created = new LongAdder();
  private final LongAdder invalidated = new LongAdder();
  private final LongAdder expired = new LongAdder();
  private final LongAdder reapplied = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder saves = new LongAdder();
  private final LongAdder savedBytes = new LongAdder();
  private final LongAdder calls = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder throttled = new LongAdder();
  private final LongAdder conflicts = new LongAdder();
  private final DoubleAdder callMillis = new DoubleAdder();
  private final Map<String, LongAdder> byOperation = new ConcurrentHashMap<>();

  /** The name of the MXBean of the application at {@code contextPath}. */
  public static ObjectName name(String contextPath) {
    try {
      return new ObjectName(
          DOMAIN
              + ":type=Metrics,app="
              + ObjectName.quote(contextPath.isEmpty() ? "/" : contextPath));
    } catch (JMException e) {
      throw new IllegalArgumentException("no JMX name for " + contextPath, e);
    }
  }

  @Override
  public synchronized void applicationStarted(String contextPath) {
    if (registered != null) {
      return;
    }
    application = contextPath.isEmpty() ? "/" : contextPath;
    ObjectName name = name(contextPath);
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try {
      try {
        server.registerMBean(this, name);
      } catch (InstanceAlreadyExistsException e) {
        // Left by an earlier deployment of the same path that did not stop cleanly.
        server.unregisterMBean(name);
        server.registerMBean(this, name);
      }
      registered = name;
    } catch (JMException | RuntimeException e) {
      LOG.log(Level.WARNING, "dysession's JMX metrics could not be registered as " + name, e);
    }
  }

  /** Unregisters the MXBean, if it was registered. */
  @Override
  public synchronized void close() {
    if (registered == null) {
      return;
    }
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try {
      // Not when a later deployment of the same path took the name over meanwhile.
      if (deployment.equals(server.getAttribute(registered, "Deployment"))) {
        server.unregisterMBean(registered);
      }
    } catch (JMException | RuntimeException e) {
      LOG.fine(() -> "Unregistering " + registered + " failed: " + e);
    }
    registered = null;
  }

  /** This listener needs no consumed capacity from DynamoDB. */
  @Override
  public boolean wantsConsumedCapacity() {
    return false;
  }

  @Override
  public void dynamoDbCall(String operation, Outcome outcome, long nanos, double capacityUnits) {
    calls.increment();
    callMillis.add(nanos / 1e6);
    switch (outcome) {
      case THROTTLED -> {
        throttled.increment();
        failed.increment();
      }
      case ERROR -> failed.increment();
      case CONDITIONAL_CONFLICT -> conflicts.increment();
      case OK -> {}
    }
    byOperation
        .computeIfAbsent(
            operation + ' ' + outcome.name().toLowerCase(Locale.ROOT), k -> new LongAdder())
        .increment();
  }

  @Override
  public void sessionCreated() {
    created.increment();
  }

  @Override
  public void sessionInvalidated() {
    invalidated.increment();
  }

  @Override
  public void sessionExpired() {
    expired.increment();
  }

  @Override
  public void conflictReapplied() {
    reapplied.increment();
  }

  @Override
  public void valueDropped() {
    dropped.increment();
  }

  @Override
  public void saved(int attributes, long bytes) {
    saves.increment();
    savedBytes.add(bytes);
  }

  @Override
  public String getApplication() {
    return application;
  }

  @Override
  public String getDeployment() {
    return deployment;
  }

  @Override
  public long getSessionsCreated() {
    return created.sum();
  }

  @Override
  public long getSessionsInvalidated() {
    return invalidated.sum();
  }

  @Override
  public long getSessionsExpired() {
    return expired.sum();
  }

  @Override
  public long getConflictsReapplied() {
    return reapplied.sum();
  }

  @Override
  public long getValuesDropped() {
    return dropped.sum();
  }

  @Override
  public long getSaves() {
    return saves.sum();
  }

  @Override
  public long getSavedBytes() {
    return savedBytes.sum();
  }

  @Override
  public long getDynamoDbCalls() {
    return calls.sum();
  }

  @Override
  public long getDynamoDbFailedCalls() {
    return failed.sum();
  }

  @Override
  public long getDynamoDbThrottledCalls() {
    return throttled.sum();
  }

  @Override
  public long getDynamoDbConditionalConflicts() {
    return conflicts.sum();
  }

  @Override
  public double getDynamoDbCallMillis() {
    return callMillis.sum();
  }

  @Override
  public Map<String, Long> getDynamoDbCallsByOperation() {
    Map<String, Long> result = new TreeMap<>();
    byOperation.forEach((k, v) -> result.put(k, v.sum()));
    return result;
  }
}
