package io.github.dysession.store.dynamodb;

import io.github.dysession.config.DynamoDbSettings;
import io.github.dysession.config.DysessionSettings;
import io.github.dysession.store.DuplicateSessionIdException;
import io.github.dysession.store.ExpiredSessions;
import io.github.dysession.store.LoggedInSession;
import io.github.dysession.store.OperationsListener;
import io.github.dysession.store.PartialSaveException;
import io.github.dysession.store.SaveOutcome;
import io.github.dysession.store.SessionChanges;
import io.github.dysession.store.SessionData;
import io.github.dysession.store.SessionStore;
import io.github.dysession.store.SessionTooLargeException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
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

  private static final int CHANGE_ID_ATTEMPTS = 5;
  // Versions are never negative: this marks a write without a base.
  private static final long UNCHECKED = -1;

  private final DynamoDbClient client;
  private final DynamoDbSettings settings;
  private final Clock clock;
  private final SessionItem items;
  private final DynamoDbErrors errors;
  private final CallerSessions callers;
  private final ExpiryIndex expiry;
  private final OperationsListener operations;

  /** Creates a store on the given client; the caller keeps ownership of the client. */
  public DynamoDbSessionStore(DynamoDbClient client, DynamoDbSettings settings) {
    this(client, settings, Clock.systemUTC());
  }

  /** Creates a store on the given client with a clock for expiry decisions. */
  public DynamoDbSessionStore(DynamoDbClient client, DynamoDbSettings settings, Clock clock) {
    this(client, settings, clock, OperationsListener.NONE);
  }

  /**
   * Creates a store on the given client with a clock for expiry decisions, reporting the conflicts
   * it re-applies to {@code operations}.
   */
  public DynamoDbSessionStore(
      DynamoDbClient client,
      DynamoDbSettings settings,
      Clock clock,
      OperationsListener operations) {
    this.operations = Objects.requireNonNull(operations, "operations");
    this.client = Objects.requireNonNull(client, "client");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.items = new SessionItem(settings);
    this.errors = new DynamoDbErrors(settings);
    this.callers = new CallerSessions(client, settings, items, errors, clock);
    this.expiry = new ExpiryIndex(client, settings, items, errors, clock);
  }

  /**
   * Lists with one Query of the index of expiry times ({@value SessionItem#EXPIRY_INDEX}) per
   * minute that ended since {@code from}.
   */
  @Override
  public ExpiredSessions expired(Instant from, Instant until, int max) {
    return expiry.expired(
        Objects.requireNonNull(from, "from"), Objects.requireNonNull(until, "until"), max);
  }

  /** Claims with one conditional DeleteItem (the TTL has passed). */
  @Override
  public Optional<SessionData> claimExpired(String id) {
    return expiry.claim(Objects.requireNonNull(id, "id"));
  }

  /** Lists with one Query of the index of logged-in sessions ({@value SessionItem#USER_INDEX}). */
  @Override
  public List<LoggedInSession> loggedIn(String caller) {
    return callers.loggedIn(Objects.requireNonNull(caller, "caller"));
  }

  /** Ends with one conditional DeleteItem that returns the item as it was. */
  @Override
  public Optional<SessionData> endLoggedIn(String id, String caller) {
    return callers.endLoggedIn(id, Objects.requireNonNull(caller, "caller"));
  }

  /**
   * Admits with a consistent GetItem of the caller's admission record, one Query of the index, one
   * consistent BatchGetItem of the sessions found and a conditional PutItem of the record.
   */
  @Override
  public List<LoggedInSession> admitLogin(
      String caller, String id, int maxSessions, boolean endOldest) {
    return callers.admitLogin(Objects.requireNonNull(caller, "caller"), id, maxSessions, endOldest);
  }

  /** With one conditional UpdateItem of the caller's admission record. */
  @Override
  public void loginWritten(String caller, String id) {
    callers.loginWritten(Objects.requireNonNull(caller, "caller"), id);
  }

  @Override
  public Optional<SessionData> load(String id) {
    Map<String, AttributeValue> item = readItem(id, "read a session", settings.consistentReads());
    if (item == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    SessionData session = items.fromItem(id, item, now);
    return session.isExpiredAt(now) ? Optional.empty() : Optional.of(session);
  }

  /** Reads a session's item; null when it is absent or its TTL has passed. */
  private Map<String, AttributeValue> readItem(String id, String action, boolean consistent) {
    GetItemResponse response =
        errors.call(
            action,
            () ->
                client.getItem(
                    b ->
                        b.tableName(settings.tableName())
                            .key(items.key(id))
                            .consistentRead(consistent)
                            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    if (!response.hasItem()
        || response.item().isEmpty()
        || items.ttlPassed(response.item(), clock.instant())) {
      return null;
    }
    return response.item();
  }

  /**
   * Creates a session. Safe to retry: when the SDK retries a PutItem whose first attempt was
   * applied but answered too late, the condition fails on the item that attempt wrote, which is
   * recognised by its write token and taken as success, not as a duplicate id.
   */
  @Override
  public void create(SessionData session) {
    checkSize(session);
    long now = clock.instant().getEpochSecond();
    String token = SessionItem.newWriteToken();
    try {
      errors.call(
          "create a session",
          () ->
              client.putItem(
                  b ->
                      b.tableName(settings.tableName())
                          .item(items.toItem(session, token))
                          // An expired item that DynamoDB has not deleted yet does not hold on to
                          // its id.
                          .conditionExpression("attribute_not_exists(#pk) OR #ttl <= :now")
                          .expressionAttributeNames(
                              Map.of(
                                  "#pk",
                                  settings.partitionKeyName(),
                                  "#ttl",
                                  settings.ttlAttributeName()))
                          .expressionAttributeValues(Map.of(":now", SessionItem.number(now)))
                          .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    } catch (ConditionalCheckFailedException e) {
      Map<String, AttributeValue> existing =
          readItem(session.id(), "check a created session", true);
      if (existing == null || !token.equals(SessionItem.writeToken(existing))) {
        throw new DuplicateSessionIdException(session.id());
      }
    }
  }

  /**
   * Saves a request's changes. A save that changes content records the version its request read
   * ({@code ds_base}) and is conditional on no write based on a newer read having landed before it.
   * Concurrent requests that read the same version never conflict, but an attempt that the SDK
   * timed out, retried and then delivered late, after the next request's save, fails its condition
   * instead of writing old values over new ones. When the condition fails, the item is read again:
   * its write token tells whether an earlier attempt of this very write was applied (its answer
   * lost); otherwise the request's own changes are applied on top of the newer write.
   */
  @Override
  public SaveOutcome save(SessionChanges changes) {
    if (!changes.needsWrite(settings.touchInterval())) {
      return SaveOutcome.skipped(changes.base());
    }
    SessionData result = changes.result();
    if (changes.changesContent()) {
      checkSize(result);
    }
    // A touch alone carries no content, so it needs no such condition: a late one can only move the
    // access time back by the length of its delay.
    Applied applied =
        new Applied(changes.changesContent() ? result.version() : UNCHECKED, result.version());
    List<SessionUpdate> updates = SessionUpdate.split(changes, result, settings, clock.instant());
    for (int i = 0; i < updates.size(); i++) {
      try {
        applied = apply(result, updates.get(i), applied, changes);
      } catch (RuntimeException e) {
        if (i == 0) {
          throw e;
        }
        throw partial(changes, updates, i, applied.version(), e);
      }
      if (applied == null) {
        return SaveOutcome.gone();
      }
    }
    return SaveOutcome.written(changes.result(applied.version()));
  }

  /**
   * The failure of a split save after {@code landed} of its writes: says which attributes were
   * written and which were not, and carries the session as the landed writes left it.
   */
  private static PartialSaveException partial(
      SessionChanges changes,
      List<SessionUpdate> updates,
      int landed,
      long version,
      RuntimeException cause) {
    Map<String, byte[]> attributes = new java.util.LinkedHashMap<>(changes.base().attributes());
    java.util.Set<String> written = new java.util.LinkedHashSet<>();
    java.util.Set<String> notWritten = new java.util.LinkedHashSet<>();
    for (int i = 0; i < updates.size(); i++) {
      SessionUpdate update = updates.get(i);
      (i < landed ? written : notWritten).addAll(update.attributeNames());
      if (i < landed) {
        attributes.keySet().removeAll(update.removedNames());
        for (String name : update.setNames()) {
          attributes.put(name, changes.setAttributes().get(name));
        }
      }
    }
    SessionData base = changes.base();
    // The first write carries the access time, the interval and the login.
    SessionData stored =
        new SessionData(
            base.id(),
            base.creationTime(),
            changes.lastAccessedTime(),
            changes.maxInactiveInterval(),
            version,
            attributes,
            changes.changesLogin() ? changes.login() : base.login());
    return new PartialSaveException(
        "Session "
            + io.github.dysession.store.SessionIds.fingerprint(base.id())
            + ": a save split into "
            + updates.size()
            + " writes failed at write "
            + (landed + 1)
            + "; written: "
            + written
            + ", not written: "
            + notWritten
            + ": "
            + cause.getMessage(),
        stored,
        cause);
  }

  /**
   * Where a save stands after one of its updates: the base for the next update (the version the
   * request's changes are based on, or {@link #UNCHECKED}) and the version the item has after this
   * save's writes so far, as counted (each write adds one) or read back after a conflict. Writes of
   * other requests that land between two reads are not counted, so the version is never higher than
   * the item's.
   */
  private record Applied(long base, long version) {}

  /**
   * Applies one update on top of {@code before}; returns where the save stands afterwards, or null
   * when the session no longer exists.
   */
  private Applied apply(
      SessionData result, SessionUpdate update, Applied before, SessionChanges changes) {
    String token = SessionItem.newWriteToken();
    long base = before.base();
    long known = before.version();
    // Concurrent requests of one session re-apply their changes on top of each other's for at most
    // as long as one DynamoDB call may take.
    long deadline = System.nanoTime() + settings.apiCallTimeout().toNanos();
    boolean repaired = false;
    for (int attempt = 1; ; attempt++) {
      try {
        update(result, update, base, token);
        return new Applied(base, known + 1);
      } catch (ConditionalCheckFailedException e) {
        Map<String, AttributeValue> current =
            readItem(result.id(), "re-read a session after a concurrent write", true);
        if (current == null) {
          return null;
        }
        if (token.equals(SessionItem.writeToken(current))) {
          // An earlier attempt of this write was applied; its answer was lost.
          return new Applied(base, SessionItem.version(current));
        }
        if (base == UNCHECKED) {
          // Not a conflict: the item existed but had expired meanwhile.
          return null;
        }
        if (System.nanoTime() - deadline > 0) {
          throw new io.github.dysession.store.SessionStoreException(
              "Session "
                  + io.github.dysession.store.SessionIds.fingerprint(result.id())
                  + " was written by other "
                  + "requests on each of "
                  + attempt
                  + " attempts to save "
                  + changes.setAttributes().keySet()
                  + " within dysession.api-call-timeout-ms; the changes were not saved, retry the"
                  + " request");
        }
        // A request that read a newer version wrote in between: apply this request's changes on
        // top of what is stored now.
        base = SessionItem.version(current);
        known = base;
        operations.conflictReapplied();
        pauseAfterConflict(attempt);
      } catch (DynamoDbRefusedException e) {
        // Why DynamoDB refused is read off the item, not off the message.
        Map<String, AttributeValue> current =
            readItem(result.id(), "re-read a refused session", true);
        if (current == null) {
          return null;
        }
        if (!repaired && !SessionItem.hasAttributeMap(current)) {
          // The item lacks its attribute map (written by something else): create it, then retry.
          repaired = true;
          addAttributeMap(result.id());
          continue;
        }
        long size =
            items.size(withChanges(items.fromItem(result.id(), current, clock.instant()), changes));
        if (size > DysessionSettings.DYNAMODB_ITEM_LIMIT) {
          // Another request grew the session meanwhile, past DynamoDB's item limit.
          throw new SessionTooLargeException(
              result.id(),
              size,
              settings.maxSessionBytes(),
              SessionItem.largest(changes.setAttributes()));
        }
        throw e;
      }
    }
  }

  /** Returns {@code stored} with the request's attribute changes applied, for a size check. */
  private static SessionData withChanges(SessionData stored, SessionChanges changes) {
    Map<String, byte[]> attributes = new java.util.LinkedHashMap<>(stored.attributes());
    attributes.keySet().removeAll(changes.removedAttributes());
    attributes.putAll(changes.setAttributes());
    return new SessionData(
        stored.id(),
        stored.creationTime(),
        changes.lastAccessedTime(),
        changes.maxInactiveInterval(),
        stored.version(),
        attributes,
        changes.login());
  }

  private static void pauseAfterConflict(int attempt) {
    try {
      // Random, so that writers of one session do not collide in step; short, as conflicts are.
      Thread.sleep(
          java.util.concurrent.ThreadLocalRandom.current().nextLong(1L << Math.min(attempt, 5)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new io.github.dysession.store.SessionStoreException(
          "Interrupted while saving a session", e);
    }
  }

  private void update(SessionData result, SessionUpdate update, long base, String token) {
    Map<String, String> names = update.names();
    Map<String, AttributeValue> values = new HashMap<>(update.values());
    values.put(":tok", AttributeValue.fromS(token));
    String condition = "attribute_exists(#pk) AND (attribute_not_exists(#ttl) OR #ttl > :now)";
    String expression = update.expression(null);
    if (base != UNCHECKED) {
      names = new HashMap<>(names);
      names.put("#base", SessionItem.BASE);
      values.put(":base", SessionItem.number(base));
      condition += " AND (attribute_not_exists(#base) OR #base <= :base)";
      expression = update.expression("#base = :base");
    }
    Map<String, String> expressionNames = names;
    String conditionExpression = condition;
    String updateExpression = expression;
    errors.call(
        "save a session",
        () ->
            client.updateItem(
                b ->
                    b.tableName(settings.tableName())
                        .key(items.key(result.id()))
                        .updateExpression(updateExpression)
                        .conditionExpression(conditionExpression)
                        .expressionAttributeNames(expressionNames)
                        .expressionAttributeValues(values)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
  }

  private void addAttributeMap(String id) {
    try {
      errors.call(
          "repair a session item",
          () ->
              client.updateItem(
                  b ->
                      b.tableName(settings.tableName())
                          .key(items.key(id))
                          .updateExpression("SET #attrs = :empty")
                          .conditionExpression(
                              "attribute_exists(#pk) AND NOT attribute_type(#attrs, :m)")
                          .expressionAttributeNames(
                              Map.of(
                                  "#pk",
                                  settings.partitionKeyName(),
                                  "#attrs",
                                  SessionItem.ATTRIBUTES))
                          .expressionAttributeValues(
                              Map.of(
                                  ":empty",
                                  AttributeValue.fromM(Map.of()),
                                  ":m",
                                  AttributeValue.fromS("M")))));
    } catch (ConditionalCheckFailedException e) {
      // Someone else repaired it, or it is gone: the retried update tells which.
    }
  }

  @Override
  public void delete(String id) {
    errors.call(
        "delete a session",
        () ->
            client.deleteItem(
                b ->
                    b.tableName(settings.tableName())
                        .key(items.key(id))
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
  }

  /**
   * Moves a session to a new id: copies it to the new id, marks the old item (on condition of the
   * version copied), then deletes it (on the same condition). A request on the old id that writes
   * meanwhile makes a condition fail, and the newer old item is copied again. An invalidation of
   * the old id before the mark wins over the move; once the mark is set, the move wins, so a delete
   * whose answer was lost (retried by the SDK, then finding no item) is not taken for an
   * invalidation.
   */
  @Override
  public Optional<SessionData> changeId(String oldId, String newId) {
    Optional<SessionData> current = load(oldId);
    if (current.isEmpty()) {
      return Optional.empty();
    }
    SessionData moved = current.get().withId(newId);
    create(moved);
    for (int attempt = 0; attempt < CHANGE_ID_ATTEMPTS; attempt++) {
      Map<String, AttributeValue> copied = Map.of(":ver", SessionItem.number(moved.version()));
      Map<String, String> names =
          Map.of("#ver", SessionItem.VERSION, "#moving", SessionItem.MOVING);
      Map<String, AttributeValue> changed;
      try {
        errors.call(
            "mark an old session id",
            () ->
                client.updateItem(
                    b ->
                        b.tableName(settings.tableName())
                            .key(items.key(oldId))
                            .updateExpression("SET #moving = :true")
                            .conditionExpression("#ver = :ver")
                            .expressionAttributeNames(names)
                            .expressionAttributeValues(
                                Map.of(
                                    ":ver",
                                    copied.get(":ver"),
                                    ":true",
                                    AttributeValue.fromBool(true)))
                            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
        try {
          errors.call(
              "retire an old session id",
              () ->
                  client.deleteItem(
                      b ->
                          b.tableName(settings.tableName())
                              .key(items.key(oldId))
                              .conditionExpression("#ver = :ver")
                              .expressionAttributeNames(Map.of("#ver", SessionItem.VERSION))
                              .expressionAttributeValues(copied)
                              .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
          return Optional.of(moved);
        } catch (ConditionalCheckFailedException e) {
          changed = readItem(oldId, "re-read a session being moved", true);
          if (changed == null) {
            // Deleted after the mark: by this delete's own earlier attempt, or by an invalidation
            // that comes after the move.
            return Optional.of(moved);
          }
        }
      } catch (ConditionalCheckFailedException e) {
        changed = readItem(oldId, "re-read a session being moved", true);
        if (changed == null) {
          // Invalidated before the mark: the invalidation wins over the move.
          delete(newId);
          return Optional.empty();
        }
      }
      // Written meanwhile: copy the newer session to the new id, then try again.
      moved = items.fromItem(oldId, changed, clock.instant()).withId(newId);
      SessionData copy = moved;
      errors.call(
          "copy a session to its new id",
          () ->
              client.putItem(
                  b ->
                      b.tableName(settings.tableName())
                          .item(items.toItem(copy, SessionItem.newWriteToken()))
                          .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    }
    delete(newId);
    throw new io.github.dysession.store.SessionStoreException(
        "Session "
            + io.github.dysession.store.SessionIds.fingerprint(oldId)
            + " changed on every one of "
            + CHANGE_ID_ATTEMPTS
            + " attempts to move it to a new id; the id was not changed, retry the request");
  }

  @Override
  public void checkSize(SessionData session) {
    long size = items.size(session);
    if (size > settings.maxSessionBytes()) {
      throw new SessionTooLargeException(
          session.id(),
          size,
          settings.maxSessionBytes(),
          SessionItem.largest(session.attributes()));
    }
  }
}
