package io.github.dysession.jmx;

import java.util.Map;

/**
 * The counts of one application's sessions and DynamoDB calls since it started, as JMX shows them
 * ({@code io.github.dysession:type=Metrics,app="<context path>"}).
 */
public interface DysessionMetricsMXBean {

  /** The application's context path ({@code /} for the root). */
  String getApplication();

  /**
   * Which deployment of the application these counts are of: a new value for each start, so that a
   * redeployment that overlapped the one before (parallel deployment) keeps its own MXBean.
   */
  String getDeployment();

  /** Sessions written for the first time. */
  long getSessionsCreated();

  /** Stored sessions invalidated by a request (or ended through {@code UserSessions}). */
  long getSessionsInvalidated();

  /** Expired sessions this instance's sweep claimed and ended (once in the fleet). */
  long getSessionsExpired();

  /** Saves that met a concurrent write and applied their changes on top. */
  long getConflictsReapplied();

  /** Stored values that could not be decoded and were dropped from the session served. */
  long getValuesDropped();

  /** Saves that wrote values (saves that only touch the access time are not counted). */
  long getSaves();

  /** Bytes of the values those saves wrote. */
  long getSavedBytes();

  /** DynamoDB calls of dysession's client, each with its retries. */
  long getDynamoDbCalls();

  /** Of those, the ones that failed: throttled, or any other error (conflicts not included). */
  long getDynamoDbFailedCalls();

  /** Of those, the ones DynamoDB throttled after the SDK's retries. */
  long getDynamoDbThrottledCalls();

  /** Calls whose condition was false: a concurrent writer, or a session gone meanwhile. */
  long getDynamoDbConditionalConflicts();

  /** The time all those calls took, in milliseconds. */
  double getDynamoDbCallMillis();

  /** The calls by operation and outcome, such as {@code "GetItem ok"}. */
  Map<String, Long> getDynamoDbCallsByOperation();
}
