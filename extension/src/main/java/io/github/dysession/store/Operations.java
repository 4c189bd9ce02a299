package io.github.dysession.store;

import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One application's hub of {@link OperationsListener}: the store, the DynamoDB client and the
 * session manager report to it from the start, and a metrics implementation attaches itself to it
 * once it is ready ({@link #listen}). Until then, and without one, each report costs a volatile
 * read. A listener that throws is logged once and detached, so that metrics never fail a request.
 */
public final class Operations implements OperationsListener {

  private static final Logger LOG = Logger.getLogger(Operations.class.getName());

  private volatile OperationsListener listener = NONE;
  private volatile String application;

  /**
   * Sends every later report to {@code listener} (replacing the one before); tells it at once that
   * the application started if it did.
   */
  public void listen(OperationsListener listener) {
    this.listener = listener == null ? NONE : listener;
    String started = application;
    if (started != null) {
      report(l -> l.applicationStarted(started));
    }
  }

  /** Whether a listener is attached. */
  public boolean isListened() {
    return listener != NONE;
  }

  private void report(Consumer<OperationsListener> report) {
    OperationsListener l = listener;
    try {
      report.accept(l);
    } catch (RuntimeException e) {
      if (listener == l) {
        listener = NONE;
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
    report(l -> l.saved(attributes, bytes));
  }
}
