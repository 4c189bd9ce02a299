package io.github.dysession.it.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop HTTP load generator: {@code clients} virtual users, each on its own thread with its
 * own session cookie, each sending its next request as soon as the previous one answered. Each user
 * goes round-robin over the target's instances (request k of user i goes to instance (i + k) mod
 * n), as behind a load balancer without sticky sessions. Loopback only; bounded by time and by a
 * request budget.
 *
 * <p>Requests: a write is {@code POST s?op=incr&name=c} (the session counter plus one, answered
 * with the new value), a read {@code GET s?op=get&name=c}. Latency is measured per request (send to
 * last byte) into an HdrHistogram, in microseconds, for requests completed inside the measured
 * window.
 *
 * <p>Correctness, per user, over the whole run (warm-up included): every acknowledged increment
 * should be in the final counter (else an update was lost); a read should never show less than the
 * user's last acknowledged write (else a stale read — the previous request, a write, always went to
 * the other instance); a session should never be replaced by a new one.
 */
final class LoadDriver {

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(60);

  /**
   * The servers under load: their base URIs (round-robin), session cookie name, and pids for CPU
   * accounting: the application servers' and the session backend's (dynalite), if it is a process;
   * {@code countsDynamoDbCalls}: the servers' DynamoDB calls over the measured window are read from
   * the test application's {@code CallCounter} ({@code GET s?op=calls}).
   */
  record Target(
      String label,
      List<URI> bases,
      String cookieName,
      List<Long> pids,
      List<Long> backendPids,
      boolean countsDynamoDbCalls) {
    Target(String label, List<URI> bases, String cookieName, List<Long> pids) {
      this(label, bases, cookieName, pids, List.of(), false);
    }

    Target(
        String label, List<URI> bases, String cookieName, List<Long> pids, List<Long> backendPids) {
      this(label, bases, cookieName, pids, backendPids, false);
    }
  }

  /** The share of reads; the rest are writes. */
  record Mix(String label, double readShare) {}

  /** What one run (or several merged rounds) measured. */
  static final class Result {
    final String system;
    final String mix;
    final Histogram histogram = new Histogram(1, HIGHEST_MICROS, 3);
    long requests;
    long errors;
    double seconds;
    long cpuNanos;
    long backendCpuNanos;

    /** The load generator's (this JVM's) CPU over the measured window. */
    long driverCpuNanos;

    /**
     * The servers' CPU over the measured window by thread group ({@link ProcessCpu#threadGroup}).
     */
    final java.util.Map<String, Long> threadCpuNanos = new java.util.TreeMap<>();

    boolean cpuKnown = true;

    /**
     * The servers' DynamoDB calls between the two CPU readings of the measured windows (the test
     * application's {@code CallCounter}, all operations), or -1 when not counted.
     */
    long dynamoDbCalls = -1;

    /** Measured requests that were reads and writes. */
    long measuredReads;

    long measuredWrites;

    /** Server CPU per request of each merged round (µs). */
    final List<Double> roundCpuMicros = new ArrayList<>();

    int clients;
    int rounds;
    // Correctness, whole run.
    long writes;
    long acked;
    long writesOnStaleBase;
    long reads;
    long readsAfterRemoteWrite;
    long staleReads;
    long sessionsReplaced;
    long updatesLost;
    long finalChecks;
    String firstError;

    Result(String system, String mix) {
      this.system = system;
      this.mix = mix;
    }

    double throughput() {
      return seconds <= 0 ? 0 : requests / seconds;
    }

    double percentileMillis(double percentile) {
      return histogram.getTotalCount() == 0
          ? Double.NaN
          : histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    double meanMillis() {
      return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getMean() / 1000.0;
    }

    /** Server CPU microseconds per measured request, or NaN when unknown. */
    double cpuMicrosPerRequest() {
      return !cpuKnown || requests == 0
          ? Double.NaN
          : (cpuNanos + backendCpuNanos) / 1000.0 / requests;
    }

    /** The servers' own CPU per request (without the backend's), or NaN when unknown. */
    double serverCpuMicrosPerRequest() {
      return !cpuKnown || requests == 0 ? Double.NaN : cpuNanos / 1000.0 / requests;
    }

    /** The load generator's CPU per request, or NaN when unknown. */
    double driverCpuMicrosPerRequest() {
      return requests == 0 || driverCpuNanos <= 0 ? Double.NaN : driverCpuNanos / 1000.0 / requests;
    }

    /** DynamoDB calls per measured request, from the servers' counters, or NaN when not counted. */
    double dynamoDbCallsPerRequest() {
      return dynamoDbCalls < 0 || requests == 0 ? Double.NaN : dynamoDbCalls / (double) requests;
    }

    /**
     * DynamoDB calls per measured request as the mix's requests cost them (section 1: a read one
     * GetItem, a write a GetItem and an UpdateItem): a check of {@link #dynamoDbCallsPerRequest}.
     */
    double dynamoDbCallsPerRequestFromMix() {
      return requests == 0 ? Double.NaN : (measuredReads + 2.0 * measuredWrites) / requests;
    }

    /** The servers' own CPU per DynamoDB call (µs), or NaN when unknown. */
    double serverCpuMicrosPerDynamoDbCall() {
      return !cpuKnown || dynamoDbCalls <= 0 ? Double.NaN : cpuNanos / 1000.0 / dynamoDbCalls;
    }

    /** The backend's (dynalite's) CPU per DynamoDB call (µs), or NaN when unknown. */
    double backendCpuMicrosPerDynamoDbCall() {
      return !cpuKnown || dynamoDbCalls <= 0 || backendCpuNanos <= 0
          ? Double.NaN
          : backendCpuNanos / 1000.0 / dynamoDbCalls;
    }

    /** The servers' CPU per request of a thread group, or NaN. */
    double threadCpuMicrosPerRequest(String group) {
      return requests == 0
          ? Double.NaN
          : threadCpuNanos.getOrDefault(group, 0L) / 1000.0 / requests;
    }

    /** The session backend's (dynalite's) share of {@link #cpuMicrosPerRequest}, or NaN. */
    double backendCpuMicrosPerRequest() {
      return !cpuKnown || requests == 0 ? Double.NaN : backendCpuNanos / 1000.0 / requests;
    }

    void add(Result r) {
      histogram.add(r.histogram);
      requests += r.requests;
      errors += r.errors;
      seconds += r.seconds;
      cpuNanos += r.cpuNanos;
      backendCpuNanos += r.backendCpuNanos;
      driverCpuNanos += r.driverCpuNanos;
      roundCpuMicros.add(r.cpuMicrosPerRequest());
      r.threadCpuNanos.forEach((k, v) -> threadCpuNanos.merge(k, v, Long::sum));
      cpuKnown &= r.cpuKnown;
      dynamoDbCalls =
          rounds == 0
              ? r.dynamoDbCalls
              : dynamoDbCalls < 0 || r.dynamoDbCalls < 0 ? -1 : dynamoDbCalls + r.dynamoDbCalls;
      measuredReads += r.measuredReads;
      measuredWrites += r.measuredWrites;
      clients = Math.max(clients, r.clients);
      rounds += r.rounds;
      writes += r.writes;
      acked += r.acked;
      writesOnStaleBase += r.writesOnStaleBase;
      reads += r.reads;
      readsAfterRemoteWrite += r.readsAfterRemoteWrite;
      staleReads += r.staleReads;
      sessionsReplaced += r.sessionsReplaced;
      updatesLost += r.updatesLost;
      finalChecks += r.finalChecks;
      firstError = firstError == null ? r.firstError : firstError;
    }

    /** The {@code n} thread groups that spent the most CPU, with µs per request, one per line. */
    String threadSummary(int n) {
      StringBuilder out = new StringBuilder();
      threadCpuNanos.entrySet().stream()
          .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
          .limit(n)
          .forEach(
              e ->
                  out.append(
                      String.format(
                          Locale.ROOT,
                          "    %-20s %8.1f us/req%n",
                          e.getKey(),
                          e.getValue() / 1000.0 / Math.max(1, requests))));
      return out.toString();
    }

    String summary() {
      return String.format(
              Locale.ROOT,
              "%-34s %-22s %8.0f req/s  p50 %7.2f ms  p99 %7.2f ms  cpu %6.0f us/req"
                  + " (backend %.0f, driver %.0f)  errors %d  "
                  + "lost %d/%d  stale %d/%d  replaced %d",
              system,
              mix,
              throughput(),
              percentileMillis(50),
              percentileMillis(99),
              cpuMicrosPerRequest(),
              backendCpuMicrosPerRequest(),
              driverCpuMicrosPerRequest(),
              errors,
              updatesLost,
              acked,
              staleReads,
              readsAfterRemoteWrite,
              sessionsReplaced)
          + (dynamoDbCalls < 0
              ? ""
              : String.format(
                  Locale.ROOT,
                  "  DynamoDB calls/req %.3f (mix: %.3f), instances %.0f us/call",
                  dynamoDbCallsPerRequest(),
                  dynamoDbCallsPerRequestFromMix(),
                  serverCpuMicrosPerDynamoDbCall()))
          + (firstError == null ? "" : "  (first error: " + firstError + ")");
    }
  }

  private LoadDriver() {}

  /**
   * Runs {@code clients} users against {@code target} for {@code warmup} (not measured) and then
   * {@code measure}, or until {@code maxRequests} measured requests, whichever comes first; then
   * each user reads its counter from every instance to count lost updates.
   */
  static Result run(
      Target target,
      Mix mix,
      int clients,
      Duration warmup,
      Duration measure,
      long maxRequests,
      long seed)
      throws InterruptedException {
    long start = System.nanoTime();
    long measureStart = start + warmup.toNanos();
    long end = measureStart + measure.toNanos();
    AtomicLong measured = new AtomicLong();
    CountDownLatch budgetReached = new CountDownLatch(1);
    long[] budgetAt = {Long.MAX_VALUE};
    List<User> users = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      User user = new User(i, target, mix, new Random(seed * 1000 + i));
      users.add(user);
      Thread thread =
          new Thread(
              () -> user.loop(measureStart, end, measured, maxRequests, budgetReached, budgetAt),
              "load-" + target.label() + "-" + i);
      thread.setDaemon(true);
      threads.add(thread);
    }
    threads.forEach(Thread::start);

    sleepUntil(measureStart);
    long callsBefore = target.countsDynamoDbCalls() ? dynamoDbCalls(target) : -1;
    long cpuBefore = ProcessCpu.nanos(target.pids());
    long backendBefore = ProcessCpu.nanos(target.backendPids());
    long driverBefore = ProcessCpu.nanos(ProcessHandle.current().pid());
    java.util.Map<String, Long> threadsBefore = ProcessCpu.nanosByThread(target.pids());
    budgetReached.await(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
    long stoppedAt = Math.min(end, budgetAt[0]);
    long cpuAfter = ProcessCpu.nanos(target.pids());
    long backendAfter = ProcessCpu.nanos(target.backendPids());
    long driverAfter = ProcessCpu.nanos(ProcessHandle.current().pid());
    java.util.Map<String, Long> threadsAfter = ProcessCpu.nanosByThread(target.pids());
    long callsAfter = target.countsDynamoDbCalls() ? dynamoDbCalls(target) : -1;
    for (User user : users) {
      user.stop = true;
    }
    for (Thread thread : threads) {
      thread.join(REQUEST_TIMEOUT.toMillis() + 5000);
    }

    Result result = new Result(target.label(), mix.label());
    result.seconds = Math.max(1, stoppedAt - measureStart) / 1e9;
    result.cpuKnown = cpuBefore >= 0 && cpuAfter >= 0 && backendBefore >= 0 && backendAfter >= 0;
    result.cpuNanos = result.cpuKnown ? cpuAfter - cpuBefore : 0;
    result.backendCpuNanos = result.cpuKnown ? backendAfter - backendBefore : 0;
    result.driverCpuNanos = driverBefore >= 0 && driverAfter >= 0 ? driverAfter - driverBefore : 0;
    result.threadCpuNanos.putAll(ProcessCpu.difference(threadsBefore, threadsAfter));
    result.dynamoDbCalls = callsBefore < 0 || callsAfter < 0 ? -1 : callsAfter - callsBefore;
    result.clients = clients;
    result.rounds = 1;
    for (User user : users) {
      user.finalCheck();
      result.histogram.add(user.histogram);
      result.requests += user.measuredRequests;
      result.measuredReads += user.measuredReads;
      result.measuredWrites += user.measuredWrites;
      result.errors += user.errors;
      result.writes += user.writes;
      result.acked += user.ackedTotal;
      result.writesOnStaleBase += user.writesOnStaleBase;
      result.reads += user.reads;
      result.readsAfterRemoteWrite += user.readsAfterRemoteWrite;
      result.staleReads += user.staleReads;
      result.sessionsReplaced += user.sessionsReplaced;
      result.updatesLost += user.lost;
      result.finalChecks += user.finalChecks;
      if (result.firstError == null) {
        result.firstError = user.firstError;
      }
    }
    return result;
  }

  /**
   * The DynamoDB calls the target's servers have made so far, summed over operations and servers
   * (their {@code CallCounter}, {@code GET s?op=calls}, a request that touches no session), or -1.
   */
  static long dynamoDbCalls(Target target) throws InterruptedException {
    long sum = 0;
    for (URI base : target.bases()) {
      try {
        HttpResponse<String> response =
            HTTP.send(
                HttpRequest.newBuilder(base.resolve("s?op=calls"))
                    .timeout(REQUEST_TIMEOUT)
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          return -1;
        }
        sum += sumOfCalls(response.body());
      } catch (IOException e) {
        return -1;
      }
    }
    return sum;
  }

  /** The sum of the numbers in the {@code "calls":{...}} object of the servlet's answer. */
  static long sumOfCalls(String body) {
    int at = body.indexOf("\"calls\":{");
    if (at < 0) {
      return 0;
    }
    int end = body.indexOf('}', at);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(":(\\d+)").matcher(body.substring(at + 8, end));
    long sum = 0;
    while (m.find()) {
      sum += Long.parseLong(m.group(1));
    }
    return sum;
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long wait = nanoTime - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  /** One virtual user: one session, requests in sequence. */
  private static final class User {
    private final int index;
    private final Target target;
    private final Mix mix;
    private final Random random;
    private final Histogram histogram = new Histogram(1, HIGHEST_MICROS, 3);
    volatile boolean stop;
    // All cookies the servers set, like a browser (Payara's replication needs its
    // JSESSIONIDVERSION).
    private final java.util.Map<String, String> cookies = new java.util.LinkedHashMap<>();
    private String cookie;
    private String sessionKey;
    private long counter;
    // Counter value after this user's last acknowledged write, in the current session.
    private long lastWritten;
    private long ackedInSession;
    private boolean previousWasWrite;
    private int previousInstance = -1;
    long measuredRequests;
    long measuredReads;
    long measuredWrites;
    long errors;
    long writes;
    long ackedTotal;
    long writesOnStaleBase;
    long reads;
    long readsAfterRemoteWrite;
    long staleReads;
    long sessionsReplaced;
    long lost;
    long finalChecks;
    String firstError;

    User(int index, Target target, Mix mix, Random random) {
      this.index = index;
      this.target = target;
      this.mix = mix;
      this.random = random;
    }

    void loop(
        long measureStart,
        long end,
        AtomicLong measured,
        long maxRequests,
        CountDownLatch budgetReached,
        long[] budgetAt) {
      boolean first = true;
      while (!stop && System.nanoTime() < end) {
        int instance = (int) ((index + counter++) % target.bases().size());
        // The first request of a user writes, so that it has a session from then on.
        boolean write = first || random.nextDouble() >= mix.readShare();
        first = false;
        long t0 = System.nanoTime();
        Long value;
        try {
          value = send(instance, write);
        } catch (IOException e) {
          value = null;
          errors++;
          if (firstError == null) {
            firstError = e.getClass().getSimpleName() + ": " + e.getMessage();
          }
          pause();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        long t1 = System.nanoTime();
        if (t1 >= measureStart && t1 < end && t0 >= measureStart) {
          histogram.recordValue(Math.max(1, Math.min(HIGHEST_MICROS, (t1 - t0) / 1000)));
          measuredRequests++;
          if (write) {
            measuredWrites++;
          } else {
            measuredReads++;
          }
          long n = measured.incrementAndGet();
          if (n == maxRequests) {
            budgetAt[0] = t1;
            budgetReached.countDown();
          }
          if (n >= maxRequests) {
            return;
          }
        }
        if (value != null) {
          check(instance, write, value);
        }
      }
    }

    /**
     * Sends one request; returns the counter value it answered (0 for none), or null on an HTTP
     * error.
     */
    private Long send(int instance, boolean write) throws IOException, InterruptedException {
      URI base = target.bases().get(instance);
      HttpRequest.Builder request =
          HttpRequest.newBuilder(base.resolve(write ? "s?op=incr&name=c" : "s?op=get&name=c"))
              .timeout(REQUEST_TIMEOUT)
              .method(write ? "POST" : "GET", HttpRequest.BodyPublishers.noBody());
      if (cookie != null) {
        request.header("Cookie", cookie);
      }
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      for (String setCookie : response.headers().allValues("set-cookie")) {
        takeCookie(setCookie);
      }
      cookie = cookieHeader();
      if (response.statusCode() != 200) {
        errors++;
        if (firstError == null) {
          String body = response.body().replaceAll("\\s+", " ");
          firstError =
              "HTTP "
                  + response.statusCode()
                  + " "
                  + body.substring(0, Math.min(120, body.length()));
        }
        pause();
        return null;
      }
      return parseValue(response.body());
    }

    private void takeCookie(String setCookie) {
      int equals = setCookie.indexOf('=');
      if (equals <= 0) {
        return;
      }
      String name = setCookie.substring(0, equals).trim();
      int semicolon = setCookie.indexOf(';');
      String value =
          setCookie.substring(equals + 1, semicolon < 0 ? setCookie.length() : semicolon).trim();
      boolean expired = value.isEmpty() || setCookie.toLowerCase(Locale.ROOT).contains("max-age=0");
      if (expired) {
        cookies.remove(name);
      } else {
        cookies.put(name, value);
      }
      if (!name.equals(target.cookieName()) || expired) {
        return;
      }
      // Payara may append a route (".instance") to the same session's id.
      String key = value.contains(".") ? value.substring(0, value.indexOf('.')) : value;
      if (sessionKey != null && !sessionKey.equals(key)) {
        // A new session replaced ours: everything acknowledged in the old one is gone.
        sessionsReplaced++;
        lost += ackedInSession;
        ackedInSession = 0;
        lastWritten = 0;
      }
      sessionKey = key;
    }

    private String cookieHeader() {
      if (cookies.isEmpty()) {
        return null;
      }
      StringBuilder sb = new StringBuilder();
      cookies.forEach(
          (k, v) -> sb.append(sb.length() == 0 ? "" : "; ").append(k).append('=').append(v));
      return sb.toString();
    }

    private void check(int instance, boolean write, long value) {
      if (write) {
        writes++;
        ackedTotal++;
        ackedInSession++;
        if (value != lastWritten + 1) {
          writesOnStaleBase++;
        }
        lastWritten = value;
      } else {
        reads++;
        boolean afterRemoteWrite = previousWasWrite && previousInstance != instance;
        if (afterRemoteWrite) {
          readsAfterRemoteWrite++;
        }
        if (value < lastWritten) {
          staleReads++;
        }
      }
      previousWasWrite = write;
      previousInstance = instance;
    }

    /**
     * Reads the counter from every instance: increments acknowledged but in none of them are lost.
     */
    void finalCheck() {
      if (cookie == null || ackedInSession == 0) {
        return;
      }
      long best = -1;
      for (URI base : target.bases()) {
        try {
          HttpResponse<String> response =
              HTTP.send(
                  HttpRequest.newBuilder(base.resolve("s?op=get&name=c"))
                      .timeout(REQUEST_TIMEOUT)
                      .header("Cookie", cookie)
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          for (String setCookie : response.headers().allValues("set-cookie")) {
            takeCookie(setCookie);
          }
          cookie = cookieHeader();
          if (response.statusCode() == 200) {
            best = Math.max(best, parseValue(response.body()));
          }
        } catch (IOException e) {
          // Counted as unknown below.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (best >= 0) {
        finalChecks++;
        lost += Math.max(0, ackedInSession - best);
      }
    }

    private static void pause() {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The number after {@code "value":} in the servlet's JSON answer; 0 for null or absent. */
  static long parseValue(String body) {
    int at = body.indexOf("\"value\":");
    if (at < 0) {
      return 0;
    }
    int i = at + 8;
    long v = 0;
    boolean digits = false;
    while (i < body.length() && Character.isDigit(body.charAt(i))) {
      v = v * 10 + (body.charAt(i++) - '0');
      digits = true;
    }
    return digits ? v : 0;
  }
}
