package io.github.dysession.servlet;

import io.github.dysession.config.DysessionSettings;
import io.github.dysession.store.ExpiredSessions;
import io.github.dysession.store.MissingIndexException;
import io.github.dysession.store.SessionData;
import io.github.dysession.store.SessionIds;
import io.github.dysession.store.SessionStore;
import io.github.dysession.store.SessionStoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ends the sessions of one application that expired, with the callbacks {@code invalidate()} runs
 * (session listeners, {@code @Destroyed(SessionScoped.class)}, {@code @PreDestroy} of the session's
 * beans, {@code valueUnbound}), on every instance: each pass lists what expired since the last one
 * ({@link SessionStore#expired}) and claims each session with {@link SessionStore#claimExpired},
 * which exactly one instance of the fleet wins, so the callbacks run once per session. A session
 * touched after it was listed is not claimed.
 *
 * <p>Passes run on one daemon thread per application, {@code dysession.expiry.sweep-interval-
 * seconds} apart, each delay jittered by up to 20% so that instances do not sweep in lock-step; a
 * pass ends at most {@code dysession.expiry.max-per-sweep} sessions, and the next one follows at
 * once when it left some. The first pass looks back one hour: older expired sessions are left to
 * DynamoDB's TTL. Guarded by nothing but its own thread: a pass runs on it alone.
 */
final class ExpirySweeper implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ExpirySweeper.class.getName());

  /** How far back the first pass looks. */
  static final Duration LOOK_BACK = Duration.ofHours(1);

  /**
   * How much of what the last pass listed the next one lists again: an index read eventually
   * consistently may show a session of the last minute a moment late.
   */
  static final Duration REVISIT = Duration.ofSeconds(60);

  /** How long the sweep waits before it tries again after finding no index. */
  static final Duration MISSING_INDEX_RETRY = Duration.ofMinutes(10);

  private final SessionManager manager;
  private final DysessionSettings.Expiry settings;
  private final ClassLoader loader;
  private final String path;
  private final Clock clock;
  private final ScheduledExecutorService thread;
  private Instant from;
  private boolean warnedMissingIndex;
  private volatile boolean closed;

  private ExpirySweeper(SessionManager manager, ClassLoader loader, String path, Clock clock) {
    this.manager = manager;
    this.settings = manager.settings().expiry();
    this.loader = loader;
    this.path = path;
    this.clock = clock;
    this.from = clock.instant().minus(LOOK_BACK);
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "dysession-expiry " + path);
              t.setDaemon(true);
              t.setContextClassLoader(loader);
              return t;
            });
  }

  /**
   * Starts sweeping the sessions of {@code manager}'s application, or returns null when {@code
   * dysession.expiry.sweep} is false.
   *
   * @param loader the application's class loader, under which the callbacks run
   */
  static ExpirySweeper start(SessionManager manager, ClassLoader loader, String path, Clock clock) {
    if (!manager.settings().expiry().sweep()) {
      LOG.info(
          () ->
              "dysession's expiry sweep is off for "
                  + path
                  + " ("
                  + DysessionSettings.EXPIRY_SWEEP
                  + "=false): expired sessions end without callbacks");
      return null;
    }
    ExpirySweeper sweeper = new ExpirySweeper(manager, loader, path, clock);
    sweeper.schedule(sweeper.jittered(sweeper.settings.interval()));
    LOG.info(
        () ->
            "dysession's expiry sweep runs for "
                + path
                + " every "
                + sweeper.settings.interval().toSeconds()
                + " s (jittered), at most "
                + sweeper.settings.maxPerSweep()
                + " sessions a pass");
    return sweeper;
  }

  private Duration jittered(Duration interval) {
    double factor = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
    return Duration.ofMillis(Math.max(1, (long) (interval.toMillis() * factor)));
  }

  private void schedule(Duration delay) {
    if (closed) {
      return;
    }
    try {
      // run() catches what a pass throws: the future has nothing to tell.
      var unused = thread.schedule(this::run, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Closed meanwhile.
    }
  }

  private void run() {
    Duration next = jittered(settings.interval());
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(loader);
    try {
      if (sweepOnce()) {
        next = Duration.ofMillis(100);
      }
    } catch (MissingIndexException e) {
      if (!warnedMissingIndex) {
        warnedMissingIndex = true;
        LOG.warning(path + ": " + e.getMessage());
      }
      next = MISSING_INDEX_RETRY;
    } catch (UnsupportedOperationException e) {
      LOG.info(() -> path + ": the session store ends no expired sessions: " + e.getMessage());
      close();
      return;
    } catch (SessionStoreException e) {
      // DynamoDbErrors reports each outage once; the next pass goes on from where this one was.
      LOG.fine(() -> path + ": an expiry pass failed: " + e.getMessage());
    } catch (RuntimeException | LinkageError e) {
      LOG.log(Level.WARNING, path + ": an expiry pass failed: " + e, e);
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
    schedule(next);
  }

  /** Runs one pass on the calling thread; returns whether it left expired sessions to the next. */
  private boolean sweepOnce() {
    Instant now = clock.instant();
    ExpiredSessions found = manager.store().expired(from, now, settings.maxPerSweep());
    List<String> ids = new ArrayList<>(found.ids());
    // Instances that list the same sessions claim them in different orders.
    Collections.shuffle(ids);
    int ended = 0;
    for (String id : ids) {
      if (closed) {
        break;
      }
      Optional<SessionData> claimed = manager.store().claimExpired(id);
      if (claimed.isPresent()) {
        ended++;
        manager.operations().sessionExpired();
        try {
          manager.endedElsewhere(claimed.get());
        } catch (RuntimeException e) {
          LOG.log(
              Level.WARNING,
              path
                  + ": the end callbacks of expired session "
                  + SessionIds.fingerprint(id)
                  + " failed: "
                  + e,
              e);
        }
      }
    }
    boolean more = found.listedUntil().isBefore(now) && ids.size() >= settings.maxPerSweep();
    Instant revisit = found.listedUntil().minus(REVISIT);
    if (revisit.isAfter(from)) {
      from = revisit;
    }
    if (ended > 0) {
      int count = ended;
      LOG.fine(() -> path + ": the expiry sweep ended " + count + " sessions");
    }
    return more;
  }

  /** Stops sweeping; a pass under way stops after the session it is ending. */
  @Override
  public void close() {
    closed = true;
    thread.shutdownNow();
  }
}
