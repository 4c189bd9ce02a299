package io.github.dysession.store.dynamodb;

import io.github.dysession.config.DynamoDbSettings;
import io.github.dysession.store.SessionChanges;
import io.github.dysession.store.SessionData;
import io.github.dysession.store.SessionLogin;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One UpdateItem of a save: its SET, REMOVE and ADD clauses with their placeholders. Every update
 * is a write of its own: it bumps the version and leaves its write token ({@code :tok}, which the
 * store adds). Conditions are the store's.
 */
final class SessionUpdate {

  // DynamoDB limits an update expression to 4 KB; larger change sets are split.
  private static final int MAX_EXPRESSION_CHARS = 3500;

  private final List<String> sets = new ArrayList<>();
  private final List<String> removes = new ArrayList<>();
  private final Map<String, String> names = new HashMap<>();
  private final Map<String, AttributeValue> values = new HashMap<>();

  /** The attribute names this update sets and removes. */
  private final List<String> set = new ArrayList<>();

  private final List<String> removed = new ArrayList<>();
  private final String keyPrefix;
  private int counter;

  private SessionUpdate(DynamoDbSettings settings, Instant now) {
    keyPrefix = settings.keyPrefix();
    names.put("#pk", settings.partitionKeyName());
    names.put("#ttl", settings.ttlAttributeName());
    names.put("#ver", SessionItem.VERSION);
    names.put("#writer", SessionItem.WRITER);
    values.put(":now", SessionItem.number(now.getEpochSecond()));
    values.put(":one", SessionItem.number(1));
    // Every update is a write of its own: it bumps the version and leaves its token (:tok).
    sets.add("#writer = :tok");
  }

  private void touch(SessionData result) {
    names.put("#acc", SessionItem.ACCESSED);
    names.put("#mi", SessionItem.MAX_INACTIVE);
    values.put(":acc", SessionItem.number(result.lastAccessedTime().toEpochMilli()));
    values.put(":mi", SessionItem.number(result.maxInactiveInterval().toSeconds()));
    sets.add("#acc = :acc");
    sets.add("#mi = :mi");
    Long ttl = SessionItem.ttlSeconds(result);
    names.put("#exp", SessionItem.EXPIRY);
    if (ttl == null) {
      removes.add("#ttl");
      removes.add("#exp");
    } else {
      values.put(":ttlv", SessionItem.number(ttl));
      values.put(":expv", SessionItem.expiryBucket(keyPrefix, ttl));
      sets.add("#ttl = :ttlv");
      sets.add("#exp = :expv");
    }
  }

  private void login(SessionLogin login) {
    names.put("#login", SessionItem.LOGIN);
    names.put("#user", SessionItem.USER);
    if (login == null) {
      removes.add("#login");
      removes.add("#user");
    } else {
      values.put(":login", SessionItem.login(login));
      values.put(":user", AttributeValue.fromS(keyPrefix + login.caller()));
      sets.add("#login = :login");
      sets.add("#user = :user");
    }
  }

  /** The attribute names this update sets. */
  List<String> setNames() {
    return set;
  }

  /** The attribute names this update removes. */
  List<String> removedNames() {
    return removed;
  }

  /** The expression attribute names of the clauses. */
  Map<String, String> names() {
    return names;
  }

  /** The expression attribute values of the clauses (without the write token). */
  Map<String, AttributeValue> values() {
    return values;
  }

  List<String> attributeNames() {
    List<String> all = new ArrayList<>(set);
    all.addAll(removed);
    return all;
  }

  private void setAttribute(String name, byte[] bytes) {
    set.add(name);
    String n = "#a" + counter;
    String v = ":v" + counter++;
    names.put(n, name);
    names.put("#attrs", SessionItem.ATTRIBUTES);
    values.put(v, SessionItem.binary(bytes));
    sets.add("#attrs." + n + " = " + v);
  }

  private void removeAttribute(String name) {
    removed.add(name);
    String n = "#a" + counter++;
    names.put(n, name);
    names.put("#attrs", SessionItem.ATTRIBUTES);
    removes.add("#attrs." + n);
  }

  private int length() {
    return sets.size() * 20 + removes.size() * 12;
  }

  /** Returns the update expression, with one more SET clause unless {@code extraSet} is null. */
  String expression(String extraSet) {
    StringBuilder sb = new StringBuilder("SET ").append(String.join(", ", sets));
    if (extraSet != null) {
      sb.append(", ").append(extraSet);
    }
    if (!removes.isEmpty()) {
      sb.append(" REMOVE ").append(String.join(", ", removes));
    }
    sb.append(" ADD #ver :one");
    return sb.toString().trim();
  }

  /**
   * Builds the UpdateItems of one save: the first carries the touch (and the login), and each
   * carries as many attribute changes as fit in DynamoDB's expression limit.
   */
  static List<SessionUpdate> split(
      SessionChanges changes, SessionData result, DynamoDbSettings settings, Instant now) {
    List<SessionUpdate> updates = new ArrayList<>();
    SessionUpdate current = new SessionUpdate(settings, now);
    current.touch(result);
    if (changes.changesLogin()) {
      current.login(changes.login());
    }
    for (Map.Entry<String, byte[]> e : changes.setAttributes().entrySet()) {
      if (current.length() > MAX_EXPRESSION_CHARS) {
        updates.add(current);
        current = new SessionUpdate(settings, now);
      }
      current.setAttribute(e.getKey(), e.getValue());
    }
    for (String name : changes.removedAttributes()) {
      if (current.length() > MAX_EXPRESSION_CHARS) {
        updates.add(current);
        current = new SessionUpdate(settings, now);
      }
      current.removeAttribute(name);
    }
    updates.add(current);
    return updates;
  }
}
