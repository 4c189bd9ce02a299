package io.github.dysession.it.store;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * A {@link DynamoDbClient} that forwards the item operations a session store uses to another client
 * and counts the GetItem and write requests among them (attempted, whether or not they succeed).
 * The consumer-style overloads ({@code putItem(b -> ...)}) are default methods that end up here.
 * Operations not overridden throw {@link UnsupportedOperationException}, so an unexpected one shows
 * up at once.
 */
final class CountingDynamoDbClient implements DynamoDbClient {

  private final DynamoDbClient delegate;
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong reads = new AtomicLong();
  private final AtomicLong queries = new AtomicLong();
  private final AtomicLong batchGets = new AtomicLong();
  private final AtomicReference<Runnable> afterNextPut = new AtomicReference<>();
  private final AtomicReference<String> sendTwice = new AtomicReference<>();

  /** UpdateItems still to pass before one fails as an unreachable DynamoDB would; -1: none. */
  private final AtomicLong updatesBeforeFailure = new AtomicLong(-1);

  CountingDynamoDbClient(DynamoDbClient delegate) {
    this.delegate = delegate;
  }

  /**
   * Write requests (PutItem, UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems) so far.
   */
  long writes() {
    return writes.get();
  }

  /** Query requests so far. */
  long queries() {
    return queries.get();
  }

  /** BatchGetItem requests so far. */
  long batchGets() {
    return batchGets.get();
  }

  /** GetItem requests so far. */
  long reads() {
    return reads.get();
  }

  /**
   * Runs {@code action} once, right after the next PutItem has returned and before the caller sees
   * the response: a way to slip another request in between two calls of one store operation.
   */
  void afterNextPut(Runnable action) {
    afterNextPut.set(action);
  }

  /**
   * Sends the next request of {@code operation} ("PutItem", "UpdateItem" or "DeleteItem") twice and
   * answers with the second outcome: what the SDK does when the answer to an attempt that DynamoDB
   * applied is lost (a timeout) and it retries.
   */
  void sendNextTwice(String operation) {
    sendTwice.set(operation);
  }

  /**
   * Lets {@code passing} more UpdateItems through, then fails the next one with the SDK's exception
   * for an unreachable endpoint, without sending it: a connection lost half-way through a save that
   * is split into several writes.
   */
  void failUpdateAfter(long passing) {
    updatesBeforeFailure.set(passing);
  }

  /** Forgets the hooks that have not run yet. */
  void clearHooks() {
    afterNextPut.set(null);
    sendTwice.set(null);
    updatesBeforeFailure.set(-1);
  }

  private <T> T send(String operation, java.util.function.Supplier<T> call) {
    if (sendTwice.compareAndSet(operation, null)) {
      writes.incrementAndGet();
      // The first answer is the one that gets lost.
      var unused = call.get();
    }
    return call.get();
  }

  @Override
  public GetItemResponse getItem(GetItemRequest request) {
    reads.incrementAndGet();
    return delegate.getItem(request);
  }

  @Override
  public TransactGetItemsResponse transactGetItems(TransactGetItemsRequest request) {
    return delegate.transactGetItems(request);
  }

  @Override
  public QueryResponse query(QueryRequest request) {
    queries.incrementAndGet();
    return delegate.query(request);
  }

  @Override
  public software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse batchGetItem(
      software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest request) {
    batchGets.incrementAndGet();
    return delegate.batchGetItem(request);
  }

  @Override
  public PutItemResponse putItem(PutItemRequest request) {
    writes.incrementAndGet();
    PutItemResponse response = send("PutItem", () -> delegate.putItem(request));
    Runnable action = afterNextPut.getAndSet(null);
    if (action != null) {
      action.run();
    }
    return response;
  }

  @Override
  public UpdateItemResponse updateItem(UpdateItemRequest request) {
    if (updatesBeforeFailure.get() >= 0 && updatesBeforeFailure.getAndDecrement() == 0) {
      throw software.amazon.awssdk.core.exception.SdkClientException.create(
          "Unable to execute HTTP request: Connection refused (injected by the test)");
    }
    writes.incrementAndGet();
    return send("UpdateItem", () -> delegate.updateItem(request));
  }

  @Override
  public DeleteItemResponse deleteItem(DeleteItemRequest request) {
    writes.incrementAndGet();
    return send("DeleteItem", () -> delegate.deleteItem(request));
  }

  @Override
  public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
    writes.incrementAndGet();
    return delegate.batchWriteItem(request);
  }

  @Override
  public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
    writes.incrementAndGet();
    return delegate.transactWriteItems(request);
  }

  @Override
  public String serviceName() {
    return delegate.serviceName();
  }

  /** Does not close the delegate: its owner does. */
  @Override
  public void close() {}
}
