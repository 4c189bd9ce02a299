package io.github.dysession.store.dynamodb;

import io.github.dysession.store.LoggedInSession;
import io.github.dysession.store.LoginLimitException;
import io.github.dysession.store.SessionData;
import io.github.dysession.store.SessionStore;
import io.github.dysession.store.SessionStoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The sessions of one caller: listed with one Query of the sparse index {@value
 * SessionItem#USER_INDEX} (only logged-in session items carry its key {@code ds_user}, so an entry
 * lives and dies with its session's item), ended with one conditional DeleteItem each, and limited
 * per caller through a small admission record.
 *
 * <p>The admission record of a caller (partition key: prefix, {@code user#} and the caller; sort
 * key {@code USER#} and the prefix) lists the sessions admitted to logins lately. It is written
 * conditionally on the version read, so concurrent logins of one caller on several instances are
 * admitted one after the other, each counting the others: the live sessions the index lists and the
 * record names (each checked with a consistent read of its item), and the logins admitted less than
 * {@link SessionStore#ADMISSION_GRACE} ago whose session is not written yet.
 */
final class CallerSessions {

  private static final String RECORD_SORT_PREFIX = "USER#";
  private static final String RECORD_KEY_INFIX = "user#";
  private static final String SLOTS = "ds_slots";
  private static final Duration RECORD_LIFETIME = Duration.ofHours(1);
  private static final int ADMIT_ATTEMPTS = 12;
  private static final int BATCH_GET_LIMIT = 100;

  /**
   * The admission time a slot gets once its login is written: never within the grace, so the slot
   * counts only while its session is live (its item is still read consistently at each admission,
   * which the eventually consistent index might not list yet).
   */
  private static final long WRITTEN = 0;

  private final SessionTable table;

  CallerSessions(SessionTable table) {
    this.table = table;
  }

  /** Lists the caller's live sessions: one Query of the index (more only past 1 MB of entries). */
  List<LoggedInSession> loggedIn(String caller) {
    Instant now = table.clock().instant();
    List<LoggedInSession> found = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      QueryResponse page = queryIndex(caller, start);
      for (Map<String, AttributeValue> entry : page.items()) {
        SessionData session = liveSessionOf(entry, caller, now);
        if (session != null) {
          found.add(LoggedInSession.of(session));
        }
      }
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
    return found;
  }

  private QueryResponse queryIndex(String caller, Map<String, AttributeValue> start) {
    return table.query(
        "list the sessions of a caller",
        SessionItem.USER_INDEX,
        missingIndex(),
        b ->
            b.keyConditionExpression("#user = :user")
                .expressionAttributeNames(Map.of("#user", SessionItem.USER))
                .expressionAttributeValues(Map.of(":user", table.items().user(caller)))
                .exclusiveStartKey(start));
  }

  /** The message of a feature that needs the index on a table without it. */
  String missingIndex() {
    return "table '"
        + table.settings().tableName()
        + "' has no index '"
        + SessionItem.USER_INDEX
        + "' of logged-in sessions, which listing, ending and limiting a user's sessions need; "
        + "add it with the dysession CLI's init command (it keeps the table and its sessions)";
  }

  /**
   * Returns the session an item or index entry holds when it is this application's, live and logged
   * in as {@code caller}; otherwise null.
   */
  private SessionData liveSessionOf(Map<String, AttributeValue> item, String caller, Instant now) {
    String id = table.items().idOf(item);
    if (id == null || table.items().ttlPassed(item, now)) {
      return null;
    }
    SessionData session = table.items().fromItem(id, item, now);
    if (session.isExpiredAt(now)
        || session.login() == null
        || !session.login().caller().equals(caller)) {
      return null;
    }
    return session;
  }

  /** Deletes the session when it is logged in as the caller; returns it as it was. */
  Optional<SessionData> endLoggedIn(String id, String caller) {
    DeleteItemResponse response;
    try {
      response =
          table.delete(
              "end a session of a caller",
              table.items().key(id),
              b ->
                  b.conditionExpression("#user = :user")
                      .expressionAttributeNames(Map.of("#user", SessionItem.USER))
                      .expressionAttributeValues(Map.of(":user", table.items().user(caller)))
                      .returnValues(ReturnValue.ALL_OLD));
    } catch (ConditionalCheckFailedException e) {
      // Gone already, logged out, or another caller's: nothing of this caller's to end.
      return Optional.empty();
    }
    if (!response.hasAttributes() || response.attributes().isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(
        liveSessionOf(response.attributes(), caller, table.clock().instant()));
  }

  /** Admits a login under the per-caller limit (see the class comment). */
  List<LoggedInSession> admitLogin(String caller, String id, int maxSessions, boolean endOldest) {
    for (int attempt = 0; attempt < ADMIT_ATTEMPTS; attempt++) {
      Instant now = table.clock().instant();
      Map<String, AttributeValue> record = readRecord(caller, now);
      Map<String, Instant> slots = slots(record);
      Set<String> candidates = new LinkedHashSet<>(slots.keySet());
      for (LoggedInSession listed : loggedIn(caller)) {
        candidates.add(listed.id());
      }
      candidates.remove(id);
      Map<String, SessionData> live = readLive(candidates, caller, now);
      Map<String, Instant> pending = new LinkedHashMap<>();
      slots.forEach(
          (slot, admitted) -> {
            if (!slot.equals(id)
                && !live.containsKey(slot)
                && admitted.isAfter(now.minus(SessionStore.ADMISSION_GRACE))) {
              pending.put(slot, admitted);
            }
          });
      int count = live.size() + pending.size();
      List<LoggedInSession> toEnd = new ArrayList<>();
      if (count >= maxSessions) {
        if (!endOldest) {
          throw new LoginLimitException(count, maxSessions);
        }
        List<LoggedInSession> oldest = new ArrayList<>();
        live.values().forEach(s -> oldest.add(LoggedInSession.of(s)));
        oldest.sort(LoggedInSession.OLDEST_LOGIN_FIRST);
        int excess = count - maxSessions + 1;
        if (excess > oldest.size() && attempt < ADMIT_ATTEMPTS - 1) {
          // Logins admitted a moment ago are not written yet, so they cannot be ended: wait for
          // them.
          pause(attempt);
          continue;
        }
        toEnd.addAll(oldest.subList(0, Math.min(excess, oldest.size())));
      }
      Map<String, AttributeValue> kept = new HashMap<>();
      live.forEach(
          (slot, session) -> {
            if (toEnd.stream().noneMatch(e -> e.id().equals(slot))) {
              // Written: it counts while it is live, never as pending once logged out or moved.
              kept.put(slot, SessionItem.number(WRITTEN));
            }
          });
      pending.forEach(
          (slot, admitted) -> kept.put(slot, SessionItem.number(admitted.toEpochMilli())));
      kept.put(id, SessionItem.number(now.toEpochMilli()));
      if (writeRecord(caller, record, kept, now)) {
        return toEnd;
      }
      pause(attempt);
    }
    throw new SessionStoreException(
        "Logins of one caller kept conflicting on "
            + ADMIT_ATTEMPTS
            + " attempts to admit this one; the login was not admitted, retry it");
  }

  /**
   * Marks the slot of {@code id} as written (see {@link #WRITTEN}); a record or slot gone is fine.
   */
  void loginWritten(String caller, String id) {
    try {
      table.update(
          "mark a login of a caller as written",
          recordKey(caller),
          // The version moves, so an admission that read the record before writes nothing over
          // this.
          b ->
              b.updateExpression("SET #slots.#id = :written ADD #ver :one")
                  .conditionExpression("attribute_exists(#slots.#id)")
                  .expressionAttributeNames(
                      Map.of("#slots", SLOTS, "#id", id, "#ver", SessionItem.VERSION))
                  .expressionAttributeValues(
                      Map.of(
                          ":written", SessionItem.number(WRITTEN), ":one", SessionItem.number(1))));
    } catch (ConditionalCheckFailedException e) {
      // The record expired or a later admission dropped the slot: nothing counts as pending.
    }
  }

  private Map<String, AttributeValue> recordKey(String caller) {
    Map<String, AttributeValue> key = new HashMap<>(4);
    key.put(
        table.settings().partitionKeyName(),
        AttributeValue.fromS(table.settings().keyPrefix() + RECORD_KEY_INFIX + caller));
    key.put(
        table.settings().sortKeyName(),
        AttributeValue.fromS(RECORD_SORT_PREFIX + table.settings().keyPrefix()));
    return key;
  }

  private Map<String, AttributeValue> readRecord(String caller, Instant now) {
    GetItemResponse response =
        table.get("read the login admissions of a caller", recordKey(caller), true);
    if (!response.hasItem()
        || response.item().isEmpty()
        || table.items().ttlPassed(response.item(), now)) {
      return null;
    }
    return response.item();
  }

  private static Map<String, Instant> slots(Map<String, AttributeValue> record) {
    Map<String, Instant> slots = new LinkedHashMap<>();
    AttributeValue value = record == null ? null : record.get(SLOTS);
    if (value != null && value.hasM()) {
      value
          .m()
          .forEach(
              (slot, at) -> {
                if (at.n() != null) {
                  try {
                    slots.put(slot, Instant.ofEpochMilli(Long.parseLong(at.n())));
                  } catch (NumberFormatException e) {
                    // A malformed entry counts for nothing; the next admission drops it.
                  }
                }
              });
    }
    return slots;
  }

  /**
   * Reads the candidates' items with consistent reads (BatchGetItem, 100 keys a call) and returns
   * those that are live and logged in as the caller.
   */
  private Map<String, SessionData> readLive(Set<String> ids, String caller, Instant now) {
    Map<String, SessionData> live = new LinkedHashMap<>();
    List<String> all = new ArrayList<>(ids);
    for (int from = 0; from < all.size(); from += BATCH_GET_LIMIT) {
      List<Map<String, AttributeValue>> keys = new ArrayList<>();
      for (String id : all.subList(from, Math.min(all.size(), from + BATCH_GET_LIMIT))) {
        keys.add(table.items().key(id));
      }
      Map<String, KeysAndAttributes> request =
          Map.of(
              table.settings().tableName(),
              KeysAndAttributes.builder()
                  .keys(keys)
                  .consistentRead(true)
                  .projectionExpression("#pk, #ttl, #acc, #cr, #mi, #login")
                  .expressionAttributeNames(
                      Map.of(
                          "#pk", table.settings().partitionKeyName(),
                          "#ttl", table.settings().ttlAttributeName(),
                          "#acc", SessionItem.ACCESSED,
                          "#cr", SessionItem.CREATED,
                          "#mi", SessionItem.MAX_INACTIVE,
                          "#login", SessionItem.LOGIN))
                  .build());
      for (int round = 0; request != null && !request.isEmpty(); round++) {
        if (round > 0) {
          pause(round);
        }
        Map<String, KeysAndAttributes> ask = request;
        BatchGetItemResponse response = table.batchGet("check the sessions of a caller", ask);
        for (Map<String, AttributeValue> item :
            response.responses().getOrDefault(table.settings().tableName(), List.of())) {
          SessionData session = liveSessionOf(item, caller, now);
          if (session != null) {
            live.put(session.id(), session);
          }
        }
        request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : null;
        if (round > ADMIT_ATTEMPTS) {
          throw new SessionStoreException(
              "DynamoDB left keys of a caller's sessions unprocessed on "
                  + round
                  + " rounds; retry the login");
        }
      }
    }
    return live;
  }

  private boolean writeRecord(
      String caller,
      Map<String, AttributeValue> before,
      Map<String, AttributeValue> slots,
      Instant now) {
    Map<String, AttributeValue> record = recordKey(caller);
    long version = before == null ? 0 : SessionItem.version(before);
    record.put(SessionItem.VERSION, SessionItem.number(version + 1));
    record.put(SLOTS, AttributeValue.fromM(slots));
    record.put(
        table.settings().ttlAttributeName(),
        SessionItem.number(now.plus(RECORD_LIFETIME).getEpochSecond()));
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    String condition;
    if (before == null) {
      // Absent, or expired and not yet deleted by DynamoDB.
      condition = "attribute_not_exists(#pk) OR #ttl <= :now";
      names.put("#pk", table.settings().partitionKeyName());
      names.put("#ttl", table.settings().ttlAttributeName());
      values.put(":now", SessionItem.number(now.getEpochSecond()));
    } else {
      condition = "#ver = :ver";
      names.put("#ver", SessionItem.VERSION);
      values.put(":ver", SessionItem.number(version));
    }
    try {
      table.put(
          "admit a login of a caller",
          b ->
              b.item(record)
                  .conditionExpression(condition)
                  .expressionAttributeNames(names)
                  .expressionAttributeValues(values));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  private static void pause(int attempt) {
    long millis =
        java.util.concurrent.ThreadLocalRandom.current().nextLong(5, 20L << Math.min(attempt, 4));
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SessionStoreException("Interrupted while admitting a login", e);
    }
  }
}
