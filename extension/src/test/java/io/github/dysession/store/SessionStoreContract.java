package io.github.dysession.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.github.dysession.store.SessionStore.SaveResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link SessionStore} must have, whatever holds the sessions.
 *
 * <p>A subclass supplies the store and the few things that need raw access to its backend. Every
 * test works on fresh random ids, so one backend (table, map, ...) can serve all tests of a class.
 * Attribute values are opaque bytes to a store; the tests use random bytes and compare them byte
 * for byte.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class SessionStoreContract {

  /** Threads and rounds of the lost-update tests. */
  private static final int THREADS = 8;

  private static final int ROUNDS = 50;

  /** The attribute size the size-limit tests use. */
  private static final int BIG = 60 * 1024;

  protected SessionStore store;

  // ---- What a subclass supplies ---------------------------------------------------------------

  /** Returns a store on the subclass's backend; called before every test. */
  protected abstract SessionStore newStore();

  /** The touch interval the store was configured with (a pure touch inside it is not written). */
  protected abstract Duration touchInterval();

  /** The store's size limit in bytes; sessions well over it must be refused. */
  protected abstract long sizeLimitBytes();

  /**
   * Whether the backend still holds a record for {@code id}, whether or not the session in it has
   * expired (the point: an expired record may linger, but must not load).
   */
  protected abstract boolean recordExists(String id);

  /**
   * Puts an attribute {@code name} into the stored session {@code id} that the store's own write
   * path could never have produced (a value of the wrong type, garbage, ...), bypassing the store.
   */
  protected abstract void writeCorruptAttribute(String id, String name);

  /**
   * The number of write requests (create, update, delete) the store has sent to its backend so far.
   */
  protected abstract long writeRequests();

  /** Called after every test; override to release what {@link #newStore()} opened. */
  protected void closeStore(SessionStore store) {}

  @BeforeEach
  final void openStore() {
    store = newStore();
  }

  @AfterEach
  final void releaseStore() {
    closeStore(store);
  }

  // ---- create / load
  // -----------------------------------------------------------------------------

  @Test
  void create_thenLoad_returnsEqualData() {
    Instant now = Instant.now();
    SessionData session =
        new SessionData(
            newId(),
            now.minus(Duration.ofMinutes(7)).minusNanos(123_456_789),
            now.minusNanos(987_654_321),
            Duration.ofSeconds(1800),
            0,
            attributes("user", bytes(40, 1), "cart", bytes(3000, 2), "flag", bytes(1, 3)));

    store.create(session);
    Optional<SessionData> loaded = store.load(session.id());

    assertThat(loaded).isPresent();
    assertSameSession(loaded.get(), session);
  }

  @Test
  void create_withoutAttributes_loadsWithNoAttributes() {
    SessionData session = SessionData.newSession(newId(), Instant.now(), Duration.ofMinutes(30));

    store.create(session);

    assertThat(store.load(session.id())).hasValueSatisfying(s -> assertSameSession(s, session));
  }

  @Test
  void load_whenIdIsUnknown_isEmpty() {
    assertThat(store.load(newId())).isEmpty();
  }

  @Test
  void createAndSave_acceptAttributeNamesWithSpecialCharacters() {
    List<String> names =
        List.of(
            "cart.items",
            "with space",
            "日本語",
            "#hash",
            ":colon",
            "list[0]",
            "a-b_c",
            "ds_attrs",
            "PK",
            "ttl",
            "$dollar",
            "x".repeat(200));
    Map<String, byte[]> initial = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      initial.put(names.get(i), bytes(10 + i, i));
    }
    SessionData session = newSession(initial);
    store.create(session);
    assertSameSession(store.load(session.id()).orElseThrow(), session);

    SessionData base = store.load(session.id()).orElseThrow();
    Map<String, byte[]> set = new LinkedHashMap<>();
    Set<String> removed = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      if (i % 2 == 0) {
        set.put(names.get(i), bytes(20 + i, 100 + i));
      } else {
        removed.add(names.get(i));
      }
    }
    SessionChanges changes = changes(base, set, removed);
    assertThat(store.save(changes).result()).isEqualTo(SaveResult.WRITTEN);

    assertSameAttributes(
        store.load(session.id()).orElseThrow().attributes(), changes.resultingAttributes());
  }

  // ---- save
  // -----------------------------------------------------------------------------------------

  @Test
  void save_setsAndRemovesTheNamedAttributes() {
    SessionData session =
        newSession(attributes("a", bytes(10, 1), "b", bytes(10, 2), "c", bytes(10, 3)));
    store.create(session);
    SessionData base = store.load(session.id()).orElseThrow();

    SessionChanges changes =
        changes(base, attributes("a", bytes(12, 11), "d", bytes(14, 14)), Set.of("b"));
    assertThat(store.save(changes).result()).isEqualTo(SaveResult.WRITTEN);

    SessionData loaded = store.load(session.id()).orElseThrow();
    assertSameAttributes(
        loaded.attributes(), attributes("a", bytes(12, 11), "c", bytes(10, 3), "d", bytes(14, 14)));
    assertThat(loaded.lastAccessedTime()).isEqualTo(millis(changes.lastAccessedTime()));
    assertThat(loaded.creationTime()).isEqualTo(millis(session.creationTime()));
    assertThat(loaded.version()).isGreaterThan(base.version());
  }

  /**
   * A save writes only the attributes its request changed: what another request stored meanwhile
   * (unknown to this request's base) survives.
   */
  @Test
  void save_leavesAttributesItDidNotNameUntouched() {
    SessionData session =
        newSession(attributes("mine", bytes(10, 1), "kept", bytes(10, 2), "gone", bytes(10, 3)));
    store.create(session);
    SessionData staleBase = store.load(session.id()).orElseThrow();

    // Another request adds "theirs" and changes "kept".
    SessionData otherBase = store.load(session.id()).orElseThrow();
    assertThat(
            store
                .save(
                    changes(
                        otherBase,
                        attributes("theirs", bytes(20, 20), "kept", bytes(21, 21)),
                        Set.of()))
                .result())
        .isEqualTo(SaveResult.WRITTEN);

    // This request, on the older base, changes "mine" and removes "gone" only.
    assertThat(
            store
                .save(changes(staleBase, attributes("mine", bytes(30, 30)), Set.of("gone")))
                .result())
        .isEqualTo(SaveResult.WRITTEN);

    assertSameAttributes(
        store.load(session.id()).orElseThrow().attributes(),
        attributes("mine", bytes(30, 30), "kept", bytes(21, 21), "theirs", bytes(20, 20)));
  }

  @Test
  void save_changesTheInterval() {
    SessionData session = newSession(attributes("a", bytes(10, 1)));
    store.create(session);
    SessionData base = store.load(session.id()).orElseThrow();

    SessionChanges changes =
        new SessionChanges(base, Instant.now(), Duration.ofHours(2), Map.of(), Set.of());
    assertThat(store.save(changes).result()).isEqualTo(SaveResult.WRITTEN);

    SessionData loaded = store.load(session.id()).orElseThrow();
    assertThat(loaded.maxInactiveInterval()).isEqualTo(Duration.ofHours(2));
    assertSameAttributes(loaded.attributes(), session.attributes());
  }

  @Test
  void save_whenPureTouchInsideTheTouchInterval_isSkippedAndChangesNothing() {
    Instant now = Instant.now();
    SessionData session =
        new SessionData(
            newId(),
            now.minusSeconds(600),
            now.minusSeconds(2),
            Duration.ofMinutes(30),
            0,
            attributes("a", bytes(10, 1)));
    store.create(session);
    SessionData base = store.load(session.id()).orElseThrow();
    long writesBefore = writeRequests();

    SaveResult result = store.save(SessionChanges.touch(base, Instant.now())).result();

    assertThat(result).isEqualTo(SaveResult.SKIPPED);
    assertThat(writeRequests())
        .as("write requests sent for a skipped touch")
        .isEqualTo(writesBefore);
    SessionData loaded = store.load(session.id()).orElseThrow();
    assertSameSession(loaded, session);
    assertThat(loaded.version()).isEqualTo(base.version());
  }

  @Test
  void save_whenPureTouchAfterTheTouchInterval_isWritten() {
    Instant now = Instant.now();
    SessionData session =
        new SessionData(
            newId(),
            now.minusSeconds(3000),
            now.minus(touchInterval()).minusSeconds(1),
            Duration.ofHours(1),
            0,
            attributes("a", bytes(10, 1)));
    store.create(session);
    SessionData base = store.load(session.id()).orElseThrow();

    Instant touchTime = Instant.now();
    SaveResult result = store.save(SessionChanges.touch(base, touchTime)).result();

    assertThat(result).isEqualTo(SaveResult.WRITTEN);
    SessionData loaded = store.load(session.id()).orElseThrow();
    assertThat(loaded.lastAccessedTime()).isEqualTo(millis(touchTime));
    assertThat(loaded.creationTime()).isEqualTo(millis(session.creationTime()));
    assertThat(loaded.version()).isGreaterThan(base.version());
    assertSameAttributes(loaded.attributes(), session.attributes());
  }

  @Test
  void save_manyAttributesInOneRequest_writesAndRemovesThemAll() {
    SessionData session = newSession(attributes("keep", bytes(10, 1)));
    store.create(session);

    Map<String, byte[]> many = new LinkedHashMap<>();
    for (int i = 0; i < 400; i++) {
      many.put("attribute-" + i, bytes(50, 1000 + i));
    }
    SessionData base = store.load(session.id()).orElseThrow();
    assertThat(store.save(changes(base, many, Set.of())).result()).isEqualTo(SaveResult.WRITTEN);
    SessionData loaded = store.load(session.id()).orElseThrow();
    Map<String, byte[]> expected = new LinkedHashMap<>(many);
    expected.put("keep", bytes(10, 1));
    assertSameAttributes(loaded.attributes(), expected);

    // Remove the first 300 and replace the last 100, in one request.
    Map<String, byte[]> set = new LinkedHashMap<>();
    Set<String> removed = new HashSet<>();
    for (int i = 0; i < 400; i++) {
      if (i < 300) {
        removed.add("attribute-" + i);
      } else {
        set.put("attribute-" + i, bytes(60, 5000 + i));
      }
    }
    SessionChanges second = changes(loaded, set, removed);
    assertThat(store.save(second).result()).isEqualTo(SaveResult.WRITTEN);
    assertSameAttributes(
        store.load(session.id()).orElseThrow().attributes(), second.resultingAttributes());
  }

  @Test
  void save_returnsWhatItStored_withTheStoredVersion_alsoWhenSplitIntoSeveralWrites() {
    SessionData session = newSession(attributes("keep", bytes(10, 1)));
    store.create(session);
    SessionData base = store.load(session.id()).orElseThrow();

    SessionChanges small = changes(base, attributes("a", bytes(10, 2)), Set.of());
    SaveOutcome one = store.save(small);
    SessionData afterOne = store.load(session.id()).orElseThrow();
    assertThat(one.result()).isEqualTo(SaveResult.WRITTEN);
    assertThat(one.stored().version()).isEqualTo(afterOne.version());
    assertSameAttributes(one.stored().attributes(), afterOne.attributes());

    // Enough attributes that a store with a limit on one write's size splits the save.
    Map<String, byte[]> many = new LinkedHashMap<>();
    for (int i = 0; i < 400; i++) {
      many.put("attribute-" + i, bytes(50, 1000 + i));
    }
    SaveOutcome split = store.save(changes(one.stored(), many, Set.of("a")));
    SessionData afterSplit = store.load(session.id()).orElseThrow();
    assertThat(split.stored().version())
        .as("version after a split save")
        .isEqualTo(afterSplit.version());
    assertSameAttributes(split.stored().attributes(), afterSplit.attributes());

    // The next save, based on what the last one returned, lands on top of it.
    assertThat(store.save(changes(split.stored(), attributes("z", bytes(5, 9)), Set.of())).result())
        .isEqualTo(SaveResult.WRITTEN);
    assertThat(store.load(session.id()).orElseThrow().attributes())
        .containsKeys("z", "keep", "attribute-399");
  }

  @Test
  void save_skipped_returnsTheUnchangedBase_andGone_returnsNothing() {
    SessionData session = newSession(attributes("a", bytes(10, 1)));
    store.create(session);
    SessionData base = store.load(session.id()).orElseThrow();

    SaveOutcome skipped = store.save(SessionChanges.touch(base, base.lastAccessedTime()));
    assertThat(skipped.result()).isEqualTo(SaveResult.SKIPPED);
    assertThat(skipped.stored()).isSameAs(base);

    store.delete(session.id());
    SaveOutcome gone = store.save(changes(base, attributes("b", bytes(10, 2)), Set.of()));
    assertThat(gone.result()).isEqualTo(SaveResult.GONE);
    assertThat(gone.stored()).isNull();
  }

  // ---- delete / no resurrection
  // -------------------------------------------------------------------

  @Test
  void delete_thenLoad_isEmpty() {
    SessionData session = newSession(attributes("a", bytes(10, 1)));
    store.create(session);

    store.delete(session.id());

    assertThat(store.load(session.id())).isEmpty();
    assertThat(recordExists(session.id())).isFalse();
  }

  @Test
  void delete_whenIdIsUnknown_isNoError() {
    store.delete(newId());
  }

  @Test
  void save_whenSessionWasDeleted_doesNotResurrectIt() {
    SessionData session = newSession(attributes("a", bytes(10, 1)));
    store.create(session);
    SessionData base = store.load(session.id()).orElseThrow();

    store.delete(session.id());
    SaveResult withContent =
        store.save(changes(base, attributes("b", bytes(10, 2)), Set.of("a"))).result();
    SaveResult touchOnly =
        store
            .save(SessionChanges.touch(base, base.lastAccessedTime().plus(touchInterval())))
            .result();

    assertThat(withContent).isEqualTo(SaveResult.GONE);
    assertThat(touchOnly).isEqualTo(SaveResult.GONE);
    assertThat(store.load(session.id())).isEmpty();
    assertThat(recordExists(session.id())).as("a record for the deleted id").isFalse();
  }

  @Test
  void save_whenSessionHasExpired_doesNotReviveIt() {
    Instant now = Instant.now();
    // Loaded by a request shortly before it expired.
    SessionData expired =
        new SessionData(
            newId(),
            now.minus(Duration.ofHours(3)),
            now.minus(Duration.ofHours(2)),
            Duration.ofHours(1),
            0,
            attributes("a", bytes(10, 1)));
    store.create(expired);

    SaveResult result =
        store.save(changes(expired, attributes("b", bytes(10, 2)), Set.of())).result();

    assertThat(result).isEqualTo(SaveResult.GONE);
    assertThat(store.load(expired.id())).isEmpty();
  }

  @Test
  void save_onTheOldIdAfterChangeId_doesNotResurrectIt() {
    SessionData session = newSession(attributes("a", bytes(10, 1)));
    store.create(session);
    SessionData oldBase = store.load(session.id()).orElseThrow();
    String newId = newId();
    assertThat(store.changeId(session.id(), newId)).isPresent();

    SaveResult result =
        store.save(changes(oldBase, attributes("late", bytes(10, 9)), Set.of())).result();

    assertThat(result).isEqualTo(SaveResult.GONE);
    assertThat(store.load(session.id())).isEmpty();
    assertSameAttributes(store.load(newId).orElseThrow().attributes(), session.attributes());
  }

  // ---- duplicate ids
  // ------------------------------------------------------------------------------

  @Test
  void create_whenIdExists_throwsDuplicateAndKeepsTheStoredSession() {
    SessionData first = newSession(attributes("owner", bytes(10, 1)));
    store.create(first);
    Instant now = Instant.now();
    SessionData intruder =
        new SessionData(
            first.id(),
            now,
            now,
            Duration.ofMinutes(5),
            0,
            attributes("owner", bytes(10, 66), "extra", bytes(10, 67)));

    assertThatThrownBy(() -> store.create(intruder))
        .isInstanceOf(DuplicateSessionIdException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(first.id()));

    assertSameSession(store.load(first.id()).orElseThrow(), first);
  }

  /**
   * Only a live session blocks an id ({@link SessionStore#create} and {@link
   * DuplicateSessionIdException}): an expired record that the backend has not removed yet does not.
   */
  @Test
  void create_whenOnlyAnExpiredSessionHoldsTheId_replacesIt() {
    Instant now = Instant.now();
    SessionData expired =
        new SessionData(
            newId(),
            now.minus(Duration.ofHours(3)),
            now.minus(Duration.ofHours(2)),
            Duration.ofHours(1),
            0,
            attributes("old", bytes(10, 1)));
    store.create(expired);
    assertThat(store.load(expired.id())).isEmpty();
    SessionData fresh =
        new SessionData(
            expired.id(), now, now, Duration.ofMinutes(30), 0, attributes("new", bytes(10, 2)));

    store.create(fresh);

    assertSameSession(store.load(expired.id()).orElseThrow(), fresh);
  }

  // ---- changeId
  // -----------------------------------------------------------------------------------

  @Test
  void changeId_movesTheWholeSessionToTheNewId() {
    SessionData session =
        newSession(attributes("a", bytes(10, 1), "b", bytes(2000, 2), "c", bytes(1, 3)));
    store.create(session);
    String newId = newId();

    Optional<SessionData> moved = store.changeId(session.id(), newId);

    assertThat(moved).isPresent();
    assertThat(moved.get().id()).isEqualTo(newId);
    assertSameSession(moved.get(), session.withId(newId));
    assertSameSession(store.load(newId).orElseThrow(), session.withId(newId));
    assertThat(store.load(session.id())).isEmpty();
    assertThat(recordExists(session.id())).as("a record under the old id").isFalse();

    // The moved session is an ordinary session.
    SessionData base = store.load(newId).orElseThrow();
    assertThat(store.save(changes(base, attributes("d", bytes(5, 4)), Set.of("a"))).result())
        .isEqualTo(SaveResult.WRITTEN);
    assertSameAttributes(
        store.load(newId).orElseThrow().attributes(),
        attributes("b", bytes(2000, 2), "c", bytes(1, 3), "d", bytes(5, 4)));
  }

  @Test
  void changeId_whenOldIdIsUnknown_returnsEmptyAndCreatesNothing() {
    String newId = newId();

    assertThat(store.changeId(newId(), newId)).isEmpty();
    assertThat(store.load(newId)).isEmpty();
    assertThat(recordExists(newId)).isFalse();
  }

  @Test
  void changeId_whenOldSessionHasExpired_returnsEmpty() {
    Instant now = Instant.now();
    SessionData expired =
        new SessionData(
            newId(),
            now.minus(Duration.ofHours(3)),
            now.minus(Duration.ofHours(2)),
            Duration.ofHours(1),
            0,
            attributes("a", bytes(10, 1)));
    store.create(expired);
    String newId = newId();

    assertThat(store.changeId(expired.id(), newId)).isEmpty();
    assertThat(store.load(newId)).isEmpty();
  }

  @Test
  void changeId_ontoAnExistingId_throwsDuplicateAndKeepsBothSessions() {
    SessionData session = newSession(attributes("a", bytes(10, 1)));
    SessionData other = newSession(attributes("z", bytes(10, 26)));
    store.create(session);
    store.create(other);

    assertThatThrownBy(() -> store.changeId(session.id(), other.id()))
        .isInstanceOf(DuplicateSessionIdException.class)
        .satisfies(
            e ->
                assertThat(e.getMessage()).doesNotContain(session.id()).doesNotContain(other.id()));

    assertSameSession(store.load(session.id()).orElseThrow(), session);
    assertSameSession(store.load(other.id()).orElseThrow(), other);
  }

  // ---- expiry
  // -------------------------------------------------------------------------------------

  @Test
  void load_whenSessionHasExpired_isEmptyAlthoughTheRecordStillExists() {
    Instant now = Instant.now();
    SessionData expired =
        new SessionData(
            newId(),
            now.minus(Duration.ofHours(3)),
            now.minus(Duration.ofHours(2)),
            Duration.ofHours(1),
            0,
            attributes("a", bytes(10, 1)));

    store.create(expired);

    assertThat(recordExists(expired.id()))
        .as("the record (not yet removed by the backend)")
        .isTrue();
    assertThat(store.load(expired.id())).isEmpty();
  }

  @Test
  void load_afterTheIntervalPasses_isEmpty() throws InterruptedException {
    SessionData session =
        new SessionData(
            newId(),
            Instant.now(),
            Instant.now(),
            Duration.ofSeconds(1),
            0,
            attributes("a", bytes(10, 1)));
    store.create(session);
    assertThat(store.load(session.id())).as("right after create").isPresent();

    Thread.sleep(1500);

    assertThat(store.load(session.id())).as("1.5 s later").isEmpty();
    assertThat(recordExists(session.id())).isTrue();
  }

  @ParameterizedTest(name = "interval {0} s")
  @ValueSource(longs = {0, -1})
  void load_whenIntervalIsZeroOrNegative_neverExpires(long seconds) {
    Instant longAgo = Instant.now().minus(Duration.ofDays(400));
    SessionData session =
        new SessionData(
            newId(),
            longAgo,
            longAgo,
            Duration.ofSeconds(seconds),
            0,
            attributes("a", bytes(10, 1)));

    store.create(session);

    assertThat(store.load(session.id())).hasValueSatisfying(s -> assertSameSession(s, session));
    SessionData base = store.load(session.id()).orElseThrow();
    assertThat(store.save(changes(base, attributes("b", bytes(10, 2)), Set.of())).result())
        .isEqualTo(SaveResult.WRITTEN);
    assertThat(store.load(session.id())).isPresent();
  }

  // ---- concurrency
  // --------------------------------------------------------------------------------

  @Test
  void save_concurrentChangesOfDifferentAttributes_loseNothing_eachFromAFreshLoad()
      throws Exception {
    concurrentChanges(true);
  }

  @Test
  void save_concurrentChangesOfDifferentAttributes_loseNothing_allFromTheSameBase()
      throws Exception {
    concurrentChanges(false);
  }

  private void concurrentChanges(boolean freshLoad) throws Exception {
    Map<String, byte[]> initial = new LinkedHashMap<>();
    initial.put("shared", bytes(100, 1));
    for (int t = 0; t < THREADS; t++) {
      initial.put("attr-" + t, value("initial-" + t));
    }
    SessionData session = newSession(initial);
    store.create(session);
    SessionData sameBase = store.load(session.id()).orElseThrow();

    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<SaveResult>>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  List<SaveResult> results = new ArrayList<>();
                  for (int round = 0; round < ROUNDS; round++) {
                    SessionData base =
                        freshLoad ? store.load(session.id()).orElseThrow() : sameBase;
                    results.add(
                        store
                            .save(
                                changes(
                                    base,
                                    Map.of(
                                        "attr-" + thread,
                                        value("thread-" + thread + "-round-" + round)),
                                    Set.of()))
                            .result());
                  }
                  return results;
                }));
      }
      start.countDown();
      for (Future<List<SaveResult>> future : futures) {
        assertThat(future.get(45, TimeUnit.SECONDS)).containsOnly(SaveResult.WRITTEN);
      }
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(5, TimeUnit.SECONDS);
    }

    SessionData loaded = store.load(session.id()).orElseThrow();
    Map<String, String> actual = new LinkedHashMap<>();
    Map<String, String> expected = new LinkedHashMap<>();
    for (int t = 0; t < THREADS; t++) {
      actual.put(
          "attr-" + t, new String(loaded.attributes().get("attr-" + t), StandardCharsets.UTF_8));
      expected.put("attr-" + t, "thread-" + t + "-round-" + (ROUNDS - 1));
    }
    assertThat(actual).isEqualTo(expected);
    assertThat(loaded.attributes().get("shared")).isEqualTo(bytes(100, 1));
    assertThat(loaded.attributes()).hasSize(THREADS + 1);
    assertThat(loaded.version())
        .as("version after %d writes", THREADS * ROUNDS)
        .isEqualTo(sameBase.version() + THREADS * ROUNDS);
  }

  // ---- size limit
  // ---------------------------------------------------------------------------------

  @Test
  void create_whenSessionIsTooLarge_throwsBeforeAnyWrite() {
    Map<String, byte[]> big = new LinkedHashMap<>();
    for (int i = 0; i < bigAttributesOverTheLimit(); i++) {
      big.put("big-" + i, bytes(BIG, 100 + i));
    }
    SessionData session = newSession(big);
    long writesBefore = writeRequests();

    assertThatThrownBy(() -> store.create(session))
        .isInstanceOf(SessionTooLargeException.class)
        .satisfies(
            e -> {
              SessionTooLargeException tooLarge = (SessionTooLargeException) e;
              assertThat(tooLarge.getMessage()).doesNotContain(session.id());
              assertThat(tooLarge.size()).isGreaterThan(tooLarge.limit());
              assertThat(tooLarge.limit()).isEqualTo(sizeLimitBytes());
            });

    assertThat(writeRequests()).as("write requests sent").isEqualTo(writesBefore);
    assertThat(store.load(session.id())).isEmpty();
    assertThat(recordExists(session.id())).isFalse();
  }

  @Test
  void save_whenSessionWouldBeTooLarge_throwsBeforeAnyWriteAndKeepsTheSession() {
    SessionData session = newSession(attributes("small", bytes(100, 1), "other", bytes(100, 2)));
    store.create(session);
    SessionData base = store.load(session.id()).orElseThrow();
    Map<String, byte[]> big = new LinkedHashMap<>();
    for (int i = 0; i < bigAttributesOverTheLimit(); i++) {
      big.put("big-" + i, bytes(BIG, 100 + i));
    }
    long writesBefore = writeRequests();

    assertThatThrownBy(() -> store.save(changes(base, big, Set.of("other"))))
        .isInstanceOf(SessionTooLargeException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(session.id()));

    assertThat(writeRequests()).as("write requests sent").isEqualTo(writesBefore);
    SessionData loaded = store.load(session.id()).orElseThrow();
    assertSameSession(loaded, session);
    assertThat(loaded.version()).isEqualTo(base.version());
  }

  @Test
  void checkSize_refusesATooLargeSessionWithoutCallingTheBackend_andAcceptsANormalOne() {
    Map<String, byte[]> big = new LinkedHashMap<>();
    for (int i = 0; i < bigAttributesOverTheLimit(); i++) {
      big.put("big-" + i, bytes(BIG, 100 + i));
    }
    SessionData tooLarge = newSession(big);
    SessionData normal = newSession(attributes("a", bytes(BIG, 1)));
    long writesBefore = writeRequests();

    assertThatThrownBy(() -> store.checkSize(tooLarge))
        .isInstanceOf(SessionTooLargeException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(tooLarge.id()));
    store.checkSize(normal);

    assertThat(writeRequests()).isEqualTo(writesBefore);
    assertThat(recordExists(tooLarge.id())).isFalse();
    assertThat(recordExists(normal.id())).isFalse();
  }

  /**
   * Two requests on one session, each within the limit on its own base, together over it: the
   * second save must fail as too large (the caller can tell it from an outage) and write nothing.
   */
  @Test
  void
      save_whenAnotherRequestGrewTheSessionMeanwhile_andTogetherTheyAreTooLarge_throwsTooLargeAndWritesNothing() {
    SessionData session = newSession(attributes("small", bytes(100, 1)));
    store.create(session);
    SessionData base = store.load(session.id()).orElseThrow();
    int total = bigAttributesOverTheLimit();
    int first = total / 2 + 1;
    Map<String, byte[]> firstBig = new LinkedHashMap<>();
    Map<String, byte[]> secondBig = new LinkedHashMap<>();
    for (int i = 0; i < total; i++) {
      (i < first ? firstBig : secondBig).put("big-" + i, bytes(BIG, 100 + i));
    }
    assertThat(store.save(changes(base, firstBig, Set.of())).result())
        .isEqualTo(SaveResult.WRITTEN);

    assertThatThrownBy(() -> store.save(changes(base, secondBig, Set.of())))
        .isInstanceOf(SessionTooLargeException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(session.id()));

    Map<String, byte[]> expected = new LinkedHashMap<>(firstBig);
    expected.put("small", bytes(100, 1));
    assertSameAttributes(store.load(session.id()).orElseThrow().attributes(), expected);
  }

  // ---- robustness
  // ---------------------------------------------------------------------------------

  @Test
  void load_whenOneAttributeIsCorrupt_returnsTheOthersIntact() {
    SessionData session = newSession(attributes("good-1", bytes(10, 1), "good-2", bytes(500, 2)));
    store.create(session);

    writeCorruptAttribute(session.id(), "bad");
    Optional<SessionData> loaded = store.load(session.id());

    assertThat(loaded).isPresent();
    assertThat(loaded.get().attributes().get("good-1")).isEqualTo(bytes(10, 1));
    assertThat(loaded.get().attributes().get("good-2")).isEqualTo(bytes(500, 2));
    // And the session stays usable.
    assertThat(
            store
                .save(changes(loaded.get(), attributes("good-3", bytes(5, 3)), Set.of("bad")))
                .result())
        .isEqualTo(SaveResult.WRITTEN);
    assertSameAttributes(
        store.load(session.id()).orElseThrow().attributes(),
        attributes("good-1", bytes(10, 1), "good-2", bytes(500, 2), "good-3", bytes(5, 3)));
  }

  // ---- logins
  // -------------------------------------------------------------------------------------

  @Test
  void save_login_isLoadedWithCallerGroupsAndMechanism_andKeepsTheAttributes() {
    SessionData session = newSession(attributes("before-login", bytes(20, 1)));
    store.create(session);
    SessionLogin login = login("alice", "user", "admin");

    SessionData base = store.load(session.id()).orElseThrow();
    assertThat(base.login()).isNull();
    assertThat(store.save(loginChanges(base, login)).result()).isEqualTo(SaveResult.WRITTEN);

    SessionData loaded = store.load(session.id()).orElseThrow();
    assertThat(loaded.login()).isEqualTo(login);
    assertThat(loaded.login().groups()).containsExactly("user", "admin");
    assertSameAttributes(loaded.attributes(), attributes("before-login", bytes(20, 1)));
  }

  @Test
  void save_thatChangesAttributesOnly_keepsTheLogin() {
    SessionData session = newSession(attributes()).withLogin(login("bob", "user"));
    store.create(session);

    SessionData base = store.load(session.id()).orElseThrow();
    assertThat(store.save(changes(base, attributes("x", bytes(5, 2)), Set.of())).result())
        .isEqualTo(SaveResult.WRITTEN);

    assertThat(store.load(session.id()).orElseThrow().login()).isEqualTo(session.login());
  }

  @Test
  void save_logout_removesTheLoginAndKeepsTheSession() {
    SessionData session = newSession(attributes("a", bytes(5, 1))).withLogin(login("carol"));
    store.create(session);

    SessionData base = store.load(session.id()).orElseThrow();
    assertThat(store.save(loginChanges(base, null)).result()).isEqualTo(SaveResult.WRITTEN);

    SessionData loaded = store.load(session.id()).orElseThrow();
    assertThat(loaded.login()).isNull();
    assertSameAttributes(loaded.attributes(), attributes("a", bytes(5, 1)));
  }

  @Test
  void save_login_whenSessionWasDeleted_doesNotResurrectIt() {
    SessionData session = newSession(attributes());
    store.create(session);
    SessionData base = store.load(session.id()).orElseThrow();
    store.delete(session.id());

    assertThat(store.save(loginChanges(base, login("mallory", "admin"))).result())
        .isEqualTo(SaveResult.GONE);

    assertThat(store.load(session.id())).isEmpty();
  }

  @Test
  void changeId_movesTheLogin_andTheOldIdLoadsNoLogin() {
    SessionData session = newSession(attributes("a", bytes(5, 1))).withLogin(login("dave", "user"));
    store.create(session);
    String newId = newId();

    assertThat(store.changeId(session.id(), newId))
        .hasValueSatisfying(moved -> assertThat(moved.login()).isEqualTo(session.login()));

    assertThat(store.load(newId).orElseThrow().login()).isEqualTo(session.login());
    assertThat(store.load(session.id())).isEmpty();
  }

  // ---- a caller's sessions
  // ------------------------------------------------------------------------------------

  /** A fresh caller name per test: the DynamoDB contract shares one table between its tests. */
  private static String caller() {
    return "user-" + java.util.UUID.randomUUID();
  }

  /** Creates a session logged in as {@code caller} from {@code client}; returns it as stored. */
  private SessionData loggedInSession(String caller, String client) {
    SessionData session =
        newSession(attributes("cart", value("3 items")))
            .withLogin(login(caller).withClient(client));
    store.create(session);
    return session;
  }

  @Test
  void loggedIn_listsTheCallersLiveSessionsWithTheirClients() {
    String alice = caller();
    String bob = caller();
    SessionData a1 = loggedInSession(alice, "Firefox, 127.0.0.1");
    SessionData a2 = loggedInSession(alice, "curl, 127.0.0.2");
    SessionData b1 = loggedInSession(bob, "Safari, 127.0.0.3");
    store.create(newSession(attributes("x", value("y"))));

    assertThat(store.loggedIn(alice))
        .extracting(LoggedInSession::id)
        .containsExactlyInAnyOrder(a1.id(), a2.id());
    assertThat(store.loggedIn(alice))
        .extracting(s -> s.login().client())
        .containsExactlyInAnyOrder("Firefox, 127.0.0.1", "curl, 127.0.0.2");
    LoggedInSession listed =
        store.loggedIn(alice).stream()
            .filter(s -> s.id().equals(a1.id()))
            .findFirst()
            .orElseThrow();
    assertThat(listed.creationTime()).isEqualTo(millis(a1.creationTime()));
    assertThat(listed.lastAccessedTime()).isEqualTo(millis(a1.lastAccessedTime()));
    assertThat(listed.expiryTime())
        .isEqualTo(millis(a1.lastAccessedTime()).plus(Duration.ofMinutes(30)));
    assertThat(listed.toString()).doesNotContain(a1.id());
    assertThat(store.loggedIn(bob)).extracting(LoggedInSession::id).containsExactly(b1.id());
    assertThat(store.loggedIn(caller())).isEmpty();
  }

  @Test
  void loggedIn_leavesOutSessionsLoggedOutMovedDeletedOrExpired() {
    String alice = caller();
    SessionData out = loggedInSession(alice, "c1");
    SessionData moved = loggedInSession(alice, "c2");
    SessionData deleted = loggedInSession(alice, "c3");
    Instant past = Instant.now().minus(Duration.ofHours(1));
    SessionData expired =
        new SessionData(
            newId(), past, past, Duration.ofMinutes(1), 0, Map.of(), login(alice).withClient("c4"));
    store.create(expired);

    store.save(loginChanges(out, null));
    String newId = newId();
    store.changeId(moved.id(), newId);
    store.delete(deleted.id());

    assertThat(store.loggedIn(alice)).extracting(LoggedInSession::id).containsExactly(newId);
  }

  @Test
  void endLoggedIn_deletesOnceAndReturnsTheSessionAsItWas() {
    String alice = caller();
    SessionData session = loggedInSession(alice, "c");

    assertThat(store.endLoggedIn(session.id(), caller())).isEmpty();
    assertThat(store.load(session.id())).isPresent();

    Optional<SessionData> ended = store.endLoggedIn(session.id(), alice);
    assertThat(ended)
        .hasValueSatisfying(s -> assertSameAttributes(s.attributes(), session.attributes()));
    assertThat(ended.orElseThrow().login().caller()).isEqualTo(alice);
    assertThat(store.load(session.id())).isEmpty();
    assertThat(store.endLoggedIn(session.id(), alice)).isEmpty();
    assertThat(store.loggedIn(alice)).isEmpty();
    assertThat(store.save(changes(session, attributes("late", value("x")), Set.of())).result())
        .isEqualTo(SaveResult.GONE);
    assertThat(store.load(session.id())).isEmpty();
  }

  /** A session that expired {@code minutesAgo} minutes ago (30-minute interval). */
  private static SessionData expiredMinutesAgo(int minutesAgo, String value) {
    Instant now = Instant.now();
    return new SessionData(
        newId(),
        now.minus(Duration.ofMinutes(40 + minutesAgo)),
        now.minus(Duration.ofMinutes(30 + minutesAgo)),
        Duration.ofMinutes(30),
        0,
        attributes("v", value(value)));
  }

  @Test
  void expired_listsWhatExpired_andClaimEndsEachOnce_leavingLiveOnes() {
    Instant now = Instant.now();
    SessionData expired = expiredMinutesAgo(5, "gone");
    SessionData live = newSession(attributes("v", value("live")));
    SessionData forever =
        new SessionData(newId(), now, now, Duration.ZERO, 0, attributes("v", value("ever")));
    store.create(expired);
    store.create(live);
    store.create(forever);

    ExpiredSessions found = store.expired(now.minus(Duration.ofMinutes(10)), Instant.now(), 1000);
    assertThat(found.ids()).contains(expired.id()).doesNotContain(live.id(), forever.id());
    // A store may list in whole minutes: it got at most a minute short of now.
    assertThat(found.listedUntil())
        .isAfterOrEqualTo(now.minus(Duration.ofSeconds(61)))
        .isBeforeOrEqualTo(Instant.now());

    Optional<SessionData> claimed = store.claimExpired(expired.id());
    assertThat(claimed)
        .hasValueSatisfying(s -> assertSameAttributes(s.attributes(), expired.attributes()));
    assertThat(store.claimExpired(expired.id())).as("claimed twice").isEmpty();
    assertThat(recordExists(expired.id())).isFalse();
    assertThat(store.claimExpired(live.id())).isEmpty();
    assertThat(store.claimExpired(forever.id())).isEmpty();
    assertThat(store.load(live.id())).isPresent();
    assertThat(store.load(forever.id())).isPresent();
    assertThat(store.expired(now.minus(Duration.ofMinutes(10)), Instant.now(), 1000).ids())
        .doesNotContain(expired.id());
  }

  @Test
  void claimExpired_ofASessionTouchedSinceItWasListed_leavesIt() {
    SessionData expired = expiredMinutesAgo(3, "old");
    store.create(expired);
    assertThat(
            store.expired(Instant.now().minus(Duration.ofMinutes(10)), Instant.now(), 1000).ids())
        .contains(expired.id());
    // Another instance's request used it since (as a save of a session loaded just before it
    // expired would, had it not expired): it lives again under the same id.
    store.delete(expired.id());
    SessionData touched = newSession(attributes("v", value("new"))).withId(expired.id());
    store.create(touched);

    assertThat(store.claimExpired(expired.id())).isEmpty();
    assertThat(store.load(expired.id())).isPresent();
  }

  @Test
  void expired_returnsAtMostMax_andTheNextPassGoesOnFromWhereItStopped() {
    List<String> ours = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      SessionData expired = expiredMinutesAgo(4 + i, "m" + i);
      store.create(expired);
      ours.add(expired.id());
    }
    Set<String> seen = new HashSet<>();
    Instant from = Instant.now().minus(Duration.ofMinutes(10));
    for (int pass = 0; pass < 200 && !seen.containsAll(ours); pass++) {
      ExpiredSessions found = store.expired(from, Instant.now(), 1);
      assertThat(found.ids()).hasSizeLessThanOrEqualTo(1);
      for (String id : found.ids()) {
        seen.add(id);
        store.claimExpired(id);
      }
      from = found.listedUntil();
    }
    assertThat(seen).containsAll(ours);
  }

  @Test
  void admitLogin_refusesBeyondTheLimitCountingLoginsNotWrittenYet() {
    String alice = caller();
    SessionData first = loggedInSession(alice, "c1");
    String pending = newId();

    assertThat(store.admitLogin(alice, first.id(), 2, false)).isEmpty();
    assertThat(store.admitLogin(alice, pending, 2, false)).isEmpty();
    assertThatThrownBy(() -> store.admitLogin(alice, newId(), 2, false))
        .isInstanceOf(LoginLimitException.class)
        .hasMessageNotContaining(alice);
    // Another caller has a limit of its own.
    assertThat(store.admitLogin(caller(), newId(), 1, false)).isEmpty();
  }

  /** Admits a login of {@code caller} under a limit of 2, writes it and reports it written. */
  private SessionData admittedAndWritten(String caller) {
    SessionData session =
        newSession(attributes("a", value("b"))).withLogin(login(caller).withClient("c"));
    assertThat(store.admitLogin(caller, session.id(), 2, false)).isEmpty();
    store.create(session);
    store.loginWritten(caller, session.id());
    return session;
  }

  @Test
  void admitLogin_aWrittenLoginThatIsLoggedOutMovedOrEnded_holdsNoPlace() {
    String alice = caller();
    SessionData out = admittedAndWritten(alice);
    store.save(loginChanges(out, null));
    SessionData moved = admittedAndWritten(alice);
    store.changeId(moved.id(), newId());
    SessionData ended = admittedAndWritten(alice);
    // The moved session and this one are live: a fourth login is one too many.
    assertThatThrownBy(() -> store.admitLogin(alice, newId(), 2, false))
        .isInstanceOf(LoginLimitException.class);
    assertThat(store.endLoggedIn(ended.id(), alice)).isPresent();
    admittedAndWritten(alice);
    assertThatThrownBy(() -> store.admitLogin(alice, newId(), 2, false))
        .isInstanceOf(LoginLimitException.class);
    // Reporting a login the store never admitted, or twice, changes nothing.
    store.loginWritten(alice, newId());
    store.loginWritten(caller(), newId());
  }

  @Test
  void admitLogin_endingOldest_namesTheOldestLogins() throws Exception {
    String alice = caller();
    SessionData oldest = loggedInSession(alice, "c1");
    Thread.sleep(5);
    SessionData middle = loggedInSession(alice, "c2");
    Thread.sleep(5);
    SessionData newest = loggedInSession(alice, "c3");

    List<LoggedInSession> toEnd = store.admitLogin(alice, newId(), 2, true);
    assertThat(toEnd).extracting(LoggedInSession::id).containsExactly(oldest.id(), middle.id());
    toEnd.forEach(s -> store.endLoggedIn(s.id(), alice));
    // Left: the newest session and the login just admitted; the newest logging in again fits.
    assertThat(store.admitLogin(alice, newest.id(), 2, false)).isEmpty();
    assertThatThrownBy(() -> store.admitLogin(alice, newId(), 2, false))
        .isInstanceOf(LoginLimitException.class);
  }

  @Test
  void admitLogin_concurrentLoginsOfOneCaller_admitExactlyTheLimit() throws Exception {
    String alice = caller();
    int threads = 6;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  try {
                    store.admitLogin(alice, newId(), 2, false);
                    return true;
                  } catch (LoginLimitException e) {
                    return false;
                  }
                }));
      }
      start.countDown();
      int admitted = 0;
      for (var result : results) {
        admitted += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(admitted).isEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- helpers
  // ------------------------------------------------------------------------------------

  /** A login at a whole millisecond, as stores keep it. */
  protected static SessionLogin login(String caller, String... groups) {
    return new SessionLogin(
        caller,
        new java.util.LinkedHashSet<>(List.of(groups)),
        "org.example.TestMechanism",
        millis(Instant.now()));
  }

  /** Changes of a request that only logs the session in (or out, with null). */
  protected static SessionChanges loginChanges(SessionData base, SessionLogin login) {
    return new SessionChanges(
        base, Instant.now(), base.maxInactiveInterval(), Map.of(), Set.of(), login);
  }

  /**
   * How many attributes of {@value #BIG} bytes it takes to be clearly over the limit (8 for 400
   * KB).
   */
  protected final int bigAttributesOverTheLimit() {
    return (int) (sizeLimitBytes() / BIG) + 2;
  }

  protected static String newId() {
    return SessionIds.generate();
  }

  /** A 30-minute session created 5 minutes ago and last used now. */
  protected static SessionData newSession(Map<String, byte[]> attributes) {
    Instant now = Instant.now();
    return new SessionData(
        newId(), now.minus(Duration.ofMinutes(5)), now, Duration.ofMinutes(30), 0, attributes);
  }

  /** Changes of a request at the current time that keeps the interval. */
  protected static SessionChanges changes(
      SessionData base, Map<String, byte[]> set, Set<String> removed) {
    return new SessionChanges(base, Instant.now(), base.maxInactiveInterval(), set, removed);
  }

  /** {@code name, bytes, name, bytes, ...} in order. */
  protected static Map<String, byte[]> attributes(Object... namesAndValues) {
    Map<String, byte[]> map = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put((String) namesAndValues[i], (byte[]) namesAndValues[i + 1]);
    }
    return map;
  }

  /** {@code size} pseudo-random bytes, the same for the same seed. */
  protected static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  protected static byte[] value(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  protected static Instant millis(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MILLIS);
  }

  /** Same id, times to the millisecond, interval and attribute bytes. */
  protected static void assertSameSession(SessionData actual, SessionData expected) {
    assertThat(actual.id()).isEqualTo(expected.id());
    assertThat(actual.creationTime()).as("creationTime").isEqualTo(millis(expected.creationTime()));
    assertThat(actual.lastAccessedTime())
        .as("lastAccessedTime")
        .isEqualTo(millis(expected.lastAccessedTime()));
    assertThat(actual.maxInactiveInterval())
        .as("maxInactiveInterval")
        .isEqualTo(expected.maxInactiveInterval());
    assertSameAttributes(actual.attributes(), expected.attributes());
  }

  protected static void assertSameAttributes(
      Map<String, byte[]> actual, Map<String, byte[]> expected) {
    assertThat(actual.keySet())
        .as("attribute names")
        .containsExactlyInAnyOrderElementsOf(expected.keySet());
    for (Map.Entry<String, byte[]> e : expected.entrySet()) {
      if (!Arrays.equals(actual.get(e.getKey()), e.getValue())) {
        fail(
            "attribute '"
                + e.getKey()
                + "' differs: expected "
                + e.getValue().length
                + " bytes "
                + Arrays.hashCode(e.getValue())
                + ", got "
                + actual.get(e.getKey()).length
                + " bytes "
                + Arrays.hashCode(actual.get(e.getKey())));
      }
    }
  }
}
