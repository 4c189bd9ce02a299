package io.github.dysession.store.dynamodb;

import java.util.Optional;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Emits a {@link DynamoDbCallEvent} per DynamoDB call when a flight recording is running; costs a
 * check of a flag otherwise. Added to every client {@link DynamoDbClientFactory} builds, where the
 * JVM has {@code jdk.jfr}.
 */
final class JfrCallEvents implements ExecutionInterceptor {

  private static final ExecutionAttribute<DynamoDbCallEvent> EVENT =
      new ExecutionAttribute<>("dysession.jfr.event");

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    DynamoDbCallEvent event = new DynamoDbCallEvent();
    if (!event.isEnabled()) {
      return;
    }
    event.begin();
    attributes.putAttribute(EVENT, event);
  }

  @Override
  public void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes attributes) {
    DynamoDbCallEvent event = attributes.getAttribute(EVENT);
    if (event != null) {
      event.attempts++;
      event.requestBytes =
          context
              .httpRequest()
              .firstMatchingHeader("Content-Length")
              .map(JfrCallEvents::parse)
              .orElse(-1L);
    }
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    DynamoDbCallEvent event = attributes.getAttribute(EVENT);
    if (event == null) {
      return;
    }
    event.responseBytes =
        context
            .httpResponse()
            .firstMatchingHeader("Content-Length")
            .map(JfrCallEvents::parse)
            .orElse(-1L);
    event.consumedCapacity = ObservedCalls.capacity(context.response());
    commit(event, context.request(), attributes, "ok");
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    DynamoDbCallEvent event = attributes.getAttribute(EVENT);
    if (event == null) {
      return;
    }
    String outcome =
        switch (ObservedCalls.outcome(context.exception())) {
          case CONDITIONAL_CONFLICT -> "conditional conflict";
          case THROTTLED -> "throttled";
          default -> "error";
        };
    commit(event, context.request(), attributes, outcome);
  }

  private static void commit(
      DynamoDbCallEvent event, SdkRequest request, ExecutionAttributes attributes, String outcome) {
    event.end();
    if (event.shouldCommit()) {
      event.operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
      event.table = request.getValueForField("TableName", String.class).orElse(null);
      event.outcome = outcome;
      event.commit();
    }
  }

  private static long parse(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Returns the interceptor, or empty where the JVM lacks {@code jdk.jfr} (a server whose module
   * system hides it from applications).
   */
  static Optional<ExecutionInterceptor> ifAvailable() {
    try {
      Class.forName("jdk.jfr.Event", false, JfrCallEvents.class.getClassLoader());
      return Optional.of(new JfrCallEvents());
    } catch (ClassNotFoundException | LinkageError e) {
      return Optional.empty();
    }
  }
}
