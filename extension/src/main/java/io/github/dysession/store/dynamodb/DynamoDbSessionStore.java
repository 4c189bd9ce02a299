package io.github.dysession.store.dynamodb;

import io.github.dysession.config.DynamoDbSettings;
import io.github.dysession.store.DuplicateSessionIdException;
import io.github.dysession.store.ExpiredSessions;
import io.github.dysession.store.LoggedInSession;
import io.github.dysession.store.OperationsListener;
import io.github.dysession.store.SaveOutcome;
import io.github.dysession.store.SessionChanges;
import io.github.dysession.store.SessionData;
import io.github.dysession.store.SessionStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

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

  private final SessionTable table;
  private final CallerSessions callers;
  private final ExpiryIndex expiry;
  private final SessionWrites writes;

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
    Objects.requireNonNull(operations, "operations");
    this.table =
        new SessionTable(
            Objects.requireNonNull(client, "client"),
            Objects.requireNonNull(settings, "settings"),
            new SessionItem(settings),
            new DynamoDbErrors(settings),
            Objects.requireNonNull(clock, "clock"));
    this.callers = new CallerSessions(table);
    this.expiry = new ExpiryIndex(table);
    this.writes = new SessionWrites(table, operations);
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
    Map<String, AttributeValue> item =
        table.read(id, "read a session", table.settings().consistentReads());
    if (item == null) {
      return Optional.empty();
    }
    Instant now = table.clock().instant();
    SessionData session = table.items().fromItem(id, item, now);
    return session.isExpiredAt(now) ? Optional.empty() : Optional.of(session);
  }

  /**
   * Creates a session. Safe to retry: when the SDK retries a PutItem whose first attempt was
   * applied but answered too late, the condition fails on the item that attempt wrote, which is
   * recognised by its write token and taken as success, not as a duplicate id.
   */
  @Override
  public void create(SessionData session) {
    writes.checkSize(session);
    long now = table.clock().instant().getEpochSecond();
    String token = SessionItem.newWriteToken();
    try {
      table.put(
          "create a session",
          b ->
              b.item(table.items().toItem(session, token))
                  // An expired item that DynamoDB has not deleted yet does not hold on to its id.
                  .conditionExpression("attribute_not_exists(#pk) OR #ttl <= :now")
                  .expressionAttributeNames(
                      Map.of(
                          "#pk",
                          table.settings().partitionKeyName(),
                          "#ttl",
                          table.settings().ttlAttributeName()))
                  .expressionAttributeValues(Map.of(":now", SessionItem.number(now))));
    } catch (ConditionalCheckFailedException e) {
      Map<String, AttributeValue> existing =
          table.read(session.id(), "check a created session", true);
      if (existing == null || !token.equals(SessionItem.writeToken(existing))) {
        throw new DuplicateSessionIdException(session.id());
      }
    }
  }

  /**
   * Saves a request's changes with one conditional UpdateItem (several when they exceed one
   * request). A save that changes content is conditional on no write based on a newer read having
   * landed before it, so a late retry never writes old values over new ones; when a concurrent
   * request wrote in between, this request's changes are applied on top of its write. A split save
   * that fails after some of its writes throws a {@link
   * io.github.dysession.store.PartialSaveException} saying what was written.
   */
  @Override
  public SaveOutcome save(SessionChanges changes) {
    return writes.save(changes);
  }

  @Override
  public void delete(String id) {
    table.delete("delete a session", table.items().key(id), b -> {});
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
        table.update(
            "mark an old session id",
            table.items().key(oldId),
            b ->
                b.updateExpression("SET #moving = :true")
                    .conditionExpression("#ver = :ver")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(
                        Map.of(
                            ":ver", copied.get(":ver"), ":true", AttributeValue.fromBool(true))));
        try {
          table.delete(
              "retire an old session id",
              table.items().key(oldId),
              b ->
                  b.conditionExpression("#ver = :ver")
                      .expressionAttributeNames(Map.of("#ver", SessionItem.VERSION))
                      .expressionAttributeValues(copied));
          return Optional.of(moved);
        } catch (ConditionalCheckFailedException e) {
          changed = table.read(oldId, "re-read a session being moved", true);
          if (changed == null) {
            // Deleted after the mark: by this delete's own earlier attempt, or by an invalidation
            // that comes after the move.
            return Optional.of(moved);
          }
        }
      } catch (ConditionalCheckFailedException e) {
        changed = table.read(oldId, "re-read a session being moved", true);
        if (changed == null) {
          // Invalidated before the mark: the invalidation wins over the move.
          delete(newId);
          return Optional.empty();
        }
      }
      // Written meanwhile: copy the newer session to the new id, then try again.
      moved = table.items().fromItem(oldId, changed, table.clock().instant()).withId(newId);
      SessionData copy = moved;
      table.put(
          "copy a session to its new id",
          b -> b.item(table.items().toItem(copy, SessionItem.newWriteToken())));
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
    writes.checkSize(session);
  }
}
