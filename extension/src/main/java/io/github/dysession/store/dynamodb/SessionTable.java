package io.github.dysession.store.dynamodb;

import io.github.dysession.config.DynamoDbSettings;
import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The table one {@link DynamoDbSessionStore} works on, shared by its parts ({@link SessionWrites},
 * {@link CallerSessions}, {@link ExpiryIndex}): the client, the settings, the item layout, the one
 * translation of SDK errors, and the clock that decides expiry. Immutable; the client is the
 * caller's.
 */
record SessionTable(
    DynamoDbClient client,
    DynamoDbSettings settings,
    SessionItem items,
    DynamoDbErrors errors,
    Clock clock) {

  /**
   * Reads a session's item ({@code action} names the read in errors); null when it is absent or its
   * TTL has passed.
   */
  Map<String, AttributeValue> read(String id, String action, boolean consistent) {
    GetItemResponse response = get(action, items.key(id), consistent);
    if (!response.hasItem()
        || response.item().isEmpty()
        || items.ttlPassed(response.item(), clock.instant())) {
      return null;
    }
    return response.item();
  }

  // One GetItem, PutItem, UpdateItem, DeleteItem, Query or BatchGetItem on the table, each asking
  // for its consumed capacity; the action names the call in the errors DynamoDbErrors translates.

  GetItemResponse get(String action, Map<String, AttributeValue> key, boolean consistent) {
    return errors.call(
        action,
        () ->
            client.getItem(
                b ->
                    b.tableName(settings.tableName())
                        .key(key)
                        .consistentRead(consistent)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
  }

  PutItemResponse put(String action, Consumer<PutItemRequest.Builder> request) {
    return errors.call(
        action,
        () ->
            client.putItem(
                b -> {
                  b.tableName(settings.tableName())
                      .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
                  request.accept(b);
                }));
  }

  UpdateItemResponse update(
      String action, Map<String, AttributeValue> key, Consumer<UpdateItemRequest.Builder> request) {
    return errors.call(
        action,
        () ->
            client.updateItem(
                b -> {
                  b.tableName(settings.tableName())
                      .key(key)
                      .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
                  request.accept(b);
                }));
  }

  DeleteItemResponse delete(
      String action, Map<String, AttributeValue> key, Consumer<DeleteItemRequest.Builder> request) {
    return errors.call(
        action,
        () ->
            client.deleteItem(
                b -> {
                  b.tableName(settings.tableName())
                      .key(key)
                      .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
                  request.accept(b);
                }));
  }

  /** A Query of the index {@code index}; one that is missing fails naming {@code missingIndex}. */
  QueryResponse query(
      String action, String index, String missingIndex, Consumer<QueryRequest.Builder> request) {
    return errors.callOnIndex(
        action,
        missingIndex,
        () ->
            client.query(
                b -> {
                  b.tableName(settings.tableName())
                      .indexName(index)
                      .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
                  request.accept(b);
                }));
  }

  BatchGetItemResponse batchGet(String action, Map<String, KeysAndAttributes> requestItems) {
    return errors.call(
        action,
        () ->
            client.batchGetItem(
                b ->
                    b.requestItems(requestItems)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
  }
}
