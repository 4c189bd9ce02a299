package io.github.dysession.it.proof;

import io.github.dysession.it.support.CookieJarClient;
import io.github.dysession.it.support.PayaraMicro;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Many clients, each with its own session, each making requests one after another round-robin over
 * the instances in the rotation (a load balancer without sticky sessions): request {@code i} of
 * client {@code c} goes to instance {@code (c + i) mod n} and alternately increments the servlet
 * attribute {@code n} ({@code POST s?op=incr}, two requests) and the {@code @SessionScoped} counter
 * ({@code POST api/counter}, two requests), so every kind of request reaches every instance.
 *
 * <p>Every answer is checked as it arrives: a 200 must carry the client's own session (never a new
 * one, never a {@code Set-Cookie}) and the next value of its counter; a 503 must carry {@code
 * Retry-After} and no {@code Set-Cookie}. A request that failed (503, no connection) may still have
 * written (the write reached DynamoDB, the answer did not reach the client); such writes show up as
 * a value one higher than expected and are counted as "landed", not as an error. An increment that
 * a later answer or the final state no longer contains is a lost update.
 *
 * <p>Bounded: at most {@code maxRequests} per client and a deadline; one fixed thread pool with one
 * thread per client.
 */
final class LoadRun {

  enum Kind {
    ATTRIBUTE,
    BEAN
  }

  /** The increments of one counter of one client, as the client saw them. */
  static final class Track {
    int successes;
    int failures;
    int last;
    int failuresSinceLast;
    int landed;
    int lost;
    int phantom;
    int finalValue = -1;

    void success(int value) {
      int min = last + 1;
      int max = last + 1 + failuresSinceLast;
      if (value < min) {
        lost += min - value;
      } else if (value > max) {
        phantom += value - max;
      } else {
        landed += value - min;
      }
      last = value;
      successes++;
      failuresSinceLast = 0;
    }

    void failure() {
      failures++;
      failuresSinceLast++;
    }

    void finalValue(int value) {
      finalValue = value;
      if (value < last) {
        lost += last - value;
      } else if (value > last + failuresSinceLast) {
        phantom += value - last - failuresSinceLast;
      } else {
        landed += value - last;
      }
    }

    /**
     * The invariant: the stored count is the successful increments plus failed ones that landed.
     */
    boolean consistent() {
      return lost == 0 && phantom == 0 && finalValue == successes + landed;
    }
  }

  /** One client and what it saw. */
  final class User {
    final int index;
    final CookieJarClient client;
    final Track attribute = new Track();
    final Track bean = new Track();
    String hash;
    int requests;
    int cookieChanges;
    int sessionSwitches;
    int freshSessions;
    int missingRetryAfter;
    int disagreements;

    User(int index) {
      this.index = index;
      this.client = cluster.client();
    }

    Track track(Kind kind) {
      return kind == Kind.ATTRIBUTE ? attribute : bean;
    }

    @Override
    public String toString() {
      return "client " + index + " (session hash " + hash + ")";
    }
  }

  private final ProofCluster cluster;
  private final List<User> users = new ArrayList<>();
  private final Duration backoff;
  private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
  private final LongAdder requests = new LongAdder();
  private final AtomicInteger deadlineHits = new AtomicInteger();
  private volatile List<PayaraMicro> rotation;
  private volatile boolean stop;
  private ExecutorService pool;
  private final List<Future<?>> running = new ArrayList<>();
  private long startNanos;
  private long elapsedNanos;

  /**
   * @param clients how many clients (threads)
   * @param backoff how long a client waits after a failed request
   */
  LoadRun(ProofCluster cluster, int clients, Duration backoff) {
    this.cluster = cluster;
    this.backoff = backoff;
    this.rotation = cluster.instances();
    for (int i = 0; i < clients; i++) {
      users.add(new User(i));
    }
  }

  List<User> users() {
    return users;
  }

  /** Changes the instances the clients send to (what a load balancer's health check does). */
  void rotation(List<PayaraMicro> instances) {
    this.rotation = List.copyOf(instances);
  }

  /** Each client's first request, in parallel: creates its session with {@code n = 1}. */
  void open() throws Exception {
    pool = Executors.newFixedThreadPool(users.size());
    List<Future<?>> opened = new ArrayList<>();
    for (User user : users) {
      opened.add(
          pool.submit(
              () -> {
                PayaraMicro server = rotation.get(user.index % rotation.size());
                CookieJarClient.Answer answer = null;
                // A 503 here created no session (no cookie); a client simply tries again.
                for (int attempt = 0;
                    attempt < 20 && (answer == null || answer.status() == 503);
                    attempt++) {
                  if (answer != null) {
                    Thread.sleep(backoff.toMillis());
                  }
                  answer = user.client.send("POST", server.op("incr", "name", "n"));
                  user.requests++;
                  requests.increment();
                  outcome("HTTP " + answer.status());
                  if (answer.status() == 503 && user.client.sessionId() != null) {
                    throw new AssertionError(user + ": a 503 handed out a session cookie");
                  }
                }
                if (answer.status() != 200 || user.client.sessionId() == null) {
                  throw new AssertionError(
                      user
                          + ": the first request answered "
                          + answer.status()
                          + ": "
                          + answer.body());
                }
                user.hash = CookieJarClient.hash(user.client.sessionId());
                user.attribute.success(number(answer.json().get("value")));
                return null;
              }));
    }
    for (Future<?> f : opened) {
      f.get(2, TimeUnit.MINUTES);
    }
  }

  /** Starts every client's loop; returns at once. */
  void start(int maxRequestsPerClient, Duration maxDuration) {
    long deadline = System.nanoTime() + maxDuration.toNanos();
    startNanos = System.nanoTime();
    for (User user : users) {
      running.add(
          pool.submit(
              () -> {
                loop(user, maxRequestsPerClient, deadline);
                return null;
              }));
    }
  }

  /** Waits until at least {@code total} requests (all clients) have been answered or failed. */
  void awaitRequests(long total, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (requests.sum() < total && System.nanoTime() < deadline && !allDone()) {
      Thread.sleep(10);
    }
  }

  /** Asks the clients to stop after their current request and waits for them. */
  void stop() throws Exception {
    stop = true;
    join();
  }

  /** Waits until every client has finished its loop. */
  void join() throws Exception {
    for (Future<?> f : running) {
      f.get(15, TimeUnit.MINUTES);
    }
    elapsedNanos = System.nanoTime() - startNanos;
    pool.shutdown();
  }

  private boolean allDone() {
    return !running.isEmpty() && running.stream().allMatch(Future::isDone);
  }

  private void loop(User user, int maxRequests, long deadline) throws InterruptedException {
    for (int i = 1; i < maxRequests && !stop; i++) {
      if (System.nanoTime() - deadline > 0) {
        deadlineHits.incrementAndGet();
        return;
      }
      List<PayaraMicro> servers = rotation;
      PayaraMicro server = servers.get(Math.floorMod(user.index + i, servers.size()));
      Kind kind = (i / 2) % 2 == 0 ? Kind.ATTRIBUTE : Kind.BEAN;
      URI uri = kind == Kind.ATTRIBUTE ? server.op("incr", "name", "n") : server.uri("api/counter");
      user.requests++;
      CookieJarClient.Answer answer;
      try {
        answer = user.client.send("POST", uri);
      } catch (IOException e) {
        requests.increment();
        if (e.getMessage() != null && e.getMessage().contains("content-length")) {
          // Headers came, the promised body did not.
          outcome(
              "truncated answer (" + (kind == Kind.ATTRIBUTE ? "s?op=incr" : "api/counter") + ")");
        } else {
          outcome(
              "no answer from "
                  + (server == cluster.a() ? "a" : "b")
                  + " ("
                  + e.getClass().getSimpleName()
                  + ")");
        }
        user.track(kind).failure();
        Thread.sleep(backoff.toMillis());
        continue;
      }
      requests.increment();
      Map<String, Object> json = null;
      if (answer.status() == 200) {
        try {
          json = answer.json();
        } catch (RuntimeException notJson) {
          // Counted below as a failure: the client cannot know whether its change was saved.
        }
      }
      String what = kind == Kind.ATTRIBUTE ? "s?op=incr" : "api/counter";
      if (answer.status() == 200 && json == null) {
        outcome("HTTP 200 without its JSON body (" + what + ")");
      } else if (answer.status() == 200 || answer.status() == 503) {
        outcome("HTTP " + answer.status());
      } else {
        outcome("HTTP " + answer.status() + " (" + what + ")");
      }
      if (!answer.sessionCookies().isEmpty()) {
        user.cookieChanges++;
      }
      if (json != null) {
        String hash;
        int value;
        if (kind == Kind.ATTRIBUTE) {
          @SuppressWarnings("unchecked")
          Map<String, Object> session = (Map<String, Object>) json.get("session");
          hash = session == null ? null : (String) session.get("idHash");
          if (session != null && Boolean.TRUE.equals(session.get("new"))) {
            user.freshSessions++;
          }
          value = number(json.get("value"));
        } else {
          hash = (String) json.get("requestSessionHash");
          value = number(json.get("count"));
        }
        if (!user.hash.equals(hash)) {
          user.sessionSwitches++;
        }
        user.track(kind).success(value);
      } else {
        if (answer.status() == 503 && answer.retryAfter() == null) {
          user.missingRetryAfter++;
        }
        user.track(kind).failure();
        Thread.sleep(backoff.toMillis());
      }
    }
  }

  private void outcome(String key) {
    outcomes.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  private static int number(Object value) {
    if (!(value instanceof Number n)) {
      throw new AssertionError("not a number: " + value);
    }
    return n.intValue();
  }

  /**
   * Reads every client's counters from each of {@code readers} (retrying a few times if an instance
   * does not answer yet) and completes the tracks with the stored values of the first reader.
   */
  void verify(List<PayaraMicro> readers) throws Exception {
    ExecutorService verifiers = Executors.newFixedThreadPool(Math.min(16, users.size()));
    try {
      List<Future<?>> checks = new ArrayList<>();
      for (User user : users) {
        checks.add(
            verifiers.submit(
                () -> {
                  Integer firstAttribute = null;
                  Integer firstBean = null;
                  for (PayaraMicro reader : readers) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> session =
                        (Map<String, Object>) read(user, reader.op("dump")).get("session");
                    if (session == null || !user.hash.equals(session.get("idHash"))) {
                      user.sessionSwitches++;
                      continue;
                    }
                    @SuppressWarnings("unchecked")
                    Object n = ((Map<String, Object>) session.get("attributes")).get("n");
                    int attribute = n == null ? 0 : number(n);
                    Map<String, Object> counter = read(user, reader.uri("api/counter"));
                    int bean = number(counter.get("count"));
                    if (firstAttribute == null) {
                      firstAttribute = attribute;
                      firstBean = bean;
                      user.attribute.finalValue(attribute);
                      user.bean.finalValue(bean);
                    } else if (firstAttribute != attribute || firstBean != bean) {
                      user.disagreements++;
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : checks) {
        f.get(5, TimeUnit.MINUTES);
      }
    } finally {
      verifiers.shutdownNow();
    }
  }

  private Map<String, Object> read(User user, URI uri) throws Exception {
    Exception last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      try {
        CookieJarClient.Answer answer = user.client.send("GET", uri);
        if (answer.status() == 200) {
          return answer.json();
        }
        last = new IllegalStateException("HTTP " + answer.status() + ": " + answer.body());
      } catch (IOException e) {
        last = e;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(user + ": " + uri + " failed 20 times", last);
  }

  // ---- results -------------------------------------------------------------------------------

  long requests() {
    return requests.sum();
  }

  Duration elapsed() {
    return Duration.ofNanos(elapsedNanos);
  }

  int deadlineHits() {
    return deadlineHits.get();
  }

  /** Answers by kind ("HTTP 200", "HTTP 503", "no answer from b (ConnectException)"), sorted. */
  Map<String, Long> outcomes() {
    Map<String, Long> result = new TreeMap<>();
    outcomes.forEach((k, v) -> result.put(k, v.sum()));
    return result;
  }

  long outcomesStartingWith(String prefix) {
    return outcomes().entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  int sum(java.util.function.ToIntFunction<User> f) {
    return users.stream().mapToInt(f).sum();
  }

  /** The clients whose counters break the invariant, with what they saw. */
  List<String> inconsistentClients() {
    List<String> result = new ArrayList<>();
    for (User u : users) {
      for (Kind kind : Kind.values()) {
        Track t = u.track(kind);
        if (!t.consistent()) {
          result.add(
              u
                  + " "
                  + kind
                  + ": stored "
                  + t.finalValue
                  + ", successes "
                  + t.successes
                  + ", failures "
                  + t.failures
                  + ", landed "
                  + t.landed
                  + ", lost "
                  + t.lost
                  + ", phantom "
                  + t.phantom);
        }
      }
    }
    return result;
  }

  /** Figures for the report, in a stable order. */
  Map<String, String> figures() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("clients (one session each)", Integer.toString(users.size()));
    f.put("requests", Long.toString(requests()));
    f.put(
        "successful increments: attribute / @SessionScoped bean",
        sum(u -> u.attribute.successes) + " / " + sum(u -> u.bean.successes));
    f.put("answers", outcomes().toString().replaceAll("[{}]", "").replace("=", ": "));
    f.put(
        "updates lost: attribute / bean",
        sum(u -> u.attribute.lost) + " / " + sum(u -> u.bean.lost));
    f.put(
        "failed requests whose write landed anyway: attribute / bean",
        sum(u -> u.attribute.landed) + " / " + sum(u -> u.bean.landed));
    f.put(
        "sessions replaced or switched (Set-Cookie after the first, other session, new session)",
        Integer.toString(
            sum(u -> u.cookieChanges) + sum(u -> u.sessionSwitches) + sum(u -> u.freshSessions)));
    return f;
  }
}
