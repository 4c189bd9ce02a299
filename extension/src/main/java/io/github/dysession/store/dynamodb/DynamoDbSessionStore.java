package io.github.dysession.store.dynamodb;

import io.github.dysession.config.DysessionSettings;
import io.github.dysession.store.DuplicateSessionIdException;
import io.github.dysession.store.SessionChanges;
import io.github.dysession.store.SessionData;
import io.github.dysession.store.SessionStore;
import io.github.dysession.store.SessionTooLargeException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * Stores sessions in a DynamoDB table, one item per session.
 *
 * <p>Reads are consistent unless configured otherwise and treat an item whose TTL has passed as
 * absent, since DynamoDB deletes expired items only eventually. A save is one UpdateItem that sets
 * and removes only the attributes the request changed, conditional on the item still existing and
 * not having expired, so concurrent requests never lose each other's changes and an invalidated
 * session is never brought back.
 */
public final class DynamoDbSessionStore implements SessionStore {

  // DynamoDB limits an update expression to 4 KB; larger change sets are split.
  private static final int MAX_EXPRESSION_CHARS = 3500;
  private static final int CHANGE_ID_ATTEMPTS = 5;

  private final DynamoDbClient client;
  private final DysessionSettings settings;
  private final Clock clock;
  private final SessionItem items;
  private final DynamoDbErrors errors;

  /** Creates a store on the given client; the caller keeps ownership of the client. */
  public DynamoDbSessionStore(DynamoDbClient client, DysessionSettings settings) {
    this(client, settings, Clock.systemUTC());
  }

  /** Creates a store on the given client with a clock for expiry decisions. */
  public DynamoDbSessionStore(DynamoDbClient client, DysessionSettings settings, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.items = new SessionItem(settings);
    this.errors = new DynamoDbErrors(settings);
  }

  @Override
  public Optional<SessionData> load(String id) {
    GetItemResponse response = call("read a session", () -> client.getItem(b -> b
        .tableName(settings.tableName())
        .key(items.key(id))
        .consistentRead(settings.consistentReads())
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    if (!response.hasItem() || response.item().isEmpty()) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Map<String, AttributeValue> item = response.item();
    if (items.ttlPassed(item, now)) {
      return Optional.empty();
    }
    SessionData session = items.fromItem(id, item, now);
    return session.isExpiredAt(now) ? Optional.empty() : Optional.of(session);
  }

  @Override
  public void create(SessionData session) {
    checkSize(session);
    long now = clock.instant().getEpochSecond();
    try {
      call("create a session", () -> client.putItem(b -> b
          .tableName(settings.tableName())
          .item(items.toItem(session))
          // An expired item that DynamoDB has not deleted yet does not hold on to its id.
          .conditionExpression("attribute_not_exists(#pk) OR #ttl <= :now")
          .expressionAttributeNames(Map.of("#pk", settings.partitionKeyName(),
              "#ttl", settings.ttlAttributeName()))
          .expressionAttributeValues(Map.of(":now", SessionItem.number(now)))
          .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    } catch (ConditionalCheckFailedException e) {
      throw new DuplicateSessionIdException(session.id());
    }
  }

  @Override
  public SaveResult save(SessionChanges changes) {
    if (!changes.needsWrite(settings.touchInterval())) {
      return SaveResult.SKIPPED;
    }
    SessionData result = changes.result();
    if (changes.changesContent()) {
      checkSize(result);
    }
    List<Update> updates = updatesFor(changes, result);
    for (Update update : updates) {
      try {
        update(result, update);
      } catch (ConditionalCheckFailedException e) {
        return SaveResult.GONE;
      } catch (DynamoDbException e) {
        if (!DynamoDbErrors.isValidation(e)) {
          throw e;
        }
        if (DynamoDbErrors.message(e).contains("document path")) {
          // The item lacks its attribute map (written by something else): create it, then retry.
          try {
            addAttributeMap(result.id());
            update(result, update);
          } catch (ConditionalCheckFailedException gone) {
            return SaveResult.GONE;
          }
        } else if (DynamoDbErrors.message(e).toLowerCase(java.util.Locale.ROOT).contains("size")) {
          // Another request grew the session meanwhile, past DynamoDB's item limit.
          throw new SessionTooLargeException(result.id(), Math.max(items.size(result),
              DysessionSettings.DYNAMODB_ITEM_LIMIT + 1L), settings.maxSessionBytes(),
              SessionItem.largest(changes.setAttributes()));
        } else {
          throw new io.github.dysession.store.SessionStoreException("Could not save a session: "
              + "DynamoDB refused the update: " + DynamoDbErrors.message(e), e);
        }
      }
    }
    return SaveResult.WRITTEN;
  }

  private void update(SessionData result, Update update) {
    errors.call("save a session", () -> client.updateItem(b -> b
        .tableName(settings.tableName())
        .key(items.key(result.id()))
        .updateExpression(update.expression())
        .conditionExpression("attribute_exists(#pk) AND (attribute_not_exists(#ttl) OR #ttl > :now)")
        .expressionAttributeNames(update.names)
        .expressionAttributeValues(update.values)
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
  }

  private void addAttributeMap(String id) {
    try {
      call("repair a session item", () -> client.updateItem(b -> b
          .tableName(settings.tableName())
          .key(items.key(id))
          .updateExpression("SET #attrs = :empty")
          .conditionExpression("attribute_exists(#pk) AND NOT attribute_type(#attrs, :m)")
          .expressionAttributeNames(Map.of("#pk", settings.partitionKeyName(),
              "#attrs", SessionItem.ATTRIBUTES))
          .expressionAttributeValues(Map.of(":empty", AttributeValue.fromM(Map.of()),
              ":m", AttributeValue.fromS("M")))));
    } catch (ConditionalCheckFailedException e) {
      // Someone else repaired it, or it is gone: the retried update tells which.
    }
  }

  /** Runs a call whose refusal by DynamoDB (a ValidationException) is a store failure too. */
  private <T> T call(String action, java.util.function.Supplier<T> call) {
    try {
      return errors.call(action, call);
    } catch (ConditionalCheckFailedException e) {
      throw e;
    } catch (DynamoDbException e) {
      throw new io.github.dysession.store.SessionStoreException("Could not " + action
          + ": DynamoDB refused the request: " + DynamoDbErrors.message(e), e);
    }
  }

  @Override
  public void delete(String id) {
    call("delete a session", () -> client.deleteItem(b -> b
        .tableName(settings.tableName())
        .key(items.key(id))
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
  }

  @Override
  public Optional<SessionData> changeId(String oldId, String newId) {
    Optional<SessionData> current = load(oldId);
    if (current.isEmpty()) {
      return Optional.empty();
    }
    SessionData moved = current.get().withId(newId);
    create(moved);
    // A request on the old id may write between our read and the delete: the delete is
    // conditional on the version we copied, and a newer old item is copied again.
    for (int attempt = 0; attempt < CHANGE_ID_ATTEMPTS; attempt++) {
      long copiedVersion = current.get().version();
      try {
        call("retire an old session id", () -> client.deleteItem(b -> b
            .tableName(settings.tableName())
            .key(items.key(oldId))
            .conditionExpression("#ver = :ver")
            .expressionAttributeNames(Map.of("#ver", SessionItem.VERSION))
            .expressionAttributeValues(Map.of(":ver", SessionItem.number(copiedVersion)))
            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
        return Optional.of(moved);
      } catch (ConditionalCheckFailedException e) {
        current = load(oldId);
        if (current.isEmpty()) {
          // Invalidated meanwhile: the invalidation wins over the move.
          delete(newId);
          return Optional.empty();
        }
        moved = current.get().withId(newId);
        SessionData copy = moved;
        call("copy a session to its new id", () -> client.putItem(b -> b
            .tableName(settings.tableName())
            .item(items.toItem(copy))
            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
      }
    }
    delete(newId);
    throw new io.github.dysession.store.SessionStoreException("Session "
        + io.github.dysession.store.SessionIds.fingerprint(oldId) + " changed on every one of "
        + CHANGE_ID_ATTEMPTS + " attempts to move it to a new id; the id was not changed, retry the request");
  }

  @Override
  public void checkSize(SessionData session) {
    long size = items.size(session);
    if (size > settings.maxSessionBytes()) {
      throw new SessionTooLargeException(session.id(), size, settings.maxSessionBytes(),
          SessionItem.largest(session.attributes()));
    }
  }

  /** Builds the update expressions: the touch and as many attribute changes as fit in each. */
  private List<Update> updatesFor(SessionChanges changes, SessionData result) {
    List<Update> updates = new ArrayList<>();
    Update current = new Update(clock.instant());
    current.touch(result);
    for (Map.Entry<String, byte[]> e : changes.setAttributes().entrySet()) {
      if (current.length() > MAX_EXPRESSION_CHARS) {
        updates.add(current);
        current = new Update(clock.instant());
      }
      current.setAttribute(e.getKey(), e.getValue());
    }
    for (String name : changes.removedAttributes()) {
      if (current.length() > MAX_EXPRESSION_CHARS) {
        updates.add(current);
        current = new Update(clock.instant());
      }
      current.removeAttribute(name);
    }
    updates.add(current);
    return updates;
  }

  /** One UpdateItem: SET, REMOVE and ADD clauses with their placeholders. */
  private final class Update {
    private final List<String> sets = new ArrayList<>();
    private final List<String> removes = new ArrayList<>();
    private final Map<String, String> names = new HashMap<>();
    private final Map<String, AttributeValue> values = new HashMap<>();
    private int counter;

    Update(Instant now) {
      names.put("#pk", settings.partitionKeyName());
      names.put("#ttl", settings.ttlAttributeName());
      values.put(":now", SessionItem.number(now.getEpochSecond()));
    }

    void touch(SessionData result) {
      names.put("#acc", SessionItem.ACCESSED);
      names.put("#mi", SessionItem.MAX_INACTIVE);
      names.put("#ver", SessionItem.VERSION);
      values.put(":acc", SessionItem.number(result.lastAccessedTime().toEpochMilli()));
      values.put(":mi", SessionItem.number(result.maxInactiveInterval().toSeconds()));
      values.put(":one", SessionItem.number(1));
      sets.add("#acc = :acc");
      sets.add("#mi = :mi");
      Long ttl = SessionItem.ttlSeconds(result);
      if (ttl == null) {
        removes.add("#ttl");
      } else {
        values.put(":ttlv", SessionItem.number(ttl));
        sets.add("#ttl = :ttlv");
      }
    }

    void setAttribute(String name, byte[] bytes) {
      String n = "#a" + counter;
      String v = ":v" + counter++;
      names.put(n, name);
      names.put("#attrs", SessionItem.ATTRIBUTES);
      values.put(v, SessionItem.binary(bytes));
      sets.add("#attrs." + n + " = " + v);
    }

    void removeAttribute(String name) {
      String n = "#a" + counter++;
      names.put(n, name);
      names.put("#attrs", SessionItem.ATTRIBUTES);
      removes.add("#attrs." + n);
    }

    int length() {
      return sets.size() * 20 + removes.size() * 12;
    }

    String expression() {
      StringBuilder sb = new StringBuilder();
      if (!sets.isEmpty()) {
        sb.append("SET ").append(String.join(", ", sets));
      }
      if (!removes.isEmpty()) {
        sb.append(" REMOVE ").append(String.join(", ", removes));
      }
      if (values.containsKey(":one")) {
        sb.append(" ADD #ver :one");
      }
      return sb.toString().trim();
    }
  }
}
