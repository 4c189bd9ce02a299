package io.github.dysession.store;

/**
 * Hears what dysession does, for metrics: every DynamoDB call, and the sessions it creates, ends
 * and saves. Called on the request (or sweep) thread right after the fact; an implementation must
 * be quick and must not throw. Every method does nothing by default.
 */
public interface OperationsListener {

  /** Hears nothing. */
  OperationsListener NONE = new OperationsListener() {};

  /** How a DynamoDB call ended. */
  enum Outcome {
    /** It succeeded. */
    OK,
    /** A condition of the request was false: a concurrent writer, or a session gone meanwhile. */
    CONDITIONAL_CONFLICT,
    /** DynamoDB throttled it, after the SDK's retries. */
    THROTTLED,
    /** Any other failure: unreachable, timed out, refused. */
    ERROR
  }

  /**
   * Whether this listener uses the consumed capacity of the calls: while one that does listens, the
   * item calls ask DynamoDB for it ({@code ReturnConsumedCapacity=TOTAL}). Yes by default.
   */
  default boolean wantsConsumedCapacity() {
    return true;
  }

  /**
   * The application's sessions are served from now on ({@code contextPath}: its context path, such
   * as {@code /shop}; empty for the root). Comes before the other reports of its requests.
   */
  default void applicationStarted(String contextPath) {}

  /**
   * A DynamoDB call ended.
   *
   * @param operation the DynamoDB operation, such as {@code GetItem}
   * @param outcome how it ended
   * @param nanos how long it took, with the SDK's retries
   * @param capacityUnits the capacity it consumed as DynamoDB reported it, or a negative number
   *     where the response reported none
   */
  default void dynamoDbCall(String operation, Outcome outcome, long nanos, double capacityUnits) {}

  /** A session was written for the first time. */
  default void sessionCreated() {}

  /** A request invalidated a session (or another instance's request ended it through the store). */
  default void sessionInvalidated() {}

  /**
   * The expiry sweep of this instance claimed an expired session (exactly one instance of the fleet
   * does) and runs its end callbacks.
   */
  default void sessionExpired() {}

  /** A save met a concurrent write of the same session and applied its changes on top of it. */
  default void conflictReapplied() {}

  /** A stored attribute value could not be decoded and was dropped from the session served. */
  default void valueDropped() {}

  /**
   * A save wrote the values of {@code attributes} attributes, {@code bytes} bytes in all (a new
   * session: all its values; a save of changes: the values it set).
   */
  default void saved(int attributes, long bytes) {}
}
