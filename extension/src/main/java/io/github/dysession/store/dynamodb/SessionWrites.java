package io.github.dysession.store.dynamodb;

import io.github.dysession.config.DysessionSettings;
import io.github.dysession.store.OperationsListener;
import io.github.dysession.store.PartialSaveException;
import io.github.dysession.store.SaveOutcome;
import io.github.dysession.store.SessionChanges;
import io.github.dysession.store.SessionData;
import io.github.dysession.store.SessionTooLargeException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The writes of a save for {@link DynamoDbSessionStore}: the request's changes as one conditional
 * UpdateItem, or several when they exceed one request ({@link SessionUpdate#split}); a conflict
 * with a concurrent request re-applied on top of its write; an item without its attribute map
 * repaired; a split save that fails after some writes reported with what was written ({@link
 * PartialSaveException}). Holds no state between saves: safe for concurrent use.
 */
final class SessionWrites {

  // Versions are never negative: this marks a write without a base.
  private static final long UNCHECKED = -1;

  private final SessionTable table;
  private final OperationsListener operations;

  SessionWrites(SessionTable table, OperationsListener operations) {
    this.table = table;
    this.operations = operations;
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
  SaveOutcome save(SessionChanges changes) {
    if (!changes.needsWrite(table.settings().touchInterval())) {
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
    List<SessionUpdate> updates =
        SessionUpdate.split(changes, result, table.settings(), table.clock().instant());
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
    long deadline = System.nanoTime() + table.settings().apiCallTimeout().toNanos();
    boolean repaired = false;
    for (int attempt = 1; ; attempt++) {
      try {
        update(result, update, base, token);
        return new Applied(base, known + 1);
      } catch (ConditionalCheckFailedException e) {
        Map<String, AttributeValue> current =
            table.read(result.id(), "re-read a session after a concurrent write", true);
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
            table.read(result.id(), "re-read a refused session", true);
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
            table
                .items()
                .size(
                    withChanges(
                        table.items().fromItem(result.id(), current, table.clock().instant()),
                        changes));
        if (size > DysessionSettings.DYNAMODB_ITEM_LIMIT) {
          // Another request grew the session meanwhile, past DynamoDB's item limit.
          throw new SessionTooLargeException(
              result.id(),
              size,
              table.settings().maxSessionBytes(),
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
    table.update(
        "save a session",
        table.items().key(result.id()),
        b ->
            b.updateExpression(updateExpression)
                .conditionExpression(conditionExpression)
                .expressionAttributeNames(expressionNames)
                .expressionAttributeValues(values));
  }

  private void addAttributeMap(String id) {
    try {
      table.update(
          "repair a session item",
          table.items().key(id),
          b ->
              b.updateExpression("SET #attrs = :empty")
                  .conditionExpression("attribute_exists(#pk) AND NOT attribute_type(#attrs, :m)")
                  .expressionAttributeNames(
                      Map.of(
                          "#pk",
                          table.settings().partitionKeyName(),
                          "#attrs",
                          SessionItem.ATTRIBUTES))
                  .expressionAttributeValues(
                      Map.of(
                          ":empty",
                          AttributeValue.fromM(Map.of()),
                          ":m",
                          AttributeValue.fromS("M"))));
    } catch (ConditionalCheckFailedException e) {
      // Someone else repaired it, or it is gone: the retried update tells which.
    }
  }

  /** Fails with {@link SessionTooLargeException} if the session's item would exceed the limit. */
  void checkSize(SessionData session) {
    long size = table.items().size(session);
    if (size > table.settings().maxSessionBytes()) {
      throw new SessionTooLargeException(
          session.id(),
          size,
          table.settings().maxSessionBytes(),
          SessionItem.largest(session.attributes()));
    }
  }
}
