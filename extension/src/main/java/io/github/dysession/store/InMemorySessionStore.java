package io.github.dysession.store;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link SessionStore} that keeps sessions in a {@link ConcurrentHashMap}: the SPI's reference
 * implementation, for tests and for measuring what dysession itself costs.
 *
 * <p>It keeps the same contract as the DynamoDB store: times are kept to the millisecond; a save
 * writes only the attributes it names, atomically per session, and is skipped for a pure touch
 * inside the touch interval; no save, create or id change brings back a session that was deleted or
 * has expired; expired records stay until they are replaced or swept, but never load; sessions over
 * the size limit are refused before anything changes. Sizes are counted as the DynamoDB store
 * counts them (names plus bytes plus a fixed overhead), so the limit means the same.
 *
 * <p>Thread-safe: every write is one atomic operation of the map per session. Sessions live as long
 * as the instance, in this JVM only, so it shares nothing between servers. dysession uses it only
 * where the application produces it as its {@code @Dysession SessionStore}.
 */
public final class InMemorySessionStore implements SessionStore {

  /** DynamoDB's item limit in bytes, the default size limit. */
  public static final long DEFAULT_LIMIT = 400 * 1024;

  // What the DynamoDB item spends besides the attributes: key, times, version, TTL, map overhead.
  private static final long ITEM_OVERHEAD = 200;
  private static final int SWEEP_EVERY = 4096;

  private final ConcurrentHashMap<String, Entry> sessions = new ConcurrentHashMap<>();
  private final Duration touchInterval;
  private final long limit;
  private final Clock clock;
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong creates = new AtomicLong();
  // Per caller: the sessions admitted to a login whose session may not be written yet.
  private final Map<String, Map<String, Instant>> admitted = new HashMap<>();

  /**
   * One stored session. {@code foreign} holds values the store's own write path never produces (see
   * {@link #putForeignValue}); they are dropped on load like undecodable DynamoDB map entries.
   * Entries compare by identity: each write makes a new one.
   */
  private static final class Entry {
    private final SessionData data;
    private final Map<String, Object> foreign;

    Entry(SessionData data, Map<String, Object> foreign) {
      this.data = data;
      this.foreign = foreign;
    }

    Entry(SessionData data) {
      this(data, Map.of());
    }

    SessionData data() {
      return data;
    }

    Map<String, Object> foreign() {
      return foreign;
    }
  }

  /** Creates a store with a 60 s touch interval and DynamoDB's 400 KB limit. */
  public InMemorySessionStore() {
    this(Duration.ofSeconds(60), DEFAULT_LIMIT, Clock.systemUTC());
  }

  /**
   * Creates a store.
   *
   * @param touchInterval how long a read-only session goes without a write of its access time
   * @param limit the largest session, in bytes as the DynamoDB store counts them
   * @param clock the clock that decides expiry
   */
  public InMemorySessionStore(Duration touchInterval, long limit, Clock clock) {
    this.touchInterval = Objects.requireNonNull(touchInterval, "touchInterval");
    this.limit = limit;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Optional<SessionData> load(String id) {
    Entry entry = sessions.get(id);
    if (entry == null || entry.data().isExpiredAt(clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(entry.data());
  }

  @Override
  public void create(SessionData session) {
    checkSize(session);
    SessionData stored = millis(session);
    Instant now = clock.instant();
    sessions.compute(
        session.id(),
        (id, existing) -> {
          if (existing != null && !existing.data().isExpiredAt(now)) {
            throw new DuplicateSessionIdException(id);
          }
          writes.incrementAndGet();
          return new Entry(stored);
        });
    if (creates.incrementAndGet() % SWEEP_EVERY == 0) {
      sweep();
    }
  }

  @Override
  public SaveOutcome save(SessionChanges changes) {
    if (!changes.needsWrite(touchInterval)) {
      return SaveOutcome.skipped(changes.base());
    }
    if (changes.changesContent()) {
      checkSize(changes.result());
    }
    Instant now = clock.instant();
    SessionData[] written = {null};
    sessions.computeIfPresent(
        changes.base().id(),
        (id, current) -> {
          if (current.data().isExpiredAt(now)) {
            return current;
          }
          SessionData data = current.data();
          Map<String, byte[]> attributes = new LinkedHashMap<>(data.attributes());
          attributes.keySet().removeAll(changes.removedAttributes());
          attributes.putAll(changes.setAttributes());
          Map<String, Object> foreign = current.foreign();
          if (!foreign.isEmpty()) {
            foreign = new LinkedHashMap<>(foreign);
            foreign.keySet().removeAll(changes.removedAttributes());
            foreign.keySet().removeAll(changes.setAttributes().keySet());
          }
          SessionData result =
              new SessionData(
                  id,
                  data.creationTime(),
                  changes.lastAccessedTime().truncatedTo(ChronoUnit.MILLIS),
                  changes.maxInactiveInterval(),
                  data.version() + 1,
                  attributes,
                  changes.changesLogin() ? changes.login() : data.login());
          // Another request may have grown the session meanwhile: the merged result must fit, too.
          checkSize(result);
          writes.incrementAndGet();
          written[0] = result;
          return new Entry(result, foreign);
        });
    return written[0] == null
        ? SaveOutcome.gone()
        : SaveOutcome.written(changes.result(written[0].version()));
  }

  @Override
  public void checkSize(SessionData session) {
    long size = size(session);
    if (size > limit) {
      List<Map.Entry<String, byte[]>> entries = new ArrayList<>(session.attributes().entrySet());
      entries.sort(
          Comparator.comparingInt((Map.Entry<String, byte[]> e) -> e.getValue().length).reversed());
      List<String> largest = new ArrayList<>();
      for (Map.Entry<String, byte[]> e : entries.subList(0, Math.min(3, entries.size()))) {
        largest.add("'" + e.getKey() + "' (" + e.getValue().length + " bytes)");
      }
      throw new SessionTooLargeException(session.id(), size, limit, largest);
    }
  }

  @Override
  public void delete(String id) {
    if (sessions.remove(id) != null) {
      writes.incrementAndGet();
    }
  }

  @Override
  public Optional<SessionData> changeId(String oldId, String newId) {
    Instant now = clock.instant();
    Entry current = live(oldId, now);
    if (current == null) {
      return Optional.empty();
    }
    Entry first = new Entry(current.data().withId(newId), current.foreign());
    sessions.compute(
        newId,
        (id, existing) -> {
          if (existing != null && !existing.data().isExpiredAt(now)) {
            throw new DuplicateSessionIdException(id);
          }
          writes.incrementAndGet();
          return first;
        });
    Entry copy = first;
    // A request on the old id may write between the copy and the removal: the removal is
    // conditional on the entry we copied (entries compare by identity); a newer one is copied
    // again.
    for (int attempt = 0; attempt < 5; attempt++) {
      if (sessions.remove(oldId, current)) {
        writes.incrementAndGet();
        return Optional.of(copy.data());
      }
      current = live(oldId, now);
      if (current == null) {
        // Invalidated meanwhile: the invalidation wins over the move.
        sessions.remove(newId, copy);
        return Optional.empty();
      }
      Entry newer = new Entry(current.data().withId(newId), current.foreign());
      sessions.replace(newId, copy, newer);
      copy = newer;
    }
    sessions.remove(newId, copy);
    throw new SessionStoreException(
        "The session changed on every attempt to move it to a new id; "
            + "the id was not changed, retry the request");
  }

  /** Returns how many write operations (create, save, delete, id change) reached the map. */
  public long writeRequests() {
    return writes.get();
  }

  /** Returns whether a record exists for {@code id}, expired or not. */
  public boolean recordExists(String id) {
    return sessions.containsKey(id);
  }

  /**
   * Puts a value under {@code name} into the stored session that the store's write path could never
   * have produced; {@link #load} leaves it out, as the DynamoDB store leaves out a non-binary map
   * entry. For the contract test of corrupt attributes.
   */
  public void putForeignValue(String id, String name, Object value) {
    sessions.computeIfPresent(
        id,
        (k, e) -> {
          Map<String, Object> foreign = new LinkedHashMap<>(e.foreign());
          foreign.put(name, value);
          return new Entry(e.data(), foreign);
        });
  }

  @Override
  public List<LoggedInSession> loggedIn(String caller) {
    Objects.requireNonNull(caller, "caller");
    Instant now = clock.instant();
    List<LoggedInSession> found = new ArrayList<>();
    for (Entry entry : sessions.values()) {
      SessionData data = entry.data();
      if (!data.isExpiredAt(now) && data.login() != null && data.login().caller().equals(caller)) {
        found.add(LoggedInSession.of(data));
      }
    }
    return found;
  }

  @Override
  public Optional<SessionData> endLoggedIn(String id, String caller) {
    Objects.requireNonNull(caller, "caller");
    Instant now = clock.instant();
    SessionData[] ended = {null};
    sessions.computeIfPresent(
        id,
        (key, entry) -> {
          SessionLogin login = entry.data().login();
          if (login == null || !login.caller().equals(caller)) {
            return entry;
          }
          if (!entry.data().isExpiredAt(now)) {
            ended[0] = entry.data();
          }
          writes.incrementAndGet();
          return null;
        });
    return Optional.ofNullable(ended[0]);
  }

  @Override
  public synchronized List<LoggedInSession> admitLogin(
      String caller, String id, int maxSessions, boolean endOldest) {
    Instant now = clock.instant();
    Map<String, Instant> pending = admitted.computeIfAbsent(caller, c -> new HashMap<>());
    List<LoggedInSession> live = new ArrayList<>();
    for (LoggedInSession session : loggedIn(caller)) {
      if (!session.id().equals(id)) {
        live.add(session);
      }
    }
    pending
        .entrySet()
        .removeIf(
            e ->
                e.getValue().isBefore(now.minus(ADMISSION_GRACE))
                    || live.stream().anyMatch(s -> s.id().equals(e.getKey())));
    int count = live.size() + (int) pending.keySet().stream().filter(p -> !p.equals(id)).count();
    List<LoggedInSession> toEnd = new ArrayList<>();
    if (count >= maxSessions) {
      if (!endOldest) {
        throw new LoginLimitException(count, maxSessions);
      }
      live.sort(LoggedInSession.OLDEST_LOGIN_FIRST);
      toEnd.addAll(live.subList(0, Math.min(live.size(), count - maxSessions + 1)));
    }
    pending.put(id, now);
    return toEnd;
  }

  @Override
  public synchronized void loginWritten(String caller, String id) {
    Map<String, Instant> pending = admitted.get(caller);
    if (pending != null) {
      // Written (or gone): counted from now on only while it is listed as a live session.
      pending.remove(id);
    }
  }

  @Override
  public ExpiredSessions expired(Instant from, Instant until, int max) {
    List<SessionData> found = new ArrayList<>();
    for (Entry entry : sessions.values()) {
      Instant expiry = entry.data().expiryTime();
      if (expiry != null && !expiry.isBefore(from) && !expiry.isAfter(until)) {
        found.add(entry.data());
      }
    }
    found.sort(java.util.Comparator.comparing(SessionData::expiryTime));
    if (found.size() <= max) {
      return new ExpiredSessions(found.stream().map(SessionData::id).toList(), until);
    }
    // Listed up to the first one left out: the next pass starts there.
    return new ExpiredSessions(
        found.subList(0, max).stream().map(SessionData::id).toList(), found.get(max).expiryTime());
  }

  @Override
  public Optional<SessionData> claimExpired(String id) {
    Instant now = clock.instant();
    SessionData[] claimed = {null};
    sessions.computeIfPresent(
        id,
        (key, entry) -> {
          if (!entry.data().isExpiredAt(now)) {
            return entry;
          }
          claimed[0] = entry.data();
          writes.incrementAndGet();
          return null;
        });
    return Optional.ofNullable(claimed[0]);
  }

  /** Returns how many records the map holds, expired ones included. */
  public int recordCount() {
    return sessions.size();
  }

  /** Removes expired records, as DynamoDB's TTL deletion does (here at once). */
  public void sweep() {
    Instant now = clock.instant();
    sessions.values().removeIf(e -> e.data().isExpiredAt(now));
  }

  private static SessionData millis(SessionData s) {
    SessionLogin login =
        s.login() == null
            ? null
            : new SessionLogin(
                s.login().caller(),
                s.login().groups(),
                s.login().mechanism(),
                s.login().authenticatedAt().truncatedTo(ChronoUnit.MILLIS),
                s.login().client());
    return new SessionData(
        s.id(),
        s.creationTime().truncatedTo(ChronoUnit.MILLIS),
        s.lastAccessedTime().truncatedTo(ChronoUnit.MILLIS),
        s.maxInactiveInterval(),
        s.version(),
        s.attributes(),
        login);
  }

  private static long size(SessionData session) {
    long size = ITEM_OVERHEAD + session.id().length();
    for (Map.Entry<String, byte[]> e : session.attributes().entrySet()) {
      size += e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().length + 1;
    }
    return size;
  }

  private Entry live(String id, Instant now) {
    Entry entry = sessions.get(id);
    return entry == null || entry.data().isExpiredAt(now) ? null : entry;
  }
}
