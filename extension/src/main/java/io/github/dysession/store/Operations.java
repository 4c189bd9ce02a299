package io.github.dysession.store;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One application's hub of {@link OperationsListener}s: the store, the DynamoDB client and the
 * session manager report to it from the start, and each metrics implementation (MicroProfile
 * Metrics, OpenTelemetry, and the JMX counts, which always listen) attaches itself to it once it is
 * ready ({@link #listen}). A listener that throws is logged once and detached, so that metrics
 * never fail a request.
 */
public final class Operations implements OperationsListener {

  private static final Logger LOG = Logger.getLogger(Operations.class.getName());

  private static final OperationsListener[] NO_LISTENERS = {};

  // Copied on write: listeners attach and detach at start and stop, reports are read on every call.
  private volatile OperationsListener[] listeners = NO_LISTENERS;
  private volatile boolean capacityWanted;
  private volatile String application;

  /**
   * Sends every later report to {@code listener} too (once, however often it is attached); tells it
   * at once that the application started if it did.
   */
  public void listen(OperationsListener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (this) {
      if (List.of(listeners).contains(listener)) {
        return;
      }
      OperationsListener[] more = Arrays.copyOf(listeners, listeners.length + 1);
      more[listeners.length] = listener;
      listeners = more;
      capacityWanted = wantsCapacity(more);
    }
    String started = application;
    if (started != null) {
      report(listener, l -> l.applicationStarted(started));
    }
  }

  /** Sends no more reports to {@code listener}. */
  public synchronized void stopListening(OperationsListener listener) {
    listeners =
        Arrays.stream(listeners).filter(l -> l != listener).toArray(OperationsListener[]::new);
    capacityWanted = wantsCapacity(listeners);
  }

  private static boolean wantsCapacity(OperationsListener[] listeners) {
    return Arrays.stream(listeners).anyMatch(OperationsListener::wantsConsumedCapacity);
  }

  /** Whether an attached listener uses the calls' consumed capacity. */
  @Override
  public boolean wantsConsumedCapacity() {
    return capacityWanted;
  }

  /** Whether a listener is attached. */
  public boolean isListened() {
    return listeners.length > 0;
  }

  private void report(Consumer<OperationsListener> report) {
    for (OperationsListener l : listeners) {
      report(l, report);
    }
  }

  private void report(OperationsListener l, Consumer<OperationsListener> report) {
    try {
      report.accept(l);
    } catch (RuntimeException | LinkageError e) {
      // LinkageError: a metrics API the server shows only in part, or in an older version.
      boolean attached;
      synchronized (this) {
        attached = List.of(listeners).contains(l);
        stopListening(l);
      }
      if (attached) {
        LOG.log(
            Level.WARNING,
            "dysession's metrics listener " + l.getClass().getName() + " failed; detached",
            e);
      }
    }
  }

  @Override
  public void applicationStarted(String contextPath) {
    application = contextPath;
    report(l -> l.applicationStarted(contextPath));
  }

  @Override
  public void dynamoDbCall(String operation, Outcome outcome, long nanos, double capacityUnits) {
    if (!isListened()) {
      return; // without the lambda's allocation, on every DynamoDB call
    }
    report(l -> l.dynamoDbCall(operation, outcome, nanos, capacityUnits));
  }

  @Override
  public void sessionCreated() {
    report(OperationsListener::sessionCreated);
  }

  @Override
  public void sessionInvalidated() {
    report(OperationsListener::sessionInvalidated);
  }

  @Override
  public void sessionExpired() {
    report(OperationsListener::sessionExpired);
  }

  @Override
  public void conflictReapplied() {
    report(OperationsListener::conflictReapplied);
  }

  @Override
  public void valueDropped() {
    report(OperationsListener::valueDropped);
  }

  @Override
  public void saved(int attributes, long bytes) {
    if (!isListened()) {
      return;
    }
    report(l -> l.saved(attributes, bytes));
  }
}
