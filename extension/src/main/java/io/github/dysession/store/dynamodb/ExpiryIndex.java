package io.github.dysession.store.dynamodb;

import io.github.dysession.store.ExpiredSessions;
import io.github.dysession.store.SessionData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The expiry sweep's part of the DynamoDB store: every session item that expires carries {@link
 * SessionItem#EXPIRY}, the key prefix and the minute its TTL falls in, written with the TTL itself;
 * the sparse, keys-only index {@value SessionItem#EXPIRY_INDEX} is keyed by it alone, so that a
 * save that moves the TTL within the same minute writes nothing to the index. A pass queries each
 * minute that has ended since its start (one Query per minute, more only past 1 MB or {@code max});
 * a session is claimed by a DeleteItem on condition that its TTL has passed, so a session touched
 * since stays, and of several instances claiming it only one gets it back.
 */
final class ExpiryIndex {

  private final SessionTable table;

  ExpiryIndex(SessionTable table) {
    this.table = table;
  }

  /** Lists the sessions of the minutes that ended from {@code from} up to {@code until}. */
  ExpiredSessions expired(Instant from, Instant until, int max) {
    long bucket = Math.floorDiv(from.getEpochSecond(), SessionItem.EXPIRY_BUCKET_SECONDS);
    // A minute has ended when until is at or after its end: only whole minutes are listed.
    long ended = Math.floorDiv(until.getEpochSecond(), SessionItem.EXPIRY_BUCKET_SECONDS);
    List<String> ids = new ArrayList<>();
    for (; bucket < ended; bucket++) {
      Map<String, AttributeValue> start = null;
      do {
        if (ids.size() >= max) {
          // This minute is not listed whole: the next pass lists it again.
          return new ExpiredSessions(ids, startOf(bucket));
        }
        QueryResponse page = query(bucket, start, max - ids.size());
        for (Map<String, AttributeValue> entry : page.items()) {
          String id = table.items().idOf(entry);
          if (id != null) {
            ids.add(id);
          }
        }
        start =
            page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                ? page.lastEvaluatedKey()
                : null;
      } while (start != null);
    }
    Instant listed = startOf(ended);
    return new ExpiredSessions(ids, listed.isBefore(from) ? from : listed);
  }

  private static Instant startOf(long bucket) {
    return Instant.ofEpochSecond(bucket * SessionItem.EXPIRY_BUCKET_SECONDS);
  }

  private QueryResponse query(long bucket, Map<String, AttributeValue> start, int limit) {
    AttributeValue value = table.items().expiryBucket(bucket * SessionItem.EXPIRY_BUCKET_SECONDS);
    return table.query(
        "list expired sessions",
        SessionItem.EXPIRY_INDEX,
        missingIndex(),
        b ->
            b.keyConditionExpression("#exp = :exp")
                .expressionAttributeNames(Map.of("#exp", SessionItem.EXPIRY))
                .expressionAttributeValues(Map.of(":exp", value))
                .limit(limit)
                .exclusiveStartKey(start));
  }

  /** The message of the sweep on a table without its index. */
  String missingIndex() {
    return "table '"
        + table.settings().tableName()
        + "' has no index '"
        + SessionItem.EXPIRY_INDEX
        + "' of expiry times, which the expiry sweep needs (sessions still expire, without their"
        + " end callbacks, and DynamoDB's TTL deletes them); add it with the dysession CLI's init"
        + " command (it keeps the table and its sessions)";
  }

  /** Deletes the session if its TTL has passed; returns it as it was. */
  Optional<SessionData> claim(String id) {
    Instant now = table.clock().instant();
    DeleteItemResponse response;
    try {
      response =
          table.delete(
              "claim an expired session",
              table.items().key(id),
              b ->
                  b.conditionExpression("#ttl <= :now")
                      .expressionAttributeNames(Map.of("#ttl", table.settings().ttlAttributeName()))
                      .expressionAttributeValues(
                          Map.of(":now", SessionItem.number(now.getEpochSecond())))
                      .returnValues(ReturnValue.ALL_OLD));
    } catch (ConditionalCheckFailedException e) {
      // Claimed by another instance, deleted, or touched since it was listed.
      return Optional.empty();
    }
    if (!response.hasAttributes() || response.attributes().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(table.items().fromItem(id, response.attributes(), now));
  }
}
