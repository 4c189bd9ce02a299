package io.github.dysession.it.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dysession.codec.AttributeCodec;
import io.github.dysession.config.DysessionSettings;
import io.github.dysession.config.SettingsSource;
import io.github.dysession.it.support.Dynalite;
import io.github.dysession.it.support.DynaliteExtension;
import io.github.dysession.it.support.DynamoDbClients;
import io.github.dysession.store.PartialSaveException;
import io.github.dysession.store.SaveOutcome;
import io.github.dysession.store.SessionChanges;
import io.github.dysession.store.SessionData;
import io.github.dysession.store.SessionStore;
import io.github.dysession.store.SessionStore.SaveResult;
import io.github.dysession.store.SessionStoreContract;
import io.github.dysession.store.SessionStoreException;
import io.github.dysession.store.SessionTooLargeException;
import io.github.dysession.store.dynamodb.DynamoDbClientFactory;
import io.github.dysession.store.dynamodb.DynamoDbSessionStore;
import io.github.dysession.store.dynamodb.DynamoDbTableAdmin;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@link DynamoDbSessionStore} against a real dynalite: the {@link SessionStoreContract}, plus what
 * is specific to DynamoDB (item layout, TTL attribute, key prefix, foreign or damaged items,
 * outages).
 *
 * <p>All tests share one dynalite (see {@link DynaliteExtension}) and one table created for this
 * class; the outage test starts and kills a dynalite of its own.
 */
@ExtendWith(DynaliteExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DynamoDbSessionStoreIT extends SessionStoreContract {

  private static final String PREFIX = "it#";
  private static final String PK = "PK";
  private static final String SK = "SK";
  private static final String ATTRS = "ds_attrs";

  private static Dynalite dynalite;
  private static String table;
  private static DysessionSettings settings;
  private static DynamoDbClient raw;
  private static CountingDynamoDbClient counting;

  @BeforeAll
  static void createTable(Dynalite shared) {
    dynalite = shared;
    table = "store-it-" + UUID.randomUUID();
    settings = settings(shared.endpoint(), table, PREFIX, Map.of());
    raw = DynamoDbClients.forEndpoint(shared.endpoint());
    counting = new CountingDynamoDbClient(raw);
    assertThat(new DynamoDbTableAdmin(raw, settings.dynamoDb()).create())
        .isEqualTo(DynamoDbTableAdmin.CreateResult.CREATED);
  }

  @AfterAll
  static void deleteTable() {
    if (raw != null) {
      try {
        new DynamoDbTableAdmin(raw, settings.dynamoDb()).delete();
      } finally {
        raw.close();
      }
    }
  }

  // ---- the contract's hooks
  // ------------------------------------------------------------------------

  @Override
  protected SessionStore newStore() {
    return new DynamoDbSessionStore(counting, settings.dynamoDb());
  }

  @Override
  protected Duration touchInterval() {
    return settings.touchInterval();
  }

  @Override
  protected long sizeLimitBytes() {
    return settings.maxSessionBytes();
  }

  @Override
  protected boolean recordExists(String id) {
    return rawItem(id).isPresent();
  }

  @Override
  protected void writeCorruptAttribute(String id, String name) {
    raw.updateItem(
        b ->
            b.tableName(table)
                .key(key(PREFIX, id))
                .updateExpression("SET #attrs.#n = :v")
                .expressionAttributeNames(Map.of("#attrs", ATTRS, "#n", name))
                .expressionAttributeValues(
                    Map.of(
                        ":v",
                        AttributeValue.fromB(
                            SdkBytes.fromByteArray(
                                new byte[] {0x7f, 0x00, 0x13, 0x37, (byte) 0xff})))));
  }

  @Override
  protected long writeRequests() {
    return counting.writes();
  }

  // ---- item layout and TTL
  // -------------------------------------------------------------------------

  @Test
  void item_hasTheDocumentedLayout() {
    Instant accessed = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusMillis(250);
    Instant created = accessed.minus(Duration.ofMinutes(3)).minusMillis(7);
    SessionData session =
        new SessionData(
            newId(),
            created,
            accessed,
            Duration.ofSeconds(1800),
            0,
            attributes("user", bytes(16, 1), "cart", bytes(300, 2)));

    store.create(session);
    Map<String, AttributeValue> item = rawItem(session.id()).orElseThrow();

    assertThat(item.keySet())
        .containsExactlyInAnyOrder(
            PK,
            SK,
            "ttl",
            "ds_created",
            "ds_accessed",
            "ds_max_inactive",
            "ds_version",
            "ds_writer",
            "ds_exp",
            ATTRS);
    long ttl = accessed.plusSeconds(1800).getEpochSecond() + 1;
    assertThat(item.get("ds_exp")).isEqualTo(AttributeValue.fromS(PREFIX + "exp:" + ttl / 60));
    assertThat(item.get(PK)).isEqualTo(AttributeValue.fromS(PREFIX + session.id()));
    assertThat(item.get(SK)).isEqualTo(AttributeValue.fromS("SESSION"));
    assertThat(number(item, "ds_created")).isEqualTo(created.toEpochMilli());
    assertThat(number(item, "ds_accessed")).isEqualTo(accessed.toEpochMilli());
    assertThat(number(item, "ds_max_inactive")).isEqualTo(1800);
    assertThat(number(item, "ds_version")).isZero();
    assertThat(item.get("ds_writer").s()).hasSize(12);
    assertThat(item).as("no write based on a read yet").doesNotContainKey("ds_base");
    // ceil(lastAccess + interval) in epoch seconds: .250 rounds up.
    assertThat(number(item, "ttl")).isEqualTo(accessed.getEpochSecond() + 1800 + 1);
    assertThat(item.get(ATTRS).hasM()).isTrue();
    Map<String, AttributeValue> attrs = item.get(ATTRS).m();
    assertThat(attrs.keySet()).containsExactlyInAnyOrder("user", "cart");
    assertThat(attrs.get("user").b().asByteArray()).isEqualTo(bytes(16, 1));
    assertThat(attrs.get("cart").b().asByteArray()).isEqualTo(bytes(300, 2));
  }

  @Test
  void ttl_ofAWholeSecondExpiry_isNotRoundedUp_andNeverExpiringSessionsHaveNone() {
    Instant accessed = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    SessionData whole =
        new SessionData(newId(), accessed, accessed, Duration.ofSeconds(600), 0, Map.of());
    SessionData forever = new SessionData(newId(), accessed, accessed, Duration.ZERO, 0, Map.of());

    store.create(whole);
    store.create(forever);

    assertThat(number(rawItem(whole.id()).orElseThrow(), "ttl"))
        .isEqualTo(accessed.getEpochSecond() + 600);
    assertThat(rawItem(forever.id()).orElseThrow())
        .doesNotContainKey("ttl")
        .doesNotContainKey("ds_exp");
  }

  @Test
  void ttl_isMovedForwardByATouch() {
    Instant now = Instant.now();
    SessionData session =
        new SessionData(
            newId(),
            now.minusSeconds(600),
            now.minusSeconds(120),
            Duration.ofHours(1),
            0,
            attributes("a", bytes(10, 1)));
    store.create(session);
    long ttlBefore = number(rawItem(session.id()).orElseThrow(), "ttl");
    SessionData base = store.load(session.id()).orElseThrow();

    Instant touch = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    assertThat(store.save(SessionChanges.touch(base, touch)).result())
        .isEqualTo(SaveResult.WRITTEN);

    Map<String, AttributeValue> item = rawItem(session.id()).orElseThrow();
    Instant expiry = touch.plus(Duration.ofHours(1));
    long expected = expiry.getEpochSecond() + (expiry.getNano() > 0 ? 1 : 0);
    assertThat(number(item, "ttl")).isEqualTo(expected).isGreaterThan(ttlBefore);
    assertThat(item.get("ds_exp"))
        .as("the expiry bucket moves with the TTL")
        .isEqualTo(AttributeValue.fromS(PREFIX + "exp:" + expected / 60));
    assertThat(number(item, "ds_accessed")).isEqualTo(touch.toEpochMilli());
    assertThat(number(item, "ds_version")).isEqualTo(1);
  }

  @Test
  void ttl_isRemovedWhenTheIntervalBecomesZero_andSetAgainWhenItBecomesPositive() {
    SessionData session = newSession(attributes("a", bytes(10, 1)));
    store.create(session);
    SessionData base = store.load(session.id()).orElseThrow();

    assertThat(
            store
                .save(new SessionChanges(base, Instant.now(), Duration.ZERO, Map.of(), Set.of()))
                .result())
        .isEqualTo(SaveResult.WRITTEN);
    assertThat(rawItem(session.id()).orElseThrow())
        .doesNotContainKey("ttl")
        .doesNotContainKey("ds_exp");
    assertThat(store.load(session.id()).orElseThrow().maxInactiveInterval()).isZero();

    SessionData forever = store.load(session.id()).orElseThrow();
    Instant touch = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    assertThat(
            store
                .save(
                    new SessionChanges(forever, touch, Duration.ofSeconds(90), Map.of(), Set.of()))
                .result())
        .isEqualTo(SaveResult.WRITTEN);
    assertThat(number(rawItem(session.id()).orElseThrow(), "ttl"))
        .isEqualTo(touch.plusSeconds(90).plusMillis(999).getEpochSecond());
    assertThat(rawItem(session.id()).orElseThrow()).containsKey("ds_exp");
  }

  // ---- writes based on older reads
  // ------------------------------------------------------------------

  /**
   * A save based on a read older than one a newer save was based on (what a late, retried attempt
   * looks like) is not applied as it stands: the item is read again and the request's changes go on
   * top, so the newer save's value survives and nothing is lost.
   */
  @Test
  void save_basedOnAnOlderReadThanALandedSave_isAppliedOnTopOfIt_andKeepsTheNewerValue() {
    SessionData session = newSession(attributes("x", bytes(4, 1)));
    store.create(session);
    SessionData first = store.load(session.id()).orElseThrow();
    assertThat(store.save(changes(first, attributes("a", bytes(4, 2)), Set.of())).result())
        .isEqualTo(SaveResult.WRITTEN);
    SessionData second = store.load(session.id()).orElseThrow();
    assertThat(store.save(changes(second, attributes("x", bytes(4, 3)), Set.of())).result())
        .isEqualTo(SaveResult.WRITTEN);
    assertThat(number(rawItem(session.id()).orElseThrow(), "ds_base")).isEqualTo(second.version());

    long readsBefore = counting.reads();
    assertThat(store.save(changes(first, attributes("c", bytes(4, 4)), Set.of())).result())
        .isEqualTo(SaveResult.WRITTEN);

    assertThat(counting.reads() - readsBefore).as("reads to re-apply the stale save").isEqualTo(1);
    SessionData stored = store.load(session.id()).orElseThrow();
    assertSameAttributes(
        stored.attributes(), attributes("x", bytes(4, 3), "a", bytes(4, 2), "c", bytes(4, 4)));
    assertThat(stored.version()).isEqualTo(first.version() + 3);
  }

  /**
   * A save split into several UpdateItems returns the version its last write left, so the next save
   * of the same session, based on what it returned, is one UpdateItem without a re-read.
   */
  @Test
  void save_splitIntoSeveralWrites_returnsTheStoredVersion_soTheNextSaveNeedsNoReread() {
    SessionData session = newSession(attributes("keep", bytes(4, 1)));
    store.create(session);
    SessionData base = store.load(session.id()).orElseThrow();
    Map<String, byte[]> many = manyAttributes();
    long writesBefore = counting.writes();
    SaveOutcome split = store.save(changes(base, many, Set.of()));
    assertThat(counting.writes() - writesBefore)
        .as("UpdateItems of the split save")
        .isGreaterThan(1);
    assertThat(split.stored().version())
        .isEqualTo(base.version() + (counting.writes() - writesBefore));

    long readsBefore = counting.reads();
    writesBefore = counting.writes();
    assertThat(
            store.save(changes(split.stored(), attributes("keep", bytes(4, 2)), Set.of())).result())
        .isEqualTo(SaveResult.WRITTEN);
    assertThat(counting.reads() - readsBefore).as("re-reads of the next save").isZero();
    assertThat(counting.writes() - writesBefore).isEqualTo(1);
    assertThat(store.load(session.id()).orElseThrow().version())
        .isEqualTo(split.stored().version() + 1);
  }

  /**
   * A split save whose second write fails reports which attributes were written and the session as
   * the first write left it; a save based on that writes the rest, and nothing is lost.
   */
  @Test
  void save_splitThatFailsHalfWay_reportsWhatWasWritten_andTheNextSaveWritesTheRest() {
    SessionData session = newSession(attributes("keep", bytes(4, 1)));
    store.create(session);
    SessionData base = store.load(session.id()).orElseThrow();
    Map<String, byte[]> many = manyAttributes();
    counting.failUpdateAfter(1);
    PartialSaveException failure;
    try {
      failure =
          org.assertj.core.api.Assertions.catchThrowableOfType(
              PartialSaveException.class, () -> store.save(changes(base, many, Set.of())));
    } finally {
      counting.clearHooks();
    }
    assertThat(failure).as("the failure of the split save").isNotNull();
    assertThat(failure.getMessage())
        .contains("failed at write 2")
        .contains("written: [attribute-0, ")
        .contains("not written: [")
        .doesNotContain(session.id());
    SessionData stored = store.load(session.id()).orElseThrow();
    assertSameAttributes(failure.stored().attributes(), stored.attributes());
    assertThat(failure.stored().version()).isEqualTo(stored.version());
    assertThat(stored.attributes()).containsKey("keep").doesNotContainKey("attribute-399");

    Map<String, byte[]> rest = new java.util.LinkedHashMap<>(many);
    rest.keySet().removeAll(stored.attributes().keySet());
    assertThat(store.save(changes(failure.stored(), rest, Set.of())).result())
        .isEqualTo(SaveResult.WRITTEN);
    Map<String, byte[]> expected = new java.util.LinkedHashMap<>(many);
    expected.put("keep", bytes(4, 1));
    assertSameAttributes(store.load(session.id()).orElseThrow().attributes(), expected);
  }

  /** 400 attributes of 20 bytes: more than one UpdateItem expression holds. */
  private static Map<String, byte[]> manyAttributes() {
    Map<String, byte[]> many = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 400; i++) {
      many.put("attribute-" + i, bytes(20, 1000 + i));
    }
    return many;
  }

  /** Concurrent saves based on the same read do not conflict: each is one UpdateItem. */
  @Test
  void save_twoSavesBasedOnTheSameRead_bothApplyWithoutRereading() {
    SessionData session = newSession(attributes());
    store.create(session);
    SessionData base = store.load(session.id()).orElseThrow();
    long readsBefore = counting.reads();
    assertThat(store.save(changes(base, attributes("a", bytes(4, 1)), Set.of())).result())
        .isEqualTo(SaveResult.WRITTEN);
    assertThat(store.save(changes(base, attributes("b", bytes(4, 2)), Set.of())).result())
        .isEqualTo(SaveResult.WRITTEN);
    assertThat(counting.reads() - readsBefore).isZero();
    assertThat(store.load(session.id()).orElseThrow().attributes()).containsOnlyKeys("a", "b");
  }

  // ---- retried attempts whose first answer was lost
  // -----------------------------------------------

  @Test
  void create_whoseFirstAttemptLandedButItsAnswerWasLost_succeedsOnce() {
    SessionData session = newSession(attributes("a", bytes(4, 1)));
    counting.sendNextTwice("PutItem");
    try {
      store.create(session);
    } finally {
      counting.clearHooks();
    }
    assertSameAttributes(
        store.load(session.id()).orElseThrow().attributes(), attributes("a", bytes(4, 1)));
  }

  @Test
  void save_whoseFirstAttemptLandedButItsAnswerWasLost_storesItsChangesAndLosesNothing() {
    SessionData session = newSession(attributes("a", bytes(4, 1)));
    store.create(session);
    SessionData base = store.load(session.id()).orElseThrow();
    counting.sendNextTwice("UpdateItem");
    try {
      assertThat(store.save(changes(base, attributes("b", bytes(4, 2)), Set.of())).result())
          .isEqualTo(SaveResult.WRITTEN);
    } finally {
      counting.clearHooks();
    }
    SessionData stored = store.load(session.id()).orElseThrow();
    assertSameAttributes(stored.attributes(), attributes("a", bytes(4, 1), "b", bytes(4, 2)));
    // With no write based on a newer read in between, the repeated attempt may land too: it
    // writes the same values again (the version counts both), which loses nothing.
    assertThat(stored.version()).isBetween(base.version() + 1, base.version() + 2);
  }

  /** The delete of the old id landed but its answer was lost: the move stands, nothing is lost. */
  @Test
  void changeId_whoseDeleteOfTheOldIdLandedButItsAnswerWasLost_keepsTheMovedSession() {
    SessionData session = newSession(attributes("a", bytes(4, 1)));
    store.create(session);
    String newId = newId();
    counting.sendNextTwice("DeleteItem");
    Optional<SessionData> moved;
    try {
      moved = store.changeId(session.id(), newId);
    } finally {
      counting.clearHooks();
    }
    assertThat(moved).isPresent();
    assertSameAttributes(
        store.load(newId).orElseThrow().attributes(), attributes("a", bytes(4, 1)));
    assertThat(store.load(session.id())).isEmpty();
  }

  // ---- changeId races
  // -------------------------------------------------------------------------------

  /** A request that writes to the old id while changeId copies it: its change moves along. */
  @Test
  void changeId_whenTheOldSessionChangesDuringTheMove_carriesTheChangeToTheNewId() {
    SessionData session = newSession(attributes("a", bytes(10, 1)));
    store.create(session);
    SessionData otherRequestBase = store.load(session.id()).orElseThrow();
    DynamoDbSessionStore otherRequest = new DynamoDbSessionStore(raw, settings.dynamoDb());
    String newId = newId();
    counting.afterNextPut(
        () ->
            assertThat(
                    otherRequest
                        .save(changes(otherRequestBase, attributes("late", bytes(10, 2)), Set.of()))
                        .result())
                .isEqualTo(SaveResult.WRITTEN));
    try {
      Optional<SessionData> moved = store.changeId(session.id(), newId);

      assertThat(moved).isPresent();
      Map<String, byte[]> expected = attributes("a", bytes(10, 1), "late", bytes(10, 2));
      assertSameAttributes(moved.get().attributes(), expected);
      assertSameAttributes(store.load(newId).orElseThrow().attributes(), expected);
      assertThat(store.load(session.id())).isEmpty();
    } finally {
      counting.clearHooks();
    }
  }

  /** A request that invalidates the session while changeId copies it: the invalidation wins. */
  @Test
  void changeId_whenTheOldSessionIsDeletedDuringTheMove_returnsEmptyAndLeavesNoCopy() {
    SessionData session = newSession(attributes("a", bytes(10, 1)));
    store.create(session);
    DynamoDbSessionStore otherRequest = new DynamoDbSessionStore(raw, settings.dynamoDb());
    String newId = newId();
    counting.afterNextPut(() -> otherRequest.delete(session.id()));
    try {
      Optional<SessionData> moved = store.changeId(session.id(), newId);

      assertThat(moved).isEmpty();
      assertThat(store.load(newId)).isEmpty();
      assertThat(recordExists(newId)).isFalse();
      assertThat(store.load(session.id())).isEmpty();
    } finally {
      counting.clearHooks();
    }
  }

  // ---- key prefix
  // ----------------------------------------------------------------------------------

  @Test
  void keyPrefix_isolatesTwoStoresOnOneTable() {
    DynamoDbSessionStore other =
        new DynamoDbSessionStore(
            raw, settings(dynalite.endpoint(), table, "other#", Map.of()).dynamoDb());
    DynamoDbSessionStore none =
        new DynamoDbSessionStore(
            raw, settings(dynalite.endpoint(), table, "", Map.of()).dynamoDb());
    String id = newId();
    SessionData mine =
        new SessionData(
            id,
            Instant.now(),
            Instant.now(),
            Duration.ofMinutes(30),
            0,
            attributes("app", value("mine")));
    SessionData theirs =
        new SessionData(
            id,
            Instant.now(),
            Instant.now(),
            Duration.ofMinutes(20),
            0,
            attributes("app", value("theirs"), "more", bytes(5, 5)));

    store.create(mine);
    other.create(theirs); // the same id: no DuplicateSessionIdException across prefixes

    assertSameSession(store.load(id).orElseThrow(), mine);
    assertSameSession(other.load(id).orElseThrow(), theirs);
    assertThat(none.load(id)).isEmpty();
    assertThat(
            raw.getItem(b -> b.tableName(table).key(key("other#", id)).consistentRead(true))
                .hasItem())
        .isTrue();

    SessionData base = other.load(id).orElseThrow();
    assertThat(
            other
                .save(changes(base, attributes("app", value("theirs-2")), Set.of("more")))
                .result())
        .isEqualTo(SaveResult.WRITTEN);
    other.delete(id);
    assertThat(other.load(id)).isEmpty();
    assertSameSession(store.load(id).orElseThrow(), mine);
  }

  // ---- a user's sessions: the DynamoDB calls, counted
  // ---------------------------------------------------------------

  /**
   * Every DynamoDB call of a client that {@link DynamoDbClientFactory} builds is a JDK Flight
   * Recorder event {@code io.github.dysession.DynamoDbCall}, with the operation, the table, the
   * attempts, the sizes and the outcome (a failed condition shows as a conditional conflict).
   */
  @Test
  void jfr_recordsOneEventPerCall_withOperationTableAndOutcome() throws Exception {
    String previousKey = System.getProperty("aws.accessKeyId");
    String previousSecret = System.getProperty("aws.secretAccessKey");
    System.setProperty("aws.accessKeyId", DynamoDbClients.ACCESS_KEY_ID);
    System.setProperty("aws.secretAccessKey", DynamoDbClients.SECRET_ACCESS_KEY);
    Path dump = java.nio.file.Files.createTempFile("dysession-jfr-", ".jfr");
    try (DynamoDbClient client = DynamoDbClientFactory.create(settings.dynamoDb());
        jdk.jfr.Recording recording = new jdk.jfr.Recording()) {
      recording.enable("io.github.dysession.DynamoDbCall");
      DynamoDbSessionStore recorded = new DynamoDbSessionStore(client, settings.dynamoDb());
      recording.start();
      SessionData session = newSession(attributes("a", bytes(10, 1)));
      recorded.create(session);
      SessionData base = recorded.load(session.id()).orElseThrow();
      recorded.save(changes(base, attributes("b", bytes(20, 2)), Set.of()));
      // A live session is not claimed: its conditional delete fails.
      assertThat(recorded.claimExpired(session.id())).isEmpty();
      recorded.delete(session.id());
      recording.stop();
      recording.dump(dump);
      List<jdk.jfr.consumer.RecordedEvent> events =
          jdk.jfr.consumer.RecordingFile.readAllEvents(dump).stream()
              .filter(e -> e.getEventType().getName().equals("io.github.dysession.DynamoDbCall"))
              .sorted(java.util.Comparator.comparing(jdk.jfr.consumer.RecordedEvent::getStartTime))
              .toList();
      assertThat(events)
          .extracting(e -> e.getString("operation") + " " + e.getString("outcome"))
          .containsExactly(
              "PutItem ok",
              "GetItem ok",
              "UpdateItem ok",
              "DeleteItem conditional conflict",
              "DeleteItem ok");
      assertThat(events).allSatisfy(e -> assertThat(e.getString("table")).isEqualTo(table));
      assertThat(events).allSatisfy(e -> assertThat(e.getInt("attempts")).isEqualTo(1));
      assertThat(events.get(0).getLong("requestBytes")).isPositive();
      assertThat(events.get(1).getLong("responseBytes")).isPositive();
      assertThat(events.get(1).getDuration().isNegative()).isFalse();
    } finally {
      java.nio.file.Files.deleteIfExists(dump);
      restoreProperty("aws.accessKeyId", previousKey);
      restoreProperty("aws.secretAccessKey", previousSecret);
    }
  }

  /**
   * The DynamoDB calls of the expiry sweep: a pass is one Query per minute that ended since its
   * start (here ten), whatever it finds; claiming a session is one conditional DeleteItem, won
   * once.
   */
  @Test
  void expirySweep_aPassIsOneQueryPerEndedMinute_andAClaimOneDeleteItem() {
    Instant now = Instant.now();
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      SessionData expired =
          new SessionData(
              newId(),
              now.minus(Duration.ofMinutes(40)),
              now.minus(Duration.ofMinutes(34 + i)),
              Duration.ofMinutes(30),
              0,
              attributes("v", value("e" + i)));
      store.create(expired);
      ids.add(expired.id());
    }
    // Ten whole minutes end between from and until.
    Instant until = Instant.ofEpochSecond(now.getEpochSecond() / 60 * 60);
    Instant from = until.minus(Duration.ofMinutes(10));

    long queries = counting.queries();
    long reads = counting.reads();
    long writes = counting.writes();
    io.github.dysession.store.ExpiredSessions found = store.expired(from, until, 500);
    assertThat(found.ids()).containsAll(ids);
    assertThat(found.listedUntil()).isEqualTo(until);
    assertThat(counting.queries() - queries)
        .as("Query calls of a pass over 10 minutes")
        .isEqualTo(10);
    assertThat(counting.reads() - reads + counting.writes() - writes)
        .as("other calls of a pass")
        .isZero();

    writes = counting.writes();
    for (String id : ids) {
      assertThat(store.claimExpired(id)).isPresent();
      assertThat(store.claimExpired(id)).isEmpty();
    }
    assertThat(counting.writes() - writes)
        .as("DeleteItem calls of 3 claims, each tried twice")
        .isEqualTo(6);
  }

  @Test
  void aUsersSessions_listingIsOneQuery_endingNIsThatQueryAndNDeletes_aLimitedLoginFiveCalls() {
    String caller = "calls-" + UUID.randomUUID();
    for (int i = 0; i < 3; i++) {
      store.create(
          newSession(attributes("cart", value("item " + i)))
              .withLogin(login(caller).withClient("client " + i)));
    }

    long queries = counting.queries();
    long reads = counting.reads();
    long batchGets = counting.batchGets();
    long writes = counting.writes();
    List<io.github.dysession.store.LoggedInSession> listed = store.loggedIn(caller);
    assertThat(listed).hasSize(3);
    assertThat(counting.queries() - queries).as("Query calls of a listing").isEqualTo(1);
    assertThat(
            counting.reads()
                - reads
                + counting.batchGets()
                - batchGets
                + counting.writes()
                - writes)
        .as("other calls of a listing")
        .isZero();

    queries = counting.queries();
    writes = counting.writes();
    long admitted = 0;
    for (var s : store.loggedIn(caller)) {
      admitted += store.endLoggedIn(s.id(), caller).isPresent() ? 1 : 0;
    }
    assertThat(admitted).isEqualTo(3);
    assertThat(counting.queries() - queries).as("Query calls of ending 3").isEqualTo(1);
    assertThat(counting.writes() - writes).as("DeleteItem calls of ending 3").isEqualTo(3);
    assertThat(store.loggedIn(caller)).isEmpty();

    // A login under a limit, with one session of the user listed: GetItem of the admission
    // record, the Query, a BatchGetItem of the sessions found, the PutItem of the record.
    store.create(newSession(attributes("a", value("b"))).withLogin(login(caller).withClient("c")));
    queries = counting.queries();
    reads = counting.reads();
    batchGets = counting.batchGets();
    writes = counting.writes();
    assertThat(store.admitLogin(caller, newId(), 2, false)).isEmpty();
    assertThat(
            List.of(
                counting.reads() - reads,
                counting.queries() - queries,
                counting.batchGets() - batchGets,
                counting.writes() - writes))
        .as("GetItem, Query, BatchGetItem, writes of one limited login")
        .containsExactly(1L, 1L, 1L, 1L);
    // Once the session holds the login, one UpdateItem of the record says so.
    SessionData written = newSession(attributes("a", value("b"))).withLogin(login(caller));
    assertThat(store.admitLogin(caller, written.id(), 3, false)).isEmpty();
    store.create(written);
    writes = counting.writes();
    store.loginWritten(caller, written.id());
    assertThat(counting.writes() - writes).as("UpdateItem calls of reporting it written").isOne();
  }

  // ---- damaged or foreign items
  // --------------------------------------------------------------------

  @Test
  @SuppressWarnings("try") // Jsonb.close() declares Exception; javac warns of InterruptedException.
  void corruptAttributes_areDroppedAlone_andTheOthersDecode() throws Exception {
    ClassLoader loader = getClass().getClassLoader();
    try (Jsonb jsonb = JsonbBuilder.create()) {
      AttributeCodec codec = new AttributeCodec(jsonb, loader, List.of());
      Map<String, Object> values = new LinkedHashMap<>();
      values.put("user", "alice");
      values.put("count", 42);
      values.put("tags", List.of("a", "b"));
      values.put("big", "x".repeat(5000)); // compressed
      values.put("when", java.time.LocalDate.of(2024, 2, 29)); // Java serialization
      Map<String, byte[]> encoded = new LinkedHashMap<>();
      values.forEach((name, value) -> encoded.put(name, codec.encode(name, value)));
      SessionData session = newSession(encoded);
      store.create(session);

      raw.updateItem(
          b ->
              b.tableName(table)
                  .key(key(PREFIX, session.id()))
                  .updateExpression("SET #a.#g1 = :g1, #a.#g2 = :g2, #a.#g3 = :g3, #a.#s = :s")
                  .expressionAttributeNames(
                      Map.of(
                          "#a",
                          ATTRS,
                          "#g1",
                          "garbage",
                          "#g2",
                          "bad-java",
                          "#g3",
                          "bad-deflate",
                          "#s",
                          "string"))
                  .expressionAttributeValues(
                      Map.of(
                          ":g1", binary(0x7f, 1, 2, 3),
                          ":g2", binary(0x02, 0xac, 0xed, 0x00, 0x05, 0x99, 0x99),
                          ":g3", binary(0x03, 0x12, 0x34, 0x56),
                          ":s", AttributeValue.fromS("not binary"))));

      SessionData loaded = store.load(session.id()).orElseThrow();
      assertThat(loaded.attributes()).doesNotContainKey("string");
      assertThat(loaded.attributes()).containsKeys("garbage", "bad-java", "bad-deflate");

      Map<String, Object> decoded = codec.decodeAll(session.id(), loaded.attributes());

      assertThat(decoded).isEqualTo(values);
    }
  }

  @Test
  void itemWithoutBookkeepingAttributes_stillLoads() {
    String withAttrs = newId();
    String bare = newId();
    String attrsNotAMap = newId();
    Map<String, AttributeValue> item = new HashMap<>(key(PREFIX, withAttrs));
    item.put(
        ATTRS,
        AttributeValue.fromM(
            Map.of("a", AttributeValue.fromB(SdkBytes.fromByteArray(bytes(10, 1))))));
    raw.putItem(b -> b.tableName(table).item(item));
    raw.putItem(b -> b.tableName(table).item(key(PREFIX, bare)));
    Map<String, AttributeValue> odd = new HashMap<>(key(PREFIX, attrsNotAMap));
    odd.put(ATTRS, AttributeValue.fromS("oops"));
    odd.put("ds_accessed", AttributeValue.fromS("not a number"));
    raw.putItem(b -> b.tableName(table).item(odd));

    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    SessionData loaded = store.load(withAttrs).orElseThrow();
    assertSameAttributes(loaded.attributes(), attributes("a", bytes(10, 1)));
    assertThat(loaded.maxInactiveInterval()).isEqualTo(settings.cachePeriod());
    assertThat(loaded.lastAccessedTime()).isAfterOrEqualTo(before);
    assertThat(loaded.version()).isZero();
    assertThat(store.load(bare)).hasValueSatisfying(s -> assertThat(s.attributes()).isEmpty());
    assertThat(store.load(attrsNotAMap))
        .hasValueSatisfying(s -> assertThat(s.attributes()).isEmpty());

    // A session that loads can be used.
    assertThat(store.save(changes(loaded, attributes("b", bytes(10, 2)), Set.of())).result())
        .isEqualTo(SaveResult.WRITTEN);
    assertSameAttributes(
        store.load(withAttrs).orElseThrow().attributes(),
        attributes("a", bytes(10, 1), "b", bytes(10, 2)));
  }

  /**
   * An item without the attribute map (written by something else) loads empty, so it must also
   * save.
   */
  @Test
  void itemWithoutAttributeMap_acceptsAttributesOnSave() {
    String bare = newId();
    raw.putItem(b -> b.tableName(table).item(key(PREFIX, bare)));
    SessionData loaded = store.load(bare).orElseThrow();

    SaveResult result =
        store.save(changes(loaded, attributes("b", bytes(10, 2)), Set.of())).result();

    assertThat(result).isEqualTo(SaveResult.WRITTEN);
    assertSameAttributes(
        store.load(bare).orElseThrow().attributes(), attributes("b", bytes(10, 2)));
  }

  // ---- size accounting
  // -----------------------------------------------------------------------------

  /**
   * The store's size estimate never lets a session through that DynamoDB then refuses: the largest
   * attribute the store accepts is stored, by create and by save, and is close to the 400 KB limit.
   */
  @Test
  void sizeLimit_theLargestSessionTheStoreAcceptsIsStoredByDynamoDb() {
    int accepted = 1000;
    int refused = (int) sizeLimitBytes();
    while (refused - accepted > 1) {
      int size = (accepted + refused) >>> 1;
      SessionData session = newSession(attributes("payload", bytes(size, size)));
      try {
        store.create(session);
        accepted = size;
      } catch (SessionTooLargeException e) {
        refused = size;
      }
    }
    assertThat(accepted)
        .as("largest accepted attribute")
        .isGreaterThan((int) sizeLimitBytes() - 500);

    SessionData small = newSession(attributes("payload", bytes(10, 1)));
    store.create(small);
    SessionData base = store.load(small.id()).orElseThrow();
    assertThat(
            store.save(changes(base, attributes("payload", bytes(accepted, 2)), Set.of())).result())
        .isEqualTo(SaveResult.WRITTEN);
    SessionData grown = store.load(small.id()).orElseThrow();
    assertThat(grown.attributes().get("payload")).isEqualTo(bytes(accepted, 2));
    int tooMuch = accepted + 1;
    assertThatThrownBy(
            () -> store.save(changes(grown, attributes("payload", bytes(tooMuch, 3)), Set.of())))
        .isInstanceOf(SessionTooLargeException.class);
  }

  // ---- failures
  // ------------------------------------------------------------------------------------

  @Test
  void load_whenTheTableIsMissing_throwsSessionStoreExceptionNamingIt() {
    String missing = "missing-" + UUID.randomUUID();
    DynamoDbSessionStore lost =
        new DynamoDbSessionStore(
            raw, settings(dynalite.endpoint(), missing, PREFIX, Map.of()).dynamoDb());
    String id = newId();

    assertThatThrownBy(() -> lost.load(id))
        .isInstanceOf(SessionStoreException.class)
        .hasMessageContaining(missing)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(id));
  }

  /**
   * With dynalite gone, every operation fails fast with a {@link SessionStoreException} whose
   * message names no session id; after a restart the session is intact and no failed write left a
   * trace.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void outage_operationsFailFast_andTheSessionSurvivesARestart() {
    Path dataDir =
        Dynalite.baseDir().resolve("target").resolve("dynalite-data-store-it-" + UUID.randomUUID());
    String previousKey = System.getProperty("aws.accessKeyId");
    String previousSecret = System.getProperty("aws.secretAccessKey");
    // DynamoDbClientFactory uses the SDK's default credentials chain; system properties come first.
    System.setProperty("aws.accessKeyId", DynamoDbClients.ACCESS_KEY_ID);
    System.setProperty("aws.secretAccessKey", DynamoDbClients.SECRET_ACCESS_KEY);
    try (Dynalite own = Dynalite.start(dataDir);
        DynamoDbClient ownRaw = DynamoDbClients.forEndpoint(own.endpoint())) {
      DysessionSettings fast =
          settings(
              own.endpoint(),
              "outage-" + UUID.randomUUID(),
              PREFIX,
              Map.of(
                  DysessionSettings.API_CALL_TIMEOUT, "1000", DysessionSettings.MAX_RETRIES, "0"));
      new DynamoDbTableAdmin(ownRaw, fast.dynamoDb()).create();
      try (DynamoDbClient client = DynamoDbClientFactory.create(fast.dynamoDb())) {
        DynamoDbSessionStore outageStore = new DynamoDbSessionStore(client, fast.dynamoDb());
        SessionData session = newSession(attributes("a", bytes(10, 1), "b", bytes(1000, 2)));
        outageStore.create(session);
        SessionData base = outageStore.load(session.id()).orElseThrow();
        String newId = newId();

        own.kill();

        assertFailsFast(session.id(), () -> outageStore.load(session.id()));
        assertFailsFast(
            session.id(),
            () -> outageStore.save(changes(base, attributes("c", bytes(5, 3)), Set.of("a"))));
        assertFailsFast(
            session.id(),
            () ->
                outageStore.save(
                    SessionChanges.touch(
                        base, base.lastAccessedTime().plus(settings.touchInterval()))));
        SessionData fresh = newSession(attributes("x", bytes(5, 9)));
        assertFailsFast(fresh.id(), () -> outageStore.create(fresh));
        assertFailsFast(session.id(), () -> outageStore.changeId(session.id(), newId));
        assertFailsFast(session.id(), () -> outageStore.delete(session.id()));

        own.restart();

        Optional<SessionData> after = outageStore.load(session.id());
        assertThat(after).isPresent();
        assertSameSession(after.get(), session);
        assertThat(after.get().version()).isEqualTo(base.version());
        assertThat(outageStore.load(newId)).isEmpty();
        assertThat(outageStore.load(fresh.id())).isEmpty();
        assertThat(
                outageStore
                    .save(changes(after.get(), attributes("c", bytes(5, 3)), Set.of()))
                    .result())
            .isEqualTo(SaveResult.WRITTEN);
      }
    } finally {
      restoreProperty("aws.accessKeyId", previousKey);
      restoreProperty("aws.secretAccessKey", previousSecret);
    }
  }

  private static void assertFailsFast(String id, ThrowingCallable call) {
    long start = System.nanoTime();
    assertThatThrownBy(call)
        .isInstanceOf(SessionStoreException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(id));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(millis)
        .as("milliseconds until the failure (api-call-timeout-ms=1000, max-retries=0)")
        .isLessThan(3000);
  }

  // ---- helpers
  // -------------------------------------------------------------------------------------

  private static DysessionSettings settings(
      URI endpoint, String tableName, String prefix, Map<String, String> extra) {
    Map<String, String> values = new HashMap<>();
    values.put(DysessionSettings.TABLE_NAME, tableName);
    values.put(DysessionSettings.ENDPOINT, endpoint.toString());
    values.put(DysessionSettings.KEY_PREFIX, prefix);
    values.putAll(extra);
    return DysessionSettings.from(SettingsSource.of(values));
  }

  private static Map<String, AttributeValue> key(String prefix, String id) {
    return Map.of(PK, AttributeValue.fromS(prefix + id), SK, AttributeValue.fromS("SESSION"));
  }

  private static Optional<Map<String, AttributeValue>> rawItem(String id) {
    var response = raw.getItem(b -> b.tableName(table).key(key(PREFIX, id)).consistentRead(true));
    return response.hasItem() && !response.item().isEmpty()
        ? Optional.of(response.item())
        : Optional.empty();
  }

  private static long number(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    assertThat(value).as("item attribute %s", name).isNotNull();
    assertThat(value.n()).as("item attribute %s as a number", name).isNotNull();
    return Long.parseLong(value.n());
  }

  private static AttributeValue binary(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return AttributeValue.fromB(SdkBytes.fromByteArray(b));
  }

  private static void restoreProperty(String name, String value) {
    if (value == null) {
      System.clearProperty(name);
    } else {
      System.setProperty(name, value);
    }
  }
}
