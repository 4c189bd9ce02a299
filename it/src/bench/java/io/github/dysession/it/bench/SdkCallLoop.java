package io.github.dysession.it.bench;

import io.github.dysession.config.DysessionSettings;
import io.github.dysession.config.SettingsSource;
import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.CookieJarClient;
import io.github.dysession.store.Operations;
import io.github.dysession.store.dynamodb.DynamoDbClientFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * The AWS SDK alone, in this plain JVM: a loop of the DynamoDB calls a dysession instance makes per
 * request, with the client dysession builds ({@link DynamoDbClientFactory}, from the same settings
 * as the benchmark's instances), on the same dynalite and table. Each thread has a session of its
 * own, created through an instance as the load's are ({@code POST s?op=incr&name=c}); an iteration
 * is a GetItem of it (consistent, as dysession reads) and, for the mix's share of writes, an
 * UpdateItem like dysession's save of one changed attribute (access time, TTL, expiry bucket, write
 * token, base version, the attribute; version plus one) on dysession's conditions. The JVM's CPU
 * (all its threads, from /proc) over each window divided by the calls made is the SDK's cost per
 * call without a server around it. Bounded in calls and time.
 */
final class SdkCallLoop {

  /** What one window measured. */
  record Result(
      String mix,
      int threads,
      long calls,
      long gets,
      long updates,
      long errors,
      double seconds,
      long jvmCpuNanos,
      long loopThreadCpuNanos,
      long dynaliteCpuNanos,
      String firstError) {

    /** The bench JVM's CPU per call (µs), or NaN. */
    double jvmCpuMicrosPerCall() {
      return calls == 0 || jvmCpuNanos < 0 ? Double.NaN : jvmCpuNanos / 1000.0 / calls;
    }

    /** The loop threads' own CPU per call (µs), or NaN. */
    double loopThreadCpuMicrosPerCall() {
      return calls == 0 ? Double.NaN : loopThreadCpuNanos / 1000.0 / calls;
    }

    /** dynalite's CPU per call (µs), or NaN. */
    double dynaliteCpuMicrosPerCall() {
      return calls == 0 || dynaliteCpuNanos < 0 ? Double.NaN : dynaliteCpuNanos / 1000.0 / calls;
    }

    double callsPerSecond() {
      return seconds <= 0 ? 0 : calls / seconds;
    }

    String summary() {
      return String.format(
          Locale.ROOT,
          "%-24s %2d threads %8.0f calls/s  bench JVM %5.0f us/call (loop threads %.0f)"
              + "  dynalite %5.0f us/call  calls %d (%d GetItem, %d UpdateItem)  errors %d%s",
          mix,
          threads,
          callsPerSecond(),
          jvmCpuMicrosPerCall(),
          loopThreadCpuMicrosPerCall(),
          dynaliteCpuMicrosPerCall(),
          calls,
          gets,
          updates,
          errors,
          firstError == null ? "" : " (first error: " + firstError + ")");
    }
  }

  /** The thread group of the loop's threads in {@link ProcessCpu#threadGroup}. */
  private static final String LOOP_THREADS = "sdk-loop-#";

  private final DysessionSettings settings;
  private final AppServer server;
  private final long dynalitePid;

  /**
   * A loop on {@code endpoint} (dynalite) and {@code table}, with sessions created through {@code
   * server}; dysession's settings are those of the benchmark's instances.
   */
  SdkCallLoop(AppServer server, URI endpoint, String table, long dynalitePid) {
    Map<String, String> values = new HashMap<>();
    values.put("dysession.dynamodb-endpoint", endpoint.toString());
    values.put("dysession.dynamodb-tablename", table);
    this.settings = DysessionSettings.from(SettingsSource.of(values));
    this.server = server;
    this.dynalitePid = dynalitePid;
  }

  /**
   * Warms the loop up until the JIT settles, then measures each mix with {@code threads} threads
   * and with one; the credentials are the instances' ({@code aws.accessKeyId}, read by the SDK's
   * default chain as dysession's client reads them).
   */
  List<Result> run(BenchSettings s, List<LoadDriver.Mix> mixes, int threads) throws Exception {
    System.setProperty("aws.accessKeyId", "bench");
    System.setProperty("aws.secretAccessKey", "bench");
    List<Result> results = new ArrayList<>();
    try (DynamoDbClient client =
        DynamoDbClientFactory.create(settings.dynamoDb(), new Operations())) {
      List<Map<String, AttributeValue>> keys = sessions(threads);
      Duration step = s.quick() ? Duration.ofSeconds(1) : Duration.ofSeconds(4);
      long min = s.sdkWarmup().toNanos();
      long max = s.sdkWarmup().multipliedBy(s.quick() ? 1 : 4).toNanos();
      long started = System.nanoTime();
      int quiet = 0;
      double share;
      for (int i = 0; ; i++) {
        long pid = ProcessHandle.current().pid();
        Map<String, Long> before = ProcessCpu.nanosByThread(List.of(pid));
        long t0 = System.nanoTime();
        window(client, keys, mixes.get(i % mixes.size()), threads, step, s.maxRequestsPerRun(), i);
        long t1 = System.nanoTime();
        Map<String, Long> spent =
            ProcessCpu.difference(before, ProcessCpu.nanosByThread(List.of(pid)));
        share = spent.getOrDefault(BenchMain.COMPILER_THREADS, 0L) / (double) (t1 - t0);
        quiet = share < BenchMain.SETTLED_COMPILER_SHARE ? quiet + 1 : 0;
        long elapsed = t1 - started;
        if ((elapsed >= min && quiet >= 2) || elapsed >= max) {
          System.out.printf(
              Locale.ROOT,
              "[bench] sdk loop: warmed up %.0f s; JIT compilers at the end: %.1f%% of a core"
                  + " (%s)%n",
              elapsed / 1e9,
              share * 100,
              quiet >= 2 ? "settled" : "NOT settled within the bound");
          break;
        }
      }
      int seed = 200;
      for (int n : threads == 1 ? List.of(1) : List.of(threads, 1)) {
        for (LoadDriver.Mix mix : mixes) {
          Result r = window(client, keys, mix, n, s.sdkWindow(), s.maxRequestsPerRun(), seed++);
          System.out.println("[bench] sdk loop: " + r.summary());
          results.add(r);
        }
      }
    }
    return results;
  }

  /** One session per thread, created through the server as the load's are; their keys. */
  private List<Map<String, AttributeValue>> sessions(int threads) throws Exception {
    java.net.http.HttpClient http =
        java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      CookieJarClient user = CookieJarClient.sharing(http, "DYSESSION", id -> {});
      user.json("POST", server.uri("s?op=incr&name=c"));
      String id = user.sessionId();
      if (id == null) {
        throw new IllegalStateException("The instance at " + server.baseUri() + " set no session");
      }
      Map<String, AttributeValue> key = new HashMap<>();
      key.put(settings.partitionKeyName(), AttributeValue.fromS(settings.keyPrefix() + id));
      key.put(settings.sortKeyName(), AttributeValue.fromS("SESSION"));
      keys.add(key);
    }
    return keys;
  }

  /** {@code threads} threads, each on its own session, for {@code time} or {@code maxCalls}. */
  private Result window(
      DynamoDbClient client,
      List<Map<String, AttributeValue>> keys,
      LoadDriver.Mix mix,
      int threads,
      Duration time,
      long maxCalls,
      long seed)
      throws InterruptedException {
    AtomicLong calls = new AtomicLong();
    AtomicLong gets = new AtomicLong();
    AtomicLong updates = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    String[] firstError = {null};
    long pid = ProcessHandle.current().pid();
    long start = System.nanoTime();
    long end = start + time.toNanos();
    List<Thread> workers = new ArrayList<>();
    // The workers wait at the end until their CPU is read: /proc no longer shows an ended thread.
    java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(threads);
    java.util.concurrent.CountDownLatch read = new java.util.concurrent.CountDownLatch(1);
    for (int t = 0; t < threads; t++) {
      Map<String, AttributeValue> key = keys.get(t);
      Random random = new Random(seed * 1000 + t);
      Thread worker =
          new Thread(
              () -> {
                while (System.nanoTime() < end && calls.get() < maxCalls) {
                  try {
                    Map<String, AttributeValue> item = get(client, key);
                    gets.incrementAndGet();
                    calls.incrementAndGet();
                    if (random.nextDouble() >= mix.readShare()) {
                      save(client, key, item);
                      updates.incrementAndGet();
                      calls.incrementAndGet();
                    }
                  } catch (RuntimeException e) {
                    errors.incrementAndGet();
                    synchronized (firstError) {
                      if (firstError[0] == null) {
                        firstError[0] = e.getClass().getSimpleName() + ": " + e.getMessage();
                      }
                    }
                  }
                }
                finished.countDown();
                try {
                  read.await(time.toMillis() + 60_000, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "sdk-loop-" + t);
      worker.setDaemon(true);
      workers.add(worker);
    }
    Map<String, Long> threadsBefore = ProcessCpu.nanosByThread(List.of(pid));
    long cpuBefore = ProcessCpu.nanos(pid);
    long dynaliteBefore = ProcessCpu.nanos(dynalitePid);
    workers.forEach(Thread::start);
    finished.await(time.toMillis() + 30_000, java.util.concurrent.TimeUnit.MILLISECONDS);
    long stopped = System.nanoTime();
    long cpuAfter = ProcessCpu.nanos(pid);
    long dynaliteAfter = ProcessCpu.nanos(dynalitePid);
    Map<String, Long> spent =
        ProcessCpu.difference(threadsBefore, ProcessCpu.nanosByThread(List.of(pid)));
    read.countDown();
    for (Thread worker : workers) {
      worker.join(30_000);
    }
    return new Result(
        mix.label(),
        threads,
        calls.get(),
        gets.get(),
        updates.get(),
        errors.get(),
        (stopped - start) / 1e9,
        cpuBefore < 0 || cpuAfter < 0 ? -1 : cpuAfter - cpuBefore,
        spent.getOrDefault(LOOP_THREADS, 0L),
        dynaliteBefore < 0 || dynaliteAfter < 0 ? -1 : dynaliteAfter - dynaliteBefore,
        firstError[0]);
  }

  /** A GetItem as dysession's load of a session: consistent as configured, capacity asked for. */
  private Map<String, AttributeValue> get(DynamoDbClient client, Map<String, AttributeValue> key) {
    return client
        .getItem(
            b ->
                b.tableName(settings.tableName())
                    .key(key)
                    .consistentRead(settings.dynamoDb().consistentReads())
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL))
        .item();
  }

  /**
   * An UpdateItem as dysession's save of one changed attribute: its SET, ADD and conditions (the
   * item exists, has not expired, and no write based on a newer read landed before it).
   */
  private void save(
      DynamoDbClient client, Map<String, AttributeValue> key, Map<String, AttributeValue> item) {
    String p = DysessionSettings.RESERVED_ATTRIBUTE_PREFIX;
    long nowMillis = System.currentTimeMillis();
    long maxInactive = Long.parseLong(item.get(p + "max_inactive").n());
    long ttl = nowMillis / 1000 + maxInactive;
    long version = Long.parseLong(item.get(p + "version").n());
    AttributeValue value = item.get(p + "attrs").m().get("c");
    Map<String, String> names = new HashMap<>();
    names.put("#pk", settings.partitionKeyName());
    names.put("#ttl", settings.dynamoDb().ttlAttributeName());
    names.put("#ver", p + "version");
    names.put("#writer", p + "writer");
    names.put("#acc", p + "accessed");
    names.put("#mi", p + "max_inactive");
    names.put("#exp", p + "exp");
    names.put("#attrs", p + "attrs");
    names.put("#a0", "c");
    names.put("#base", p + "base");
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":now", AttributeValue.fromN(Long.toString(nowMillis / 1000)));
    values.put(":one", AttributeValue.fromN("1"));
    values.put(":tok", AttributeValue.fromS(Long.toString(System.nanoTime(), 36) + "tok"));
    values.put(":acc", AttributeValue.fromN(Long.toString(nowMillis)));
    values.put(":mi", AttributeValue.fromN(Long.toString(maxInactive)));
    values.put(":ttlv", AttributeValue.fromN(Long.toString(ttl)));
    values.put(
        ":expv", AttributeValue.fromS(settings.keyPrefix() + "exp:" + Math.floorDiv(ttl, 60)));
    values.put(":v0", value);
    values.put(":base", AttributeValue.fromN(Long.toString(version)));
    client.updateItem(
        b ->
            b.tableName(settings.tableName())
                .key(key)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                .updateExpression(
                    "SET #writer = :tok, #acc = :acc, #mi = :mi, #ttl = :ttlv, #exp = :expv,"
                        + " #attrs.#a0 = :v0, #base = :base ADD #ver :one")
                .conditionExpression(
                    "attribute_exists(#pk) AND (attribute_not_exists(#ttl) OR #ttl > :now)"
                        + " AND (attribute_not_exists(#base) OR #base <= :base)")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values));
  }
}
