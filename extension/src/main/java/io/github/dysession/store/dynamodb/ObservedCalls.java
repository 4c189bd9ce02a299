package io.github.dysession.store.dynamodb;

import io.github.dysession.store.Operations;
import io.github.dysession.store.OperationsListener.Outcome;
import java.util.List;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Reports every DynamoDB call of a client to an application's {@link Operations}: operation,
 * outcome, duration with retries, consumed capacity. While a listener that uses it is attached, the
 * item calls ask DynamoDB for their consumed capacity ({@code ReturnConsumedCapacity=TOTAL});
 * otherwise a call costs two volatile reads.
 */
final class ObservedCalls implements ExecutionInterceptor {

  private static final ExecutionAttribute<Long> STARTED =
      new ExecutionAttribute<>("dysession.observed.started");

  private final Operations operations;

  ObservedCalls(Operations operations) {
    this.operations = operations;
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (operations.isListened()) {
      attributes.putAttribute(STARTED, System.nanoTime());
    }
  }

  @Override
  public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
    SdkRequest request = context.request();
    if (!operations.wantsConsumedCapacity()) {
      return request;
    }
    ReturnConsumedCapacity total = ReturnConsumedCapacity.TOTAL;
    if (request instanceof GetItemRequest r && r.returnConsumedCapacity() == null) {
      return r.toBuilder().returnConsumedCapacity(total).build();
    }
    if (request instanceof UpdateItemRequest r && r.returnConsumedCapacity() == null) {
      return r.toBuilder().returnConsumedCapacity(total).build();
    }
    if (request instanceof PutItemRequest r && r.returnConsumedCapacity() == null) {
      return r.toBuilder().returnConsumedCapacity(total).build();
    }
    if (request instanceof DeleteItemRequest r && r.returnConsumedCapacity() == null) {
      return r.toBuilder().returnConsumedCapacity(total).build();
    }
    if (request instanceof QueryRequest r && r.returnConsumedCapacity() == null) {
      return r.toBuilder().returnConsumedCapacity(total).build();
    }
    if (request instanceof BatchGetItemRequest r && r.returnConsumedCapacity() == null) {
      return r.toBuilder().returnConsumedCapacity(total).build();
    }
    return request;
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    double capacity;
    try {
      capacity = capacity(context.response());
    } catch (RuntimeException e) {
      // What a response reports never fails the call.
      capacity = -1;
    }
    report(attributes, Outcome.OK, capacity);
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    report(attributes, outcome(context.exception()), -1);
  }

  private void report(ExecutionAttributes attributes, Outcome outcome, double capacity) {
    Long started = attributes.getAttribute(STARTED);
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    if (started != null && operation != null) {
      operations.dynamoDbCall(operation, outcome, System.nanoTime() - started, capacity);
    }
  }

  /** How a failed call ended. */
  static Outcome outcome(Throwable failure) {
    if (failure instanceof ConditionalCheckFailedException
        || failure instanceof TransactionCanceledException) {
      return Outcome.CONDITIONAL_CONFLICT;
    }
    if (failure instanceof SdkServiceException service && service.isThrottlingException()) {
      return Outcome.THROTTLED;
    }
    return Outcome.ERROR;
  }

  /** The capacity a response reports: one ConsumedCapacity, the sum of a batch's list, or -1. */
  static double capacity(SdkResponse response) {
    // One ConsumedCapacity for the item calls and Query, a list for BatchGetItem.
    Object reported = response.getValueForField("ConsumedCapacity", Object.class).orElse(null);
    if (reported instanceof ConsumedCapacity one) {
      return one.capacityUnits() == null ? -1 : one.capacityUnits();
    }
    if (reported instanceof List<?> list && !list.isEmpty()) {
      double sum = 0;
      for (Object c : list) {
        if (c instanceof ConsumedCapacity capacity && capacity.capacityUnits() != null) {
          sum += capacity.capacityUnits();
        }
      }
      return sum;
    }
    return -1;
  }
}
